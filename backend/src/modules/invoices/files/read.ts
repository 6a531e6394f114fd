import { createHash } from "node:crypto";
import { readCsv } from "./csv";
import { decodeText, hasBinary, type TextEncodingName } from "./decode";
import { readEInvoiceXml } from "./einvoice";
import { FILE_LIMITS, columnsMissing, tooLarge, tooManyRows, unreadable, unsupported } from "./limits";
import { readOfd } from "./ofd";
import { readPdf } from "./pdf";
import { findHeader, readTable, type TableReading } from "./table";
import { readXlsx } from "./xlsx";
import { looksLikeZip, readZip } from "./zip";

export type FileFormat = "xlsx" | "csv" | "json" | "xml" | "ofd" | "pdf";

/** What a file holds, as read: its invoices (not yet checked by intake), rows skipped and why, problems. */
export interface FileReading extends TableReading {
  format: FileFormat;
  /** In words: "XLSX, sheet 发票基础信息", "CSV (GBK)", "数电票 XML". */
  kind: string;
  encoding: TextEncodingName | null;
  sheet: string | null;
  sha256: string;
}

/**
 * Reads an uploaded invoice file, whatever it is: a tax-platform export or the template (XLSX, or
 * CSV in UTF-8 or GBK), the API's own columns (CSV or JSON, amounts in fen), a 数电票 or VAT
 * e-invoice XML, an OFD, or a PDF with the invoice XML embedded. Recognized by its bytes, not its
 * name. Refuses (4xx, naming the problem) a file too large, of an unknown kind, damaged, hostile
 * (zip bombs, XML entities, a million rows) or without invoice data; problems in rows are
 * returned for the caller to refuse with all of them. `own`: the caller's tax id (invoices it
 * received are skipped).
 */
export async function readInvoiceFile(bytes: Buffer, name: string, own: string): Promise<FileReading> {
  if (bytes.length > FILE_LIMITS.bytes) {
    throw tooLarge(`The file is ${Math.ceil(bytes.length / 1024)} KiB; at most ${FILE_LIMITS.bytes / 1024} KiB are taken: split the export into several files (by month)`);
  }
  if (bytes.length === 0) throw unreadable("The file is empty");
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const attachment = { name: attachmentName(name), sha256 };
  const o = { own, attachment };
  const base = { encoding: null, sheet: null, sha256 };

  if (bytes.subarray(0, 5).toString("latin1") === "%PDF-") return { format: "pdf", ...base, ...readPdf(bytes, name, o) };
  if (bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0) {
    throw unsupported("This is an old Excel 97-2003 workbook (.xls); open it in Excel or WPS and save it as .xlsx (or CSV), then upload that");
  }
  if (looksLikeZip(bytes)) {
    const { names } = await readZip(bytes, "file", () => false);
    if (names.includes("xl/workbook.xml")) return readWorkbook(bytes, own, sha256);
    if (names.includes("OFD.xml")) return { format: "ofd", ...base, ...(await readOfd(bytes, name, o)) };
    throw unsupported("The file is a zip archive but neither an XLSX workbook nor an OFD invoice; upload the files themselves, one at a time");
  }

  const { text, encoding } = decodeXmlAware(bytes);
  if (hasBinary(text)) throw unsupported("The file is not text, XLSX, OFD or PDF; upload the tax platform's export (XLSX or CSV), the template, or an e-invoice's XML, OFD or PDF");
  const start = text.trimStart();
  if (start.startsWith("<")) return { format: "xml", ...base, encoding, ...readEInvoiceXml(text, name, o) };
  if (start.startsWith("[") || start.startsWith("{")) return { format: "json", ...base, encoding, kind: "JSON (the API's fields, amounts in fen)", ...readJson(text) };
  const rows = readCsv(text);
  return { format: "csv", ...base, encoding, kind: `CSV (${encoding})`, ...readTable(rows, { own, what: "CSV file" }) };
}

/** Text, honouring an XML declaration's GBK encoding (older tools write one). */
function decodeXmlAware(bytes: Buffer): ReturnType<typeof decodeText> {
  const head = bytes.subarray(0, 100).toString("latin1");
  if (/^<\?xml[^>]*encoding=["'](gbk|gb2312|gb18030)["']/i.test(head)) {
    try {
      return { text: new TextDecoder("gb18030", { fatal: true }).decode(bytes), encoding: "GBK" };
    } catch {
      throw unreadable("The XML file declares GBK but is not valid GBK text; export it again");
    }
  }
  return decodeText(bytes);
}

async function readWorkbook(bytes: Buffer, own: string, sha256: string): Promise<FileReading> {
  const book = await readXlsx(bytes);
  const rank = (n: string) => (/发票基础信息/.test(n) ? 0 : /信息汇总|明细/.test(n) ? 2 : 1);
  const order = book.names.map((n, i) => ({ n, i })).sort((a, b) => rank(a.n) - rank(b.n) || a.i - b.i);
  for (const { n } of order) {
    const sheet = book.sheet(n);
    if (!findHeader(sheet.rows)) continue;
    return {
      format: "xlsx",
      kind: `XLSX, sheet ${n}`,
      encoding: null,
      sheet: n,
      sha256,
      ...readTable(sheet.rows, { own, what: `sheet ${n}`, date1904: book.date1904 }),
    };
  }
  throw columnsMissing(
    `No sheet of the workbook (${book.names.join("、") || "none"}) has a header row naming the invoice number (发票号码 or 数电发票号码) and the amounts (金额, 税额, 价税合计). Upload the tax platform's export (全量发票查询 → 导出) as it is, or use the template.`,
  );
}

/** The API's own JSON: an array of InvoiceSubmission, or { invoices: [...] }. */
function readJson(text: string): TableReading {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw unreadable(`The JSON file is not valid JSON (${(e as Error).message.slice(0, 100)})`);
  }
  const items = Array.isArray(parsed) ? parsed : (parsed as { invoices?: unknown })?.invoices;
  if (!Array.isArray(items)) throw columnsMissing("The JSON file holds neither a list of invoices nor { \"invoices\": [...] } (the API's fields, amounts in fen)");
  if (items.length > FILE_LIMITS.invoices) throw tooManyRows(`The JSON file lists ${items.length} invoices; at most ${FILE_LIMITS.invoices} are taken per file: split it into several files`);
  const columns = Object.fromEntries(["invoiceNumber", "invoiceCode", "sellerTaxId", "buyerTaxId", "issueDate", "amount", "tax", "total", "currency", "waybillNumbers", "attachments"].map((k) => [k, k]));
  return {
    invoices: items.map((input, i) => ({ row: i + 1, input: input && typeof input === "object" && !Array.isArray(input) ? (input as Record<string, unknown>) : { invoice: input }, columns })),
    skipped: [],
    problems: [],
  };
}

/** A file name as an invoice attachment takes it: no path, no control characters, at most 200 characters. */
export function attachmentName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const clean = base.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, "").trim().slice(0, 200);
  return clean || "invoice";
}
