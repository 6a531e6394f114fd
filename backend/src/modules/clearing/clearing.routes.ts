import { z, type ApiTag } from "../../shared/http/openapi";
import type { Routes } from "../../shared/http/route";
import { OperationView, operationView } from "../../ledger/outbox/operation.view";
import { Uuid } from "../../shared/http/schemas";
import type { ClearingService } from "./clearing.service";

const TAG: ApiTag = {
  name: "Clearing",
  description: "At and after maturity: repayments cleared between the financing bank and the holder, overdue certificates declared defaulted, and recourse claims on the seller.",
};
const Ids = z.object({ receivableIds: z.array(Uuid).min(1).max(100).refine((a) => new Set(a).size === a.length, "must not repeat an id") }).strict();

const ClearingEvent = z
  .object({
    kind: z.enum(["cleared", "defaulted", "recourse"]),
    toBank: z.string().openapi({ description: "Paid to the financing bank, in fen." }),
    toHolder: z.string().openapi({ description: "Paid to the holder, in fen." }),
    outstanding: z.string().openapi({ description: "What the obligor still owes after this event, in fen." }),
    status: z.string().openapi({ description: "The certificate's status after this event." }),
    blockNumber: z.string(),
    txHash: z.string(),
    at: z.string().openapi({ description: "When the platform saw it (ISO 8601)." }),
  })
  .openapi("ClearingEvent");

export function clearingRoutes(routes: Routes, service: ClearingService): void {
  routes.add({
    method: "post",
    path: "/v1/receivables/defaults",
    operationId: "clearing.declareDefault",
    commit: true,
    summary: "Declare overdue certificates defaulted once the default period is over (the financing bank, or the holder if unfinanced)",
    description:
      "Up to 100 `overdue` certificates (409 RECEIVABLE.INVALID_STATUS otherwise) whose default period is over, in one ledger operation; each becomes `defaulted` once it is mined. The ledger refuses a certificate whose period is still running (CLEARING.DEFAULT_PERIOD_RUNNING).",
    tag: TAG,
    roles: ["bank", "supplier"],
    body: Ids,
    status: 202,
    response: OperationView,
    handler: async ({ auth, body }) => operationView(await service.declareDefault(auth, body.receivableIds), null),
  });

  routes.add({
    method: "post",
    path: "/v1/receivables/recourse-claims",
    operationId: "clearing.claimRecourse",
    commit: true,
    summary: "Claim from the seller what defaulted certificates financed with recourse still owe your bank",
    description:
      "Up to 100 `defaulted` certificates your bank financed with recourse (409 CLEARING.NO_RECOURSE otherwise): the ledger pulls what is still owed from the supplier's settlement account, within its repayment authorization and balance. Follow the operation with GET /v1/operations/{id}.",
    tag: TAG,
    roles: ["bank"],
    body: Ids,
    status: 202,
    response: OperationView,
    handler: async ({ auth, body }) => operationView(await service.claimRecourse(auth, body.receivableIds), null),
  });

  routes.add({
    method: "get",
    path: "/v1/receivables/:id/clearing",
    operationId: "clearing.listEvents",
    summary: "A certificate's clearing history: payments to bank and holder, overdue, default, recourse",
    description:
      "Oldest first: each repayment cleared (what went to the financing bank and to the holder), a default, and each recourse recovery, each with what the obligor still owed and the certificate's status after it. Visible to whoever may read the certificate.",
    tag: TAG,
    params: z.object({ id: Uuid }).strict(),
    status: 200,
    response: z.object({ items: z.array(ClearingEvent) }),
    handler: async ({ auth, params }) => ({ items: await service.events(auth, params.id) }),
  });
}
