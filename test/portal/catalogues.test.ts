/**
 * The portal's catalogues: Chinese and English have the same keys in every namespace, no empty
 * value, and every literal key the source uses (t("…"), t("ns:…"), <Trans i18nKey="…">) exists in
 * both languages.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { describeApi } from "../../backend/src/platform";

const PORTAL = join(__dirname, "..", "..", "portal", "src");
const I18N = join(PORTAL, "i18n");
const LANGUAGES = ["zh", "en"] as const;

type Catalogue = Record<string, string>;

function namespaces(lng: string): string[] {
  return readdirSync(join(I18N, lng))
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.slice(0, -".json".length))
    .sort();
}

function catalogue(lng: string, ns: string): Catalogue {
  return JSON.parse(readFileSync(join(I18N, lng, `${ns}.json`), "utf8")) as Catalogue;
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) && !name.endsWith(".d.ts") ? [path] : [];
  });
}

/** Keys a file uses literally, resolved to "ns:key". */
export function usedKeys(source: string, known: ReadonlySet<string>): string[] {
  const declared = /useTranslation\(\s*(?:\[\s*)?["'](\w+)["']/.exec(source);
  const defaultNs = declared ? declared[1] : "common";
  const literal = /(?<![\w$.])(?:i18n\.)?t\(\s*(["'])((?:(?!\1)[^\\$`])+)\1|i18nKey=(?:\{\s*)?(["'])([^"'$`]+)\3/g;
  const out: string[] = [];
  for (const m of source.matchAll(literal)) {
    const key = m[2] ?? m[4];
    if (!key) continue;
    const colon = key.indexOf(":");
    const prefix = colon > 0 ? key.slice(0, colon) : null;
    out.push(prefix !== null && known.has(prefix) ? key : `${defaultNs}:${key}`);
  }
  return out;
}

const has = (cat: Catalogue, key: string) => key in cat || `${key}_other` in cat || `${key}_one` in cat;

describe("portal catalogues", () => {
  const nsByLanguage = Object.fromEntries(LANGUAGES.map((l) => [l, namespaces(l)]));

  it("every language has a catalogue for every namespace i18n loads, and no other", () => {
    const declared = /NAMESPACES = \[([^\]]*)\]/.exec(readFileSync(join(I18N, "index.ts"), "utf8"));
    const expected = [...(declared?.[1] ?? "").matchAll(/"(\w+)"/g)].map((m) => m[1]).sort();
    expect(expected.length).toBeGreaterThan(0);
    for (const lng of LANGUAGES) expect(nsByLanguage[lng], `namespaces of ${lng}/`).toEqual(expected);
  });

  for (const ns of namespaces("zh")) {
    it(`${ns}: zh and en have exactly the same keys, none empty`, () => {
      const zh = catalogue("zh", ns);
      const en = catalogue("en", ns);
      expect(Object.keys(en).sort(), `keys of en/${ns}.json`).toEqual(Object.keys(zh).sort());
      for (const lng of LANGUAGES) {
        const cat = lng === "zh" ? zh : en;
        const empty = Object.entries(cat).filter(([, v]) => typeof v !== "string" || v.trim() === "").map(([k]) => k);
        expect(empty, `empty or non-string values in ${lng}/${ns}.json`).toEqual([]);
      }
    });
  }

  it("every key used in the source exists in both languages", () => {
    const known = new Set(namespaces("zh"));
    const cats = Object.fromEntries(LANGUAGES.map((l) => [l, Object.fromEntries([...known].map((ns) => [ns, catalogue(l, ns)]))]));
    const missing: string[] = [];
    let used = 0;
    for (const file of sources(PORTAL)) {
      for (const full of usedKeys(readFileSync(file, "utf8"), known)) {
        used++;
        const [ns, ...rest] = full.split(":");
        const key = rest.join(":");
        for (const lng of LANGUAGES) {
          const cat = cats[lng][ns];
          if (!cat || !has(cat, key)) missing.push(`${lng}/${ns}.json "${key}" (used in ${relative(PORTAL, file)})`);
        }
      }
    }
    expect(used).toBeGreaterThan(10);
    expect(missing).toEqual([]);
  });

  it("every action an approver can be asked to approve has a name in both languages (approvals:action.<operationId>)", () => {
    // the actions a clerk drafts: those the API documents as needing an approver, except deciding a draft itself
    const doc = describeApi() as unknown as { paths: Record<string, Record<string, { operationId?: string; description?: string }>> };
    const draftable = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([method, op]) => method === "post" && !path.startsWith("/v1/drafts") && /Needs an approver/.test(op.description ?? ""))
        .map(([, op]) => op.operationId!),
    );
    expect(draftable).toContain("receivables.confirm");
    const missing = LANGUAGES.flatMap((lng) => draftable.filter((id) => !has(catalogue(lng, "approvals"), `action.${id}`)).map((id) => `${lng}/approvals.json "action.${id}"`));
    expect(missing).toEqual([]);
  });
});
