import { z } from "../../shared/http/openapi";
import { InvoiceView, invoiceView } from "../invoices";
import type { Routes } from "../../shared/http/route";
import { OperationView } from "../onboarding/onboarding.schemas";
import { operationView } from "../onboarding/onboarding.views";
import type { ReceivablesService, Accepted } from "./receivables.service";
import { receivableView } from "./receivables.views";
import {
  Cancel,
  CalendarQuery,
  Confirm,
  Id,
  IssueReceivables,
  LineageNode,
  ListQuery,
  RegisterReceivables,
  AttestationRequest,
  AttestationView,
  ReceivableView,
  Reject,
  Split,
  Transfer,
  TypedDataQuery,
} from "./receivables.schemas";

const TAG = "Receivables";


const AcceptedView = z.object({ items: z.array(z.object({ receivable: ReceivableView, operation: OperationView })) }).openapi("ReceivablesAccepted");
const accepted = (items: Accepted[]) => ({ items: items.map((a) => ({ receivable: receivableView(a.receivable), operation: operationView(a.operation, null) })) });

export function receivablesRoutes(routes: Routes, service: ReceivablesService): void {
  routes.add({
    method: "post",
    path: "/v1/receivables",
    summary: "Register receivables against verified invoices (Pending until the core enterprise confirms)",
    tag: TAG,
    roles: ["supplier"],
    body: RegisterReceivables,
    status: 202,
    response: AcceptedView,
    handler: async ({ auth, body }) => accepted(await service.register(auth, body.items)),
  });

  routes.add({
    method: "post",
    path: "/v1/receivables/issuances",
    commit: true,
    summary: "Issue confirmed certificates to suppliers directly (core enterprises)",
    tag: TAG,
    roles: ["core_enterprise"],
    body: IssueReceivables,
    status: 202,
    response: AcceptedView,
    handler: async ({ auth, body }) => accepted(await service.issue(auth, body.items)),
  });

  routes.add({
    method: "post",
    path: "/v1/receivables/attestations",
    // changes nothing: the member itself sends the call the attestation allows, with its own key
    summary: "The verifier's attestation of your own verified invoices, to register (supplier, as creditor) or issue (core enterprise, as obligor) with your own ledger key",
    tag: TAG,
    roles: ["supplier", "core_enterprise"],
    body: AttestationRequest,
    status: 200,
    response: AttestationView,
    handler: async ({ auth, body }) => service.attestation(auth, body.mode, body.items),
  });

  routes.add({
    method: "post",
    path: "/v1/receivables/confirmations",
    commit: true,
    summary: "Confirm Pending receivables owed by your organization (one transaction for the batch)",
    tag: TAG,
    roles: ["core_enterprise"],
    body: Confirm,
    status: 202,
    response: AcceptedView,
    handler: async ({ auth, body }) => accepted(await service.confirm(auth, body.receivableIds, body.signature)),
  });

  routes.add({
    method: "get",
    path: "/v1/receivables/confirmations/typed-data",
    summary: "The EIP-712 typed data to sign to confirm receivables with your own key",
    tag: TAG,
    roles: ["core_enterprise"],
    query: TypedDataQuery,
    status: 200,
    response: z.object({ domain: z.record(z.string(), z.unknown()), types: z.record(z.string(), z.unknown()), primaryType: z.string(), message: z.record(z.string(), z.unknown()) }),
    handler: async ({ auth, query }) => {
      const data = await service.confirmationTypedData(auth, query.ids.split(","));
      return { ...data, domain: { ...data.domain, chainId: data.domain.chainId?.toString() } };
    },
  });

  routes.add({
    method: "post",
    path: "/v1/receivables/rejections",
    commit: true,
    summary: "Reject Pending receivables owed by your organization; their invoices are released",
    tag: TAG,
    roles: ["core_enterprise"],
    body: Reject,
    status: 202,
    response: AcceptedView,
    handler: async ({ auth, body }) => accepted(await service.reject(auth, body.receivableIds, body.reason)),
  });

  routes.add({
    method: "post",
    path: "/v1/receivables/cancellations",
    summary: "Withdraw Pending receivables you hold; their invoices are released",
    tag: TAG,
    roles: ["supplier"],
    body: Cancel,
    status: 202,
    response: AcceptedView,
    handler: async ({ auth, body }) => accepted(await service.cancel(auth, body.receivableIds)),
  });

  routes.add({
    method: "post",
    path: "/v1/receivables/:id/splits",
    commit: true,
    summary: "Split a confirmed certificate you hold into parts for your own suppliers (tier + 1)",
    tag: TAG,
    roles: ["supplier"],
    params: Id,
    body: Split,
    status: 202,
    response: z.object({ receivable: ReceivableView, operation: OperationView }),
    handler: async ({ auth, params, body }) => {
      const a = await service.split(auth, params.id, body.parts);
      return { receivable: receivableView(a.receivable), operation: operationView(a.operation, null) };
    },
  });

  routes.add({
    method: "post",
    path: "/v1/receivables/:id/transfers",
    commit: true,
    summary: "Transfer a confirmed certificate you hold to another supplier",
    tag: TAG,
    roles: ["supplier"],
    params: Id,
    body: Transfer,
    status: 202,
    response: z.object({ receivable: ReceivableView, operation: OperationView }),
    handler: async ({ auth, params, body }) => {
      const a = await service.transfer(auth, params.id, body.organizationId);
      return { receivable: receivableView(a.receivable), operation: operationView(a.operation, null) };
    },
  });

  routes.add({
    method: "get",
    path: "/v1/receivables",
    summary: "Your certificates: those you hold (default), owe, or were first issued to",
    tag: TAG,
    query: ListQuery,
    status: 200,
    response: z.object({ items: z.array(ReceivableView) }),
    handler: async ({ auth, query }) => ({ items: (await service.list(auth, query)).map(receivableView) }),
  });

  routes.add({
    method: "get",
    path: "/v1/receivables/:id",
    summary: "One certificate",
    tag: TAG,
    params: Id,
    status: 200,
    response: ReceivableView,
    handler: async ({ auth, params }) => receivableView(await service.get(auth, params.id)),
  });

  routes.add({
    method: "get",
    path: "/v1/receivables/:id/lineage",
    summary: "The certificate's family tree, from the core enterprise's original down to every tier",
    tag: TAG,
    params: Id,
    status: 200,
    response: LineageNode,
    handler: async ({ auth, params }) => service.lineage(auth, params.id),
  });

  routes.add({
    method: "get",
    path: "/v1/receivables/:id/invoices",
    summary: "The invoices behind a certificate, with their verification (for the holder, the core enterprise asked to confirm, and the certificate's bank)",
    tag: TAG,
    params: Id,
    status: 200,
    response: z.object({ items: z.array(InvoiceView) }),
    handler: async ({ auth, params }) => ({ items: (await service.evidence(auth, params.id)).map(invoiceView) }),
  });

  routes.add({
    method: "get",
    path: "/v1/payables/calendar",
    summary: "What your organization owes, by due date and payee (core enterprises)",
    tag: TAG,
    roles: ["core_enterprise"],
    query: CalendarQuery,
    status: 200,
    response: z.object({
      days: z.array(
        z.object({
          date: z.string(),
          total: z.string(),
          certificates: z.number().int(),
          payees: z.array(z.object({ organizationId: z.string(), name: z.string(), amount: z.string(), certificates: z.number().int() })),
        }),
      ),
    }),
    handler: async ({ auth, query }) => ({ days: await service.calendar(auth, query.from, query.to) }),
  });
}
