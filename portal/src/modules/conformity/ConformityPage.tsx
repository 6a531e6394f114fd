import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { NavLink } from "react-router-dom";
import { useSession } from "../../shared/session";
import { Page } from "../../shared/ui";

/** A conformity page: its title, and for those who read the feed the tabs between the three pages. */
export function ConformityPage({ title, children }: { title: string; children: ReactNode }) {
  const { t } = useTranslation("conformity");
  const session = useSession();
  const readsFeed = session.has("operator") || session.has("auditor");
  return (
    <Page title={title}>
      {readsFeed ? (
        <nav aria-label={t("nav.sections")} className="tabs">
          <NavLink to="/conformity/abnormal-flows">{t("nav.abnormal")}</NavLink>
          <NavLink to="/conformity/feed">{t("nav.feed")}</NavLink>
          <NavLink to="/conformity/held-funds">{t("nav.held")}</NavLink>
        </nav>
      ) : null}
      {children}
    </Page>
  );
}

/** A ledger certificate id as the feed has it: "#12". */
export const certNo = (id: string | null | undefined) => (id ? `#${id}` : "—");
