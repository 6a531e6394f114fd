import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { Card, ProblemMessage, Stat } from "../../shared/ui";
import { useOrganizations } from "./OrganizationsPage";

/** The operator's home: the onboarding queue at a glance, and where to go. */
export function OperatorHome() {
  const { t } = useTranslation(["operator", "common"]);
  const orgs = useOrganizations();
  const items = orgs.data ?? [];
  const n = (s: string) => (orgs.data ? items.filter((o) => o.status === s).length : "…");
  return (
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
  );
}
