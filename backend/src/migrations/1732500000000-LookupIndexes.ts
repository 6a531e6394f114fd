import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Indexes for lookups whose cost otherwise grows with every certificate ever financed or invoice
 * ever received (found by the end-to-end benchmark's growth runs, scripts/bench/results/e2e.md):
 * the indexer's funding projection finds a financing by its receivable; a quote sums the bank's
 * in-flight financings; the sweeper looks for unfinished fundings, verifications and deliveries;
 * rejection and cancellation free a receivable's invoices.
 */
export class LookupIndexes1732500000000 implements MigrationInterface {
  name = "LookupIndexes1732500000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX financings_receivable ON financings (receivable_id);
      CREATE INDEX financings_in_flight ON financings (bank_organization_id) WHERE status IN ('registry_check', 'submitting');
      CREATE INDEX financings_registry_check ON financings (updated_at) WHERE status = 'registry_check';
      CREATE INDEX invoices_receivable ON invoices (receivable_id) WHERE receivable_id IS NOT NULL;
      CREATE INDEX invoices_unverified ON invoices (created_at) WHERE status IN ('received', 'verifying');
      CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (created_at) WHERE status = 'pending';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX financings_receivable, financings_in_flight, financings_registry_check, invoices_receivable, invoices_unverified, webhook_deliveries_pending;
    `);
  }
}
