import { AppError, validationFailed, type FieldProblem } from "../../../shared/errors";

/**
 * What an uploaded invoice file may cost the server. Files come from anyone with a supplier's key,
 * so every reader stops at these bounds, early, and says which one was crossed: a file too large,
 * a sheet with too many rows, a zip (XLSX, OFD) that expands too far or holds too many entries, XML
 * nested too deep or declaring entities. Nothing is written before a file is read whole.
 */
export const FILE_LIMITS = {
  /** The file's bytes (sent base64 in a JSON body: 700 KiB take about 933 KiB, under the default 1 MB body limit). */
  bytes: 700 * 1024,
  /** Invoices in one file (a tax-platform export of a month, for a supplier of this size, holds a few hundred). */
  invoices: 2000,
  /** Rows read from a sheet or CSV before giving up (header, title and sum rows included). */
  rows: 2020,
  /** Entries in a zip (XLSX, OFD): real ones hold a few dozen. */
  zipEntries: 500,
  /** Bytes one zip entry may expand to, and all the entries read from one zip together. */
  entryBytes: 12 * 1024 * 1024,
  totalBytes: 24 * 1024 * 1024,
  /** How far one entry may expand relative to its compressed size (a zip bomb expands thousands of times). */
  ratio: 200,
  /** Nesting depth of XML elements (invoice XML is a dozen deep). */
  xmlDepth: 64,
} as const;

/** A file that cannot be taken, and why: a stable code and a sentence the supplier can act on. */
export class FileRefused extends AppError {
  constructor(code: FileProblemCode, status: 413 | 422, message: string, fields: FieldProblem[] = []) {
    super(code, status, message, fields.length ? fields : [{ field: "body.content", message }]);
    this.name = "FileRefused";
  }
}

export type FileProblemCode =
  | "INVOICE_FILE.TOO_LARGE"
  | "INVOICE_FILE.TOO_MANY_ROWS"
  | "INVOICE_FILE.EXPANDS_TOO_FAR"
  | "INVOICE_FILE.UNSAFE_XML"
  | "INVOICE_FILE.UNREADABLE"
  | "INVOICE_FILE.UNSUPPORTED"
  | "INVOICE_FILE.NO_INVOICE_DATA"
  | "INVOICE_FILE.COLUMNS_MISSING";

export const tooLarge = (message: string) => new FileRefused("INVOICE_FILE.TOO_LARGE", 413, message);
export const tooManyRows = (message: string) => new FileRefused("INVOICE_FILE.TOO_MANY_ROWS", 413, message);
export const expandsTooFar = (message: string) => new FileRefused("INVOICE_FILE.EXPANDS_TOO_FAR", 413, message);
export const unsafeXml = (message: string) => new FileRefused("INVOICE_FILE.UNSAFE_XML", 422, message);
export const unreadable = (message: string) => new FileRefused("INVOICE_FILE.UNREADABLE", 422, message);
export const unsupported = (message: string) => new FileRefused("INVOICE_FILE.UNSUPPORTED", 422, message);
export const noInvoiceData = (message: string) => new FileRefused("INVOICE_FILE.NO_INVOICE_DATA", 422, message);
export const columnsMissing = (message: string) => new FileRefused("INVOICE_FILE.COLUMNS_MISSING", 422, message);

/** A problem in one row (or one e-invoice file) and column: the file is refused whole, naming each. */
export interface RowProblem {
  /** The row as the spreadsheet shows it (1 for a one-invoice file). */
  row: number;
  /** The column as the file names it (发票号码), or the element an e-invoice keeps it in. */
  column: string;
  message: string;
}

/** Row problems as the 422 the API answers: `file.rows.<row>.<column>` for each. */
export function rowsInvalid(problems: RowProblem[], what: string): AppError {
  const shown = problems.slice(0, 200);
  const more = problems.length - shown.length;
  return validationFailed(
    shown.map((p) => ({ field: `file.rows.${p.row}.${p.column}`, message: p.message })),
    `${problems.length} problem${problems.length === 1 ? "" : "s"} in ${what}${more ? ` (the first 200 are listed)` : ""}; nothing was stored: correct the file and send it again (invoices already submitted are then skipped).`,
  );
}
