import { useEffect, useState } from "react";
import { useLocation } from "react-router-dom";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { get, idempotencyKey, post, queryClient, type Schemas } from "../../api/client";
import { useSession } from "../../shared/session";
import { formatDateTime } from "../../shared/dates";
import { Button, Card, EmptyState, Field, Notice, Page, ProblemMessage, QueryState } from "../../shared/ui";
import { DraftSummary, useActionName } from "./DraftSummary";
import { useDuty } from "../../shared/commit";
import { SignDialog } from "../../shared/signing";

type Draft = Schemas["Draft"];

export function DraftQueuePage() {
  const { t } = useTranslation("approvals");
  const { canCommit } = useDuty();
  const drafts = useQuery({
    queryKey: ["drafts", "pending"],
    queryFn: () => get("/v1/drafts", { params: { query: { status: "pending" } } }),
    enabled: canCommit,
    refetchInterval: 15_000,
  });
  // a notification links to one draft (#draft-<id>): shown once the queue has loaded
  const { hash } = useLocation();
  const loaded = drafts.isSuccess;
  useEffect(() => {
    if (loaded && hash) document.getElementById(decodeURIComponent(hash.slice(1)))?.scrollIntoView({ block: "start" });
  }, [loaded, hash]);
  if (!canCommit) return <Page title={t("queue.title")}><Notice tone="neutral">{t("queue.approversOnly")}</Notice></Page>;
  return (
    <Page title={t("queue.title")}>
      <p className="muted">{t("queue.intro")}</p>
      <QueryState query={drafts}>
        {() =>
          drafts.data?.items.length ? (
            drafts.data.items.map((d) => <DraftCard key={d.id} draft={d} linked={hash === `#draft-${d.id}`} />)
          ) : (
            <EmptyState title={t("queue.empty")} />
          )
        }
      </QueryState>
    </Page>
  );
}

function DraftCard({ draft, linked }: { draft: Draft; linked: boolean }) {
  const { t } = useTranslation("approvals");
  const session = useSession();
  const actionName = useActionName();
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState("");
  const own = draft.createdBy.id === session.user.id;
  const done = () => void queryClient.invalidateQueries({ queryKey: ["drafts"] });
  const approve = useMutation({
    mutationFn: () => post("/v1/drafts/{id}/approval", { params: { path: { id: draft.id }, header: { "idempotency-key": idempotencyKey() } } }),
    onSuccess: () => {
      done();
      // the action ran: whatever it changed is read again
      void queryClient.invalidateQueries({ predicate: (q) => q.queryKey[0] !== "drafts" && q.queryKey[0] !== "me" });
    },
  });
  const reject = useMutation({
    mutationFn: () =>
      post("/v1/drafts/{id}/rejection", { params: { path: { id: draft.id }, header: { "idempotency-key": idempotencyKey() } }, body: { reason: reason.trim() } }),
    onSuccess: done,
  });
  const decided = approve.data?.draft ?? reject.data;
  // accepting a quote: the approver signs its financing agreement first (a clerk's draft carries no signature)
  const acceptedQuote = /^\/v1\/quotes\/([^/]+)\/acceptance$/.exec(draft.path)?.[1] ?? null;
  const [signing, setSigning] = useState(false);
  return (
    <Card title={actionName(draft)} anchor={`draft-${draft.id}`} className={linked ? "card-linked" : undefined}>
      <p className="muted">
        {t("draft.by", { name: draft.createdBy.name, email: draft.createdBy.email, at: formatDateTime(draft.createdAt) })}
      </p>
      <DraftSummary draft={draft} />
      {decided ? (
        <Notice tone={decided.status === "rejected" || decided.status === "failed" ? "warning" : "success"}>
          {t(`status.${decided.status}`)}
          {decided.status === "approved" ? ` — ${t("draft.ran")}` : ""}
        </Notice>
      ) : own ? (
        <p className="muted">{t("draft.own")}</p>
      ) : (
        <div className="stack">
          <div className="actions">
            <Button data-write="direct" variant="primary" busy={approve.isPending} disabled={reject.isPending} onClick={() => (acceptedQuote ? setSigning(true) : approve.mutate())}>
              {acceptedQuote ? t("draft.signAndApprove") : t("draft.approve")}
            </Button>
            <Button data-write="direct" variant="secondary" aria-expanded={rejecting} onClick={() => setRejecting((r) => !r)}>
              {t("draft.reject")}
            </Button>
          </div>
          {rejecting ? (
            <form
              className="stack"
              onSubmit={(e) => {
                e.preventDefault();
                if (reason.trim()) reject.mutate();
              }}
            >
              <Field label={t("draft.reason")}>
                {(p) => <textarea {...p} required maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />}
              </Field>
              <div className="actions">
                <Button type="submit" variant="danger" busy={reject.isPending} disabled={!reason.trim()}>
                  {t("draft.confirmReject")}
                </Button>
              </div>
            </form>
          ) : null}
        </div>
      )}
      {signing && acceptedQuote ? (
        <SignDialog
          target={{ quoteId: acceptedQuote }}
          act="accept"
          onClose={() => setSigning(false)}
          onSigned={() => {
            setSigning(false);
            approve.mutate();
          }}
        />
      ) : null}
      <ProblemMessage error={approve.error ?? reject.error} />
    </Card>
  );
}
