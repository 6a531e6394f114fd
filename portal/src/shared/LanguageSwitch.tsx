/** 中文 / English, in the signed-in shell's top bar and under the forms open without a session. */
import { useTranslation } from "react-i18next";
import { LANGUAGES, switchLanguage, type Language } from "../i18n";

export function LanguageSwitch() {
  const { t, i18n } = useTranslation("common");
  return (
    <div className="lang-switch" role="group" aria-label={t("language.label")}>
      {LANGUAGES.map((lng: Language) => (
        <button
          key={lng}
          type="button"
          className="lang-btn"
          lang={lng === "zh" ? "zh-CN" : "en"}
          aria-pressed={i18n.language === lng}
          onClick={() => switchLanguage(lng)}
        >
          {lng === "zh" ? "中文" : "English"}
        </button>
      ))}
    </div>
  );
}
