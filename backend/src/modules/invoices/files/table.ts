import { API_COLUMNS, fieldOfHeader, type ColumnField } from "./columns";
import type { SheetRow } from "./csv";
import { FILE_LIMITS, columnsMissing, tooManyRows, type RowProblem } from "./limits";
import { serialDate } from "./xlsx";
import { spreadsheetNumber, yuanToFen } from "./yuan";

/** One invoice read from a file, before the platform's own checks (InvoiceSubmission). */
export interface FileInvoice {
  /** The row it was read from (the first, for a line-item sheet), as the file shows it; 1 for an e-invoice file. */
  row: number;
  /** The submission: text as read, money as fen strings. */
  input: Record<string, unknown>;
  /** The column (or element) each field came from, to name it in problems. */
  columns: Record<string, string>;
}

/** A row the file holds that is not sent, and why (voided, red-letter, received rather than issued). */
export interface SkippedRow {
  row: number;
  invoiceNumber: string | null;
  /** Why, as a code (for the portal's words): voided, red-lettered or another status in the file, negative, received. */
  code: "VOIDED" | "RED_LETTERED" | "STATUS" | "NEGATIVE" | "RECEIVED";
  reason: string;
}

export interface TableReading {
  invoices: FileInvoice[];
  skipped: SkippedRow[];
  problems: RowProblem[];
}

type Row = SheetRow & { numeric?: boolean[] };

/** The header row (among the first ten) and which column holds which field. */
export function findHeader(rows: Row[]): { at: number; columns: Map<ColumnField, { index: number; name: string }>; api: boolean } | null {
  for (let at = 0; at < Math.min(rows.length, 10); at++) {
    const cells = rows[at].cells.map((c) => c.trim());
    if (cells.includes("invoiceNumber") && (cells.includes("amount") || cells.includes("total"))) {
      const columns = new Map<ColumnField, { index: number; name: string }>();
      for (const name of API_COLUMNS) if (cells.includes(name)) columns.set(name as ColumnField, { index: cells.indexOf(name), name });
      return { at, columns, api: true };
    }
    const columns = new Map<ColumnField, { index: number; name: string }>();
    cells.forEach((c, index) => {
      const f = fieldOfHeader(c);
      if (f && !columns.has(f)) columns.set(f, { index, name: c });
    });
    const numbered = columns.has("digitalNumber") || columns.has("invoiceNumber");
    if (numbered && (columns.has("amount") || columns.has("total"))) return { at, columns, api: false };
  }
  return null;
}

/**
 * Reads the invoices of a sheet or CSV: a tax-platform export or the platform's template (Chinese
 * headers, amounts in 元) or the API's own columns (amounts in fen). Rows above the header (a
 * title) are ignored, and so are rows without any invoice number (a 合计 row). A line-item sheet
 * (信息汇总表: one row per item) is summed per invoice, exactly. Voided, red-lettered and negative
 * invoices, and invoices the caller received rather than issued, are skipped with their reason;
 * a row that cannot be read is a problem naming its row and column.
 */
