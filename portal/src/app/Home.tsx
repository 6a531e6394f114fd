import { useTranslation } from "react-i18next";
import { EmptyState, Page } from "../shared/ui";
import { MODULES } from "./modules";
import { useSession } from "../shared/session";

/** The home page: the section each of the organization's roles contributes, in role order. */
export function Home() {
  const { t } = useTranslation("common");
  const session = useSession();
  const sections = session.roles.flatMap((role) =>
    MODULES.flatMap((m) => m.homes ?? []).filter((h) => h.role === role).map((h, i) => ({ ...h, key: `${role}-${i}` })),
  );
  return (
    <Page title={t("home.title", { name: session.user.name })}>
      {sections.length === 0 ? <EmptyState title={t("home.nothing")} /> : null}
      <div className="home-sections">
        {sections.map(({ Component, key }) => (
          <Component key={key} />
        ))}
      </div>
    </Page>
  );
}
