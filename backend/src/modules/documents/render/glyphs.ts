import type { DocumentFacts } from "./facts";
import { font } from "./fonts";

/**
 * A character of the facts that the bundled font cannot draw (a rare hanzi outside GB 2312 in a
 * company name, say). The document is refused rather than made with an empty box where a party's
 * legal name should be: once signed, it could not be corrected.
 */
export class MissingGlyphError extends Error {
  constructor(readonly characters: string[]) {
    super(`the document font has no glyph for ${characters.map((c) => `"${c}" (U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")})`).join(", ")}`);
    this.name = "MissingGlyphError";
  }
}

export function assertDrawable(facts: DocumentFacts): void {
  const missing = new Set<string>();
  const regular = font("Regular");
  const visit = (v: unknown): void => {
    if (typeof v === "string") {
      for (const c of v) if (c.trim() !== "" && !regular.hasGlyphForCodePoint(c.codePointAt(0)!)) missing.add(c);
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v !== null && typeof v === "object") Object.values(v).forEach(visit);
  };
  visit(facts);
  if (missing.size > 0) throw new MissingGlyphError([...missing]);
}
