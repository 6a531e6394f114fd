import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * A financing request reopened after a funding that failed (the ledger refused or skipped it, a
 * party was suspended, a signature expired) takes new quotes from the same banks. The quote the
 * failed financing was made from stays as its history, so "one quote per bank per request" holds
 * for live quotes only (as 1733100000000 did for "one financing per request").
 */
export class FinancingRetries1733300000000 implements MigrationInterface {
  name = "FinancingRetries1733300000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE quotes DROP CONSTRAINT quotes_request_id_bank_organization_id_key;
      CREATE UNIQUE INDEX quotes_one_live_per_bank ON quotes (request_id, bank_organization_id) WHERE status IN ('open', 'accepted');
      CREATE INDEX quotes_request_bank ON quotes (request_id, bank_organization_id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX quotes_request_bank, quotes_one_live_per_bank;
      ALTER TABLE quotes ADD CONSTRAINT quotes_request_id_bank_organization_id_key UNIQUE (request_id, bank_organization_id);
    `);
  }
}
