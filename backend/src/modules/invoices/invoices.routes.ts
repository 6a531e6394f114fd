import { z, type ApiTag } from "../../shared/http/openapi";
import type { Routes } from "../../shared/http/route";
import type { InvoicesService } from "./invoices.service";
import { Id, InvoiceBatch, InvoiceSubmission, InvoiceView, ListQuery, MAX_BATCH } from "./invoices.schemas";
import { invoiceView } from "./invoices.views";

const TAG: ApiTag = {
  name: "Invoices",
  description: "A supplier's invoices and their verification against the tax bureau, logistics and the pledge registry. Only a verified invoice can back a receivable, and only one.",
};

/**
 * Invoice intake routes. A supplier submits its invoices (one, or up to 500 at once); each is
 * stored as `received` and its verification is queued (`invoice.verify`): follow it with
 * GET /v1/invoices/{id} until it is `verified` or `rejected` (with a code and a reason).
 */
export function invoicesRoutes(routes: Routes, service: InvoicesService, enqueue: (invoiceId: string) => Promise<void>): void {
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
      const [invoice] = await queued(await service.submit(auth, [body], (_i, name) => `body.${name}`));
      return invoiceView(invoice);
    },
  });

  routes.add({
    method: "post",
    path: "/v1/invoices/batch",
    operationId: "invoices.submitBatch",
    summary: `Submit up to ${MAX_BATCH} invoices at once: all are stored, or none (422 naming each field at fault, 409 listing those already submitted)`,
    description:
      "As POST /v1/invoices for each invoice, in one request: the answer lists them in the order sent, each `received` with its verification queued. If any was submitted already, 409 INVOICE.DUPLICATE lists every such one in `duplicates` and nothing is stored.",
    tag: TAG,
    roles: ["supplier"],
    body: InvoiceBatch,
    status: 202,
    response: z.object({ items: z.array(InvoiceView) }),
    handler: async ({ auth, body }) => {
      const invoices = await queued(await service.submit(auth, body.invoices, (i, name) => `body.invoices.${i}.${name}`));
      return { items: invoices.map(invoiceView) };
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
}
