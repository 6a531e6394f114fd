import { useState } from "react";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { get, type Schemas } from "../../api/client";
import { useDuty } from "../../shared/commit";
import { formatDate } from "../../shared/dates";
import { Money } from "../../shared/Money";
import { Button, DataTable, EmptyState, Field, Page, QueryState, StatusBadge } from "../../shared/ui";
import { INVOICE_STATUSES, isVerifying, rejectionText } from "./labels";
import { MismatchList } from "./Mismatch";

type Invoice = Schemas["Invoice"];
type Status = (typeof INVOICE_STATUSES)[number];

/**
 * A verified, unused invoice's platform id, to give to the core enterprise it is billed to: it
 * issues a certificate (开立) against it by that id.
 */
function CopyId({ id, label }: { id: string; label: string }) {
  const { t } = useTranslation("invoices");
  const [copied, setCopied] = useState(false);
  return (
    <span className="copy-id">
      <code className="mono" title={id}>
        {id}
      </code>
      {navigator.clipboard ? (
        <Button variant="link" onClick={() => void navigator.clipboard.writeText(id).then(() => setCopied(true))}>
          {copied ? t("common:action.copied") : t("common:action.copy")}
          <span className="visually-hidden"> {t("list.invoiceIdOf", { number: label })}</span>
        </Button>
      ) : null}
    </span>
  );
}

export function InvoicesPage() {
  const { t } = useTranslation("invoices");
  const { canPrepare } = useDuty();
  const [status, setStatus] = useState<Status | "">("");
  const invoices = useInfiniteQuery({
    queryKey: ["invoices", status],
    queryFn: ({ pageParam }) =>
      get("/v1/invoices", { params: { query: { limit: 200, ...(status ? { status } : {}), ...(pageParam ? { after: pageParam } : {}) } } }),
    initialPageParam: "",
    getNextPageParam: (last) => last.next ?? undefined,
    // verification runs in the background: read again while any is still being checked
    refetchInterval: (q) => (q.state.data?.pages.some((p) => p.items.some((i) => isVerifying(i.status))) ? 2000 : false),
  });
  const rows = invoices.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Page
      title={t("list.title")}
      actions={
        canPrepare ? (
          <Link className="btn btn-primary" to="/invoices/upload" data-write="prepare">
            {t("list.upload")}
          </Link>
        ) : null
      }
    >
      <div className="form-row filters">
        <Field label={t("list.filter")}>
          {(p) => (
            <select {...p} value={status} onChange={(e) => setStatus(e.target.value as Status | "")}>
              <option value="">{t("list.all")}</option>
              {INVOICE_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`status.${s}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <QueryState query={invoices}>
        {() => (
          <>
            <DataTable<Invoice>
              caption={t("list.caption", { count: rows.length })}
              rows={rows}
              rowKey={(i) => i.id}
              empty={<EmptyState title={t("list.empty")} />}
              columns={[
                { key: "number", header: t("field.invoiceNumber"), cell: (i) => <span className="mono">{i.invoiceCode ? `${i.invoiceCode}-` : ""}{i.invoiceNumber}</span>, rowHeader: true },
                { key: "buyer", header: t("field.buyerTaxId"), cell: (i) => <span className="mono">{i.buyerTaxId}</span> },
                { key: "date", header: t("field.issueDate"), cell: (i) => formatDate(i.issueDate) },
                { key: "total", header: t("field.total"), cell: (i) => <Money fen={i.total} />, numeric: true },
                {
                  key: "status",
                  header: t("list.status"),
                  cell: (i) => (
                    <>
                      <StatusBadge status={i.status} label={t(`status.${i.status}`)} />
                      {i.rejection ? <div className="reason">{rejectionText(i.rejection)}</div> : null}
                      {i.rejection ? <MismatchList mismatch={i.rejection.mismatch} /> : null}
                      {i.status === "rejected" && canPrepare ? (
                        <Link className="nowrap" to={`/invoices/${i.id}/correct`} data-write="prepare">
                          {t("list.correct")}
                          <span className="visually-hidden"> {t("list.invoiceIdOf", { number: i.invoiceNumber })}</span>
                        </Link>
                      ) : null}
                    </>
                  ),
                },
                {
                  key: "id",
                  header: t("list.invoiceId"),
                  cell: (i) => (i.status === "verified" && !i.receivableId ? <CopyId id={i.id} label={i.invoiceNumber} /> : <span className="muted">—</span>),
                },
                {
                  key: "receivable",
                  header: t("list.receivable"),
                  cell: (i) => (i.receivableId ? <Link className="nowrap" to={`/receivables/${i.receivableId}`}>{t("list.openReceivable")}</Link> : "—"),
                },
              ]}
            />
            {invoices.hasNextPage ? (
              <div className="actions">
                <Button onClick={() => void invoices.fetchNextPage()} busy={invoices.isFetchingNextPage}>
                  {t("common:action.loadMore")}
                </Button>
              </div>
            ) : null}
          </>
        )}
      </QueryState>
    </Page>
  );
}
