import { z } from "../../shared/http/openapi";
import type { Routes } from "../../shared/http/route";
import type { InvoicesService } from "./invoices.service";
import { Id, InvoiceBatch, InvoiceSubmission, InvoiceView, ListQuery, MAX_BATCH } from "./invoices.schemas";
import { invoiceView } from "./invoices.views";

const TAG = "Invoices";

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
    summary: "Submit an invoice you issued (202: stored as received; verification against the tax bureau, logistics and the pledge registry is queued)",
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
    summary: `Submit up to ${MAX_BATCH} invoices at once: all are stored, or none (422 naming each field at fault, 409 listing those already submitted)`,
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
    summary: "Your invoices, oldest first (operators and auditors: everyone's), by status and whether they back a receivable",
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
    summary: "One of your invoices, with its verification status, evidence and rejection reason",
    tag: TAG,
    params: Id,
    status: 200,
    response: InvoiceView,
    handler: async ({ auth, params }) => invoiceView(await service.get(auth, params.id)),
  });
}
