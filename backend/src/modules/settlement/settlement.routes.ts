import { z } from "../../shared/http/openapi";
import type { Routes } from "../../shared/http/route";
import { OperationView } from "../onboarding/onboarding.schemas";
import { operationView } from "../onboarding/onboarding.views";
import { Money, Uuid } from "../receivables/receivables.schemas";
import type { SettlementService } from "./settlement.service";

const TAG = "Settlement";
const AmountOnly = z.object({ amount: Money }).strict();

const Account = z
  .object({
    organizationId: z.string(),
    address: z.string().nullable(),
    balance: z.string().openapi({ description: "Settlement tokens, in fen." }),
    repaymentAuthorization: z.string().openapi({ description: "What the ledger may pull for repayments (allowance), in fen." }),
  })
  .openapi("SettlementAccount");

const Movement = z
  .object({
    id: z.string(),
    kind: z.enum(["deposit", "withdrawal", "transfer"]),
    fromAddress: z.string().nullable().openapi({ description: "null for a deposit (minted)" }),
    toAddress: z.string().nullable().openapi({ description: "null for a withdrawal (burned)" }),
    amount: z.string().openapi({ description: "In fen." }),
    blockNumber: z.string(),
    txHash: z.string(),
    at: z.string().openapi({ description: "When the platform saw it (ISO 8601)." }),
  })
  .openapi("SettlementMovement");

export function settlementRoutes(routes: Routes, service: SettlementService): void {
  routes.add({
    method: "post",
    path: "/v1/settlement/deposits",
    commit: true,
    summary: "Record a deposit: mint settlement tokens to a member (settlement issuer)",
    tag: TAG,
    roles: ["settlement_issuer"],
    body: z.object({ organizationId: Uuid, amount: Money }).strict().openapi("Deposit"),
    status: 202,
    response: OperationView,
    handler: async ({ auth, body }) => operationView(await service.deposit(auth, body.organizationId, body.amount), null),
  });

  routes.add({
    method: "post",
    path: "/v1/settlement/withdrawals",
    commit: true,
    summary: "Withdraw settlement tokens to your bank account: the issuer burns them and pays out",
    tag: TAG,
    roles: ["core_enterprise", "supplier", "bank", "settlement_issuer"],
    body: AmountOnly,
    status: 202,
    response: OperationView,
    handler: async ({ auth, body }) => operationView(await service.withdraw(auth, body.amount), null),
  });

  routes.add({
    method: "post",
    path: "/v1/settlement/repayment-authorization",
    commit: true,
    summary: "Authorize the ledger to pull from your account: core enterprises for repayment at maturity, suppliers for recourse claims on financings they took with recourse",
    tag: TAG,
    roles: ["core_enterprise", "supplier"],
    body: AmountOnly,
    status: 202,
    response: OperationView,
    handler: async ({ auth, body }) => operationView(await service.authorizeRepayment(auth, body.amount), null),
  });

  routes.add({
    method: "get",
    path: "/v1/settlement/account",
    summary: "Your settlement account: balance and repayment authorization",
    tag: TAG,
    query: z.object({ organizationId: Uuid.optional() }).strict(),
    status: 200,
    response: Account,
    handler: async ({ auth, query }) => service.account(auth, query.organizationId),
  });

  routes.add({
    method: "get",
    path: "/v1/settlement/movements",
    summary: "Your settlement-token movements, newest first",
    tag: TAG,
    query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100), organizationId: Uuid.optional() }).strict(),
    status: 200,
    response: z.object({ items: z.array(Movement) }),
    handler: async ({ auth, query }) => ({ items: await service.movements(auth, query.limit, query.organizationId) }),
  });

  routes.add({
    method: "get",
    path: "/v1/settlement/repayment-coverage",
    summary: "What your repayment authorization and balance must cover, by due date (core enterprises)",
    tag: TAG,
    roles: ["core_enterprise"],
    status: 200,
    response: Account.extend({ outstanding: z.string(), coverable: z.string(), shortfall: z.string(), dues: z.array(z.object({ day: z.string(), amount: z.string() })) }),
    handler: async ({ auth }) => service.coverage(auth),
  });
}
