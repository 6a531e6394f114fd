/**
 * 开立: a core enterprise issues a certificate straight to its supplier (POST
 * /v1/receivables/issuances), against that supplier's verified invoices billed to it. The
 * certificate waits, 待签收, until the supplier accepts it (签收) or refuses it (拒签); the core
 * enterprise may withdraw it (撤回) until then. A core enterprise paused as a delinquent obligor is
 * told why, with the certificates to pay, instead of a form the ledger would refuse.
 */
import { useEffect, useState, type FormEvent } from "react";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { get, isProblem, queryClient } from "../../../api/client";
import { useLiveOperation } from "../../../api/live";
import { CommitButton, CommitOutcome, useCommit } from "../../../shared/commit";
import { chinaToday, formatDate } from "../../../shared/dates";
import { Money } from "../../../shared/Money";
import { useMembers } from "../../../shared/organizations";
import { useSession } from "../../../shared/session";
import { TermText } from "../../../shared/Term";
import { termOf } from "../../../shared/terms";
import { Card, DataTable, EmptyState, Field, Notice, Page, ProblemMessage, QueryState } from "../../../shared/ui";
import { OfferList } from "../offers/OffersPage";
import { OwnPauseNotice, pausedCertificates, useStanding } from "../offers/ObligorStanding";
import { OperationStatus, ReceivableStatus, ReturnReason, certificateLabel, useOrgName, type Receivable } from "../shared";

/** IssueReceivables: at most 50 invoices behind one certificate. */
const INVOICES_PER_CERTIFICATE = 50;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Invoice ids as a person pastes them: one a line, or separated by commas or spaces. */
export function parseInvoiceIds(text: string): { ids: string[]; bad: string[] } {
  const parts = text.split(/[\s,，;；]+/).map((p) => p.trim()).filter(Boolean);
  const ids = [...new Set(parts.filter((p) => UUID.test(p)).map((p) => p.toLowerCase()))];
  return { ids, bad: parts.filter((p) => !UUID.test(p)) };
}

export function IssuePage() {
  const { t } = useTranslation("receivables");
  const session = useSession();
  const standing = useStanding(session.organization.id);
  const paused = standing.data?.paused ?? false;
  return (
    <Page title={t("issue.title")}>
      <p className="muted">{t("issue.intro")}</p>
      <QueryState query={standing}>{() => (paused ? <OwnPauseNotice standing={standing.data} /> : <IssueForm />)}</QueryState>
      <Card title={t("issue.waiting")}>
        <OfferList direction="outgoing" />
      </Card>
      <Returned />
    </Page>
  );
}

