/**
 * The operator's onboarding queue and members: every organization, pending ones first, with its
 * unified social credit code checked in the browser (GB 32100-2015), roles, status and chain state.
 */
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { get, type Schemas } from "../../api/client";
import { useDuty } from "../../shared/commit";
import { formatDateTime } from "../../shared/dates";
import { DataTable, EmptyState, Page, QueryState } from "../../shared/ui";
import { OrgStatus, RoleList } from "../../shared/organizations";
import { UsccResult } from "../../shared/UsccResult";

type Org = Schemas["Organization"];
export const orgsKey = ["organizations", "all"] as const;
const ORDER: Record<Org["status"], number> = { pending: 0, kyc_approved: 1, suspended: 2, active: 3 };

export function useOrganizations() {
  return useQuery({
    queryKey: orgsKey,
    queryFn: async () => {
      // every page of 200, in id order, then pending first
      const all: Org[] = [];
      let after: string | undefined;
      for (let i = 0; i < 50; i++) {
        const page = await get("/v1/organizations", { params: { query: after ? { limit: 200, after } : { limit: 200 } } });
        all.push(...page.items);
        if (page.items.length < 200) break;
        after = page.items[page.items.length - 1].id;
      }
      return all.sort((a, b) => ORDER[a.status] - ORDER[b.status] || b.createdAt.localeCompare(a.createdAt));
    },
  });
}

export function OrganizationsPage() {
  const { t } = useTranslation(["operator", "common"]);
  const duty = useDuty();
  const orgs = useOrganizations();
  const items = orgs.data ?? [];
  const queue = items.filter((o) => o.status === "pending");
  const columns = [
    { key: "name", header: t("org.legalName"), rowHeader: true, cell: (o: Org) => <Link to={`/operator/organizations/${o.id}`}>{o.legalName}</Link> },
    { key: "uscc", header: t("org.uscc"), cell: (o: Org) => <UsccResult code={o.unifiedSocialCreditCode} /> },
    { key: "roles", header: t("org.roles"), cell: (o: Org) => <RoleList roles={o.roles} /> },
    { key: "status", header: t("org.status"), cell: (o: Org) => <OrgStatus status={o.status} /> },
    { key: "chain", header: t("org.chain"), cell: (o: Org) => t(`chain.${o.chain.status}`) },
    { key: "created", header: t("org.createdAt"), cell: (o: Org) => formatDateTime(o.createdAt) },
  ];
  return (
    <Page
      title={t("queue.title")}
      actions={
        duty.canPrepare ? (
          <Link className="btn btn-primary" to="/operator/organizations/new">
            {t("create.title")}
          </Link>
        ) : undefined
      }
    >
      <QueryState query={orgs}>
        {() => (
          <>
            <DataTable<Org> caption={t("queue.caption", { count: queue.length })} rows={queue} rowKey={(o) => o.id} empty={<EmptyState title={t("queue.empty")} />} columns={columns} />
            <DataTable<Org> caption={t("members.caption", { count: items.length })} rows={items} rowKey={(o) => o.id} empty={<EmptyState title={t("members.empty")} />} columns={columns} />
          </>
        )}
      </QueryState>
    </Page>
  );
}
