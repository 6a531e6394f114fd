import { z, type ApiTag } from "../../shared/http/openapi";
import type { Routes } from "../../shared/http/route";
import { Id } from "../../shared/http/schemas";
import type { DraftsService } from "./drafts.service";
import type { Draft } from "./drafts.repository";

const TAG: ApiTag = {
  name: "Approvals",
  description: "Four-eyes: an action that moves money or creates an obligation is drafted by a clerk, and approved (which runs it) or rejected by another approver of the same organization.",
};
const STATUSES = ["pending", "executing", "approved", "failed", "rejected"] as const;

const Person = z.object({ id: z.string().uuid(), name: z.string(), email: z.string() });
const DraftView = z
  .object({
    id: z.string().uuid(),
    method: z.literal("post"),
    path: z.string(),
    action: z.string().openapi({ description: "What the draft does, in words (the action's summary)." }),
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

const draftView = (d: Draft) => ({
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
    handler: async ({ auth, body }) => draftView(await drafts.create(auth, body)),
  });

  routes.add({
    method: "get",
    path: "/v1/drafts",
    operationId: "approvals.listDrafts",
    summary: "Your organization's drafts, newest first",
    description:
      "Optionally of one `status` (pending, executing, approved, failed, rejected); at most `limit` (default 100).",
    tag: TAG,
    query: z.object({ status: z.enum(STATUSES).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }).strict(),
    status: 200,
    response: z.object({ items: z.array(DraftView) }),
    handler: async ({ auth, query }) => ({ items: (await drafts.list(auth, query.status, query.limit)).map(draftView) }),
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
    handler: async ({ auth, params }) => draftView(await drafts.get(auth, params.id)),
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
      return { draft: draftView(draft), result };
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
    handler: async ({ auth, params, body }) => draftView(await drafts.reject(auth, params.id, body.reason)),
  });
}
