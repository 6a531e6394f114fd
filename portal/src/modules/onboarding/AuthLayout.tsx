import type { ReactNode } from "react";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { LanguageSwitch } from "../../shared/LanguageSwitch";

/** The frame of the pages open without a session: brand, the form, the language switch. */
export function AuthLayout({ title, children }: { title: string; children: ReactNode }) {
  const { t } = useTranslation("common");
  useEffect(() => {
    document.title = `${title} · ChainFactor`;
  }, [title]);
  return (
    <main className="auth-page">
      <div className="auth-card">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            CF
          </span>
          <span>{t("app.name")}</span>
        </div>
        <h1>{title}</h1>
        {children}
        <div className="auth-foot">
          <LanguageSwitch />
        </div>
      </div>
    </main>
  );
}