function IssueForm() {
  const { t } = useTranslation(["receivables", "common"]);
  const suppliers = useMembers("supplier");
  const [supplierId, setSupplierId] = useState("");
  const [invoices, setInvoices] = useState("");
  const [maturity, setMaturity] = useState(chinaToday(90));
  const [tried, setTried] = useState(false);
  const issue = useCommit("/v1/receivables/issuances");
  const done = issue.data?.kind === "done" ? issue.data.data.items[0] : undefined;
  const live = useLiveOperation(done?.operation.id);
  useEffect(() => {
    if (!live.final) return;
    void queryClient.invalidateQueries({ queryKey: ["receivables"] });
    // those invoices back the certificate now: the form is ready for the next one
    if (live.data?.status === "mined") {
      setInvoices("");
      setTried(false);
    }
  }, [live.final, live.data?.status]);

  const parsed = parseInvoiceIds(invoices);
  const term = maturity ? termOf(new Date(), `${maturity}T00:00:00+08:00`) : null;
  const errors = {
    supplier: tried && !supplierId ? t("issue.supplierRequired") : undefined,
    invoices: tried
      ? parsed.bad.length
        ? t("issue.invoiceIdsBad", { ids: parsed.bad.slice(0, 3).join("、") })
        : parsed.ids.length === 0
          ? t("issue.invoiceIdsRequired")
          : parsed.ids.length > INVOICES_PER_CERTIFICATE
            ? t("issue.invoiceIdsTooMany", { max: INVOICES_PER_CERTIFICATE })
            : undefined
      : undefined,
    maturity: tried && (!maturity || maturity <= chinaToday()) ? t("issue.maturityFuture") : undefined,
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (!supplierId || parsed.bad.length || parsed.ids.length === 0 || parsed.ids.length > INVOICES_PER_CERTIFICATE || !maturity || maturity <= chinaToday()) return;
    issue.mutate({ body: { items: [{ supplierId, invoiceIds: parsed.ids, maturityDate: maturity }] } });
  };
  const pausedIds = pausedCertificates(issue.error);
  const active = (suppliers.data ?? []).filter((m) => m.status === "active");
  if (issue.mode === "hidden") return <Notice tone="neutral">{t("issue.readOnly")}</Notice>;
  return (
    <Card title={t("issue.formTitle")}>
      <form className="stack issue-form" onSubmit={submit} noValidate>
        <Field label={t("issue.supplier")} error={errors.supplier}>
          {(p) => (
            <select {...p} required value={supplierId} onChange={(e) => setSupplierId(e.target.value)}>
              <option value="">{t("split.chooseOrg")}</option>
              {active.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.legalName}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t("issue.invoiceIds")} hint={t("issue.invoiceIdsHint", { max: INVOICES_PER_CERTIFICATE })} error={errors.invoices}>
          {(p) => <textarea {...p} required rows={3} spellCheck={false} className="mono-input" value={invoices} onChange={(e) => setInvoices(e.target.value)} />}
        </Field>
        <div className="form-row">
          <Field label={t("field.maturityDate")} hint={t("register.maturityHint")} error={errors.maturity}>
            {(p) => <input {...p} type="date" required min={chinaToday(1)} value={maturity} onChange={(e) => setMaturity(e.target.value)} />}
          </Field>
          <div className="field">
            <span className="field-label">{t("field.term")}</span>
            <span aria-live="polite">
              <TermText term={term} />
            </span>
          </div>
        </div>
        {term?.beyondSixMonths ? (
          <Notice tone="warning" quiet>
            {t("issue.longTerm")}
          </Notice>
        ) : null}
        {pausedIds ? <OwnPauseNotice certificateIds={pausedIds} /> : isProblem(issue.error, 404) ? <ProblemMessage error={new Error(t("issue.invoiceNotFound"))} /> : <CommitOutcome commit={issue} />}
        {done ? (
          <p role="status">
            {t("issue.issued", { label: certificateLabel(done.receivable) })} <Money fen={done.receivable.amount} /> <OperationStatus status={live.data?.status} />
            {live.data?.status === "mined" ? ` ${t("issue.waitsForSupplier", { name: active.find((m) => m.id === done.receivable.creditorId)?.legalName ?? "" })}` : ""}
          </p>
        ) : null}
        <div className="actions">
          <CommitButton type="submit" commit={issue} label={t("issue.submit")} disabled={!!done && !live.final} />
        </div>
      </form>
    </Card>
  );
}

/** Issued certificates that went back unaccepted (拒签, 撤回 or expired): void, with why. */
function Returned() {
  const { t } = useTranslation("receivables");
  const orgName = useOrgName();
  const voided = useQuery({
    queryKey: ["receivables", "obligor", "void"],
    queryFn: () => get("/v1/receivables", { params: { query: { role: "obligor", status: "void", limit: 100 } } }),
  });
  return (
    <Card title={t("issue.returned")}>
      <QueryState query={voided}>
        {() => (
          <DataTable<Receivable>
            caption={t("issue.returnedCaption", { count: voided.data?.items.length ?? 0 })}
            rows={voided.data?.items ?? []}
            rowKey={(r) => r.id}
            empty={<EmptyState title={t("issue.returnedEmpty")} />}
            columns={[
              { key: "id", header: t("field.certificate"), rowHeader: true, cell: (r) => <Link to={`/receivables/${r.id}`}>{certificateLabel(r)}</Link> },
              { key: "supplier", header: t("field.creditor"), cell: (r) => orgName(r.creditorId) },
              { key: "amount", header: t("field.amount"), numeric: true, cell: (r) => <Money fen={r.amount} /> },
              { key: "maturity", header: t("field.maturity"), cell: (r) => formatDate(r.maturity) },
              { key: "status", header: t("field.status"), cell: (r) => <ReceivableStatus status={r.status} /> },
              { key: "why", header: t("offer.returnedWhy"), cell: (r) => <ReturnReason receivable={r} /> },
            ]}
          />
        )}
      </QueryState>
    </Card>
  );
}
