import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The platform's invoice verifier gets a ledger key of its own (purpose 'verifier'): it signs the
 * attestations without which the ledger refuses to register or issue a certificate, and holds
 * VERIFIER_ROLE in Membership (granted by governance at deployment). One live verifier key at a time.
 */
export class VerifierKey1732900000000 implements MigrationInterface {
  name = "VerifierKey1732900000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE ledger_keys DROP CONSTRAINT IF EXISTS ledger_keys_purpose_check;
      ALTER TABLE ledger_keys ADD CONSTRAINT ledger_keys_purpose_check CHECK (purpose IN ('operator', 'member', 'relayer', 'verifier'));
      CREATE UNIQUE INDEX ledger_keys_one_live_verifier ON ledger_keys (purpose) WHERE purpose = 'verifier' AND retired_at IS NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX ledger_keys_one_live_verifier;
      DELETE FROM ledger_keys WHERE purpose = 'verifier';
      ALTER TABLE ledger_keys DROP CONSTRAINT ledger_keys_purpose_check;
      ALTER TABLE ledger_keys ADD CONSTRAINT ledger_keys_purpose_check CHECK (purpose IN ('operator', 'member', 'relayer'));
    `);
  }
}
