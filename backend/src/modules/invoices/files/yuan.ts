/**
 * Yuan as people and the tax platform write them ("12,345.60", "¥12345.6", "12345") turned into
 * fen exactly, by string arithmetic: a decimal string is never a JavaScript number here, so no
 * amount is ever rounded by floating point. Three decimals are refused: an amount in 元 has at
 * most two (分), and guessing how to round a sum of money is not the platform's business.
 */

export type Fen = { ok: true; fen: string; negative: boolean } | { ok: false; message: string };

const SYMBOLS = /^[¥￥]|^CNY\s*|^RMB\s*|元$/gi;
const PLAIN = /^(-)?([0-9]{1,16})(?:\.([0-9]*))?$/;
const GROUPED = /^(-)?([0-9]{1,3}(?:,[0-9]{3})+)(?:\.([0-9]*))?$/;

/** A yuan amount as text → fen as a decimal string (sign kept apart). */
export function yuanToFen(text: string): Fen {
  const raw = text.trim();
  if (raw === "") return { ok: false, message: "is empty" };
  if (raw.length > 40) return { ok: false, message: `"${raw.slice(0, 40)}…" is not an amount in yuan (like 12345.60 or 12,345.60)` };
  const s = raw.replace(/[\s\u00a0\u3000]/g, "").replace(/，/g, ",").replace(/．/g, ".").replace(SYMBOLS, "").replace(/^\((.*)\)$/, "-$1");
  const m = PLAIN.exec(s) ?? GROUPED.exec(s);
  if (!m) return { ok: false, message: `"${raw.slice(0, 40)}" is not an amount in yuan (like 12345.60 or 12,345.60)` };
  const [, minus, whole, decimals = ""] = m;
  if (decimals.length > 2) {
    return { ok: false, message: `"${raw.slice(0, 40)}" has ${decimals.length} decimal places: an amount in yuan has at most 2 (fen); enter it as the invoice shows it` };
  }
  const fen = (BigInt(whole.replace(/,/g, "")) * 100n + BigInt(decimals.padEnd(2, "0"))).toString();
  return { ok: true, fen, negative: minus === "-" && fen !== "0" };
}

/**
 * A number as a spreadsheet stores it (the shortest text that reads back as the same binary
 * double, e.g. "1234.56" or "1234.5599999999999") → yuan text with at most two decimals, when it
 * is a two-decimal amount that binary floating point could not hold exactly; otherwise the text
 * as stored, for `yuanToFen` to judge. The test is on the digits alone: a run of at least nine
 * 0s or 9s right after the second decimal, then at most three more digits, and at most 17
 * significant digits in all (what a double can tell apart). Exponent forms are left alone.
 */
export function spreadsheetNumber(stored: string): string {
  if (stored.length > 40) return stored;
  const m = /^(-?)([0-9]+)\.([0-9]{2})([0-9]+)$/.exec(stored.trim());
  if (!m) return stored.trim();
  const [, sign, whole, cents, rest] = m;
  const significant = (whole.replace(/^0+/, "") + cents + rest).length;
  if (significant > 17) return stored.trim();
  if (/^0{9,}[0-9]{0,3}$/.test(rest)) return `${sign}${whole}.${cents}`;
  if (/^9{9,}[0-9]{0,3}$/.test(rest)) {
    // round the cents up by one, carrying into the whole yuan, in decimal
    const up = (BigInt(whole + cents) + 1n).toString().padStart(3, "0");
    return `${sign}${up.slice(0, -2)}.${up.slice(-2)}`;
  }
  return stored.trim();
}

/** Fen (decimal string) as yuan text, "1234.50": for templates and messages. */
export function fenToYuan(fen: string | bigint): string {
  const v = BigInt(fen);
  const sign = v < 0n ? "-" : "";
  const abs = v < 0n ? -v : v;
  return `${sign}${abs / 100n}.${(abs % 100n).toString().padStart(2, "0")}`;
}
