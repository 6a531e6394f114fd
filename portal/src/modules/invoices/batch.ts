/**
 * Reading a file of invoices into POST /v1/invoices/batch bodies. CSV columns are the fields of
 * InvoiceSubmission (amounts in fen, as the API takes them); waybillNumbers separated by "|" or
 * ";" inside the cell; attachments as "name:sha256" pairs separated the same way. JSON: an array
 * of InvoiceSubmission, or { invoices: [...] }.
 */
import type { Schemas } from "../../api/client";
import { csvRecords } from "../../shared/csv";

export type Submission = Schemas["InvoiceSubmission"];

/** The API's maximum per request (backend invoices.schemas.ts MAX_BATCH). */
export const MAX_BATCH = 500;

export const CSV_COLUMNS = [
  "invoiceNumber",
  "invoiceCode",
  "sellerTaxId",
  "buyerTaxId",
  "issueDate",
  "amount",
  "tax",
  "total",
  "currency",
  "waybillNumbers",
  "attachments",
] as const;
const REQUIRED = ["invoiceNumber", "sellerTaxId", "buyerTaxId", "issueDate", "amount", "tax", "total"] as const;

export type RowProblem = { row: number; key: "missingColumn" | "missingValue" | "fen" | "total"; field: string };
export type ParsedFile = { invoices: Submission[]; problems: RowProblem[] };

const list = (cell: string | undefined) =>
  (cell ?? "")
    .split(/[|;]/)
    .map((s) => s.trim())
    .filter(Boolean);

const FEN = /^[0-9]{1,18}$/;

export function fromCsv(text: string): ParsedFile {
  const { header, records } = csvRecords(text);
  const problems: RowProblem[] = [];
  for (const col of REQUIRED) if (!header.includes(col)) problems.push({ row: 1, key: "missingColumn", field: col });
  if (problems.length) return { invoices: [], problems };
  const invoices = records.map((r, i) => {
    const row = i + 2; // the header is row 1
    for (const col of REQUIRED) if (!r[col]) problems.push({ row, key: "missingValue", field: col });
    for (const col of ["amount", "tax", "total"] as const)
      if (r[col] && !FEN.test(r[col])) problems.push({ row, key: "fen", field: col });
    if (FEN.test(r.amount ?? "") && FEN.test(r.tax ?? "") && FEN.test(r.total ?? "") && BigInt(r.amount) + BigInt(r.tax) !== BigInt(r.total))
      problems.push({ row, key: "total", field: "total" });
    const submission: Submission = {
      invoiceNumber: r.invoiceNumber,
      sellerTaxId: r.sellerTaxId,
      buyerTaxId: r.buyerTaxId,
      issueDate: r.issueDate,
      amount: r.amount,
      tax: r.tax,
      total: r.total,
      currency: r.currency || "CNY",
      waybillNumbers: list(r.waybillNumbers),
      attachments: list(r.attachments).map((a) => {
        const at = a.lastIndexOf(":");
        return { name: a.slice(0, at), sha256: a.slice(at + 1) };
      }),
    };
    if (r.invoiceCode) submission.invoiceCode = r.invoiceCode;
    return submission;
  });
  return { invoices, problems };
}

export function fromJson(text: string): ParsedFile {
  const parsed: unknown = JSON.parse(text);
  const items = Array.isArray(parsed) ? parsed : (parsed as { invoices?: unknown })?.invoices;
  if (!Array.isArray(items)) return { invoices: [], problems: [{ row: 0, key: "missingColumn", field: "invoices" }] };
  // the API checks every field and names the faulty ones; here only the shape is taken
  return { invoices: items as Submission[], problems: [] };
}
