/**
 * One term per state: a state of a certificate (or of an invoice, a draft, …) has one label in each
 * language wherever the portal shows it. The labels of an entity's states live under one key prefix
 * (`receivables:status.*` for a certificate); a second set of labels for the same states (as the
 * financing pages once had, 待确认 where the receivables pages said 待确权) must be declared here
 * and agree with the first. The trade's word for the core enterprise confirming a payable is 确权.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUCKETS, BUCKET_OF_STATE, bookWords } from "../../portal/src/modules/financing/book";

const I18N = join(__dirname, "..", "..", "portal", "src", "i18n");
const LANGUAGES = ["zh", "en"] as const;

/** Every set of state labels, by the entity whose states they name ("ns:prefix"). */
const STATE_LABELS: Record<string, string[]> = {
  certificate: ["receivables:status", "financing:bucket"], // a book's bucket named after a certificate's state says it with the state's word
  invoice: ["invoices:status"],
  draft: ["approvals:status"],
  organization: ["operator:status"],
  financingRequest: ["financing:requestStatus"],
  quote: ["financing:quoteStatus"],
  financing: ["financing:finStatus"],
};
/** Words of the same meaning that are not the trade's: each state says it one way. */
const NOT_THE_TRADES_WORD: Record<string, RegExp> = { zh: /[待已]确认/ };

type Catalogue = Record<string, string>;
const catalogues = (lng: string): Record<string, Catalogue> =>
  Object.fromEntries(
    readdirSync(join(I18N, lng))
      .filter((f) => f.endsWith(".json"))
      .map((f) => [f.slice(0, -".json".length), JSON.parse(readFileSync(join(I18N, lng, f), "utf8")) as Catalogue]),
  );

/** The labels under "ns:prefix", by state. */
const labels = (cats: Record<string, Catalogue>, nsPrefix: string): Map<string, string> => {
  const [ns, prefix] = nsPrefix.split(":");
  return new Map(
    Object.entries(cats[ns] ?? {})
      .filter(([k]) => k.startsWith(`${prefix}.`))
      .map(([k, v]) => [k.slice(prefix.length + 1), v]),
  );
};

describe("state labels", () => {
  for (const lng of LANGUAGES) {
    const cats = catalogues(lng);

    it(`${lng}: every set of state labels is declared, under the entity whose states it names`, () => {
      const declared = new Set(Object.values(STATE_LABELS).flat());
      const found = new Set<string>();
      for (const [ns, cat] of Object.entries(cats)) for (const k of Object.keys(cat)) {
        const m = /^(\w*[sS]tatus)\.\w+$/.exec(k);
        if (m) found.add(`${ns}:${m[1]}`);
      }
      expect([...found].filter((p) => !declared.has(p)).sort()).toEqual([]);
    });

    it(`${lng}: a state has the same label wherever it is shown`, () => {
      const differing: string[] = [];
      for (const [entity, sets] of Object.entries(STATE_LABELS)) {
        const seen = new Map<string, { where: string; label: string }>();
        for (const where of sets) {
          for (const [state, label] of labels(cats, where)) {
            const first = seen.get(state);
            if (!first) seen.set(state, { where, label });
            else if (first.label !== label) differing.push(`${entity} ${state}: "${first.label}" (${first.where}) vs "${label}" (${where})`);
          }
        }
      }
      expect(differing).toEqual([]);
    });

    if (NOT_THE_TRADES_WORD[lng]) {
      it(`${lng}: no text says a state in other words than the trade's (确权)`, () => {
        const other: string[] = [];
        for (const [ns, cat] of Object.entries(cats)) for (const [k, v] of Object.entries(cat)) if (NOT_THE_TRADES_WORD[lng].test(v)) other.push(`${ns}:${k} "${v}"`);
        expect(other).toEqual([]);
      });
    }

    it(`${lng}: a bank's book never shows a word twice (its bucket, then the certificate's state where that says something else)`, () => {
      const state = labels(cats, "receivables:status");
      const bucket = labels(cats, "financing:bucket");
      expect(state.size).toBeGreaterThan(10);
      const twice: string[] = [];
      for (const b of BUCKETS) {
        for (const [s, label] of state) {
          const words = bookWords(bucket.get(b)!, label);
          if (new Set(words).size !== words.length) twice.push(`${b} + ${s}: "${words.join(" ")}"`);
        }
      }
      expect(twice).toEqual([]);
      // a settled certificate's financing reads "settled" once: the bucket says the state in the state's word
      for (const [s, b] of Object.entries(BUCKET_OF_STATE)) {
        expect(bucket.get(b), `bucket ${b}`).toBe(state.get(s));
        expect(bookWords(bucket.get(b)!, state.get(s)!), `${b} + ${s}`).toHaveLength(1);
      }
    });
  }
});
