/**
 * Percentages typed by a person turned into basis points with integer arithmetic (never floats),
 * and basis points shown as percentages.
 */

/** 435 → "4.35%". Integer arithmetic only. */
export function formatBp(bp: number | null | undefined): string {
  if (bp === null || bp === undefined || !Number.isInteger(bp)) return "—";
  const negative = bp < 0;
  const v = Math.abs(bp);
  return `${negative ? "-" : ""}${Math.trunc(v / 100)}.${String(v % 100).padStart(2, "0")}%`;
}

export type BpParse = { ok: true; bp: number } | { ok: false; reason: "empty" | "format" | "precision" | "range" };

const PERCENT = /^(\d{1,5})(?:\.(\d*))?$/;

/**
 * A percentage typed by a person → basis points: "4.35" → 435, "80" → 8000, "0.5%" → 50. More than
 * two decimals is refused, not rounded. Parsed from the digits, never through a float.
 */
export function parsePercentToBp(input: string, { min = 0, max = 10_000 } = {}): BpParse {
  const text = input.replace(/[\s%％]/g, "").replace("，", ".");
  if (text === "") return { ok: false, reason: "empty" };
  const m = PERCENT.exec(text);
  if (!m) return { ok: false, reason: "format" };
  const [, whole, decimals = ""] = m;
  if (decimals.length > 2) return { ok: false, reason: "precision" };
  const bp = Number.parseInt(whole, 10) * 100 + Number.parseInt(decimals.padEnd(2, "0") || "0", 10);
  if (bp < min || bp > max) return { ok: false, reason: "range" };
  return { ok: true, bp };
}
