import type { DataSource } from "typeorm";
import type { Logger } from "../../shared/logger";
import { rowsOf } from "../../shared/db-types";
import { every } from "../../shared/periodic";

/**
 * Returns drafts whose approval died mid-way (the API process stopped between claiming the draft
 * and recording the outcome) to a state people can see and act on, after `staleMs` in `executing`:
 *   - its action had an effect (a transaction of it committed, `applied`): `approved`, saying the
 *     answer was lost: the action is never offered to run again;
 *   - it had none: `pending` again, with a note, for an approver to approve (the action then runs
 *     for the first time) or reject; a late commit of the old approval is refused by the guard;
 *   - it was claimed before approvals recorded their effects (no execution token): `failed`,
 *     saying that whether it ran is unknown and must be checked before drafting it again.
 * Idempotent (each move is one conditional UPDATE), so every worker runs it on a timer.
 */
export class DraftsSweeper {
  private stopLoop: (() => void) | null = null;

  constructor(
    private readonly ds: DataSource,
    private readonly o: { intervalMs: number; staleMs: number },
    private readonly log: Logger,
  ) {}

  start() {
    this.stopLoop = every(this.o.intervalMs, () => this.sweep(), (e: Error) => this.log.warn({ err: e.message }, "draft sweep failed; will retry"));
  }

  stop() {
    this.stopLoop?.();
    this.stopLoop = null;
  }

  /** One pass; returns the drafts moved, by the state they were moved to. */
  async sweep(): Promise<{ approved: string[]; pending: string[]; failed: string[] }> {
    const stale = `status = 'executing' AND decided_at < now() - ($1 || ' milliseconds')::interval`;
    const ids = async (sql: string) => rowsOf<{ id: string }>(await this.ds.query(sql, [String(this.o.staleMs)])).map((r) => r.id);
    const approved = await ids(
      `UPDATE drafts SET status = 'approved', result = NULL,
         reason = 'The approval was interrupted after the action had been carried out; its answer was not recorded. Look the result up (operations, audit trail) rather than drafting it again.'
       WHERE ${stale} AND applied RETURNING id`,
    );
    // a late commit of the interrupted approval waits for this row lock and then finds the token gone
    const pending = await ids(
      `UPDATE drafts d SET status = 'pending', execution = NULL, decided_by = NULL, decided_at = NULL,
         reason = 'An approval by ' || coalesce((SELECT u.name FROM users u WHERE u.id = d.decided_by), 'an approver')
           || ' at ' || to_char(d.decided_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') || ' UTC was interrupted before the action had any effect; nothing was carried out. Approve it again or reject it.'
       WHERE ${stale} AND NOT applied AND execution IS NOT NULL RETURNING id`,
    );
    const failed = await ids(
      `UPDATE drafts SET status = 'failed',
         reason = 'The approval was interrupted, and whether the action was carried out is not known (it was approved before approvals recorded their effect). Check the action''s own record before drafting it again.'
       WHERE ${stale} AND NOT applied AND execution IS NULL RETURNING id`,
    );
    for (const [to, moved] of Object.entries({ approved, pending, failed })) {
      if (moved.length) this.log.warn({ drafts: moved, to }, "drafts whose approval was interrupted were moved out of executing");
    }
    return { approved, pending, failed };
  }
}
