import { z } from "../../shared/http/openapi";
import { CalendarDate, isCalendarDate } from "../../shared/http/dates";
import { usccProblem } from "../onboarding";
import { chinaToday } from "./identity";

export const MAX_BATCH = 500;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const Uscc = (what: string, example: string) =>
  z
    .string()
    .max(40, "is too long for a unified social credit code (18 characters)")
    .transform((v) => v.trim().toUpperCase())
    .superRefine((v, ctx) => {
      const problem = usccProblem(v);
      if (problem) ctx.addIssue({ code: "custom", message: `is not a valid unified social credit code: ${problem}` });
    })
    .openapi({ description: `${what}: unified social credit code (GB 32100-2015), 18 characters, checksum verified.`, example });

/** Money: integer fen as a decimal string (never a JSON number: no floating point). */
const Fen = (what: string, example: string, allowZero = false) =>
  z
    .string()
    .regex(/^[0-9]{1,18}$/, `must be an integer number of fen as a string of 1 to 18 digits (e.g. "1130000" for 11,300.00 yuan)`)
    .transform((v) => BigInt(v))
    .refine((v) => allowZero || v > 0n, "must be greater than 0")
    .openapi({ type: "string", pattern: "^[0-9]{1,18}$", description: `${what}, in fen (1/100 yuan).`, example });

const IssueDate = CalendarDate.refine((v) => !isCalendarDate(v) || v <= chinaToday(), "is in the future (China Standard Time); an invoice cannot be issued after today")
  .openapi({ description: "Issue date as printed on the invoice (China Standard Time).", example: "2026-05-12" });

const Attachment = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, "must not be empty")
      .max(200)
      .regex(/^[^\u0000-\u001f\u007f-\u009f\u2028\u2029\\/]+$/, "must be a file name without control characters or slashes")
      .refine((v) => !LONE_SURROGATE.test(v), "must be valid Unicode text")
      .openapi({ example: "invoice-26502000000000012345.pdf" }),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, "must be the file's SHA-256, 64 lower-case hex digits")
      .openapi({ example: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" }),
  })
  .strict()
  .openapi({ description: "A document kept off the platform, identified by its hash." });

/** One invoice as a supplier submits it. */
export const InvoiceSubmission = z
  .object({
    invoiceNumber: z
      .string()
      .regex(/^([0-9]{20}|[0-9]{8})$/, "must be a 20-digit fully digitalized e-invoice number, or the 8-digit number of an invoice with an invoiceCode")
      .openapi({ example: "26502000000000012345" }),
    invoiceCode: z
      .string()
      .regex(/^([0-9]{10}|[0-9]{12})$/, "must be a 10- or 12-digit invoice code")
      .optional()
      .openapi({ description: "Only for invoices that are not fully digitalized: the 10- or 12-digit invoice code (the number is then 8 digits)." }),
    sellerTaxId: Uscc("The seller: your own organization", "91500112MA60K4DK5U"),
    buyerTaxId: Uscc("The buyer", "91510112MA6CF2U9QH"),
    issueDate: IssueDate,
    amount: Fen("Amount before tax", "10000000"),
    tax: Fen("VAT (0 for exempt goods)", "1300000", true),
    total: Fen("Total including tax: exactly amount + tax", "11300000"),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, "must be an ISO 4217 currency code (3 capital letters)")
      .refine((v) => v === "CNY", "must be CNY: the platform settles in yuan")
      .openapi({ example: "CNY" }),
    waybillNumbers: z
      .array(z.string().regex(/^[A-Z0-9]{8,30}$/, "must be a waybill number: 8 to 30 capital letters and digits").openapi({ example: "CYWL202605110001" }))
      .max(20, "at most 20 waybills per invoice")
      .refine((a) => new Set(a).size === a.length, "must not repeat a waybill number")
      .default([]),
    attachments: z
      .array(Attachment)
      .max(20, "at most 20 attachments per invoice")
      .refine((a) => new Set(a.map((x) => x.sha256)).size === a.length, "must not repeat a file")
      .default([]),
  })
  .strict()
  .superRefine((v, ctx) => {
    // these rules relate fields to each other; zod runs them even when a field already failed on its
    // own (and an amount that failed is still a string), so they judge only well-formed fields
    const codeOk = v.invoiceCode === undefined || /^([0-9]{10}|[0-9]{12})$/.test(v.invoiceCode);
    if (v.invoiceCode !== undefined && codeOk && v.invoiceNumber.length !== 8) {
      ctx.addIssue({ code: "custom", path: ["invoiceNumber"], message: "must be the 8-digit invoice number when an invoiceCode is given" });
    }
    if (v.invoiceCode === undefined && v.invoiceNumber.length !== 20) {
      ctx.addIssue({ code: "custom", path: ["invoiceNumber"], message: "an 8-digit invoice number needs its invoiceCode (10 or 12 digits); fully digitalized e-invoice numbers have 20 digits" });
    }
    const amountsOk = [v.amount, v.tax, v.total].every((x) => typeof x === "bigint");
    if (amountsOk && v.amount + v.tax !== v.total) {
      ctx.addIssue({ code: "custom", path: ["total"], message: `must equal amount + tax exactly (${v.amount} + ${v.tax} = ${v.amount + v.tax} fen), got ${v.total}` });
    }
    if (v.sellerTaxId === v.buyerTaxId) {
      ctx.addIssue({ code: "custom", path: ["buyerTaxId"], message: "must differ from the seller: an invoice is issued to another organization" });
    }
  })
  .openapi("InvoiceSubmission");
