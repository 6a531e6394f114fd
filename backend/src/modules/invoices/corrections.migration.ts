import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * A refused invoice keeps what the tax bureau said that disagreed (`rejection_mismatch`: each field
 * with the submitted value and the bureau's), and a corrected one the history of its refusals and
 * what the supplier changed after each (`corrections`).
 */
export class InvoiceCorrections1734250000000 implements MigrationInterface {
  name = "InvoiceCorrections1734250000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE invoices ADD COLUMN rejection_mismatch jsonb, ADD COLUMN corrections jsonb NOT NULL DEFAULT '[]'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE invoices DROP COLUMN rejection_mismatch, DROP COLUMN corrections`);
  }
}
