import { z, type ApiTag } from "../../shared/http/openapi";
import type { Routes } from "../../shared/http/route";
import { OperationView, operationView } from "../../ledger/outbox/operation.view";
import { Money, Uuid } from "../../shared/http/schemas";
import type { SettlementService } from "./settlement.service";
import { MOVEMENT_PURPOSES } from "./settlement.repository";

const TAG: ApiTag = {
  name: "Settlement",
  description: "Settlement tokens, which stand for money on the ledger: deposits and withdrawals through the settlement issuer, balances and movements, and the repayment authorization the ledger pulls from.",
};
const AmountOnly = z.object({ amount: Money }).strict();

const text = (max: number, what: string) => z.string().trim().min(2, `must name the ${what} (at least 2 characters)`).max(max, `must be at most ${max} characters`);
const PayoutAccountInput = z
  .object({
    bankName: text(60, "bank").openapi({ example: "中国工商银行" }),
    branch: z.string().trim().max(60, "must be at most 60 characters").nullish().openapi({ example: "重庆两江支行" }),
    accountName: text(100, "account holder").openapi({ example: "重庆某某精密制造有限公司" }),
    accountNumber: z
      .string()
      .transform((v) => v.replace(/[\s-]/g, ""))
      .pipe(z.string().regex(/^[0-9]{6,32}$/, "must be the account number: 6 to 32 digits (spaces and hyphens are ignored)"))
      .openapi({ type: "string", example: "3100 0210 0920 0123 456" }),
  })
  .strict()
  .openapi("PayoutAccountInput");

const MaskedPayout = z
  .object({ bankName: z.string(), branch: z.string().nullable(), accountName: z.string(), accountNumberMasked: z.string().openapi({ example: "****3456" }) })
  .openapi("PayoutAccountMasked");

const PayoutAccount = z
  .object({
    organizationId: z.string(),
    account: z
      .object({
        bankName: z.string(),
        branch: z.string().nullable(),
        accountName: z.string(),
        accountNumber: z.string().openapi({ description: "In full to the member's approvers; otherwise masked (`****` and the last four digits)." }),
        masked: z.boolean(),
        updatedAt: z.string(),
      })
      .nullable()
      .openapi({ description: "null: none on file yet (withdrawals are refused until it is set)." }),
  })
  .openapi("PayoutAccount");

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
    purpose: z.enum(MOVEMENT_PURPOSES).openapi({
      description:
        "What it was for, from the ledger's record of the same transaction: a `deposit` or `withdrawal` through the settlement issuer, a `financing_advance` (bank → supplier), a `repayment` at maturity (obligor → bank and holder), a `recourse` claim (supplier → bank), a `held_payout` paid out, or another `transfer`.",
    }),
    counterparty: z.object({ id: z.string(), name: z.string() }).nullable().openapi({ description: "The member on the other side, by name (null for a deposit or withdrawal: the settlement issuer)." }),
    certificateIds: z.array(z.string()).openapi({ description: "The certificates (numbers) it paid for between the two parties, if any." }),
    fromAddress: z.string().nullable().openapi({ description: "null for a deposit (minted)" }),
    toAddress: z.string().nullable().openapi({ description: "null for a withdrawal (burned)" }),
    amount: z.string().openapi({ description: "In fen." }),
    payoutAccount: MaskedPayout.nullable().openapi({ description: "A withdrawal's: the bank account it was paid to, as it was then (masked); null otherwise." }),
    blockNumber: z.string(),
    txHash: z.string(),
    at: z.string().openapi({ description: "When the platform saw it (ISO 8601)." }),
  })
  .openapi("SettlementMovement");

