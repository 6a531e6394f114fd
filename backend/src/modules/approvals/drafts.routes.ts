import { z, type ApiTag } from "../../shared/http/openapi";
import type { Routes } from "../../shared/http/route";
import { Id } from "../../shared/http/schemas";
import type { DraftsService } from "./drafts.service";
import type { DraftWithSubjects } from "./drafts.service";

const TAG: ApiTag = {
  name: "Approvals",
  description: "Four-eyes: an action that moves money or creates an obligation is drafted by a clerk, and approved (which runs it) or rejected by another approver of the same organization.",
};
const STATUSES = ["pending", "executing", "approved", "failed", "rejected", "withdrawn"] as const;
const fen = (what: string) => z.string().optional().openapi({ description: `${what}, in fen (integer, as a string).` });

const Subject = z
  .object({
    kind: z.enum(["certificate", "organization", "quote", "creditLine", "repaymentAuthorization"]),
    id: z.string().nullable().openapi({ description: "The object's id; null for a quote not made yet and the repayment authorization." }),
    name: z.string().optional().openapi({ description: "An organization's legal name; a quote's bank; a credit line's obligor." }),
    certificateNumber: z.string().nullable().optional().openapi({ description: "A certificate's number; null until the ledger has numbered it." }),
    obligor: z.string().optional().openapi({ description: "A certificate's obligor (core enterprise), by legal name." }),
    supplier: z.string().optional().openapi({ description: "A certificate's supplier (its first creditor), by legal name." }),
    amount: fen("A certificate's face amount"),
    maturity: z.string().optional().openapi({ description: "A certificate's maturity date (China Standard Time), YYYY-MM-DD." }),
    advance: fen("A quote's cash now (the advance)"),
    annualRatePercent: z.string().optional().openapi({ description: 'A quote\'s annual interest rate in percent, e.g. "4.35".' }),
    fee: fen("A quote's fee"),
    recourse: z.boolean().optional(),
    validUntil: z.string().optional().openapi({ description: "The date a quote is valid until (China Standard Time), YYYY-MM-DD." }),
    certificate: z.string().nullable().optional().openapi({ description: "The number of a quote's certificate." }),
    from: fen("A credit line's limit or the repayment authorization now"),
    to: fen("The limit or authorization the action sets"),
  })
  .openapi("DraftSubject", { description: "What a draft touches, in names and figures, as the drafter's organization may see it." });

const Person = z.object({ id: z.string().uuid(), name: z.string(), email: z.string() });
const DraftView = z
  .object({
    id: z.string().uuid(),
    method: z.literal("post"),
    path: z.string(),
    action: z.string().openapi({ description: "What the draft does, in words (the action's summary)." }),
    operationId: z.string().nullable().openapi({ description: "The action's operationId (see /openapi.json): clients name the action in their reader's language from it." }),
    subjects: z.array(Subject).openapi({ description: "What the draft touches (certificates, organizations, a quote, a credit line, the repayment authorization) in names and figures; what your organization may not see is left out." }),
    body: z.unknown(),
    status: z.enum(STATUSES),
    createdBy: Person,
    createdAt: z.string(),
    decidedBy: Person.nullable(),
    decidedAt: z.string().nullable(),
    reason: z.string().nullable(),
    result: z.unknown(),
  })
  .openapi("Draft");

const draftView = (d: DraftWithSubjects) => ({
  ...d,
  createdAt: d.createdAt.toISOString(),
  decidedAt: d.decidedAt ? d.decidedAt.toISOString() : null,
});

const DraftCreate = z
  .object({
    method: z.literal("post"),
    path: z
      .string()
      .max(300)
      .regex(/^\/v1\/[A-Za-z0-9/_-]+$/, "must be an API path like /v1/quotes/<id>/acceptance"),
    // any JSON object: zod-to-openapi writes an unknown value as `{ nullable: true }`, which OpenAPI 3.0 rejects without a `type`
    body: z.record(z.string(), z.unknown()).default({}).openapi({ description: "The action's body, as it would be sent directly.", additionalProperties: true }),
  })
  .strict()
  .openapi("DraftCreate");

