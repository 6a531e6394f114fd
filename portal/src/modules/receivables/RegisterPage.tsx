import { useState, type FormEvent } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { get, idempotencyKey, post, queryClient, type Schemas } from "../../api/client";
import { useLiveMany } from "../../api/live";
import { useDuty } from "../../shared/commit";
import { chinaToday, formatDate } from "../../shared/dates";
import { Money } from "../../shared/Money";
import { sumFen } from "../../shared/money";
import { Button, Card, DataTable, EmptyState, Field, Notice, Page, ProblemMessage, ProgressBar, QueryState } from "../../shared/ui";
import { chunks } from "../../shared/chunks";
import { ReceivableStatus, useOrgName } from "./shared";

type Invoice = Schemas["Invoice"];
/** RegisterReceivables limits (backend receivables.schemas.ts). */
const INVOICES_PER_RECEIVABLE = 50;

export function RegisterPage() {
  const { t } = useTranslation("receivables");
  const { canPrepare } = useDuty();
  const orgName = useOrgName();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [maturity, setMaturity] = useState(chinaToday(90));
  const free = useQuery({
    queryKey: ["invoices", "verified-free"],
    queryFn: () => get("/v1/invoices", { params: { query: { status: "verified", attached: "false", limit: 200 } } }),
  });
  const invoices = free.data?.items ?? [];
  const register = useMutation({
    mutationFn: (picked: Invoice[]) => {
      // one receivable per buyer (the obligor), at most 50 invoices each
      const byObligor = new Map<string, string[]>();
      for (const inv of picked) if (inv.buyerOrganizationId) byObligor.set(inv.buyerOrganizationId, [...(byObligor.get(inv.buyerOrganizationId) ?? []), inv.id]);
      const items = [...byObligor].flatMap(([obligorId, ids]) => chunks(ids, INVOICES_PER_RECEIVABLE).map((invoiceIds) => ({ obligorId, invoiceIds, maturityDate: maturity })));
      return post("/v1/receivables", { params: { header: { "idempotency-key": idempotencyKey() } }, body: { items } });
    },
    onSuccess: () => {
      setSelected(new Set());
      void queryClient.invalidateQueries({ queryKey: ["invoices"] });
      void queryClient.invalidateQueries({ queryKey: ["receivables"] });
    },
  });
  const accepted = register.data?.items ?? [];
  const live = useLiveMany(accepted.map((a) => ({ kind: "operation" as const, id: a.operation.id })));
  const picked = invoices.filter((i) => selected.has(i.id));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (picked.length) register.mutate(picked);
  };
  if (!canPrepare) return <Page title={t("register.title")}><Notice tone="neutral">{t("register.readOnly")}</Notice></Page>;
  return (
    <Page title={t("register.title")}>
      <p className="muted">{t("register.intro")}</p>
      <QueryState query={free}>
        {() => (
          <form className="stack" onSubmit={submit}>
            <DataTable<Invoice>
              caption={t("register.caption", { count: invoices.length })}
              rows={invoices}
              rowKey={(i) => i.id}
              empty={
                <EmptyState title={t("register.empty")}>
                  <Link to="/invoices/upload">{t("register.upload")}</Link>
                </EmptyState>
              }
              selection={{
                selected,
                onChange: setSelected,
                disabled: (id) => !invoices.find((i) => i.id === id)?.buyerOrganizationId,
                label: (id) => t("register.select", { number: invoices.find((i) => i.id === id)?.invoiceNumber ?? id }),
              }}
              columns={[
                { key: "number", header: t("invoices:field.invoiceNumber"), cell: (i) => <span className="mono">{i.invoiceNumber}</span>, rowHeader: true },
                { key: "obligor", header: t("field.obligor"), cell: (i) => (i.buyerOrganizationId ? orgName(i.buyerOrganizationId) : t("register.buyerNotMember")) },
                { key: "date", header: t("invoices:field.issueDate"), cell: (i) => formatDate(i.issueDate) },
                { key: "total", header: t("invoices:field.total"), cell: (i) => <Money fen={i.total} />, numeric: true },
              ]}
            />
            <div className="form-row">
              <Field label={t("field.maturityDate")} hint={t("register.maturityHint")}>
                {(p) => <input {...p} type="date" required min={chinaToday(1)} value={maturity} onChange={(e) => setMaturity(e.target.value)} />}
              </Field>
              <div className="field">
                <span className="muted">{t("register.selected", { count: picked.length })}</span>
                <strong><Money fen={sumFen(picked.map((i) => i.total))} /></strong>
              </div>
            </div>
            <ProblemMessage error={register.error} />
            <div className="actions">
              <Button data-write="prepare" type="submit" variant="primary" busy={register.isPending} disabled={picked.length === 0 || !maturity}>
                {t("register.submit")}
              </Button>
            </div>
          </form>
        )}
      </QueryState>
      {accepted.length ? (
        <Card title={t("register.results")}>
          <ProgressBar value={live.done} max={live.total} label={t("register.progress")} />
          {live.final ? <Notice tone={live.failed ? "warning" : "success"}>{t("register.finished", { done: live.done - live.failed, failed: live.failed })}</Notice> : null}
          <ul>
            {accepted.map((a, i) => (
              <li key={a.receivable.id}>
                <Link to={`/receivables/${a.receivable.id}`}>
                  <Money fen={a.receivable.amount} />
                </Link>{" "}
                <ReceivableStatus status={live.results[i]?.data?.status === "mined" ? "pending" : a.receivable.status} />
              </li>
            ))}
          </ul>
        </Card>
      ) : null}
    </Page>
  );
}
