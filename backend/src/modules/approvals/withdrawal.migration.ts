import type { MigrationInterface, QueryRunner } from "typeorm";

/** A clerk withdraws its own draft while it waits for an approver: the status `withdrawn`. */
export class DraftWithdrawal1734350000000 implements MigrationInterface {
  name = "DraftWithdrawal1734350000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE drafts DROP CONSTRAINT drafts_status_check;
      ALTER TABLE drafts ADD CONSTRAINT drafts_status_check CHECK (status IN ('pending', 'executing', 'approved', 'failed', 'rejected', 'withdrawn'));
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      UPDATE drafts SET status = 'rejected', reason = coalesce(reason, 'Withdrawn by its drafter.') WHERE status = 'withdrawn';
      ALTER TABLE drafts DROP CONSTRAINT drafts_status_check;
      ALTER TABLE drafts ADD CONSTRAINT drafts_status_check CHECK (status IN ('pending', 'executing', 'approved', 'failed', 'rejected'));
    `);
  }
}