export type InvoiceInput = z.infer<typeof InvoiceSubmission>;

/** What to do with invoices the supplier submitted before. */
export const OnDuplicate = z
  .enum(["skip", "refuse"])
  .default("skip")
  .openapi({
    description:
      "`skip` (the default): invoices you submitted before are left out and each is named in `duplicates` with the invoice it repeats; the others are stored. `refuse`: all or nothing, as before: any such invoice refuses the whole request with 409 INVOICE.DUPLICATE listing each, and nothing is stored.",
  });

export const InvoiceBatch = z
  .object({
    invoices: z.array(InvoiceSubmission).min(1, "needs at least one invoice").max(MAX_BATCH, `at most ${MAX_BATCH} invoices per batch`),
    duplicates: OnDuplicate,
  })
  .strict()
  .openapi("InvoiceBatch");

/** An invoice of the request that was submitted before, and the invoice it repeats. */
export const DuplicateView = z
  .object({
    index: z.number().int().openapi({ description: "Its position in the request (0-based)." }),
    row: z.number().int().optional().openapi({ description: "For a file: the row it was read from." }),
    field: z.string(),
    invoiceNumber: z.string(),
    invoiceCode: z.string().nullable(),
    existingInvoiceId: z.string().uuid().openapi({ description: "The invoice it repeats." }),
    status: z.enum(["received", "verifying", "verified", "rejected"]).openapi({ description: "That invoice's status; a refused one can be corrected or deleted." }),
    rejectionCode: z.string().nullable(),
    submittedAt: z.string(),
    message: z.string(),
  })
  .openapi("DuplicateInvoice");

/** A file of invoices, in a JSON body. */
export const InvoiceFileUpload = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, "must not be empty")
      .max(200)
      .regex(/^[^\u0000-\u001f\u007f-\u009f\u2028\u2029]+$/, "must be a file name without control characters")
      .refine((v) => !LONE_SURROGATE.test(v), "must be valid Unicode text")
      .openapi({ example: "全量发票查询导出结果.xlsx", description: "The file's name (shown in answers and kept as the attachment's name of an e-invoice file)." }),
    content: z
      .string()
      .min(1, "must not be empty")
      .regex(/^[A-Za-z0-9+/]+={0,2}$/, "must be the file's bytes in base64 (RFC 4648, no line breaks)")
      .refine((v) => v.length % 4 === 0, "must be base64 whose length is a multiple of 4 (padded with =)")
      .openapi({ example: "5Y+R56Wo5Y+356CBLOmHkeminQo=", description: "The file's bytes, base64. At most 700 KiB of file (within the request body limit)." }),
    duplicates: OnDuplicate,
    dryRun: z.boolean().default(false).openapi({ description: "true: read and check the file, store nothing (a preview)." }),
  })
  .strict()
  .openapi("InvoiceFileUpload");

const ReadInvoiceView = z.object({
  row: z.number().int(),
  invoiceNumber: z.string(),
  invoiceCode: z.string().nullable(),
  buyerTaxId: z.string(),
  issueDate: z.string(),
  amount: z.string(),
  tax: z.string(),
  total: z.string(),
});

