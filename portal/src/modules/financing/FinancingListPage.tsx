/**
 * Financings: a supplier's, or a bank's portfolio. For a bank each financing is shown with its
 * certificate's state (funded, due, overdue, defaulted, settled), read from the requests it quotes on.
 */
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { get, type Schemas } from "../../api/client";
import { useSession } from "../../shared/session";
import { chinaToday, formatDate, formatDateTime } from "../../shared/dates";
import { Money } from "../../shared/Money";
import { formatFen, sumFen } from "../../shared/money";
import { Card, DataTable, EmptyState, Field, Page, QueryState, Stat, StatusBadge } from "../../shared/ui";
import { useOrgNames } from "../../shared/organizations";
import { FinancingStatus, ReceivableStatus } from "../../shared/statuses";
import { BUCKETS, bookWords, type Bucket } from "./book";

type Financing = Schemas["Financing"];
type Receivable = Schemas["Receivable"];

export const financingsKey = ["financings"] as const;

export function bucketOf(f: Financing, r: Receivable | undefined, today = chinaToday()): Bucket {
  if (f.status === "failed") return "failed";
  if (f.status !== "funded") return "inProgress";
  if (!r) return "funded";
  if (r.status === "defaulted") return "defaulted";
  if (r.status === "overdue") return "overdue";
  if (r.status === "settled") return "settled";
  // financed and falling due today or already past its maturity, not yet cleared
  if (r.maturity.slice(0, 10) <= today) return "due";
  return "funded";
}

const BUCKET_TONE = { inProgress: "info", funded: "success", due: "warning", overdue: "warning", defaulted: "danger", settled: "neutral", failed: "danger" } as const;

/** The receivables behind financings, from the requests the caller sees (one read). */
export function usePortfolioReceivables(enabled: boolean) {
  return useQuery({
    queryKey: ["financing-requests", "portfolio"],
    queryFn: () => get("/v1/financing-requests", { params: { query: { status: "funded,accepted" } } }),
    enabled,
    select: (d) => new Map(d.items.map((x) => [x.receivable.id, x.receivable])),
  });
}

export function FinancingListPage() {
  const { t } = useTranslation(["financing", "common"]);
  const session = useSession();
  const isBank = session.has("bank");
  const name = useOrgNames();
  const [bucket, setBucket] = useState<Bucket | "">("");
  const financings = useQuery({ queryKey: financingsKey, queryFn: () => get("/v1/financings") });
  const receivables = usePortfolioReceivables(isBank);
  const rows = (financings.data?.items ?? []).map((f) => ({ f, r: receivables.data?.get(f.receivableId) }));
  const withBucket = rows.map((x) => ({ ...x, bucket: bucketOf(x.f, x.r) }));
  const shown = bucket ? withBucket.filter((x) => x.bucket === bucket) : withBucket;
  const title = isBank ? t("financings.bankTitle") : t("financings.title");
  const buckets = BUCKETS;

  return (
    <Page title={title}>
      <QueryState query={financings}>
        {() => (
          <>
            {isBank ? (
              <Card title={t("financings.summary")}>
                <dl className="stats">
                  {buckets.map((b) => {
                    const inB = withBucket.filter((x) => x.bucket === b);
                    return (
                      <Stat
                        key={b}
                        label={t(`bucket.${b}`)}
                        value={inB.length}
                        hint={t("financings.dueSum", { amount: formatFen(sumFen(inB.map((x) => x.f.due))) })}
                      />
                    );
                  })}
                </dl>
              </Card>
            ) : null}
            {isBank ? (
              <div className="filters">
                <Field label={t("financings.filter")}>
                  {(p) => (
                    <select {...p} value={bucket} onChange={(e) => setBucket(e.target.value as Bucket | "")}>
                      <option value="">{t("requests.filterAll")}</option>
                      {buckets.map((b) => (
                        <option key={b} value={b}>
                          {t(`bucket.${b}`)}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
              </div>
            ) : null}
            <DataTable
              caption={title}
              rows={shown}
              rowKey={(x) => x.f.id}
              empty={<EmptyState title={t("financings.empty")} />}
              columns={[
                {
                  key: "id",
                  header: t("field.financing"),
                  rowHeader: true,
                  cell: (x) => <Link to={`/financing/financings/${x.f.id}`}>{x.r?.certificateId ? t("field.certificateNo", { id: x.r.certificateId }) : x.f.id.slice(0, 8)}</Link>,
                },
                isBank
                  ? { key: "supplier", header: t("field.supplier"), cell: (x) => name(x.f.supplierId) }
                  : { key: "bank", header: t("field.bank"), cell: (x) => name(x.f.bankId) },
                { key: "advance", header: t("quote.advance"), numeric: true, cell: (x) => <Money fen={x.f.advance} /> },
                { key: "due", header: t("quote.due"), numeric: true, cell: (x) => <Money fen={x.f.due} /> },
                { key: "recourse", header: t("quote.recourse"), cell: (x) => (x.f.recourse ? t("common:yes") : t("common:no")) },
                { key: "status", header: t("field.status"), cell: (x) => <FinancingStatus status={x.f.status} /> },
                { key: "filing", header: t("field.filingNumber"), cell: (x) => <span className="mono">{x.f.registryRegistrationId ?? "—"}</span> },
                ...(isBank
                  ? [
                      { key: "maturity", header: t("field.maturity"), cell: (x: (typeof withBucket)[number]) => (x.r ? formatDate(x.r.maturity) : "—") },
                      {
                        key: "book",
                        header: t("financings.book"),
                        cell: (x: (typeof withBucket)[number]) => (
                          <>
                            <StatusBadge status={x.bucket} tone={BUCKET_TONE[x.bucket]} label={t(`bucket.${x.bucket}`)} />
                            {x.r && bookWords(t(`bucket.${x.bucket}`), t(`receivables:status.${x.r.status}`)).length > 1 ? (
                              <>
                                {" "}
                                <ReceivableStatus status={x.r.status} />
                              </>
                            ) : null}
                          </>
                        ),
                      },
                    ]
                  : []),
                { key: "accepted", header: t("field.acceptedAt"), cell: (x) => formatDateTime(x.f.acceptedAt) },
                { key: "funded", header: t("field.fundedAt"), cell: (x) => formatDateTime(x.f.fundedAt) },
              ]}
            />
          </>
        )}
      </QueryState>
    </Page>
  );
}
