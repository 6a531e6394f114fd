/** The portal's own words (its catalogues), so tests find controls by what a person reads. */
import { readFileSync } from "node:fs";
import { join } from "node:path";

const CATALOGUES = join(__dirname, "../../../portal/src/i18n");
const cache = new Map<string, Record<string, string>>();

/** The catalogue text of `ns:key` in `lang`, with {{placeholders}} filled from `values`. */
export function words(lang: "en" | "zh", ref: string, values: Record<string, string | number> = {}): string {
  const [ns, key] = ref.split(":");
  const file = `${lang}/${ns}`;
  if (!cache.has(file)) cache.set(file, JSON.parse(readFileSync(join(CATALOGUES, `${file}.json`), "utf8")));
  const text = cache.get(file)![key];
  if (text === undefined) throw new Error(`no ${ref} in the ${lang} catalogue`);
  return text.replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(values[k] ?? `{{${k}}}`));
}

export const en = (ref: string, values?: Record<string, string | number>) => words("en", ref, values);

/** A regular expression for a catalogue text with {{placeholders}} matching anything. */
export function pattern(lang: "en" | "zh", ref: string): RegExp {
  const text = words(lang, ref);
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\\\{\\\{\w+\\\}\\\}/g, ".*");
  return new RegExp(escaped);
}
