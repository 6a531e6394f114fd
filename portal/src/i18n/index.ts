/**
 * i18next with one namespace per domain, catalogues as JSON (zh default, en switchable). Keys are
 * flat (no key separator) so API codes like `RECEIVABLE.NOT_FOUND` are keys as they are.
 * A missing key is a bug: it is recorded in `window.__missingKeys` for the browser tests.
 */
import i18n from "i18next";
import { initReactI18next } from "react-i18next";

export const NAMESPACES = [
  "common",
  "onboarding",
  "approvals",
  "invoices",
  "receivables",
  "financing",
  "settlement",
  "clearing",
  "reconciliation",
  "audit",
  "conformity",
  "operator",
  "errors",
] as const;
export type Namespace = (typeof NAMESPACES)[number];
export const LANGUAGES = ["zh", "en"] as const;
export type Language = (typeof LANGUAGES)[number];

declare global {
  interface Window {
    __missingKeys: string[];
  }
}

const files = import.meta.glob<Record<string, string>>("./*/*.json", { eager: true, import: "default" });
const resources: Record<string, Record<string, Record<string, string>>> = {};
for (const [path, catalogue] of Object.entries(files)) {
  const [, lng, ns] = /^\.\/(\w+)\/(\w+)\.json$/.exec(path) ?? [];
  if (lng && ns) (resources[lng] ??= {})[ns] = catalogue;
}

const STORAGE_KEY = "cf.lang";
const stored = (() => {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
})();
const initial: Language = stored === "en" ? "en" : "zh";

export const htmlLang = (lng: string): string => (lng === "en" ? "en" : "zh-CN");

window.__missingKeys ??= [];

void i18n.use(initReactI18next).init({
  resources,
  lng: initial,
  fallbackLng: false,
  supportedLngs: [...LANGUAGES],
  ns: [...NAMESPACES],
  defaultNS: "common",
  keySeparator: false,
  nsSeparator: ":",
  interpolation: { escapeValue: false },
  returnNull: false,
  saveMissing: true,
  missingKeyHandler: (lngs, ns, key) => {
    const entry = `${lngs.join(",")}:${ns}:${key}`;
    window.__missingKeys.push(entry);
    console.error(`i18n: missing key ${entry}`);
  },
  react: { useSuspense: false },
});

document.documentElement.lang = htmlLang(i18n.language);
i18n.on("languageChanged", (lng) => {
  document.documentElement.lang = htmlLang(lng);
  try {
    localStorage.setItem(STORAGE_KEY, lng);
  } catch {
    // private mode: the choice lasts for this page only
  }
});

export function switchLanguage(lng: Language): void {
  void i18n.changeLanguage(lng);
}

export default i18n;
