import { useTranslation } from "react-i18next";
import type { Schemas } from "../../api/client";
import { StatusBadge } from "../../shared/ui";

const ORG_TONE = { pending: "info", kyc_approved: "info", active: "success", suspended: "warning" } as const;

export function OrgStatus({ status }: { status: Schemas["Organization"]["status"] }) {
  const { t } = useTranslation("operator");
  return <StatusBadge status={status} tone={ORG_TONE[status]} label={t(`status.${status}`)} />;
}

export function RoleList({ roles }: { roles: string[] }) {
  const { t } = useTranslation("common");
  return <>{roles.map((r) => t(`role.${r}`, { defaultValue: r })).join("、")}</>;
}