export function draftsRoutes(routes: Routes, drafts: DraftsService): void {
  routes.add({
    method: "post",
    path: "/v1/drafts",
    operationId: "approvals.createDraft",
    summary: "Prepare an action that needs an approver (clerks): it waits for an approver of your organization",
    description:
      "Names an action that needs an approver (`path`, e.g. /v1/quotes/{id}/acceptance) and the body it would be sent with. Both are checked now, as the action would check them, so an approver never sees a draft that cannot run (422 naming each field; 422 DRAFT.NOT_AN_APPROVAL for an action that needs no approver: do it directly). The draft is `pending` until an approver of your organization other than you decides it.",
    tag: TAG,
    body: DraftCreate,
    status: 201,
    response: DraftView,
    handler: async ({ auth, body }) => draftView(await drafts.described(auth, await drafts.create(auth, body))),
  });

  routes.add({
    method: "get",
    path: "/v1/drafts",
    operationId: "approvals.listDrafts",
    summary: "Your organization's drafts, newest first",
    description:
      "Optionally of one `status` (pending, executing, approved, failed, rejected, withdrawn); at most `limit` (default 100).",
    tag: TAG,
    query: z.object({ status: z.enum(STATUSES).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }).strict(),
    status: 200,
    response: z.object({ items: z.array(DraftView) }),
    handler: async ({ auth, query }) => ({ items: (await Promise.all((await drafts.list(auth, query.status, query.limit)).map((d) => drafts.described(auth, d)))).map(draftView) }),
  });

  routes.add({
    method: "get",
    path: "/v1/drafts/waiting-subjects",
    operationId: "approvals.listWaitingSubjects",
    summary: "What your organization's drafts waiting for an approver touch (lists mark it \"submitted for approval\")",
    description:
      "One item per object (a certificate, organization, quote or financing request) named by a draft of your organization that is pending or being approved, with the draft's id and action: a list shows such an object as submitted for approval rather than offering the action again.",
    tag: TAG,
    status: 200,
    response: z.object({
      items: z.array(
        z.object({
          kind: z.enum(["certificate", "organization", "quote", "financingRequest"]),
          id: z.string().uuid(),
          draftId: z.string().uuid(),
          operationId: z.string().nullable(),
        }),
      ),
    }),
    handler: async ({ auth }) => ({ items: await drafts.waitingSubjects(auth) }),
  });

  routes.add({
    method: "get",
    path: "/v1/drafts/:id",
    operationId: "approvals.getDraft",
    summary: "One draft",
    description:
      "With who drafted and who decided it, the reason of a rejection or failure, and the action's answer (`result`) once approved. Another organization's draft is answered as absent (404).",
    tag: TAG,
    params: Id,
    status: 200,
    response: DraftView,
    handler: async ({ auth, params }) => draftView(await drafts.described(auth, await drafts.get(auth, params.id))),
  });

  routes.add({
    method: "post",
    path: "/v1/drafts/:id/approval",
    operationId: "approvals.approveDraft",
    summary: "Approve a draft (approvers other than its drafter): the action runs now, as you; its answer is `result`",
    description:
      "Runs the drafted action as you, through the same checks as a direct request, and answers the draft with the action's answer in `result`. If the action is refused the draft becomes `failed` with the reason and this answers the action's problem. 403 DRAFT.OWN if you drafted it (four-eyes); 409 DRAFT.DECIDED if it was decided already (two approvers at once: one runs it).",
    tag: TAG,
    commit: true,
    params: Id,
    status: 200,
    response: z.object({ draft: DraftView, result: z.unknown() }),
    handler: async ({ auth, params, req, res }) => {
      const { draft, result } = await drafts.approve(auth, params.id, req, res);
      return { draft: draftView(await drafts.described(auth, draft)), result };
    },
  });

  routes.add({
    method: "post",
    path: "/v1/drafts/:id/rejection",
    operationId: "approvals.rejectDraft",
    summary: "Reject a draft (approvers other than its drafter), saying why",
    description:
      "Nothing runs; the draft becomes `rejected` with your reason, for its drafter to read. 403 DRAFT.OWN if you drafted it; 409 DRAFT.DECIDED if it was decided already.",
    tag: TAG,
    commit: true,
    params: Id,
    body: z.object({ reason: z.string().trim().min(1).max(500) }).strict(),
    status: 200,
    response: DraftView,
    handler: async ({ auth, params, body }) => draftView(await drafts.described(auth, await drafts.reject(auth, params.id, body.reason))),
  });

  routes.add({
    method: "post",
    path: "/v1/drafts/:id/withdrawal",
    operationId: "approvals.withdrawDraft",
    summary: "Withdraw your draft while it waits for an approver",
    description:
      "The draft becomes `withdrawn` and nothing runs. Only its drafter withdraws it (403 DRAFT.NOT_YOURS: an approver rejects it instead), and only while it is pending (409 DRAFT.DECIDED once decided, being approved or withdrawn).",
    tag: TAG,
    params: Id,
    status: 200,
    response: DraftView,
    handler: async ({ auth, params }) => draftView(await drafts.described(auth, await drafts.withdraw(auth, params.id))),
  });
}
