import { z } from "../../shared/http/openapi";
import { InvoiceView, invoiceView } from "../invoices";
import type { Routes } from "../../shared/http/route";
import { OperationView, operationView } from "../../ledger/outbox/operation.view";
import type { ReceivablesService } from "./receivables.service";
import type { ReceivableCreation } from "./receivables.creation";
import type { ReceivableChanges } from "./receivables.changes";
import type { ReceivableOffers } from "./receivables.offers";
import type { ObligorStandings } from "./obligor-standings";
import { receivableView } from "./receivables.views";
import { offerRoutes } from "./offers.routes";
import { AcceptedView, accepted, TAG } from "./receivables.http";
import { Cancel, CalendarQuery, Confirm, IssueReceivables, LineageNode, ListQuery, RegisterReceivables, AttestationRequest, AttestationView, ReceivableView, Reject, Split, Transfer, TypedDataQuery } from "./receivables.schemas";
import { Id } from "../../shared/http/schemas";

export function receivablesRoutes(
  routes: Routes,
  { receivables, creation, changes, offers, standings }: { receivables: ReceivablesService; creation: ReceivableCreation; changes: ReceivableChanges; offers: ReceivableOffers; standings: ObligorStandings },
): void {
  routes.add({
    method: "post",
    path: "/v1/receivables",
    operationId: "receivables.register",
    summary: "Register receivables against verified invoices (Pending until the core enterprise confirms)",
    description:
      "One certificate per item (up to 100), each backed by your verified invoices billed to its obligor, all or none. Each invoice is attached to its certificate: it can back no other (409 INVOICE.ALREADY_ATTACHED, INVOICE.NOT_VERIFIED). Each certificate is written to the ledger through its own operation and is `pending` once mined, until the obligor confirms or rejects it.",
    tag: TAG,
    roles: ["supplier"],
    body: RegisterReceivables,
    status: 202,
    response: AcceptedView,
    handler: async ({ auth, body }) => accepted(await creation.register(auth, body.items)),
  });

  routes.add({
    method: "post",
    path: "/v1/receivables/issuances",
    operationId: "receivables.issue",
    commit: true,
    summary: "Issue certificates to suppliers directly (core enterprises); each waits for its supplier's acceptance (签收)",
    description:
      "A core enterprise's own payables: one certificate per item (up to 100), to the supplier named, backed by that supplier's verified invoices billed to you, all or none. Each certificate is written through its own operation (follow it with GET /v1/operations/{id}) and is `offered` once mined: the supplier accepts it (POST /v1/receivables/acceptances) or refuses it (POST /v1/receivables/refusals; it is then `void` and its invoices are free again); you may withdraw it until then (POST /v1/receivables/offer-withdrawals). 409 OBLIGOR.PAUSED, naming the certificates to pay, while your organization is paused as a delinquent obligor.",
    tag: TAG,
    roles: ["core_enterprise"],
    body: IssueReceivables,
    status: 202,
    response: AcceptedView,
    handler: async ({ auth, body }) => accepted(await creation.issue(auth, body.items)),
  });

  routes.add({
    method: "post",
    path: "/v1/receivables/attestations",
    operationId: "receivables.requestAttestation",
    // changes nothing: the member itself sends the call the attestation allows, with its own key
    summary: "The verifier's attestation of your own verified invoices, to register (supplier, as creditor) or issue (core enterprise, as obligor) with your own ledger key",
    description:
      "For a member that keeps its own ledger key and calls the ledger's `register` or `issue` itself: the platform verifier's signature over exactly the items as the platform verified them (amounts, invoice keys and root), with a deadline. Changes nothing here; the invoices are not attached until the ledger records the certificate.",
    tag: TAG,
    roles: ["supplier", "core_enterprise"],
    body: AttestationRequest,
    status: 200,
    response: AttestationView,
    handler: async ({ auth, body }) => creation.attestation(auth, body.mode, body.items),
  });

  routes.add({
    method: "post",
    path: "/v1/receivables/confirmations",
    operationId: "receivables.confirm",
    commit: true,
    summary: "Confirm Pending receivables owed by your organization (one transaction for the batch)",
    description:
      "Up to 200 `pending` certificates you owe, in one ledger transaction: each becomes `confirmed` once the operation is mined, and can then be financed, split or transferred. With a custodial key the platform signs; an organization that keeps its own key sends `signature` over GET /v1/receivables/confirmations/typed-data. 409 RECEIVABLE.INVALID_STATUS for a certificate that is not pending; 409 OBLIGOR.PAUSED, naming the certificates to pay, while your organization is paused as a delinquent obligor (a confirmation already on its way when the pause lands fails with the ledger's OBLIGOR.DELINQUENT, and the certificates stay pending).",
    tag: TAG,
    roles: ["core_enterprise"],
    body: Confirm,
    status: 202,
    response: AcceptedView,
    handler: async ({ auth, body }) => accepted(await changes.confirm(auth, body.receivableIds, body.signature)),
  });

  routes.add({
    method: "get",
    path: "/v1/receivables/confirmations/typed-data",
    operationId: "receivables.getConfirmationTypedData",
    summary: "The EIP-712 typed data to sign to confirm receivables with your own key",
    description:
      "For an obligor that keeps its own key: the EIP-712 domain, types and message (ConfirmReceivables) for the `ids` given, to sign and send as `signature` to POST /v1/receivables/confirmations.",
    tag: TAG,
    roles: ["core_enterprise"],
    query: TypedDataQuery,
    status: 200,
    response: z.object({ domain: z.record(z.string(), z.unknown()), types: z.record(z.string(), z.unknown()), primaryType: z.string(), message: z.record(z.string(), z.unknown()) }),
    handler: async ({ auth, query }) => {
      const data = await changes.confirmationTypedData(auth, query.ids.split(","));
      return { ...data, domain: { ...data.domain, chainId: data.domain.chainId?.toString() } };
    },
  });

  routes.add({
    method: "post",
    path: "/v1/receivables/rejections",
    operationId: "receivables.reject",
    commit: true,
    summary: "Reject Pending receivables owed by your organization; their invoices are released",
    description:
      "Up to 200 `pending` certificates you owe, with a reason: each becomes `rejected` once the operation is mined, and its invoices can back another receivable.",
    tag: TAG,
    roles: ["core_enterprise"],
    body: Reject,
    status: 202,
    response: AcceptedView,
    handler: async ({ auth, body }) => accepted(await changes.reject(auth, body.receivableIds, body.reason)),
  });

  routes.add({
    method: "post",
    path: "/v1/receivables/cancellations",
    operationId: "receivables.cancel",
    summary: "Withdraw Pending receivables you hold; their invoices are released",
    description:
      "Up to 200 of your `pending` certificates not yet confirmed: each becomes `cancelled` once the operation is mined, and its invoices can back another receivable.",
    tag: TAG,
    roles: ["supplier"],
    body: Cancel,
    status: 202,
    response: AcceptedView,
    handler: async ({ auth, body }) => accepted(await changes.cancel(auth, body.receivableIds)),
  });

  routes.add({
    method: "post",
    path: "/v1/receivables/:id/splits",
    operationId: "receivables.split",
    commit: true,
    summary: "Split a confirmed certificate you hold into parts for your own suppliers (tier + 1); each supplier accepts its part (签收)",
    description:
      "Two to 20 parts whose amounts add up exactly to the certificate's, each at least the smallest part allowed and for an active supplier, one tier below (within the tiers allowed). The certificate must be `confirmed`, unmatured, and not under an open financing request; it becomes `split` and its parts are new certificates once the operation is mined. A part for yourself is yours, `confirmed`; a part for another supplier stays yours, `offered`, until that supplier accepts it (then it is theirs) or refuses it (then it is yours, `confirmed`).",
    tag: TAG,
    roles: ["supplier"],
    params: Id,
    body: Split,
    status: 202,
    response: z.object({ receivable: ReceivableView, operation: OperationView }),
    handler: async ({ auth, params, body }) => {
      const a = await changes.split(auth, params.id, body.parts);
      return { receivable: receivableView(a.receivable), operation: operationView(a.operation, null) };
    },
  });

  routes.add({
    method: "post",
    path: "/v1/receivables/:id/transfers",
    operationId: "receivables.transfer",
    commit: true,
    summary: "Offer a confirmed certificate you hold to another supplier (转让); it is theirs when they accept it (签收)",
    description:
      "The certificate is `offered` to the recipient once the operation is mined, and changes holder when the recipient accepts it (POST /v1/receivables/acceptances); refused, withdrawn or expired, it is yours again, `confirmed`. Its obligor, amount and maturity stay. It must be `confirmed`, unmatured and not under an open financing request, and the recipient an active supplier other than you.",
    tag: TAG,
    roles: ["supplier"],
    params: Id,
    body: Transfer,
    status: 202,
    response: z.object({ receivable: ReceivableView, operation: OperationView }),
    handler: async ({ auth, params, body }) => {
      const a = await changes.transfer(auth, params.id, body.organizationId);
      return { receivable: receivableView(a.receivable), operation: operationView(a.operation, null) };
    },
  });

  routes.add({
    method: "get",
    path: "/v1/receivables",
    operationId: "receivables.list",
    summary: "Your certificates: those you hold (default), owe, or were first issued to",
    description:
      "`role` chooses whose: holder (default), obligor or creditor; `all` for the operator and auditors. Filter by `status` (comma-separated). Ordered by id; page with `limit` and `after` (the last id of the previous page).",
    tag: TAG,
    query: ListQuery,
    status: 200,
    response: z.object({ items: z.array(ReceivableView) }),
    handler: async ({ auth, query }) => ({ items: (await receivables.list(auth, query)).map(receivableView) }),
  });

  // before /v1/receivables/:id, which would take "offers" for an id
  offerRoutes(routes, offers, standings);

  routes.add({
    method: "get",
    path: "/v1/receivables/:id",
    operationId: "receivables.get",
    summary: "One certificate",
    description:
      "Its status, parties, amount and maturity, its offer (while `offered`), its financing and repayment so far, and the operation writing a change to it, if any. Visible to its holder, creditor and obligor, its financing bank, the receiver of its offer while it is offered, the operator and auditors; to anyone else it is absent (404).",
    tag: TAG,
    params: Id,
    status: 200,
    response: ReceivableView,
    handler: async ({ auth, params }) => receivableView(await receivables.get(auth, params.id)),
  });

  routes.add({
    method: "get",
    path: "/v1/receivables/:id/lineage",
    operationId: "receivables.getLineage",
    summary: "The certificate's family tree, from the core enterprise's original down to every tier",
    description:
      "The tree of splits the certificate belongs to, from its original down. The obligor, the operator and auditors see every holder; others see the holders along their own branches and `null` elsewhere.",
    tag: TAG,
    params: Id,
    status: 200,
    response: LineageNode,
    handler: async ({ auth, params }) => receivables.lineage(auth, params.id),
  });

  routes.add({
    method: "get",
    path: "/v1/receivables/:id/invoices",
    operationId: "receivables.listInvoices",
    summary: "The invoices behind a certificate, with their verification (for the holder, the core enterprise asked to confirm, and the certificate's bank)",
    description:
      "The invoices behind the certificate's original (a part of a split is backed by those of the certificate it was split from), each with its verification evidence: what an obligor or a bank checks before confirming or financing. Visible to whoever may read the certificate.",
    tag: TAG,
    params: Id,
    status: 200,
    response: z.object({ items: z.array(InvoiceView) }),
    handler: async ({ auth, params }) => ({ items: (await receivables.evidence(auth, params.id)).map(invoiceView) }),
  });

  routes.add({
    method: "get",
    path: "/v1/payables/calendar",
    operationId: "receivables.getPayablesCalendar",
    summary: "What your organization owes, by due date and payee (core enterprises)",
    description:
      "What is still owed on the confirmed, financed and overdue certificates your organization owes, per due date (China Standard Time, optionally between `from` and `to`): the total, the number of certificates and each holder's share, largest first.",
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
    handler: async ({ auth, query }) => ({ days: await receivables.calendar(auth, query.from, query.to) }),
  });
}