export function settlementRoutes(routes: Routes, service: SettlementService): void {
  routes.add({
    method: "post",
    path: "/v1/settlement/deposits",
    operationId: "settlement.deposit",
    commit: true,
    summary: "Record a deposit to a member's settlement account (settlement issuer)",
    description:
      "After the money has reached the issuer's account: mints the amount in settlement tokens to an active member's ledger account (409 ORGANIZATION.NOT_ACTIVE otherwise). Follow the operation with GET /v1/operations/{id}.",
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
    operationId: "settlement.withdraw",
    commit: true,
    summary: "Withdraw settlement funds to your payout bank account",
    description:
      "Up to your balance (422 otherwise), to the payout bank account your organization has on file (409 SETTLEMENT.NO_PAYOUT_ACCOUNT without one: set it with POST /v1/settlement/payout-account). The tokens are burned on the ledger and the settlement issuer pays the amount to that account; the answer and the withdrawal's movement name it (masked). Follow the operation with GET /v1/operations/{id}.",
    tag: TAG,
    roles: ["core_enterprise", "supplier", "bank", "settlement_issuer"],
    body: AmountOnly,
    status: 202,
    response: OperationView.extend({ payoutAccount: MaskedPayout }).openapi("Withdrawal"),
    handler: async ({ auth, body }) => {
      const w = await service.withdraw(auth, body.amount);
      return { ...operationView(w.operation, null), payoutAccount: w.payoutAccount };
    },
  });

  routes.add({
    method: "post",
    path: "/v1/settlement/payout-account",
    operationId: "settlement.setPayoutAccount",
    commit: true,
    summary: "Set or change your payout bank account, to which withdrawals are paid",
    description:
      "Replaces your organization's payout account on file (bank, optional branch, account holder's name, account number). An approver sets it; a clerk submits it as a draft. Withdrawals asked for before the change keep the account they named.",
    tag: TAG,
    roles: ["core_enterprise", "supplier", "bank", "settlement_issuer"],
    body: PayoutAccountInput,
    status: 200,
    response: PayoutAccount,
    handler: async ({ auth, body }) => service.setPayoutAccount(auth, body),
  });

  routes.add({
    method: "get",
    path: "/v1/settlement/payout-account",
    operationId: "settlement.getPayoutAccount",
    summary: "Your payout bank account (masked except to your approvers)",
    description:
      "Your organization's, or with `organizationId` another's (the operator and auditors, masked); anyone else finds another organization absent (404). `account` is null until an approver sets it.",
    tag: TAG,
    query: z.object({ organizationId: Uuid.optional() }).strict(),
    status: 200,
    response: PayoutAccount,
    handler: async ({ auth, query }) => service.payoutAccount(auth, query.organizationId),
  });

  routes.add({
    method: "post",
    path: "/v1/settlement/repayment-authorization",
    operationId: "settlement.authorizeRepayment",
    commit: true,
    summary: "Authorize the ledger to pull from your account: core enterprises for repayment at maturity, suppliers for recourse claims on financings they took with recourse",
    description:
      "Sets (replaces, not adds to) the amount the ledger may pull from your settlement account. Repayment at maturity and recourse claims are pulled within it and your balance. See GET /v1/settlement/repayment-coverage for what it must cover; follow the operation with GET /v1/operations/{id}.",
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
    operationId: "settlement.getAccount",
    summary: "Your settlement account: balance and repayment authorization",
    description:
      "Your organization's, or with `organizationId` another's (the operator, auditors and the settlement issuer). Zero for an organization with no ledger account yet.",
    tag: TAG,
    query: z.object({ organizationId: Uuid.optional() }).strict(),
    status: 200,
    response: Account,
    handler: async ({ auth, query }) => service.account(auth, query.organizationId),
  });

  routes.add({
    method: "get",
    path: "/v1/settlement/movements",
    operationId: "settlement.listMovements",
    summary: "Your settlement account's movements, newest first",
    description:
      "Deposits (minted), withdrawals (burned) and transfers to or from the account, as seen on the ledger; at most `limit` (default 100). `organizationId` as for GET /v1/settlement/account.",
    tag: TAG,
    query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100), organizationId: Uuid.optional() }).strict(),
    status: 200,
    response: z.object({ items: z.array(Movement) }),
    handler: async ({ auth, query }) => ({ items: await service.movements(auth, query.limit, query.organizationId) }),
  });

  routes.add({
    method: "get",
    path: "/v1/settlement/repayment-coverage",
    operationId: "settlement.getRepaymentCoverage",
    summary: "What your repayment authorization and balance must cover, by due date (core enterprises)",
    description:
      "Your balance and repayment authorization against what your confirmed, financed and overdue certificates still owe (`outstanding`, and by due date in China Standard Time in `dues`): what can be pulled now (`coverable`: the lesser of balance and authorization) and the `shortfall`.",
    tag: TAG,
    roles: ["core_enterprise"],
    status: 200,
    response: Account.extend({ outstanding: z.string(), coverable: z.string(), shortfall: z.string(), dues: z.array(z.object({ day: z.string(), amount: z.string() })) }),
    handler: async ({ auth }) => service.coverage(auth),
  });
}
