/**
 * Organizations as several modules show them: the consortium's member directory, names by id, an
 * organization's status and its roles.
 */
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { get, type Schemas } from "../api/client";
import { useSession } from "./session";
import { StatusBadge } from "./ui";

const ORG_TONE = { pending: "info", kyc_approved: "info", active: "success", suspended: "warning" } as const;

export function OrgStatus({ status }: { status: Schemas["Organization"]["status"] }) {
  const { t } = useTranslation("operator");
  return <StatusBadge status={status} tone={ORG_TONE[status]} label={t(`status.${status}`)} />;
}

export function RoleList({ roles }: { roles: string[] }) {
  const { t } = useTranslation("common");
  return <>{roles.map((r) => t(`role.${r}`, { defaultValue: r })).join("、")}</>;
}

/** The consortium's member directory (GET /v1/members: names, codes, roles), every page of it. */
export function useMembers(role?: "core_enterprise" | "supplier" | "bank" | "settlement_issuer" | "auditor" | "operator") {
  return useQuery({
    queryKey: ["members", role ?? "all"],
    queryFn: async () => {
      const all = [];
      let after: string | undefined;
      for (let i = 0; i < 50; i++) {
        const page = await get("/v1/members", { params: { query: { limit: 200, ...(after ? { after } : {}), ...(role ? { role } : {}) } } });
        all.push(...page.items);
        if (page.items.length < 200) break;
        after = page.items[page.items.length - 1].id;
      }
      return all;
    },
    staleTime: 60_000,
  });
}

/**
 * Organization names by id, from the member directory (active and suspended members) and, for
 * operators and auditors, every organization; unknown ids fall back to a short id.
 */
export function useOrgNames() {
  const session = useSession();
  const all = session.has("operator") || session.has("auditor");
  const members = useMembers();
  const q = useQuery({
    queryKey: ["organizations", "names"],
    queryFn: () => get("/v1/organizations", { params: { query: { limit: 200 } } }),
    enabled: all,
    staleTime: 60_000,
  });
  const names = new Map<string, string>([[session.organization.id, session.organization.legalName]]);
  for (const o of members.data ?? []) names.set(o.id, o.legalName);
  for (const o of q.data?.items ?? []) names.set(o.id, o.legalName);
  return (id: string | null | undefined, fallback?: string | null): string => {
    if (!id) return "—";
    return names.get(id) ?? fallback ?? `${id.slice(0, 8)}…`;
  };
}
