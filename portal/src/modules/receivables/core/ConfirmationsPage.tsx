import { useState } from "react";
import { formatFen } from "../../../shared/money";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { get, idempotencyKey, post, queryClient, type Schemas } from "../../../api/client";
import { useLiveMany } from "../../../api/live";
import { useDuty } from "../../../shared/commit";
import { formatDate } from "../../../shared/dates";
import { Money } from "../../../shared/Money";
import { MaturityWithMark } from "../../../shared/Term";
import { sumFen } from "../../../shared/money";
import { Button, Card, DataTable, EmptyState, Field, Notice, Page, ProblemMessage, ProgressBar, QueryState } from "../../../shared/ui";
import { chunks } from "../../../shared/chunks";
import { SubmittedMark, useSubmitted } from "../../../shared/submitted";
import { useSession } from "../../../shared/session";
import { OwnPauseNotice, useStanding } from "../offers/ObligorStanding";
import { ReceivableStatus, certificateLabel, useOrgName, type Receivable } from "../shared";

/** The confirmation endpoints take at most 200 ids (backend receivables.schemas.ts). */
const CHUNK = 200;
type Decision = "confirm" | "reject";

export function ConfirmationsPage() {
  const { t } = useTranslation("receivables");
  const session = useSession();
  const standing = useStanding(session.organization.id);
  return (
    <Page title={t("confirm.title")}>
      {standing.data?.paused ? <OwnPauseNotice standing={standing.data} /> : null}
      <ConfirmationQueue />
    </Page>
  );
}

