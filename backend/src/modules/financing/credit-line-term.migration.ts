import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * A credit line's term: the dates (China Standard Time, both inclusive) between which the bank
 * quotes and funds against it. The ledger keeps only the limit; the term is the bank's policy, held
 * and enforced by the platform (see docs/credit-line-term.md). Null: a line set before terms, with
 * no expiry. The index on financings serves a credit officer's view of a supplier's history.
 */
export class CreditLineTerm1734450000000 implements MigrationInterface {
  name = "CreditLineTerm1734450000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE credit_lines ADD COLUMN valid_from date, ADD COLUMN valid_until date,
        ADD CONSTRAINT credit_lines_term_ordered CHECK (valid_from IS NULL OR valid_until IS NULL OR valid_from <= valid_until);
      CREATE INDEX financings_supplier ON financings (supplier_organization_id) WHERE status = 'funded';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX financings_supplier;
      ALTER TABLE credit_lines DROP CONSTRAINT credit_lines_term_ordered, DROP COLUMN valid_until, DROP COLUMN valid_from;
    `);
  }
}