export function readTable(rows: Row[], o: { own: string; what: string; date1904?: boolean }): TableReading {
  const header = findHeader(rows);
  if (!header) {
    const first = rows[0]?.cells.filter(Boolean).slice(0, 12).join("、") ?? "";
    throw columnsMissing(
      `The ${o.what} has no header row naming the invoice number (发票号码 or 数电发票号码) and the amounts (金额, 税额, 价税合计)${first ? `; its first row reads: ${first.slice(0, 200)}` : " (it is empty)"}. Upload the tax platform's export (全量发票查询 → 导出) as it is, or use the template.`,
    );
  }
  const body = rows.slice(header.at + 1);
  if (body.length > FILE_LIMITS.invoices + 10) {
    throw tooManyRows(`The ${o.what} has ${body.length} rows; at most ${FILE_LIMITS.invoices} invoices are taken per file: split it into several files`);
  }
  const col = (f: ColumnField) => header.columns.get(f);
  const out: TableReading = { invoices: [], skipped: [], problems: [] };
  const lineItems = !header.api && col("lineItem") !== undefined;
  const byIdentity = new Map<string, { invoice: FileInvoice; sums: Record<"amount" | "tax" | "total", bigint> | null }>();

  for (const r of body) {
    const cell = (f: ColumnField) => {
      const c = col(f);
      return c === undefined ? "" : (r.cells[c.index] ?? "").trim();
    };
    const numeric = (f: ColumnField) => {
      const c = col(f);
      return c !== undefined && !!r.numeric?.[c.index];
    };
    const problem = (f: ColumnField | string, message: string) => out.problems.push({ row: r.row, column: col(f as ColumnField)?.name ?? f, message });

    // ─── identity ───
    let digital = identifier(cell("digitalNumber"));
    let number = identifier(cell("invoiceNumber"));
    let code = identifier(cell("invoiceCode"));
    if (!digital && !number) continue; // a title, sum (合计) or empty row
    if (numeric("invoiceNumber") && /^[0-9]{1,7}$/.test(number) && code) number = number.padStart(8, "0"); // a number cell lost its leading zeros
    if (/[eE]\+?[0-9]+$/.test(digital) || /[eE]\+?[0-9]+$/.test(number)) {
      problem(digital ? "digitalNumber" : "invoiceNumber", `"${digital || number}" was stored as a number and lost its digits; format the column as text (数电发票号码 has 20 digits) and export again`);
      continue;
    }
    if (!header.api && !digital && number.length === 20 && !code) digital = number;
    if (digital) {
      number = digital;
      code = "";
    }
    const identity = code ? `${code}-${number}` : number;

    // ─── what the export says about it ───
    const status = cell("status");
    if (status && !/^(正常|蓝字发票|有效)$/.test(status)) {
      const code = /作废/.test(status) ? "VOIDED" : /红冲/.test(status) ? "RED_LETTERED" : "STATUS";
      const why = code === "VOIDED" ? "it is voided (作废)" : code === "RED_LETTERED" ? `it has been reversed by a red-letter invoice (${status})` : `its status is ${status}`;
      out.skipped.push({ row: r.row, invoiceNumber: identity, code, reason: `${why} according to the file; only valid invoices can back a receivable` });
      continue;
    }
    if (/^(否|N|FALSE)$/i.test(cell("positive"))) {
      out.skipped.push({ row: r.row, invoiceNumber: identity, code: "NEGATIVE", reason: "a red-letter (negative) invoice: it reverses another invoice and backs nothing" });
      continue;
    }
    const seller = identifier(cell("sellerTaxId")).toUpperCase();
    const buyer = identifier(cell("buyerTaxId")).toUpperCase();
    if (buyer === o.own && seller && seller !== o.own) {
      out.skipped.push({ row: r.row, invoiceNumber: identity, code: "RECEIVED", reason: `an invoice you received from ${cell("sellerName") || seller} (进项), not one you issued` });
      continue;
    }

    // ─── money ───
    const money: Partial<Record<"amount" | "tax" | "total", { fen: bigint }>> = {};
    let moneyOk = true;
    for (const f of ["amount", "tax", "total"] as const) {
      const raw = cell(f);
      if (raw === "") continue;
      if (header.api) {
        if (!/^-?[0-9]{1,18}$/.test(raw)) {
          problem(f, `"${raw.slice(0, 40)}" is not a whole number of fen (this file uses the API's columns, where amounts are in fen)`);
          moneyOk = false;
        } else money[f] = { fen: BigInt(raw) };
        continue;
      }
      const parsed = yuanToFen(numeric(f) ? spreadsheetNumber(raw) : raw);
      if (!parsed.ok) {
        problem(f, parsed.message);
        moneyOk = false;
      } else money[f] = { fen: parsed.negative ? -BigInt(parsed.fen) : BigInt(parsed.fen) };
    }
    if (!moneyOk) continue;

    // ─── the date ───
    const rawDate = cell("issueDate");
    const issueDate = numeric("issueDate") ? (serialDate(rawDate, o.date1904) ?? rawDate) : header.api ? rawDate : normalizeDate(rawDate);

    const columns: Record<string, string> = {};
    for (const [field, c] of [
      ["invoiceNumber", col(digital ? "digitalNumber" : "invoiceNumber") ?? col("invoiceNumber")],
      ["invoiceCode", col("invoiceCode")],
      ["sellerTaxId", col("sellerTaxId")],
      ["buyerTaxId", col("buyerTaxId")],
      ["issueDate", col("issueDate")],
      ["amount", col("amount")],
      ["tax", col("tax")],
      ["total", col("total") ?? col("amount")],
      ["currency", col("currency")],
      ["waybillNumbers", col("waybillNumbers")],
    ] as const) {
      columns[field] = c?.name ?? field;
    }
    const previous = byIdentity.get(identity);
    if (lineItems && previous) {
      // another line of the same invoice: add it up (discount lines are negative)
      const sums = previous.sums!;
      for (const f of ["amount", "tax", "total"] as const) sums[f] += money[f]?.fen ?? 0n;
      continue;
    }
    if (previous) {
      problem("invoiceNumber", `repeats the invoice of row ${previous.invoice.row} (${identity}); each invoice is listed once`);
      continue;
    }
    const waybills = cell("waybillNumbers")
      .split(/[|;；,，\s]+/)
      .map((w) => w.trim().toUpperCase())
      .filter(Boolean);
    const input: Record<string, unknown> = {
      invoiceNumber: number,
      ...(code ? { invoiceCode: code } : {}),
      sellerTaxId: seller,
      buyerTaxId: buyer,
      issueDate,
      currency: (cell("currency") || "CNY").toUpperCase().replace(/^(人民币|RMB)$/, "CNY"),
      waybillNumbers: waybills,
      attachments: header.api ? attachmentsOf(r.cells[header.columns.get("attachments" as ColumnField)?.index ?? -1] ?? "") : [],
    };
    const invoice: FileInvoice = { row: r.row, input, columns };
    const sums = { amount: money.amount?.fen ?? 0n, tax: money.tax?.fen ?? 0n, total: money.total?.fen ?? (money.amount?.fen ?? 0n) + (money.tax?.fen ?? 0n) };
    if (!lineItems) {
      if (money.amount === undefined) problem("amount", "is empty: give the amount before tax in yuan");
      if (money.tax === undefined) problem("tax", "is empty: give the tax in yuan (0 for tax-exempt goods)");
      if (money.amount === undefined || money.tax === undefined) continue;
    }
    byIdentity.set(identity, { invoice, sums });
    out.invoices.push(invoice);
  }

  // money as the API takes it; a negative invoice (all its lines summed) is a red-letter one
  out.invoices = out.invoices.filter((inv) => {
    const { sums } = byIdentity.get(identityOf(inv))!;
    if (!sums) return true;
    if (sums.total < 0n || sums.amount < 0n) {
      out.skipped.push({ row: inv.row, invoiceNumber: identityOf(inv), code: "NEGATIVE", reason: "a red-letter (negative) invoice: it reverses another invoice and backs nothing" });
      return false;
    }
    inv.input.amount = sums.amount.toString();
    inv.input.tax = sums.tax.toString();
    inv.input.total = sums.total.toString();
    return true;
  });
  out.skipped.sort((a, b) => a.row - b.row);
  if (out.invoices.length > FILE_LIMITS.invoices) {
    throw tooManyRows(`The ${o.what} lists ${out.invoices.length} invoices; at most ${FILE_LIMITS.invoices} are taken per file: split it into several files`);
  }
  return out;
}

