/**
 * Invoice files travel to POST /v1/invoices/files as they are (base64 in the JSON body): the API
 * reads them (tax-platform exports in XLSX or CSV, UTF-8 or GBK, the template, 数电票 XML, OFD,
 * PDF with its XML) and answers what it read, skipped and stored. Nothing is parsed here.
 */
import type { Schemas } from "../../api/client";

export type Submission = Schemas["InvoiceSubmission"];
export type FileResult = Schemas["InvoiceFileResult"];

/** The API's limit per file (backend invoices/files/limits.ts FILE_LIMITS.bytes). */
export const MAX_FILE_BYTES = 700 * 1024;

/** What the file input accepts: the kinds the API reads. */
export const ACCEPT = ".xlsx,.csv,.txt,.json,.xml,.ofd,.pdf";

