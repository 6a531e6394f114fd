/**
 * Money in the portal is what it is on the wire: an integer number of fen as a decimal string.
 * Formatting and parsing go through BigInt only — never Number or parseFloat, which would round
 * large amounts.
 */

const FEN = /^-?\d+$/;

function groupThousands(digits: string): string {
  let out = "";
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ",";
    out += digits[i];
  }
  return out;
}

/** "123456789" → "¥1,234,567.89"; "-5" → "-¥0.05". */
export function formatFen(fen: string | bigint, symbol = "¥"): string {
  const text = typeof fen === "bigint" ? fen.toString() : fen.trim();
  if (!FEN.test(text)) return text;
  let v = BigInt(text);
  const negative = v < 0n;
  if (negative) v = -v;
  const yuan = groupThousands((v / 100n).toString());
  const cents = (v % 100n).toString().padStart(2, "0");
  return `${negative ? "-" : ""}${symbol}${yuan}.${cents}`;
}

/** The same without the currency sign, for an input's initial value: "123450" → "1234.50". */
export function fenToYuanInput(fen: string): string {
  if (!FEN.test(fen)) return "";
  const v = BigInt(fen);
  return `${v / 100n}.${(v % 100n).toString().padStart(2, "0")}`;
}

export type YuanParse = { ok: true; fen: string } | { ok: false; reason: "empty" | "format" | "precision" | "positive" };

const YUAN = /^(\d+)(?:\.(\d*))?$/;

/**
 * A yuan amount typed by a person → fen. "1234.5" → "123450". Thousands separators (",", "，")
 * and spaces are allowed; more than two decimals are refused, not rounded.
 */
export function parseYuan(input: string, { allowZero = false } = {}): YuanParse {
  const text = input.replace(/[\s,，]/g, "").replace(/^[¥￥]/, "");
  if (text === "") return { ok: false, reason: "empty" };
  const m = YUAN.exec(text);
  if (!m) return { ok: false, reason: "format" };
  const [, whole, decimals = ""] = m;
  if (decimals.length > 2) return { ok: false, reason: "precision" };
  if (whole.length > 16) return { ok: false, reason: "format" };
  const fen = BigInt(whole) * 100n + BigInt(decimals.padEnd(2, "0") || "0");
  if (!allowZero && fen === 0n) return { ok: false, reason: "positive" };
  return { ok: true, fen: fen.toString() };
}

export const sumFen = (amounts: Iterable<string>): string => {
  let total = 0n;
  for (const a of amounts) if (FEN.test(a)) total += BigInt(a);
  return total.toString();
};

export const compareFen = (a: string, b: string): number => {
  const d = BigInt(a) - BigInt(b);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
};

/**
 * Whole yuan as a number, for a chart's bar height only (a scale loses nothing that matters);
 * labels and tooltips still show formatFen of the exact amount.
 */
export const yuanForChart = (fen: string): number => (FEN.test(fen) ? Number(BigInt(fen) / 100n) : 0);
