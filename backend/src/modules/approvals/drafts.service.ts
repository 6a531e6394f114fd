import { randomUUID } from "node:crypto";
import type { Request, Response } from "express";
import type { DataSource } from "typeorm";
import { AppError, notFound } from "../../shared/errors";
import type { AuthContext } from "../../shared/http/auth";
import type { RouteMatch, Routes } from "../../shared/http/route";
import { fieldProblems } from "../../shared/http/validation";
import type { ZodType } from "zod";
import { asDraftExecution } from "./draft-execution";
import { draftsRepository, type Draft, type DraftStatus } from "./drafts.repository";
import { idsOf, type DraftSubjects, type IdKind, type Subject } from "./drafts.subjects";

/** A draft as its organization reads it: the action by its operationId, and what it touches in names and figures. */
export interface DraftWithSubjects extends Draft {
  operationId: string | null;
  subjects: Subject[];
}

const notDraftable = (path: string) =>
  new AppError("DRAFT.NOT_AN_APPROVAL", 422, `POST ${path} is not an action that needs an approver: do it directly (see /openapi.json).`, [
    { field: "body.path", message: "must name an action that needs an approver" },
  ]);

/** A draft just made, as another module hears of it (see DraftsService.listen). */
export type DraftListener = (d: { draftId: string; organizationId: string }) => Promise<void>;

/**
 * Four-eyes: a clerk prepares an action that moves money or creates an obligation as a draft; an
 * approver of the same organization, never the drafter, approves it (the action runs then, as the
 * approver, through the same checks and validation as a direct request) or rejects it. The draft
 * keeps both people; the audit trail records the approval with the drafter.
 */
export class DraftsService {
  private readonly listeners: DraftListener[] = [];

  /** Another module hears of each draft made (the notifications module tells the approvers); a listener that fails does not undo it. */
  listen(listener: DraftListener): void {
    this.listeners.push(listener);
  }

  constructor(
    private readonly ds: DataSource,
    private readonly routes: Routes,
    private readonly subjects: DraftSubjects,
  ) {}

  /** The draft with its action's operationId (from the route its path matches now) and its subjects. */
  async described(auth: AuthContext, draft: Draft): Promise<DraftWithSubjects> {
    const match = this.routes.match("post", draft.path);
    const action = { operationId: match?.spec.operationId ?? null, routePath: match?.spec.path ?? null, params: match?.params ?? {} };
    return { ...draft, operationId: action.operationId, subjects: await this.subjects.resolve(auth, action, draft.body) };
  }

  /** The objects named by the organization's drafts waiting for an approver: lists mark them "submitted for approval". */
  async waitingSubjects(auth: AuthContext): Promise<{ kind: IdKind; id: string; draftId: string; operationId: string | null }[]> {
    const drafts = await draftsRepository.waiting(this.ds, auth.organization.id);
    return drafts.flatMap((d) => {
      const match = this.routes.match("post", d.path);
      return idsOf(match?.spec.path ?? null, match?.params ?? {}, d.body).map((i) => ({ kind: i.kind, id: i.id, draftId: d.id, operationId: match?.spec.operationId ?? null }));
    });
  }

  /** pending → withdrawn, by its drafter only. */
  async withdraw(auth: AuthContext, id: string): Promise<Draft> {
    const draft = await this.get(auth, id);
    if (draft.createdBy.id !== auth.user.id) throw new AppError("DRAFT.NOT_YOURS", 403, "Only the person who drafted this can withdraw it; an approver rejects it instead.");
    if (!(await draftsRepository.withdraw(this.ds, id, auth.organization.id, auth.user.id))) {
      throw new AppError("DRAFT.DECIDED", 409, `This draft can no longer be withdrawn: it is ${draft.status === "pending" ? "being decided" : draft.status}.`);
    }
    return this.get(auth, id);
  }

  /** The action a draft names, checked as far as it can be before an approver decides. */
  private actionOf(auth: AuthContext, path: string): RouteMatch {
    const match = this.routes.match("post", path);
    // an approval is decided by an approver itself, never drafted
    if (!match || !match.spec.commit || path.startsWith("/v1/drafts/")) throw notDraftable(path);
    if (match.spec.roles && !match.spec.roles.some((r) => auth.has(r))) {
      throw new AppError("AUTH.FORBIDDEN", 403, `This action needs an organization with role ${match.spec.roles.join(" or ")}.`);
    }
    return match;
  }

