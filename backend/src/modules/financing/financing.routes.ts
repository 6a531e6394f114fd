import { z } from "../../shared/http/openapi";
import type { Routes } from "../../shared/http/route";
import type { ChangeFeed } from "../../shared/changes";
import { PreferWait, readWaiting } from "../../shared/http/prefer-wait";
import { OperationView } from "../onboarding/onboarding.schemas";
import { operationView } from "../onboarding/onboarding.views";
import { receivableView } from "../receivables/receivables.views";
import { Money, ReceivableView, Uuid } from "../receivables/receivables.schemas";
import type { FinancingService } from "./financing.service";
import type { Financing, FinancingRequest, Quote } from "./financing.entity";

const TAG = "Financing";
const Id = z.object({ id: Uuid }).strict();

const CreditLineInput = z.object({ obligorId: Uuid, limit: z.string().regex(/^[0-9]{1,18}$/, "must be a non-negative integer number of fen, as a string").transform(BigInt) }).strict().openapi("CreditLineInput");

const QuoteInput = z
  .object({
    advance: Money.optional().openapi({ description: "The advance in fen; or give advanceRateBp." }),
    advanceRateBp: z.number().int().min(1).max(10_000).optional().openapi({ description: "The advance as basis points of the face amount." }),
    annualRateBp: z.number().int().min(0).max(10_000).openapi({ description: "Annual interest rate in basis points (435 = 4.35%)." }),
    dayCount: z.union([z.literal(360), z.literal(365)]),
    fee: z.string().regex(/^[0-9]{1,18}$/, "must be a non-negative integer number of fen, as a string").transform(BigInt),
    recourse: z.boolean().default(false),
    validUntil: z.string().datetime({ offset: true, message: "must be an ISO 8601 date-time" }).transform((v) => new Date(v)),
  })
  .strict()
  .refine((q) => (q.advance === undefined) !== (q.advanceRateBp === undefined), { message: "give exactly one of advance and advanceRateBp", path: ["advance"] })
  .openapi("QuoteInput");

const OwnSignature = z
  .object({
    nonce: z.string().regex(/^[0-9]{1,77}$/, "must be a decimal integer"),
    deadline: z.string().regex(/^[0-9]{1,20}$/, "must be unix seconds"),
    signature: z.string().regex(/^0x([0-9a-fA-F]{130}|[0-9a-fA-F]{128})$/, "must be a hex signature"),
  })
  .strict();
const Acceptance = z.object({ signature: OwnSignature.optional() }).strict().openapi("QuoteAcceptance");

const QuoteView = z
  .object({
    id: z.string(),
    requestId: z.string(),
    bankId: z.string(),
    bankName: z.string().optional(),
    status: z.string(),
    advance: z.string(),
    annualRateBp: z.number(),
    dayCount: z.number(),
    fee: z.string(),
    days: z.number(),
    interest: z.string(),
    due: z.string(),
    recourse: z.boolean(),
    validUntil: z.string(),
    netNow: z.string().optional().openapi({ description: "What the supplier receives at funding (the advance)." }),
    residualAtMaturity: z.string().optional().openapi({ description: "What the holder receives at maturity (face − due)." }),
    cost: z.string().optional().openapi({ description: "Interest + fee." }),
    effectiveAnnualCostBp: z.number().optional(),
  })
  .openapi("Quote");

const quoteView = (q: Quote, extra: Record<string, unknown> = {}) => ({
  id: q.id,
  requestId: q.requestId,
  bankId: q.bankOrganizationId,
  status: q.status,
  advance: q.advance.toString(),
  annualRateBp: q.annualRateBp,
  dayCount: q.dayCount,
  fee: q.fee.toString(),
  days: q.days,
  interest: q.interest.toString(),
  due: q.due.toString(),
  recourse: q.recourse,
  validUntil: q.validUntil.toISOString(),
  ...extra,
});

const requestView = (r: FinancingRequest) => ({
  id: r.id,
  receivableId: r.receivableId,
  supplierId: r.supplierOrganizationId,
  obligorId: r.obligorOrganizationId,
  status: r.status,
  acceptedQuoteId: r.acceptedQuoteId,
  financingId: r.financingId,
  createdAt: r.createdAt.toISOString(),
});
const RequestView = z
  .object({
    id: z.string(),
    receivableId: z.string(),
    supplierId: z.string(),
    obligorId: z.string(),
    status: z.enum(["open", "accepted", "funded", "failed", "cancelled"]),
    acceptedQuoteId: z.string().nullable().openapi({ description: "The quote the supplier accepted (a bank sees it only when it is its own)." }),
    financingId: z.string().nullable().openapi({ description: "The financing the accepted quote became (a bank sees it only when it is its own)." }),
    createdAt: z.string(),
  })
  .openapi("FinancingRequest");

