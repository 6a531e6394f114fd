import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { queryClient, type Schemas } from "../../api/client";
import { CommitButton, CommitOutcome, useCommit } from "../../shared/commit";
import { formatDateTime } from "../../shared/dates";
import { Card, DataTable, EmptyState, ProblemMessage, QueryState, Stat } from "../../shared/ui";
import { LiveOperation } from "../../shared/operation";
import { useOrganizations } from "./OrganizationsPage";
import { OrgStatus, RoleList } from "../../shared/organizations";
import { UsccResult } from "../../shared/UsccResult";

type Org = Schemas["Organization"];
/** How many members the home lists as recently active or suspended (the rest: the queue page). */
const RECENT = 6;

/**
 * The operator's home: the onboarding queue itself (each pending organization with its credit
 * code checked, approved from here), the members most recently activated or suspended, and where
 * to go next (the whole queue, system status, the queue dashboard).
 */
export function OperatorHome() {
  const { t } = useTranslation(["operator", "common"]);
  const orgs = useOrganizations();
  const items = orgs.data ?? [];
  const n = (s: string) => (orgs.data ? items.filter((o) => o.status === s).length : "…");
  const pending = items.filter((o) => o.status === "pending");
  const recent = items
    .filter((o) => o.status === "active" || o.status === "suspended")
    .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
    .slice(0, RECENT);
  return (
    <>
      <Card title={t("home.operator")}>
        <ProblemMessage error={orgs.error} />
        <dl className="stats">
          <Stat label={t("home.pending")} value={n("pending")} />
          <Stat label={t("status.active")} value={n("active")} />
          <Stat label={t("status.suspended")} value={n("suspended")} />
          <Stat label={t("home.members")} value={orgs.data ? items.length : "…"} />
        </dl>
        <ul className="links">
          <li>
            <Link to="/operator">{t("queue.title")}</Link>
          </li>
          <li>
            <Link to="/operator/system">{t("system.title")}</Link>
          </li>
          <li>
            <a href="/admin/queues" target="_blank" rel="noopener">
              {t("system.openQueues")}
            </a>
          </li>
        </ul>
      </Card>
      <QueryState query={orgs}>
        {() => (
          <>
            <DataTable<Org>
              caption={t("home.queueCaption", { count: pending.length })}
              rows={pending}
              rowKey={(o) => o.id}
              empty={<EmptyState title={t("queue.empty")} />}
              columns={[
                { key: "name", header: t("org.legalName"), rowHeader: true, cell: (o) => <Link to={`/operator/organizations/${o.id}`}>{o.legalName}</Link> },
                { key: "uscc", header: t("home.usccCheck"), cell: (o) => <UsccResult code={o.unifiedSocialCreditCode} /> },
                { key: "roles", header: t("org.roles"), cell: (o) => <RoleList roles={o.roles} /> },
                { key: "created", header: t("org.createdAt"), cell: (o) => formatDateTime(o.createdAt) },
                { key: "action", header: t("home.action"), cell: (o) => <Approve org={o} /> },
              ]}
            />
            <DataTable<Org>
              caption={t("home.recentCaption")}
              rows={recent}
              rowKey={(o) => o.id}
              empty={<EmptyState title={t("members.empty")} />}
              columns={[
                { key: "name", header: t("org.legalName"), rowHeader: true, cell: (o) => <Link to={`/operator/organizations/${o.id}`}>{o.legalName}</Link> },
                { key: "roles", header: t("org.roles"), cell: (o) => <RoleList roles={o.roles} /> },
                {
                  key: "status",
                  header: t("org.status"),
                  cell: (o) => (
                    <>
                      <OrgStatus status={o.status} />
                      {o.suspensionReason ? <div className="reason">{t("org.suspendedFor", { reason: o.suspensionReason })}</div> : null}
                    </>
                  ),
                },
                { key: "chain", header: t("org.chain"), cell: (o) => `${t(`chain.${o.chain.status}`)}${o.chain.block ? ` · ${t("org.block", { block: o.chain.block })}` : ""}` },
                { key: "changed", header: t("home.changedAt"), cell: (o) => formatDateTime(o.updatedAt) },
              ]}
            />
          </>
        )}
      </QueryState>
    </>
  );
}

/** KYC approval of one pending organization, from the queue on the home page (an approver's commit; a clerk's draft). */
function Approve({ org }: { org: Org }) {
  const { t } = useTranslation(["operator", "common"]);
  const approve = useCommit("/v1/organizations/{id}/kyc-approval", {
    onDone: () => void queryClient.invalidateQueries({ queryKey: ["organizations"] }),
  });
  if (approve.mode === "hidden") return <span className="muted">—</span>;
  const opId = approve.data?.kind === "done" ? approve.data.data.operation.id : null;
  return (
    <div className="row-action">
      <CommitButton
        commit={approve}
        disabled={approve.isSuccess}
        label={
          <>
            {t("actions.approve")}
            <span className="visually-hidden">: {org.legalName}</span>
          </>
        }
        onClick={() => approve.mutate({ path: { id: org.id }, body: {} })}
      />
      {opId ? <LiveOperation id={opId} /> : null}
      <CommitOutcome commit={approve} />
    </div>
  );
}
