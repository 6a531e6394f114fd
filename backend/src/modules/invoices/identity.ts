import { keccak256, toUtf8Bytes } from "ethers";

/**
 * How an invoice is identified, at the tax bureau and in its invoice key.
 *
 * A fully digitalized e-invoice (全电发票) has a 20-digit number, unique nationwide. An older VAT
 * invoice (paper, or electronic with a 12-digit code) is identified by its invoice code (10 or 12
 * digits) together with its 8-digit number: the 8-digit numbers restart for every code. The
 * platform stores the identity in `invoices.invoice_number` and builds the invoice key from it:
 * the 20 digits, or `<code>-<number>`. The hyphen keeps a 12-digit code plus an 8-digit number
 * from ever spelling a 20-digit e-invoice number.
 */
export function invoiceIdentity(invoiceCode: string | null | undefined, invoiceNumber: string): string {
  return invoiceCode ? `${invoiceCode}-${invoiceNumber}` : invoiceNumber;
}

/** The identity split back into code and number, as the supplier sent them. */
export function splitIdentity(identity: string): { invoiceCode: string | null; invoiceNumber: string } {
  const dash = identity.indexOf("-");
  return dash < 0 ? { invoiceCode: null, invoiceNumber: identity } : { invoiceCode: identity.slice(0, dash), invoiceNumber: identity.slice(dash + 1) };
}

/** How a reason names the invoice: the e-invoice number, or "code 5000261130 no. 01234567". */
export function describeInvoice(identity: string): string {
  const { invoiceCode, invoiceNumber } = splitIdentity(identity);
  return invoiceCode ? `invoice code ${invoiceCode} no. ${invoiceNumber}` : `invoice ${invoiceNumber}`;
}

/** Deterministic JSON: object keys sorted, bigint as a decimal string, undefined fields left out. */
export function canonicalJson(v: unknown): string {
  if (typeof v === "bigint") return JSON.stringify(v.toString());
  if (v instanceof Date) return JSON.stringify(v.toISOString());
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? "null" : canonicalJson(x))).join(",")}]`;
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v ?? null);
}

/** keccak256 of the canonical JSON of `v` (UTF-8). */
export const canonicalHash = (v: unknown): string => keccak256(toUtf8Bytes(canonicalJson(v)));

/** Fen as yuan for people: 12345678n → "123,456.78". */
export function yuan(fen: bigint): string {
  const sign = fen < 0n ? "-" : "";
  const abs = fen < 0n ? -fen : fen;
  const whole = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${sign}${whole}.${(abs % 100n).toString().padStart(2, "0")}`;
}

/** Today's date in China Standard Time (UTC+8), YYYY-MM-DD: the tax bureau's calendar. */
export function chinaToday(now = new Date()): string {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** Whole days from `a` to `b` (YYYY-MM-DD). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}
