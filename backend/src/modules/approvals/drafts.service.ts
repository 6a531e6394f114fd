import { randomUUID } from "node:crypto";
import type { Request, Response } from "express";
import type { DataSource } from "typeorm";
import { AppError, notFound } from "../../shared/errors";
import { rowsOf } from "../../shared/db-types";
import type { AuthContext } from "../../shared/http/auth";
import type { RouteMatch, Routes } from "../../shared/http/route";
import { fieldProblems } from "../../shared/http/validation";
import type { ZodType } from "zod";
import { asDraftExecution } from "./draft-execution";

export type DraftStatus = "pending" | "executing" | "approved" | "failed" | "rejected";

export interface Person {
  id: string;
  name: string;
  email: string;
}

export interface Draft {
  id: string;
  organizationId: string;
  method: "post";
  path: string;
  /** The route's summary: what the draft does, in words. */
  action: string;
  body: unknown;
  status: DraftStatus;
  createdBy: Person;
  createdAt: Date;
  decidedBy: Person | null;
  decidedAt: Date | null;
  reason: string | null;
  result: unknown;
}

const SELECT = `SELECT d.*, c.name AS c_name, c.email AS c_email, a.name AS a_name, a.email AS a_email
  FROM drafts d JOIN users c ON c.id = d.created_by LEFT JOIN users a ON a.id = d.decided_by`;

const draftOf = (r: Record<string, any>): Draft => ({
  id: r.id,
  organizationId: r.organization_id,
  method: r.method,
  path: r.path,
  action: r.action,
  body: r.body,
  status: r.status,
  createdBy: { id: r.created_by, name: r.c_name, email: r.c_email },
  createdAt: new Date(r.created_at),
  decidedBy: r.decided_by ? { id: r.decided_by, name: r.a_name, email: r.a_email } : null,
  decidedAt: r.decided_at ? new Date(r.decided_at) : null,
  reason: r.reason,
  result: r.result,
});

const notDraftable = (path: string) =>
  new AppError("DRAFT.NOT_AN_APPROVAL", 422, `POST ${path} is not an action that needs an approver: do it directly (see /openapi.json).`, [
    { field: "body.path", message: "must name an action that needs an approver" },
  ]);

/**
 * Four-eyes: a clerk prepares an action that moves money or creates an obligation as a draft; an
 * approver of the same organization, never the drafter, approves it (the action runs then, as the
 * approver, through the same checks and validation as a direct request) or rejects it. The draft
 * keeps both people; the audit trail records the approval with the drafter.
 */
export class DraftsService {
  constructor(
    private readonly ds: DataSource,
    private readonly routes: Routes,
  ) {}

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
    const [row] = await this.ds.query(
      `INSERT INTO drafts (organization_id, method, path, action, body, status, created_by) VALUES ($1, 'post', $2, $3, $4, 'pending', $5) RETURNING id`,
      [auth.organization.id, input.path, match.spec.summary, JSON.stringify(input.body ?? {}), auth.user.id],
    );
    return this.get(auth, row.id);
  }

  async list(auth: AuthContext, status: DraftStatus | undefined, limit: number): Promise<Draft[]> {
    const rows = await this.ds.query(`${SELECT} WHERE d.organization_id = $1 AND ($2::text IS NULL OR d.status = $2) ORDER BY d.created_at DESC LIMIT $3`, [
      auth.organization.id,
      status ?? null,
      limit,
    ]);
    return rows.map(draftOf);
  }

  async get(auth: AuthContext, id: string): Promise<Draft> {
    const [row] = await this.ds.query(`${SELECT} WHERE d.id = $1 AND d.organization_id = $2`, [id, auth.organization.id]);
    if (!row) throw notFound("draft", id);
    return draftOf(row);
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
      await this.ds.query(
        `UPDATE drafts SET status = 'failed',
           reason = CASE WHEN applied THEN $3 || ' Part of the action had been carried out before it failed: check its record before drafting it again.' ELSE $3 END
         WHERE id = $1 AND execution = $2`,
        [id, execution, reason.slice(0, 1000)],
      );
      throw e;
    }
    await this.ds.query(`UPDATE drafts SET status = 'approved', result = $3, reason = NULL WHERE id = $1 AND execution = $2`, [id, execution, JSON.stringify(result)]);
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
    const claimed = rowsOf(
      await this.ds.query(
        `UPDATE drafts SET status = $4, decided_by = $2, decided_at = now(), reason = $3, execution = $5, applied = false WHERE id = $1 AND status = 'pending' RETURNING id`,
        [id, auth.user.id, reason, to, to === "executing" ? execution : null],
      ),
    );
    if (!claimed.length) throw new AppError("DRAFT.DECIDED", 409, `This draft was decided already (${draft.status}).`);
    return { draft, execution };
  }
}

function problemsOf(schema: ZodType, value: unknown, root: string) {
  const r = schema.safeParse(value);
  return r.success ? [] : fieldProblems(r.error, root);
}