/** Pending receivables owed by this core enterprise: select, confirm or reject in batches. */
export function ConfirmationQueue({ compact = false }: { compact?: boolean }) {
  const { t } = useTranslation("receivables");
  const { commitMode } = useDuty();
  const orgName = useOrgName();
  const submitted = useSubmitted();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [reason, setReason] = useState("");
  const [sent, setSent] = useState(0);
  const [drafted, setDrafted] = useState(0);
  const [operations, setOperations] = useState<string[]>([]);
  const queue = useQuery({
    queryKey: ["receivables", "obligor", "pending"],
    queryFn: () => get("/v1/receivables", { params: { query: { role: "obligor", status: "pending", limit: 500 } } }),
  });
  const rows = queue.data?.items ?? [];
  const decide = useMutation({
    mutationFn: async ({ decision, ids }: { decision: Decision; ids: string[] }) => {
      setSent(0);
      setDrafted(0);
      setOperations([]);
      for (const part of chunks(ids, CHUNK)) {
        const header = { "idempotency-key": idempotencyKey() };
        const path = decision === "confirm" ? "/v1/receivables/confirmations" : "/v1/receivables/rejections";
        const body = decision === "confirm" ? { receivableIds: part } : { receivableIds: part, reason: reason.trim() };
        if (commitMode === "draft") {
          await post("/v1/drafts", { params: { header }, body: { method: "post", path, body } });
          setDrafted((n) => n + 1);
        } else {
          const accepted =
            decision === "confirm"
              ? await post("/v1/receivables/confirmations", { params: { header }, body: { receivableIds: part } })
              : await post("/v1/receivables/rejections", { params: { header }, body: { receivableIds: part, reason: reason.trim() } });
          setOperations((ops) => [...ops, ...new Set(accepted.items.map((i) => i.operation.id))]);
        }
        setSent((n) => n + part.length);
      }
    },
    onSuccess: () => {
      setSelected(new Set());
      void queryClient.invalidateQueries({ queryKey: ["receivables"] });
      void queryClient.invalidateQueries({ queryKey: ["drafts"] });
    },
  });
  const live = useLiveMany(operations.map((id) => ({ kind: "operation" as const, id })));
  const picked = rows.filter((r) => selected.has(r.id));
  const total = decide.variables?.ids.length ?? 0;
  return (
    <div className="stack">
      <p className="muted">{t("confirm.intro")}</p>
      <QueryState query={queue}>
        {() => (
          <DataTable<Receivable>
            caption={t("confirm.caption", { count: rows.length })}
            rows={compact ? rows.slice(0, 10) : rows}
            rowKey={(r) => r.id}
            empty={<EmptyState title={t("confirm.empty")} />}
            selection={commitMode === "hidden" || compact ? undefined : { selected, onChange: setSelected, label: (id) => t("confirm.select", { id: id.slice(0, 8) }) }}
            columns={[
              { key: "id", header: t("field.certificate"), cell: (r) => certificateLabel(r), rowHeader: true },
              { key: "supplier", header: t("field.creditor"), cell: (r) => orgName(r.creditorId) },
              { key: "amount", header: t("field.amount"), cell: (r) => <Money fen={r.amount} />, numeric: true },
              { key: "maturity", header: t("field.maturity"), cell: (r) => <MaturityWithMark receivable={r} formatted={formatDate(r.maturity)} /> },
              { key: "evidence", header: t("confirm.evidence"), cell: (r) => <InvoiceEvidence receivable={r} /> },
              { key: "status", header: t("field.status"), cell: (r: Schemas["Receivable"]) => (
                  <>
                    <ReceivableStatus status={r.status} />
                    {submitted("certificate", r.id) ? <SubmittedMark /> : null}
                  </>
                ),
              },
            ]}
          />
        )}
      </QueryState>
      {commitMode !== "hidden" && !compact && rows.length ? (
        <Card title={t("confirm.decide", { count: picked.length })}>
          <p>
            {t("confirm.selectedTotal")} <Money fen={sumFen(picked.map((r) => r.amount))} />
          </p>
          <Field label={t("confirm.reason")} hint={t("confirm.reasonHint")}>
            {(p) => <input {...p} maxLength={200} value={reason} onChange={(e) => setReason(e.target.value)} />}
          </Field>
          <div className="actions">
            <Button data-write={commitMode} variant="primary" busy={decide.isPending} disabled={!picked.length} onClick={() => decide.mutate({ decision: "confirm", ids: picked.map((r) => r.id) })}>
              {commitMode === "draft" ? t("common:commit.submitForApproval") : t("confirm.confirm", { count: picked.length })}
            </Button>
            <Button data-write={commitMode} variant="danger" busy={decide.isPending} disabled={!picked.length || reason.trim().length < 3} onClick={() => decide.mutate({ decision: "reject", ids: picked.map((r) => r.id) })}>
              {commitMode === "draft" ? t("confirm.submitReject") : t("confirm.reject", { count: picked.length })}
            </Button>
          </div>
          <ProblemMessage error={decide.error} />
        </Card>
      ) : null}
      {/* the outcome stays when the decided receivables have left the queue */}
      {total > 0 ? <ProgressBar value={sent} max={total} label={t("confirm.progress")} /> : null}
      {operations.length ? (
        <p role="status">
          {t("confirm.onLedger", { done: live.done, total: live.total })}
          {live.failed ? ` ${t("confirm.failed", { count: live.failed })}` : ""}
        </p>
      ) : null}
      {drafted && decide.isSuccess ? <Notice tone="success">{t("common:commit.submitted")}</Notice> : null}
    </div>
  );
}

/** The invoices behind a receivable (GET /v1/receivables/{id}/invoices), read when the person opens them. */
function InvoiceEvidence({ receivable }: { receivable: Receivable }) {
  const { t } = useTranslation(["receivables", "invoices"]);
  const [open, setOpen] = useState(false);
  const invoices = useQuery({
    queryKey: ["receivables", "invoices", receivable.id],
    queryFn: () => get("/v1/receivables/{id}/invoices", { params: { path: { id: receivable.id } } }),
    enabled: open,
    staleTime: 300_000,
  });
  return (
    <details className="evidence" onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
      <summary>{t("confirm.showInvoices")}</summary>
      {open ? (
        <QueryState query={invoices}>
          {() => (
            <ul>
              {(invoices.data?.items ?? []).map((i) => (
                <li key={i.id}>
                  <span className="mono">{i.invoiceNumber}</span> · {formatDate(i.issueDate)} · {formatFen(i.total)} · {t(`invoices:status.${i.status}`)}
                </li>
              ))}
            </ul>
          )}
        </QueryState>
      ) : null}
      {receivable.invoicesRoot ? (
        <p className="muted">
          {t("field.invoicesRoot")}: <span className="mono">{`${receivable.invoicesRoot.slice(0, 14)}…`}</span>
        </p>
      ) : null}
    </details>
  );
}
