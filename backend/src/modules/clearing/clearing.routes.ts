import { z } from "../../shared/http/openapi";
import type { Routes } from "../../shared/http/route";
import { OperationView } from "../onboarding/onboarding.schemas";
import { operationView } from "../onboarding/onboarding.views";
import { Uuid } from "../receivables/receivables.schemas";
import type { ClearingService } from "./clearing.service";

const TAG = "Clearing";
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
    commit: true,
    summary: "Declare overdue certificates defaulted once the default period is over (the financing bank, or the holder if unfinanced)",
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
    commit: true,
    summary: "Claim from the seller what defaulted certificates financed with recourse still owe your bank",
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
    summary: "A certificate's clearing history: payments to bank and holder, overdue, default, recourse",
    tag: TAG,
    params: z.object({ id: Uuid }).strict(),
    status: 200,
    response: z.object({ items: z.array(ClearingEvent) }),
    handler: async ({ auth, params }) => ({ items: await service.events(auth, params.id) }),
  });
}
