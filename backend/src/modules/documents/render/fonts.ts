import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../../../shared/paths";

/**
 * The bundled Noto Sans SC subsets (fonts/README.md), parsed once per process: parsing 1.5 MB of
 * CFF costs more than laying out a whole document. Only these files are read: a system font
 * would make the bytes, and so the fingerprint, depend on the machine.
 */

/** fontkit's font as far as this module uses it (pdfkit accepts the object itself). */
export interface FontkitFont {
  layout(text: string): unknown;
  hasGlyphForCodePoint(codePoint: number): boolean;
}

// pdfkit's own font parser (the version pdfkit was built with); no types are published for it
const fontkit = require("fontkit") as { create(data: Buffer): FontkitFont };

export type Weight = "Regular" | "Bold";

const cache = new Map<Weight, FontkitFont>();

/** Next to this file from the sources; from the sources too when running compiled (dist/ holds no fonts). */
export function fontDirectory(): string {
  const beside = join(__dirname, "fonts");
  if (existsSync(join(beside, "NotoSansSC-Regular.otf"))) return beside;
  return join(REPO_ROOT, "backend", "src", "modules", "documents", "render", "fonts");
}

export function fontFile(weight: Weight): string {
  return join(fontDirectory(), `NotoSansSC-${weight}.otf`);
}

export function font(weight: Weight): FontkitFont {
  let parsed = cache.get(weight);
  if (!parsed) {
    parsed = fontkit.create(readFileSync(fontFile(weight)));
    cache.set(weight, parsed);
  }
  return parsed;
}

/** Runs laid out per weight, shared by every document of the process (pdfkit keeps one per document). */
const layouts = new Map<Weight, { runs: Record<string, unknown>; uses: number }>();
const LAYOUT_RESET_EVERY = 1_000;

/**
 * The weight's shared cache of laid-out runs: most of a document's text (labels, clauses) is the
 * same in every document, and shaping it again is most of what rendering costs. A run is the glyphs
 * and positions of a string in this font, the same in every document (pdfkit copies a position
 * before it changes one). Started afresh every thousand documents, so names and amounts seen once
 * do not pile up.
 */
export function sharedLayouts(weight: Weight): Record<string, unknown> {
  let l = layouts.get(weight);
  if (!l || l.uses >= LAYOUT_RESET_EVERY) {
    l = { runs: Object.create(null) as Record<string, unknown>, uses: 0 };
    layouts.set(weight, l);
  }
  l.uses++;
  return l.runs;
}