const financingView = (f: Financing) => ({
  id: f.id,
  requestId: f.requestId,
  quoteId: f.quoteId,
  receivableId: f.receivableId,
  bankId: f.bankOrganizationId,
  supplierId: f.supplierOrganizationId,
  advance: f.advance.toString(),
  due: f.due.toString(),
  recourse: f.recourse,
  status: f.status,
  registryRegistrationId: f.registryRegistrationId,
  operationId: f.operationId?.toString() ?? null,
  failure: f.failureCode ? { code: f.failureCode, reason: f.failureReason ?? "" } : null,
  acceptedAt: f.acceptedAt.toISOString(),
  fundedAt: f.fundedAt?.toISOString() ?? null,
});
const FinancingView = z
  .object({
    id: z.string(),
    requestId: z.string(),
    quoteId: z.string(),
    receivableId: z.string(),
    bankId: z.string(),
    supplierId: z.string(),
    advance: z.string(),
    due: z.string(),
    recourse: z.boolean(),
    status: z.enum(["registry_check", "submitting", "funded", "failed"]),
    registryRegistrationId: z.string().nullable(),
    operationId: z.string().nullable(),
    failure: z.object({ code: z.string(), reason: z.string() }).nullable(),
    acceptedAt: z.string(),
    fundedAt: z.string().nullable(),
  })
  .openapi("Financing");