/**
 * A number or code as spreadsheets keep long digits as text when saved to CSV: without spaces, a
 * leading apostrophe, or the ="…" formula wrapper (digits and letters never hold quotes).
 */
const identifier = (cell: string) =>
  cell
    .replace(/\s/g, "")
    .replace(/^'/, "")
    .replace(/^="/, '"')
    .replace(/"/g, "");

/** The API columns' attachments: "name:sha256" pairs separated by "|" or ";". */
const attachmentsOf = (cell: string) =>
  cell
    .split(/[|;]/)
    .map((a) => a.trim())
    .filter(Boolean)
    .map((a) => ({ name: a.slice(0, a.lastIndexOf(":")), sha256: a.slice(a.lastIndexOf(":") + 1) }));

const identityOf = (inv: FileInvoice) => (inv.input.invoiceCode ? `${String(inv.input.invoiceCode)}-${String(inv.input.invoiceNumber)}` : String(inv.input.invoiceNumber));

/**
 * A date as tax exports and people write it → YYYY-MM-DD (the time of day, if any, dropped):
 * 2026-11-03, 2026-11-03 10:21:45, 2026/11/3, 2026.11.03, 2026年11月3日, 20261103. Anything else is
 * returned as written, for the schema to refuse naming the column.
 */
export function normalizeDate(raw: string): string {
  const s = raw.trim();
  // a date is short: anything longer is refused as written, before a pattern could backtrack over it
  if (s.length > 40) return s.slice(0, 40);
  const m = /^([0-9]{4})\s*[-/.年]\s*([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})\s*日?(?:[T\s].*)?$/.exec(s) ?? /^([0-9]{4})([0-9]{2})([0-9]{2})$/.exec(s);
  return m ? `${m[1]}-${m[2].padStart(2, "0")}-${m[3].padStart(2, "0")}` : s;
}
