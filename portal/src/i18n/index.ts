/**
 * i18next with one namespace per domain, catalogues as JSON (zh default, en switchable). Keys are
 * flat (no key separator) so API codes like `RECEIVABLE.NOT_FOUND` are keys as they are.
 * A missing key is a bug: it is recorded in `window.__missingKeys` for the browser tests.
 * The Chinese catalogues come with the entry chunk; the English ones are a chunk of their own,
 * fetched when English is chosen (or was chosen before: `i18nReady` waits for them).
 */
import i18n from "i18next";
import { initReactI18next } from "react-i18next";
import zh from "./zh.catalogues";

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
  "notifications",
  "documents",
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

type Catalogues = Record<string, Record<string, string>>;
const CATALOGUES: Record<Language, () => Promise<Catalogues>> = {
  zh: async () => zh,
  en: () => import("./en.catalogues").then((m) => m.default),
};

/** Adds a language's catalogues to i18next, fetching them first when they are not in the entry chunk. */
async function loadLanguage(lng: Language): Promise<void> {
  if (i18n.hasResourceBundle(lng, "common")) return;
  const catalogues = await CATALOGUES[lng]();
  for (const [ns, catalogue] of Object.entries(catalogues)) i18n.addResourceBundle(lng, ns, catalogue);
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
  resources: { zh },
  // the other language's catalogues are added when it is chosen
  partialBundledLanguages: true,
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

/** Settles when the first language's catalogues are in: render after it (no flash of the other language). */
export const i18nReady: Promise<void> = loadLanguage(initial).catch((e: unknown) => {
  // the English chunk could not be fetched (offline, a new release replaced it): Chinese instead
  console.error("i18n: could not load the catalogues of", initial, e);
  return void i18n.changeLanguage("zh");
});

document.documentElement.lang = htmlLang(initial);
i18n.on("languageChanged", (lng) => {
  document.documentElement.lang = htmlLang(lng);
  try {
    localStorage.setItem(STORAGE_KEY, lng);
  } catch {
    // private mode: the choice lasts for this page only
  }
});

export function switchLanguage(lng: Language): void {
  void loadLanguage(lng)
    .then(() => i18n.changeLanguage(lng))
    .catch((e: unknown) => console.error("i18n: could not load the catalogues of", lng, e));
}

export default i18n;