export function financingRoutes(routes: Routes, service: FinancingService, changes: ChangeFeed): void {
  routes.add({
    method: "post",
    path: "/v1/credit-lines",
    commit: true,
    summary: "Set your bank's credit line for a core enterprise (on chain; 202)",
    tag: TAG,
    roles: ["bank"],
    body: CreditLineInput,
    status: 202,
    response: z.object({ obligorId: z.string(), requestedLimit: z.string(), operation: OperationView }),
    handler: async ({ auth, body }) => {
      const r = await service.setCreditLine(auth, body.obligorId, body.limit);
      return { obligorId: r.obligor.id, requestedLimit: body.limit.toString(), operation: operationView(r.operation, null) };
    },
  });

  routes.add({
    method: "get",
    path: "/v1/credit-lines",
    summary: "Credit lines: a bank's own, or those on a core enterprise",
    tag: TAG,
    status: 200,
    response: z.object({
      items: z.array(
        z.object({
          bankId: z.string(),
          bankName: z.string(),
          obligorId: z.string(),
          obligorName: z.string(),
          limit: z.string().openapi({ description: "The limit on the ledger, in fen." }),
          used: z.string().openapi({ description: "What funded financings carry (due to the bank at maturity)." }),
          committed: z.string().openapi({ description: "What accepted financings still being funded will carry." }),
          available: z.string().openapi({ description: "What new acceptances may still take: the limit (or a lower limit being set) less used and committed." }),
          requestedLimit: z.string().nullable().openapi({ description: "A limit the bank set that the ledger does not have yet." }),
        }),
      ),
    }),
    handler: async ({ auth }) => ({
      items: (await service.creditLines(auth)).map((c) => ({
        bankId: c.bankId,
        bankName: c.bankName,
        obligorId: c.obligorId,
        obligorName: c.obligorName,
        limit: c.limitAmount.toString(),
        used: c.used.toString(),
        committed: c.committed.toString(),
        available: c.available.toString(),
        requestedLimit: c.requestedLimit?.toString() ?? null,
      })),
    }),
  });

  routes.add({
    method: "post",
    path: "/v1/financing-requests",
    summary: "Ask for financing of a confirmed certificate you hold; banks with a credit line for its obligor may quote",
    tag: TAG,
    roles: ["supplier"],
    body: z.object({ receivableId: Uuid }).strict(),
    status: 201,
    response: RequestView,
    handler: async ({ auth, body }) => requestView(await service.openRequest(auth, body.receivableId)),
  });

  routes.add({
    method: "get",
    path: "/v1/financing-requests",
    summary: "Financing requests: a supplier's own; for a bank, those on core enterprises it has a credit line for",
    tag: TAG,
    query: z.object({ status: z.string().regex(/^[a-z]+(,[a-z]+)*$/, "comma-separated statuses").optional() }).strict(),
    status: 200,
    response: z.object({ items: z.array(z.object({ request: RequestView, receivable: ReceivableView })) }),
    handler: async ({ auth, query }) => ({ items: (await service.listRequests(auth, query.status)).map((x) => ({ request: requestView(x.request), receivable: receivableView(x.receivable) })) }),
  });

  routes.add({
    method: "get",
    path: "/v1/financing-requests/:id",
    summary: "One financing request",
    tag: TAG,
    params: Id,
    status: 200,
    response: z.object({ request: RequestView, receivable: ReceivableView }),
    handler: async ({ auth, params }) => {
      const x = await service.getRequest(auth, params.id);
      return { request: requestView(x.request), receivable: receivableView(x.receivable) };
    },
  });

  routes.add({
    method: "post",
    path: "/v1/financing-requests/:id/cancellation",
    summary: "Withdraw your open financing request: its quotes close, and the certificate can be split or transferred again",
    tag: TAG,
    roles: ["supplier"],
    params: Id,
    status: 200,
    response: RequestView,
    handler: async ({ auth, params }) => requestView(await service.cancelRequest(auth, params.id)),
  });

  routes.add({
    method: "post",
    path: "/v1/financing-requests/:id/quotes",
    commit: true,
    summary: "Quote on a request (banks): advance or advance rate, annual rate, day-count basis, fee, validity",
    tag: TAG,
    roles: ["bank"],
    params: Id,
    body: QuoteInput,
    status: 201,
    response: QuoteView,
    handler: async ({ auth, params, body }) => quoteView(await service.quote(auth, params.id, body)),
  });

  routes.add({
    method: "get",
    path: "/v1/financing-requests/:id/quotes",
    summary: "Quotes side by side with what the supplier would receive and the effective annual cost (cheapest first); a bank sees only its own",
    tag: TAG,
    params: Id,
    status: 200,
    response: z.object({ items: z.array(QuoteView) }),
    handler: async ({ auth, params }) => ({
      items: (await service.quotes(auth, params.id)).map(({ quote, bankName, priced }) =>
        quoteView(quote, { bankName, netNow: priced.advance.toString(), residualAtMaturity: priced.residual.toString(), cost: priced.cost.toString(), effectiveAnnualCostBp: priced.effectiveAnnualCostBp }),
      ),
    }),
  });

  routes.add({
    method: "post",
    path: "/v1/quotes/:id/withdrawal",
    commit: true,
    summary: "Withdraw your open quote (banks)",
    tag: TAG,
    roles: ["bank"],
    params: Id,
    status: 200,
    response: QuoteView,
    handler: async ({ auth, params }) => quoteView(await service.withdrawQuote(auth, params.id)),
  });

  routes.add({
    method: "get",
    path: "/v1/quotes/:id/terms",
    summary: "The EIP-712 FinanceTerms to sign when accepting with your own key",
    tag: TAG,
    roles: ["supplier"],
    params: Id,
    status: 200,
    response: z.object({ domain: z.record(z.string(), z.unknown()), types: z.record(z.string(), z.unknown()), primaryType: z.string(), message: z.record(z.string(), z.unknown()) }),
    handler: async ({ auth, params }) => {
      const t = await service.termsTypedData(auth, params.id);
      return { ...t, domain: { ...t.domain, chainId: t.domain.chainId?.toString() } };
    },
  });

  routes.add({
    method: "post",
    path: "/v1/quotes/:id/acceptance",
    commit: true,
    summary: "Accept a quote: the other quotes close, the terms are signed, funding starts (registry search, registration, search, DvP)",
    tag: TAG,
    roles: ["supplier"],
    params: Id,
    body: Acceptance,
    status: 202,
    response: FinancingView,
    handler: async ({ auth, params, body }) => financingView(await service.accept(auth, params.id, body.signature)),
  });

  routes.add({
    method: "get",
    path: "/v1/financings",
    summary: "Financings: a bank's book, or a supplier's",
    tag: TAG,
    status: 200,
    response: z.object({ items: z.array(FinancingView) }),
    handler: async ({ auth }) => ({ items: (await service.financings(auth)).map(financingView) }),
  });

  routes.add({
    method: "get",
    path: "/v1/financings/:id",
    summary: "One financing; with `Prefer: wait=N`, answered when its status changes (funded, failed)",
    tag: TAG,
    params: Id,
    headers: PreferWait,
    status: 200,
    response: FinancingView,
    handler: async (ctx) => readWaiting(ctx, changes, async () => financingView(await service.financing(ctx.auth, ctx.params.id)), ["funded", "failed"]),
  });
}
