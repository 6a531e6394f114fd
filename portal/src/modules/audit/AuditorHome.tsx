import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { get } from "../../api/client";
import { Card, ProblemMessage, Stat } from "../../shared/ui";

/** The auditor's home: what there is to read, and links to it. Read only. */
export function AuditorHome() {
  const { t } = useTranslation(["audit", "common"]);
  const orgs = useQuery({ queryKey: ["organizations", "names"], queryFn: () => get("/v1/organizations", { params: { query: { limit: 200 } } }) });
  const financings = useQuery({ queryKey: ["financings"], queryFn: () => get("/v1/financings") });
  return (
    <Card title={t("home.auditor")}>
      <ProblemMessage error={orgs.error ?? financings.error} />
      <dl className="stats">
        <Stat label={t("section.organizations")} value={orgs.data?.items.length ?? "…"} />
        <Stat label={t("section.financings")} value={financings.data?.items.length ?? "…"} />
      </dl>
      <ul className="links">
        <li>
          <Link to="/audit">{t("section.organizations")}</Link>
        </li>
        <li>
          <Link to="/audit/certificates">{t("section.certificates")}</Link>
        </li>
        <li>
          <Link to="/audit/financings">{t("section.financings")}</Link>
        </li>
        <li>
          <Link to="/audit/invoices">{t("section.invoices")}</Link>
        </li>
        <li>
          <Link to="/reconciliation">{t("home.reconciliation")}</Link>
        </li>
      </ul>
    </Card>
  );
}
