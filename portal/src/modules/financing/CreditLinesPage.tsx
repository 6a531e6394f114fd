/**
 * Credit lines: a bank's per core enterprise (or those on a core enterprise, or all for operators
 * and auditors), their use as a bar chart, and for a bank setting or changing a line (a commit
 * action). Bars are drawn from whole yuan; every label and tooltip shows the exact amount.
 */
import { useQuery } from "@tanstack/react-query";
import { lazy, Suspense, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { get, queryClient } from "../../api/client";
import { useSession } from "../../shared/session";
import { CommitButton, CommitOutcome, useCommit } from "../../shared/commit";
import { Money } from "../../shared/Money";
import { fenToYuanInput, formatFen, parseYuan, yuanForChart } from "../../shared/money";
import { Card, DataTable, EmptyState, Field, Page, ProblemMessage, QueryState } from "../../shared/ui";
import { chinaToday } from "../../shared/dates";
import { LiveOperation } from "../../shared/operation";
import { useMembers } from "../../shared/organizations";
import type { LineBar } from "./CreditLinesChart";
import { LineTerm } from "./LineTerm";

// the chart library (~400 kB) loads when the chart is drawn, not with the homes that import this page
const CreditLinesChart = lazy(() => import("./CreditLinesChart").then((m) => ({ default: m.CreditLinesChart })));

/** A credit line as `GET /v1/credit-lines` lists it. */
type Line = Awaited<ReturnType<typeof listLines>>["items"][number];
const listLines = () => get("/v1/credit-lines");

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const creditLinesKey = ["credit-lines"] as const;

export function CreditLinesPage() {
  const { t } = useTranslation(["financing", "common"]);
  const session = useSession();
  const isBank = session.has("bank");
  const lines = useQuery({ queryKey: creditLinesKey, queryFn: listLines });
  const items: Line[] = lines.data?.items ?? [];
  const label = (l: Line) => (isBank ? l.obligorName : session.has("core_enterprise") ? l.bankName : `${l.bankName} → ${l.obligorName}`);
  const chart: LineBar[] = items.map((l) => ({
    name: label(l),
    used: yuanForChart(l.used),
    committed: yuanForChart(l.committed),
    available: yuanForChart(l.available),
    exact: l,
  }));

  return (
    <Page title={t("lines.title")}>
      <QueryState query={lines}>
        {() =>
          items.length === 0 ? (
            <EmptyState title={t("lines.empty")} />
          ) : (
            <>
              <Card title={t("lines.chartTitle")}>
                <figure className="chart-figure" aria-label={t("lines.chartLabel")}>
                  <div className="chart" aria-hidden="true">
                    <Suspense fallback={<div className="chart-pending" aria-busy="true" />}>
                      <CreditLinesChart bars={chart} />
                    </Suspense>
                  </div>
                  <figcaption className="muted">{t("lines.chartCaption")}</figcaption>
                </figure>
              </Card>
              <DataTable<Line>
                caption={t("lines.tableCaption")}
                rows={items}
                rowKey={(l) => `${l.bankId}:${l.obligorId}`}
                columns={[
                  { key: "name", header: isBank ? t("field.obligor") : t("lines.pair"), rowHeader: true, cell: label },
                  { key: "limit", header: t("lines.limit"), numeric: true, cell: (l) => <Money fen={l.limit} /> },
                  { key: "used", header: t("lines.used"), numeric: true, cell: (l) => <Money fen={l.used} /> },
                  { key: "committed", header: t("lines.committed"), numeric: true, cell: (l) => <Money fen={l.committed} /> },
                  { key: "available", header: t("lines.available"), numeric: true, cell: (l) => <Money fen={l.available} /> },
                  { key: "requested", header: t("lines.requested"), numeric: true, cell: (l) => (l.requestedLimit ? <Money fen={l.requestedLimit} /> : "—") },
                  { key: "term", header: t("lines.term"), cell: (l) => <LineTerm line={l} /> },
                ]}
              />
            </>
          )
        }
      </QueryState>
      {isBank ? <SetCreditLine lines={items} /> : null}
    </Page>
  );
}

function SetCreditLine({ lines }: { lines: Line[] }) {
  const { t } = useTranslation(["financing", "common"]);
  const set = useCommit("/v1/credit-lines", { onDone: () => void queryClient.invalidateQueries({ queryKey: creditLinesKey }) });
  const cores = useMembers("core_enterprise");
  const [obligorId, setObligorId] = useState(lines[0]?.obligorId ?? "");
  const [limit, setLimit] = useState(lines[0] ? fenToYuanInput(lines[0].limit) : "");
  const [validFrom, setValidFrom] = useState(lines[0]?.validFrom ?? chinaToday());
  const [validUntil, setValidUntil] = useState(lines[0]?.validUntil ?? chinaToday(365));
  const [errors, setErrors] = useState<{ obligor?: string; limit?: string; validFrom?: string; validUntil?: string }>({});
  if (set.mode === "hidden") return null;
  const current = lines.find((l) => l.obligorId === obligorId);
  const choices = new Map<string, string>(lines.map((l) => [l.obligorId, l.obligorName]));
  for (const m of cores.data ?? []) if (m.status === "active" || choices.has(m.id)) choices.set(m.id, m.legalName);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseYuan(limit, { allowZero: true });
    const next = {
      obligor: UUID.test(obligorId) ? undefined : t("lines.obligorInvalid"),
      limit: parsed.ok ? undefined : t(`common:money.${parsed.reason}`),
      validFrom: DATE.test(validFrom) ? undefined : t("lines.dateInvalid"),
      validUntil: !DATE.test(validUntil) ? t("lines.dateInvalid") : validUntil < validFrom ? t("lines.untilBeforeFrom") : validUntil < chinaToday() ? t("lines.untilPast") : undefined,
    };
    setErrors(next);
    if (next.obligor || !parsed.ok || next.validFrom || next.validUntil) return;
    set.mutate({ body: { obligorId, limit: parsed.fen, validFrom, validUntil } });
  };

  return (
    <Card title={t("lines.setTitle")}>
      <form className="stack" onSubmit={submit} noValidate>
        <div className="form-row">
          <Field label={t("field.obligor")} error={errors.obligor}>
            {(p) => (
              <select
                {...p}
                value={obligorId}
                onChange={(e) => {
                  setObligorId(e.target.value);
                  const l = lines.find((x) => x.obligorId === e.target.value);
                  setLimit(l ? fenToYuanInput(l.limit) : "");
                  setValidFrom(l?.validFrom ?? chinaToday());
                  setValidUntil(l?.validUntil ?? chinaToday(365));
                }}
              >
                <option value="">{t("lines.chooseObligor")}</option>
                {[...choices].map(([id, legalName]) => (
                  <option key={id} value={id}>
                    {lines.some((l) => l.obligorId === id) ? t("lines.hasLine", { name: legalName }) : legalName}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t("lines.limitYuan")} hint={current ? t("lines.currentLimit", { amount: formatFen(current.limit) }) : t("common:money.format")} error={errors.limit}>
            {(p) => <input {...p} inputMode="decimal" value={limit} onChange={(e) => setLimit(e.target.value)} />}
          </Field>
        </div>
        <div className="form-row">
          <Field label={t("lines.validFrom")} error={errors.validFrom}>
            {(p) => <input {...p} type="date" value={validFrom} onChange={(e) => setValidFrom(e.target.value)} />}
          </Field>
          <Field label={t("lines.validUntil")} hint={t("lines.termHint")} error={errors.validUntil}>
            {(p) => <input {...p} type="date" min={chinaToday()} value={validUntil} onChange={(e) => setValidUntil(e.target.value)} />}
          </Field>
        </div>
        <ProblemMessage error={cores.error} />
        <div className="actions">
          <CommitButton commit={set} type="submit" label={t("lines.set")} />
        </div>
        {set.data?.kind === "done" ? <LiveOperation id={set.data.data.operation.id} /> : null}
        <CommitOutcome commit={set} />
      </form>
    </Card>
  );
}