export const TemplateQuery = z.object({ format: z.enum(["xlsx", "csv"]).default("xlsx").openapi({ description: "xlsx (the default) or csv (UTF-8 with a byte-order mark)." }) }).strict();

export const STATUSES = ["received", "verifying", "verified", "rejected"] as const;

export const ListQuery = z
  .object({
    status: z.enum(STATUSES).optional(),
    attached: z.enum(["true", "false"]).optional().openapi({ description: "true: only invoices backing a receivable; false: only free ones." }),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    after: z.string().uuid("must be the id of the last item of the previous page").optional(),
  })
  .strict();

export const Id = z.object({ id: z.string().uuid("must be a UUID") }).strict();

const Mismatch = z
  .object({
    field: z.enum(["sellerTaxId", "buyerTaxId", "issueDate", "amount", "tax", "total", "currency"]),
    submitted: z.string(),
    taxBureau: z.string().openapi({ description: "What the tax bureau records (money in fen)." }),
  })
  .openapi("InvoiceMismatch");

const EvidenceView = z.object({
  source: z.enum(["tax", "logistics", "registry", "platform"]),
  result: z.enum(["pass", "fail"]),
  detail: z.string(),
  hash: z.string().openapi({ description: "keccak256 of the canonical JSON of the source's answer." }),
  at: z.string(),
  answer: z.unknown().optional().openapi({ description: "The source's answer, as hashed." }),
});

export const InvoiceView = z
  .object({
    id: z.string().uuid(),
    status: z.enum(STATUSES),
    invoiceNumber: z.string(),
    invoiceCode: z.string().nullable(),
    sellerTaxId: z.string(),
    buyerTaxId: z.string(),
    buyerOrganizationId: z.string().uuid().nullable(),
    issueDate: z.string(),
    amount: z.string(),
    tax: z.string(),
    total: z.string(),
    currency: z.string(),
    waybillNumbers: z.array(z.string()),
    attachments: z.array(z.object({ name: z.string(), sha256: z.string() })),
    invoiceKey: z.string().openapi({ description: "keccak256(abi.encode(seller tax id, invoice number)): the invoice's identity on the ledger." }),
    rejection: z
      .object({
        code: z.string(),
        reason: z.string(),
        mismatch: z.array(Mismatch).openapi({ description: "What the tax bureau records otherwise than submitted (empty for refusals of another kind)." }),
      })
      .nullable(),
    corrections: z
      .array(
        z.object({
          at: z.string(),
          rejection: z.object({ code: z.string(), reason: z.string(), mismatch: z.array(Mismatch) }),
          changes: z.array(z.object({ field: z.string(), from: z.unknown(), to: z.unknown() })),
        }),
      )
      .openapi({ description: "Each correction after a refusal, oldest first: the refusal it answered and what changed." }),
    evidence: z.array(EvidenceView),
    evidenceHash: z.string().nullable().openapi({ description: "keccak256 of the canonical evidence list; anchored on the ledger with the receivable." }),
    verifiedAt: z.string().nullable(),
    receivableId: z.string().uuid().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Invoice");

export const InvoiceFileResult = z
  .object({
    file: z.object({
      name: z.string(),
      format: z.enum(["xlsx", "csv", "json", "xml", "ofd", "pdf"]),
      kind: z.string().openapi({ description: "What was read, in words: `XLSX, sheet 发票基础信息`, `CSV (GBK)`, `数电票 XML`, `OFD`." }),
      encoding: z.string().nullable().openapi({ description: "For text files: UTF-8, GBK, UTF-16LE or UTF-16BE (detected)." }),
      sheet: z.string().nullable(),
      sha256: z.string(),
    }),
    dryRun: z.boolean(),
    read: z.array(ReadInvoiceView).openapi({ description: "Every invoice read from the file, with its row." }),
    items: z.array(InvoiceView).openapi({ description: "The invoices stored (none on a dry run), each received with its verification queued." }),
    duplicates: z.array(DuplicateView),
    skipped: z
      .array(z.object({ row: z.number().int(), invoiceNumber: z.string().nullable(), code: z.enum(["VOIDED", "RED_LETTERED", "STATUS", "NEGATIVE", "RECEIVED"]), reason: z.string() }))
      .openapi({ description: "Rows not sent, and why: voided or red-lettered according to the export, negative, or an invoice you received." }),
  })
  .openapi("InvoiceFileResult");
