import { z, type ApiTag } from "../../shared/http/openapi";
import type { Routes } from "../../shared/http/route";
import type { InvoicesService } from "./invoices.service";
import { Id, DuplicateView, InvoiceBatch, InvoiceFileResult, InvoiceFileUpload, InvoiceSubmission, InvoiceView, ListQuery, MAX_BATCH, TemplateQuery } from "./invoices.schemas";
import { invoiceView } from "./invoices.views";
import { FILE_LIMITS, tooLarge } from "./files/limits";
import { invoiceTemplate } from "./files/template";

const TAG: ApiTag = {
  name: "Invoices",
  description: "A supplier's invoices and their verification against the tax bureau, logistics and the pledge registry. Only a verified invoice can back a receivable, and only one.",
};

/**
 * Invoice intake routes. A supplier submits its invoices (one, or up to 500 at once); each is
 * stored as `received` and its verification is queued (`invoice.verify`): follow it with
 * GET /v1/invoices/{id} until it is `verified` or `rejected` (with a code and a reason).
 */
export function invoicesRoutes(routes: Routes, service: InvoicesService, enqueue: (invoiceId: string) => Promise<void>, enqueueAgain: (invoiceId: string) => Promise<void> = enqueue): void {
  const queued = async <T extends { id: string }>(invoices: T[]) => {
    for (let i = 0; i < invoices.length; i += 50) await Promise.all(invoices.slice(i, i + 50).map((inv) => enqueue(inv.id)));
    return invoices;
  };

  routes.add({
    method: "post",
    path: "/v1/invoices",
    operationId: "invoices.submit",
    summary: "Submit an invoice you issued (202: stored as received; verification against the tax bureau, logistics and the pledge registry is queued)",
    description:
      "The invoice is stored as `received` and its verification queued; follow it with GET /v1/invoices/{id} until it is `verified` or `rejected` (with a code and reason). Only a verified invoice can back a receivable. 403 ORGANIZATION.KYC_PENDING before your organization's KYC is approved; 409 INVOICE.DUPLICATE if its number was submitted already.",
    tag: TAG,
    roles: ["supplier"],
    body: InvoiceSubmission,
    status: 202,
    response: InvoiceView,
    handler: async ({ auth, body }) => {
      const { stored } = await service.submit(auth, [body], (_i, name) => `body.${name}`);
      const [invoice] = await queued(stored);
      return invoiceView(invoice);
    },
  });

  routes.add({
    method: "post",
    path: "/v1/invoices/batch",
    operationId: "invoices.submitBatch",
    summary: `Submit up to ${MAX_BATCH} invoices at once: those submitted before are skipped and named (or, with "duplicates": "refuse", all are stored or none)`,
    description:
      "As POST /v1/invoices for each invoice, in one request. Every invoice is checked first: one that fails refuses the whole request (422 naming each field at fault) and nothing is stored. " +
      "Invoices you submitted before are duplicates: with `duplicates` `skip` (the default) the others are stored and each duplicate is listed in `duplicates` with the invoice it repeats (`existingInvoiceId`, its status; a refused one can be corrected or deleted); with `refuse` (all or nothing, the behaviour before `duplicates` existed) any duplicate refuses the request with 409 INVOICE.DUPLICATE listing each in `duplicates`, and nothing is stored. " +
      "`items` lists the invoices stored, in the order sent, each `received` with its verification queued.",
    tag: TAG,
    roles: ["supplier"],
    body: InvoiceBatch,
    status: 202,
    response: z.object({ items: z.array(InvoiceView), duplicates: z.array(DuplicateView) }),
    handler: async ({ auth, body }) => {
      const { stored, duplicates } = await service.submit(auth, body.invoices, (i, name) => `body.invoices.${i}.${name}`, body.duplicates);
      return { items: (await queued(stored)).map(invoiceView), duplicates };
    },
  });

  routes.add({
    method: "post",
    path: "/v1/invoices/files",
    operationId: "invoices.submitFile",
    summary: "Submit the invoices of a file: a tax-platform export or the template (XLSX or CSV, UTF-8 or GBK), or an e-invoice (数电票 XML, OFD, PDF with its XML embedded)",
    description:
      "The file travels base64 in `content` (at most 700 KiB of file). It is recognized by its bytes: the 全量发票查询 export of 电子发票服务平台 (sheet 发票基础信息, or the line items of 信息汇总表, summed per invoice), the template (GET /v1/invoices/files/template), a CSV of either in UTF-8 or GBK (detected), the API's own fields (CSV or JSON, amounts in fen), a 数电票 or VAT e-invoice XML, an OFD carrying the invoice's data (attached XML, CustomDatas, semantic tags) or a PDF with the invoice XML embedded. Amounts in 元 are converted to fen exactly; a third decimal is refused. " +
      "Rows the file marks voided or red-lettered, negative invoices and invoices you received rather than issued are not sent: `skipped` says why, row by row. Every other row is checked as POST /v1/invoices checks an invoice: any problem refuses the file whole with 422 naming each (`file.rows.<row>.<column>`, the column as the file names it), and nothing is stored. " +
      "A file too large (413 INVOICE_FILE.TOO_LARGE), with too many rows (413 INVOICE_FILE.TOO_MANY_ROWS), expanding too far (a zip bomb: 413 INVOICE_FILE.EXPANDS_TOO_FAR), with XML entities or a DOCTYPE (422 INVOICE_FILE.UNSAFE_XML), damaged (422 INVOICE_FILE.UNREADABLE), of another kind (422 INVOICE_FILE.UNSUPPORTED), without invoice data or the columns it needs (422 INVOICE_FILE.NO_INVOICE_DATA, INVOICE_FILE.COLUMNS_MISSING) or with no invoice to send (422 INVOICE_FILE.NO_INVOICES) is refused and nothing is stored. " +
      "Duplicates as in POST /v1/invoices/batch (`duplicates`: `skip`, the default, or `refuse`). `dryRun`: read and check only, store nothing. An e-invoice file is kept as the invoice's attachment (its name and SHA-256).",
    tag: TAG,
    roles: ["supplier"],
    body: InvoiceFileUpload,
    status: 202,
    response: InvoiceFileResult,
    handler: async ({ auth, body }) => {
      // base64 holds 3 bytes in 4 characters: a file over the limit is refused before it is decoded
      if (Math.floor((body.content.length * 3) / 4) - (body.content.match(/=+$/)?.[0].length ?? 0) > FILE_LIMITS.bytes) {
        throw tooLarge(`The file is ${Math.ceil((body.content.length * 3) / 4 / 1024)} KiB; at most ${FILE_LIMITS.bytes / 1024} KiB are taken: split the export into several files (by month)`);
      }
      const bytes = Buffer.from(body.content, "base64");
      const r = await service.submitFile(auth, { name: body.name, bytes }, { onDuplicate: body.duplicates, dryRun: body.dryRun });
      return {
        file: { name: body.name, format: r.reading.format, kind: r.reading.kind, encoding: r.reading.encoding, sheet: r.reading.sheet, sha256: r.reading.sha256 },
        dryRun: body.dryRun,
        read: r.inputs.map((i, k) => ({
          row: r.rows[k],
          invoiceNumber: i.invoiceNumber,
          invoiceCode: i.invoiceCode ?? null,
          buyerTaxId: i.buyerTaxId,
          issueDate: i.issueDate,
          amount: i.amount.toString(),
          tax: i.tax.toString(),
          total: i.total.toString(),
        })),
        items: (await queued(r.stored)).map(invoiceView),
        duplicates: r.duplicates,
        skipped: r.reading.skipped,
      };
    },
  });

  routes.add({
    method: "get",
    path: "/v1/invoices/files/template",
    operationId: "invoices.getTemplate",
    summary: "The invoice upload template: the tax platform's 发票基础信息 columns (发票代码, 发票号码, 数电发票号码, 销方识别号, 购方识别号, 开票日期, 金额, 税额, 价税合计…), as XLSX or CSV",
    description:
      "A file to download (Content-Disposition: attachment). The XLSX has a second sheet, 填写说明, saying what each column takes; the CSV is UTF-8 with a byte-order mark. Amounts are in 元 with at most two decimals. A 全量发票查询 export uploads as it is; the template is for invoices kept elsewhere.",
    tag: TAG,
    query: TemplateQuery,
    status: 200,
    handler: async ({ query, res }) => {
      const t = invoiceTemplate(query.format);
      res.status(200).type(t.contentType).set("Content-Disposition", `attachment; filename="${t.fileName}"`).send(t.body);
      return undefined;
    },
  });

  routes.add({
    method: "get",
    path: "/v1/invoices",
    operationId: "invoices.list",
    summary: "Your invoices, oldest first (operators and auditors: everyone's), by status and whether they back a receivable",
    description:
      "Filter by `status` and by `attached` (whether an invoice backs a receivable). Page with `limit` and `after`: `next` is the `after` of the next page, null on the last.",
    tag: TAG,
    query: ListQuery,
    status: 200,
    response: z.object({ items: z.array(InvoiceView), next: z.string().uuid().nullable() }),
    handler: async ({ auth, query }) => {
      const items = await service.list(auth, query);
      return { items: items.map(invoiceView), next: items.length === query.limit ? items[items.length - 1].id : null };
    },
  });

  routes.add({
    method: "get",
    path: "/v1/invoices/:id",
    operationId: "invoices.get",
    summary: "One of your invoices, with its verification status, evidence and rejection reason",
    description:
      "`status` moves from received through verifying to verified or rejected; a rejection carries its code and reason, and `evidence` holds what each source (tax bureau, logistics, pledge registry, the platform) answered, with its hash. Another organization's invoice is answered as absent (404).",
    tag: TAG,
    params: Id,
    status: 200,
    response: InvoiceView,
    handler: async ({ auth, params }) => invoiceView(await service.get(auth, params.id)),
  });

  routes.add({
    method: "post",
    path: "/v1/invoices/:id/correction",
    operationId: "invoices.correct",
    summary: "Correct an invoice that verification refused (the invoice as it should have been submitted, whole); it is verified again",
    description:
      "For one of your invoices whose status is `rejected`: the body is the invoice as POST /v1/invoices takes it, corrected (the refusal's `mismatch` says what the tax bureau records). It replaces the refused one, goes back to `received` and is verified again; the refusal and what changed are kept in `corrections`. Sent unchanged, it is simply verified again (the tax bureau may not have had a new invoice yet). 409 INVOICE.NOT_CORRECTABLE while it is being verified or once verified; 409 INVOICE.DUPLICATE if the corrected number is another of your invoices'. Another organization's invoice is answered as absent (404).",
    tag: TAG,
    roles: ["supplier"],
    params: Id,
    body: InvoiceSubmission,
    status: 202,
    response: InvoiceView,
    handler: async ({ auth, params, body }) => {
      const invoice = await service.correct(auth, params.id, body);
      await enqueueAgain(invoice.id);
      return invoiceView(invoice);
    },
  });

  routes.add({
    method: "delete",
    path: "/v1/invoices/:id",
    operationId: "invoices.delete",
    summary: "Delete an invoice that verification refused",
    description:
      "For one of your invoices whose status is `rejected` (it backs nothing): it is deleted, so the same number can be submitted again. 409 INVOICE.NOT_CORRECTABLE for an invoice being verified or verified. Another organization's invoice is answered as absent (404).",
    tag: TAG,
    roles: ["supplier"],
    params: Id,
    status: 204,
    handler: async ({ auth, params }) => {
      await service.remove(auth, params.id);
      return undefined;
    },
  });
}
