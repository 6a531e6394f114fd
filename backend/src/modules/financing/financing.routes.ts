import { z, type ApiTag } from "../../shared/http/openapi";
import type { Routes } from "../../shared/http/route";
import type { ChangeFeed } from "../../shared/changes";
import { PreferWait, readWaiting } from "../../shared/http/prefer-wait";
import { OperationView, operationView } from "../../ledger/outbox/operation.view";
import { receivableView, ReceivableView } from "../receivables";
import { Money, Uuid } from "../../shared/http/schemas";
import type { FinancingServices } from "./financing.services";
import type { Financing, FinancingRequest, Quote } from "./financing.entity";
import { dossierRoutes } from "./dossier.routes";

const TAG: ApiTag = {
  name: "Financing",
  description: "Banks' credit lines on core enterprises, suppliers' financing requests, banks' quotes, and the financings accepted quotes become (funded against the certificate, delivery versus payment).",
};
const Id = z.object({ id: Uuid }).strict();

const LineDate = z
  .string()
  .regex(/^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/, "must be a date, YYYY-MM-DD")
  .refine((v) => !Number.isNaN(Date.parse(v)) && new Date(v).toISOString().startsWith(v), "must be a real calendar date");
const CreditLineInput = z
  .object({
    obligorId: Uuid,
    limit: z.string().regex(/^[0-9]{1,18}$/, "must be a non-negative integer number of fen, as a string").transform(BigInt),
    validFrom: LineDate.optional().openapi({ description: "The line's first day (China Standard Time), with validUntil: quotes and fundings against the line are refused before it (409 CREDIT_LINE.NOT_YET_VALID).", example: "2026-01-01" }),
    validUntil: LineDate.optional().openapi({ description: "The line's last day (China Standard Time), with validFrom: quotes and fundings against the line are refused after it (409 CREDIT_LINE.EXPIRED). Omit both to keep the line's term.", example: "2026-12-31" }),
  })
  .strict()
  .openapi("CreditLineInput");

const ReasonablenessReviewInput = z
  .object({
    reviewer: z.string().trim().min(1).max(100).openapi({ example: "授信审批部 王敏" }),
    reason: z.string().trim().min(10, "must say why the term is reasonable (at least 10 characters)").max(1000),
  })
  .strict();