  async create(auth: AuthContext, input: { path: string; body: unknown }): Promise<Draft> {
    const match = this.actionOf(auth, input.path);
    // validated now, so that an approver never sees a draft that cannot run
    const problems = [
      ...(match.spec.params ? problemsOf(match.spec.params, match.params, "body.path") : []),
      ...(match.spec.body ? problemsOf(match.spec.body, input.body ?? {}, "body.body") : []),
    ];
    if (problems.length) throw new AppError("REQUEST.INVALID", 422, "The draft is not valid for this action; see `errors`.", problems);
    const id = await draftsRepository.insert(this.ds, { organizationId: auth.organization.id, path: input.path, action: match.spec.summary, body: input.body ?? {}, createdBy: auth.user.id });
    for (const l of this.listeners) await l({ draftId: id, organizationId: auth.organization.id }).catch(() => undefined);
    return this.get(auth, id);
  }

  async list(auth: AuthContext, status: DraftStatus | undefined, limit: number): Promise<Draft[]> {
    return draftsRepository.list(this.ds, auth.organization.id, status, limit);
  }

  async get(auth: AuthContext, id: string): Promise<Draft> {
    const draft = await draftsRepository.get(this.ds, id, auth.organization.id);
    if (!draft) throw notFound("draft", id);
    return draft;
  }

  /**
   * Runs the drafted action as the approver. The draft is claimed first (pending → executing, with
   * a token of this approval), so two approvers clicking at once run it once; every transaction the
   * action commits marks the draft applied (DraftExecutionGuard), so that if this process dies
   * before recording the outcome, the drafts sweeper knows whether the action had an effect. The
   * outcome (approved with the action's answer, or failed with the reason) is recorded for this
   * approval only: one the sweeper handed back is not overwritten.
   */
  async approve(auth: AuthContext, id: string, req: Request, res: Response): Promise<{ draft: Draft; result: unknown }> {
    const { draft, execution } = await this.claim(auth, id, "executing", null);
    res.locals.auditDetail = { draftId: draft.id, draftedBy: draft.createdBy.id, action: `POST ${draft.path}`, body: draft.body };
    let result: unknown;
    try {
      const match = this.actionOf(auth, draft.path);
      result = (await asDraftExecution({ draftId: id, execution }, () => this.routes.invoke(match.spec, auth, { params: match.params, query: {}, body: draft.body }, req, res))) ?? null;
    } catch (e) {
      const reason = e instanceof AppError ? `${e.code}: ${e.message}` : "The action failed on the server; it was logged.";
      await draftsRepository.failed(this.ds, id, execution, reason.slice(0, 1000));
      throw e;
    }
    await draftsRepository.approved(this.ds, id, execution, result);
    return { draft: await this.get(auth, id), result };
  }

  /** pending → rejected in one step: a rejection runs nothing, so it is never left half-done. */
  async reject(auth: AuthContext, id: string, reason: string): Promise<Draft> {
    await this.claim(auth, id, "rejected", reason);
    return this.get(auth, id);
  }

  /** pending → `to`, by an approver who did not draft it. */
  private async claim(auth: AuthContext, id: string, to: "executing" | "rejected", reason: string | null): Promise<{ draft: Draft; execution: string }> {
    const draft = await this.get(auth, id);
    if (draft.createdBy.id === auth.user.id) {
      throw new AppError("DRAFT.OWN", 403, "You drafted this: another approver of your organization must decide it (four-eyes).");
    }
    const execution = randomUUID();
    const claimed = await draftsRepository.claim(this.ds, id, { by: auth.user.id, reason, to, execution: to === "executing" ? execution : null });
    if (!claimed) throw new AppError("DRAFT.DECIDED", 409, `This draft was decided already (${draft.status}).`);
    return { draft, execution };
  }
}

function problemsOf(schema: ZodType, value: unknown, root: string) {
  const r = schema.safeParse(value);
  return r.success ? [] : fieldProblems(r.error, root);
}
