import type { DataSource } from "typeorm";
import { rowsOf } from "../../shared/db-types";

export type DraftStatus = "pending" | "executing" | "approved" | "failed" | "rejected" | "withdrawn";

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

/** The drafts table's queries (the sweeper's and the execution guard's are beside them in their files). */
export const draftsRepository = {
  async insert(ds: DataSource, d: { organizationId: string; path: string; action: string; body: unknown; createdBy: string }): Promise<string> {
    const [row] = await ds.query(
      `INSERT INTO drafts (organization_id, method, path, action, body, status, created_by) VALUES ($1, 'post', $2, $3, $4, 'pending', $5) RETURNING id`,
      [d.organizationId, d.path, d.action, JSON.stringify(d.body), d.createdBy],
    );
    return row.id;
  },

  async list(ds: DataSource, organizationId: string, status: DraftStatus | undefined, limit: number): Promise<Draft[]> {
    const rows = await ds.query(`${SELECT} WHERE d.organization_id = $1 AND ($2::text IS NULL OR d.status = $2) ORDER BY d.created_at DESC LIMIT $3`, [organizationId, status ?? null, limit]);
    return rows.map(draftOf);
  },

  async get(ds: DataSource, id: string, organizationId: string): Promise<Draft | null> {
    const [row] = await ds.query(`${SELECT} WHERE d.id = $1 AND d.organization_id = $2`, [id, organizationId]);
    return row ? draftOf(row) : null;
  },

  /** pending → `to` for this decision (its execution token); false if the draft was not pending. */
  async claim(ds: DataSource, id: string, d: { by: string; reason: string | null; to: "executing" | "rejected"; execution: string | null }): Promise<boolean> {
    const claimed = rowsOf(
      await ds.query(
        `UPDATE drafts SET status = $4, decided_by = $2, decided_at = now(), reason = $3, execution = $5, applied = false WHERE id = $1 AND status = 'pending' RETURNING id`,
        [id, d.by, d.reason, d.to, d.execution],
      ),
    );
    return claimed.length > 0;
  },

  /** pending → withdrawn by its drafter; false if it was not pending (or not theirs). */
  async withdraw(ds: DataSource, id: string, organizationId: string, by: string): Promise<boolean> {
    const withdrawn = rowsOf(
      await ds.query(`UPDATE drafts SET status = 'withdrawn', decided_at = now() WHERE id = $1 AND organization_id = $2 AND created_by = $3 AND status = 'pending' RETURNING id`, [id, organizationId, by]),
    );
    return withdrawn.length > 0;
  },

  /** The paths and bodies of the organization's drafts waiting for an approver (or being approved). */
  async waiting(ds: DataSource, organizationId: string): Promise<{ id: string; path: string; body: unknown }[]> {
    return rowsOf(await ds.query(`SELECT id, path, body FROM drafts WHERE organization_id = $1 AND status IN ('pending', 'executing') ORDER BY created_at LIMIT 1000`, [organizationId]));
  },

  /** The outcome of execution `execution` (not of one the sweeper handed back). */
  async failed(ds: DataSource, id: string, execution: string, reason: string): Promise<void> {
    await ds.query(
      `UPDATE drafts SET status = 'failed',
         reason = CASE WHEN applied THEN $3 || ' Part of the action had been carried out before it failed: check its record before drafting it again.' ELSE $3 END
       WHERE id = $1 AND execution = $2`,
      [id, execution, reason],
    );
  },

  async approved(ds: DataSource, id: string, execution: string, result: unknown): Promise<void> {
    await ds.query(`UPDATE drafts SET status = 'approved', result = $3, reason = NULL WHERE id = $1 AND execution = $2`, [id, execution, JSON.stringify(result)]);
  },
};