const QuoteInput = z
  .object({
    advance: Money.optional().openapi({ description: "The advance in fen; or give advanceRateBp." }),
    advanceRateBp: z.number().int().min(1).max(10_000).optional().openapi({ description: "The advance as basis points of the face amount." }),
    annualRateBp: z.number().int().min(0).max(10_000).openapi({ description: "Annual interest rate in basis points (435 = 4.35%)." }),
    dayCount: z.union([z.literal(360), z.literal(365)]),
    fee: z.string().regex(/^[0-9]{1,18}$/, "must be a non-negative integer number of fen, as a string").transform(BigInt),
    recourse: z.boolean().default(false),
    validUntil: z.string().datetime({ offset: true, message: "must be an ISO 8601 date-time" }).transform((v) => new Date(v)),
    reasonablenessReview: ReasonablenessReviewInput.optional().openapi({
      description: "Required when the certificate's term exceeds 6 months (77号文: in principle within 6 months, at most 1 year): who reviewed that the term is reasonable, and why.",
    }),
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
    reasonablenessReview: z.object({ reviewer: z.string(), reason: z.string() }).nullable(),
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
  reasonablenessReview: q.reasonablenessReview,
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

export function financingRoutes(routes: Routes, { creditLines, requests, acceptance, funding, dossiers }: FinancingServices, changes: ChangeFeed): void {
  routes.add({
    method: "post",
    path: "/v1/credit-lines",
    operationId: "financing.setCreditLine",
    commit: true,
    summary: "Set your bank's credit line for a core enterprise (on chain; 202)",
    description:
      "Sets (raises or lowers) the limit of what your bank may be owed by this core enterprise across its financings, and the line's term (`validFrom`..`validUntil`, both or neither; omitted, the line keeps its term). Written to the ledger: follow the operation; until it is mined the new limit shows as `requestedLimit`, and a lower limit already constrains new acceptances. The ledger refuses a limit below what is already used. The term is kept by the platform and binds at once: outside it, quoting (and accepting a quote) against the line is refused with 409 CREDIT_LINE.EXPIRED or CREDIT_LINE.NOT_YET_VALID.",
    tag: TAG,
    roles: ["bank"],
    body: CreditLineInput,
    status: 202,
    response: z.object({ obligorId: z.string(), requestedLimit: z.string(), validFrom: z.string().nullable(), validUntil: z.string().nullable(), operation: OperationView }),
    handler: async ({ auth, body }) => {
      const r = await creditLines.setCreditLine(auth, body.obligorId, body.limit, { validFrom: body.validFrom, validUntil: body.validUntil });
      return { obligorId: r.obligor.id, requestedLimit: body.limit.toString(), validFrom: r.line.validFrom ?? null, validUntil: r.line.validUntil ?? null, operation: operationView(r.operation, null) };
    },
  });

  routes.add({
    method: "get",
    path: "/v1/credit-lines",
    operationId: "financing.listCreditLines",
    summary: "Credit lines: a bank's own, or those on a core enterprise",
    description:
      "Each line with its limit on the ledger, what funded financings use, what accepted financings still being funded commit, and what remains available. A bank sees its own lines; a core enterprise those on it; the operator and auditors all.",
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
          validFrom: z.string().nullable().openapi({ description: "The line's first day (China Standard Time); null: no term." }),
          validUntil: z.string().nullable().openapi({ description: "The line's last day (China Standard Time); null: no term." }),
          termStatus: z.enum(["none", "valid", "expired", "not_yet_valid"]).openapi({ description: "Whether the line lends today: `expired` and `not_yet_valid` lines take no quotes or acceptances." }),
          expired: z.boolean(),
        }),
      ),
    }),
    handler: async ({ auth }) => ({
      items: (await creditLines.creditLines(auth)).map((c) => ({
        bankId: c.bankId,
        bankName: c.bankName,
        obligorId: c.obligorId,
        obligorName: c.obligorName,
        limit: c.limitAmount.toString(),
        used: c.used.toString(),
        committed: c.committed.toString(),
        available: c.available.toString(),
        requestedLimit: c.requestedLimit?.toString() ?? null,
        validFrom: c.validFrom,
        validUntil: c.validUntil,
        termStatus: c.termStatus,
        expired: c.termStatus === "expired",
      })),
    }),
  });

  routes.add({
    method: "post",
    path: "/v1/financing-requests",
    operationId: "financing.openRequest",
    summary: "Ask for financing of a confirmed certificate you hold; banks with a credit line for its obligor may quote",
    description:
      "For a `confirmed` certificate you hold (409 RECEIVABLE.INVALID_STATUS otherwise) that matures more than a day from now (409 RECEIVABLE.MATURES_TOO_SOON), with no live request (409 FINANCING.REQUEST_EXISTS). While the request is open the certificate cannot be split or transferred. Banks with a credit line for its obligor see it and quote (POST /v1/financing-requests/{id}/quotes).",
    tag: TAG,
    roles: ["supplier"],
    body: z.object({ receivableId: Uuid }).strict(),
    status: 201,
    response: RequestView,
    handler: async ({ auth, body }) => requestView(await requests.openRequest(auth, body.receivableId)),
  });

  routes.add({
    method: "get",
    path: "/v1/financing-requests",
    operationId: "financing.listRequests",
    summary: "Financing requests: a supplier's own; for a bank, those on core enterprises it has a credit line for",
    description:
      "Each with its certificate, newest first, optionally of some `status`es (comma-separated: open, accepted, funded, failed, cancelled); at most 500. A bank sees the accepted quote and financing of a request only when they are its own.",
    tag: TAG,
    query: z.object({ status: z.string().regex(/^[a-z]+(,[a-z]+)*$/, "comma-separated statuses").optional() }).strict(),
    status: 200,
    response: z.object({ items: z.array(z.object({ request: RequestView, receivable: ReceivableView })) }),
    handler: async ({ auth, query }) => ({ items: (await requests.listRequests(auth, query.status)).map((x) => ({ request: requestView(x.request), receivable: receivableView(x.receivable) })) }),
  });

  routes.add({
    method: "get",
    path: "/v1/financing-requests/:id",
    operationId: "financing.getRequest",
    summary: "One financing request",
    description:
      "The request and its certificate. Visible to its supplier, to banks with a credit line for its obligor, the operator and auditors; absent (404) to others.",
    tag: TAG,
    params: Id,
    status: 200,
    response: z.object({ request: RequestView, receivable: ReceivableView }),
    handler: async ({ auth, params }) => {
      const x = await requests.getRequest(auth, params.id);
      return { request: requestView(x.request), receivable: receivableView(x.receivable) };
    },
  });

  routes.add({
    method: "post",
    path: "/v1/financing-requests/:id/cancellation",
    operationId: "financing.cancelRequest",
    summary: "Withdraw your open financing request: its quotes close, and the certificate can be split or transferred again",
    description:
      "Only an `open` request (409 FINANCING.REQUEST_CLOSED otherwise). It becomes `cancelled`, its open quotes close, and you may ask again later.",
    tag: TAG,
    roles: ["supplier"],
    params: Id,
    status: 200,
    response: RequestView,
    handler: async ({ auth, params }) => requestView(await requests.cancelRequest(auth, params.id)),
  });

  routes.add({
    method: "post",
    path: "/v1/financing-requests/:id/quotes",
    operationId: "financing.createQuote",
    commit: true,
    summary: "Quote on a request (banks): advance or advance rate, annual rate, day-count basis, fee, validity",
    description:
      "One open quote per bank and request (409 QUOTE.EXISTS). Give the advance in fen or as `advanceRateBp` of the face amount; interest = advance × annualRateBp × days / (10,000 × dayCount) in integer fen, and due = advance + interest + fee, which may not exceed the face amount (422 QUOTE.INVALID_TERMS). Your credit line must have room for the amount due (422 CREDIT_LINE.INSUFFICIENT). `validUntil` must be in the future and before maturity.",
    tag: TAG,
    roles: ["bank"],
    params: Id,
    body: QuoteInput,
    status: 201,
    response: QuoteView,
    handler: async ({ auth, params, body }) => quoteView(await requests.quote(auth, params.id, body)),
  });

  routes.add({
    method: "get",
    path: "/v1/financing-requests/:id/quotes",
    operationId: "financing.listQuotes",
    summary: "Quotes side by side with what the supplier would receive and the effective annual cost (cheapest first); a bank sees only its own",
    description:
      "The supplier sees every quote with what it would receive now (`netNow`), at maturity (`residualAtMaturity`), the cost and the effective annual cost, cheapest first; a bank sees only its own quote.",
    tag: TAG,
    params: Id,
    status: 200,
    response: z.object({ items: z.array(QuoteView) }),
    handler: async ({ auth, params }) => ({
      items: (await requests.quotes(auth, params.id)).map(({ quote, bankName, priced }) =>
        quoteView(quote, { bankName, netNow: priced.advance.toString(), residualAtMaturity: priced.residual.toString(), cost: priced.cost.toString(), effectiveAnnualCostBp: priced.effectiveAnnualCostBp }),
      ),
    }),
  });

  routes.add({
    method: "post",
    path: "/v1/quotes/:id/withdrawal",
    operationId: "financing.withdrawQuote",
    commit: true,
    summary: "Withdraw your open quote (banks)",
    description:
      "Only an `open` quote (409 QUOTE.NOT_OPEN otherwise): it is withdrawn and can no longer be accepted; you may quote on the request again.",
    tag: TAG,
    roles: ["bank"],
    params: Id,
    status: 200,
    response: QuoteView,
    handler: async ({ auth, params }) => quoteView(await requests.withdrawQuote(auth, params.id)),
  });

  routes.add({
    method: "get",
    path: "/v1/quotes/:id/terms",
    operationId: "financing.getQuoteTerms",
    summary: "The EIP-712 FinanceTerms to sign when accepting with your own key",
    description:
      "For a supplier that keeps its own key: the EIP-712 domain, types and FinanceTerms message of this quote, to sign and send as `signature` to POST /v1/quotes/{id}/acceptance.",
    tag: TAG,
    roles: ["supplier"],
    params: Id,
    status: 200,
    response: z.object({ domain: z.record(z.string(), z.unknown()), types: z.record(z.string(), z.unknown()), primaryType: z.string(), message: z.record(z.string(), z.unknown()) }),
    handler: async ({ auth, params }) => {
      const t = await acceptance.termsTypedData(auth, params.id);
      return { ...t, domain: { ...t.domain, chainId: t.domain.chainId?.toString() } };
    },
  });

  routes.add({
    method: "post",
    path: "/v1/quotes/:id/acceptance",
    operationId: "financing.acceptQuote",
    commit: true,
    summary: "Accept a quote: the other quotes close, the terms are signed, funding starts (registry search, registration, search, DvP)",
    description:
      "For an open, unexpired quote on your open request (409 QUOTE.NOT_OPEN, QUOTE.EXPIRED, FINANCING.REQUEST_CLOSED). Answers the new financing (`registry_check`): the pledge registry is searched, the financing is registered there and searched again, then the ledger funds it against the certificate (delivery versus payment) and it becomes `funded`, or `failed` with a code and reason. Follow it with GET /v1/financings/{id} (`Prefer: wait=N`). With your own key, send `signature` over GET /v1/quotes/{id}/terms.",
    tag: TAG,
    roles: ["supplier"],
    params: Id,
    body: Acceptance,
    status: 202,
    response: FinancingView,
    handler: async ({ auth, params, body }) => financingView(await acceptance.accept(auth, params.id, body.signature)),
  });

  routes.add({
    method: "get",
    path: "/v1/financings",
    operationId: "financing.listFinancings",
    summary: "Financings: a bank's book, or a supplier's",
    description:
      "Newest first, at most 1,000: a bank sees those it funds, a supplier those it took; the operator and auditors all.",
    tag: TAG,
    status: 200,
    response: z.object({ items: z.array(FinancingView) }),
    handler: async ({ auth }) => ({ items: (await funding.financings(auth)).map(financingView) }),
  });

  routes.add({
    method: "get",
    path: "/v1/financings/:id",
    operationId: "financing.getFinancing",
    summary: "One financing; with `Prefer: wait=N`, answered when its status changes (funded, failed)",
    description:
      "Status registry_check, submitting, funded or failed (with a code and reason). With `Prefer: wait=N` the answer comes when its status changes, or after N seconds unchanged. Visible to its bank and supplier, the operator and auditors; absent (404) to others.",
    tag: TAG,
    params: Id,
    headers: PreferWait,
    status: 200,
    response: FinancingView,
    handler: async (ctx) => readWaiting(ctx, changes, async () => financingView(await funding.financing(ctx.auth, ctx.params.id)), ["funded", "failed"]),
  });

  dossierRoutes(routes, TAG, dossiers);
}
