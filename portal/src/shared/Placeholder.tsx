import { useTranslation } from "react-i18next";
import { EmptyState, Page } from "./ui";

/** A page that is planned but not built yet: its title, and a sentence saying so. */
export function Placeholder({ ns, title }: { ns: string; title: string }) {
  const { t } = useTranslation(["common", ns]);
  return (
    <Page title={t(title, { ns })}>
      <EmptyState title={t("common:state.comingSoon")} />
    </Page>
  );
}

/** A home section that is planned but not built yet. */
export function PlaceholderSection({ ns, title }: { ns: string; title: string }) {
  const { t } = useTranslation(["common", ns]);
  return (
    <section className="card">
      <h2 className="card-title">{t(title, { ns })}</h2>
      <p>{t("common:state.comingSoon")}</p>
    </section>
  );
}
