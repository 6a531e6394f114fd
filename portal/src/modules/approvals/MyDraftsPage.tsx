import { useMutation, useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { get, idempotencyKey, post, queryClient, type Schemas } from "../../api/client";
import { useSession } from "../../shared/session";
import { formatDateTime } from "../../shared/dates";
import { Button, DataTable, EmptyState, Page, ProblemMessage, QueryState, StatusBadge } from "../../shared/ui";
import { DraftSummary, useActionName } from "./DraftSummary";

type Draft = Schemas["Draft"];

export function MyDraftsPage() {
  const { t } = useTranslation("approvals");
  const session = useSession();
  const actionName = useActionName();
  const drafts = useQuery({
    queryKey: ["drafts", "all"],
    queryFn: () => get("/v1/drafts", { params: { query: { limit: 200 } } }),
    refetchInterval: (q) => (q.state.data?.items.some((d) => d.status === "pending" || d.status === "executing") ? 10_000 : false),
  });
  const mine = (drafts.data?.items ?? []).filter((d) => d.createdBy.id === session.user.id);
  return (
    <Page title={t("mine.title")}>
      <QueryState query={drafts}>
        {() => (
          <DataTable<Draft>
            caption={t("mine.caption")}
            rows={mine}
            rowKey={(d) => d.id}
            empty={<EmptyState title={t("mine.empty")} />}
            columns={[
              { key: "action", header: t("draft.action"), cell: (d) => actionName(d), rowHeader: true },
              { key: "body", header: t("draft.body"), cell: (d) => <DraftSummary draft={d} /> },
              { key: "created", header: t("draft.createdAt"), cell: (d) => formatDateTime(d.createdAt) },
              {
                key: "status",
                header: t("draft.status"),
                cell: (d) => (
                  <>
                    <StatusBadge status={d.status} label={t(`status.${d.status}`)} />
                    {d.status === "pending" ? <Withdraw draft={d} /> : null}
                  </>
                ),
              },
              {
                key: "decided",
                header: t("draft.decidedBy"),
                cell: (d) =>
                  d.decidedBy ? (
                    <>
                      {d.decidedBy.name} · {formatDateTime(d.decidedAt)}
                      {d.reason ? <div className="muted">{t("draft.reasonWas", { reason: d.reason })}</div> : null}
                    </>
                  ) : (
                    "—"
                  ),
              },
            ]}
          />
        )}
      </QueryState>
    </Page>
  );
}

/** The drafter takes back its draft while it waits for an approver. */
function Withdraw({ draft }: { draft: Draft }) {
  const { t } = useTranslation("approvals");
  const withdraw = useMutation({
    mutationFn: () => post("/v1/drafts/{id}/withdrawal", { params: { path: { id: draft.id }, header: { "idempotency-key": idempotencyKey() } } }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ["drafts"] }),
  });
  return (
    <div className="actions">
      <Button data-write="direct" variant="secondary" busy={withdraw.isPending} onClick={() => withdraw.mutate()}>
        {t("draft.withdraw")}
      </Button>
      <ProblemMessage error={withdraw.error} />
    </div>
  );
}
