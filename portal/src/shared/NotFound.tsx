import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { Page } from "./ui";

export function NotFound() {
  const { t } = useTranslation("common");
  return (
    <Page title={t("notFound.title")}>
      <p>{t("notFound.text")}</p>
      <p>
        <Link to="/">{t("notFound.home")}</Link>
      </p>
    </Page>
  );
}
