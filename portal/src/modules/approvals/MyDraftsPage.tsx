import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { get, type Schemas } from "../../api/client";
import { useSession } from "../../shared/session";
import { formatDateTime } from "../../shared/dates";
import { DataTable, EmptyState, Page, QueryState, StatusBadge } from "../../shared/ui";
import { DraftSummary } from "./DraftSummary";

type Draft = Schemas["Draft"];

export function MyDraftsPage() {
  const { t } = useTranslation("approvals");
  const session = useSession();
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
              { key: "action", header: t("draft.action"), cell: (d) => d.action, rowHeader: true },
              { key: "body", header: t("draft.body"), cell: (d) => <DraftSummary body={d.body} /> },
              { key: "created", header: t("draft.createdAt"), cell: (d) => formatDateTime(d.createdAt) },
              { key: "status", header: t("draft.status"), cell: (d) => <StatusBadge status={d.status} label={t(`status.${d.status}`)} /> },
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
