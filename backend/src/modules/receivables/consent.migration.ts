import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Consent (签收/拒签) and delinquent obligors (77号文 / 802号令):
 * - a certificate waiting for its receiver's acceptance (status `offered`) records the offer: its
 *   kind (issue, transfer, split part), sender, receiver and expiry; when an offer goes back
 *   unaccepted, why (refused, withdrawn, expired), the reason as the ledger keeps it (bytes32) and
 *   its text where the platform knows it;
 * - `delinquent` marks a certificate that counts against its obligor (overdue beyond grace) until
 *   it is settled or governance resumes the obligor;
 * - obligor_standings: whether each obligor may issue and confirm (the ledger's pause), as projected;
 * - ledger_reasons: the text behind a bytes32 reason the platform sent (a refusal, a governance
 *   resume), kept off chain; the ledger holds the text itself when it fits in 31 bytes, else its hash.
 */
export class Consent1733400000000 implements MigrationInterface {
  name = "Consent1733400000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE receivables
        ADD COLUMN offer_kind text CHECK (offer_kind IN ('issue', 'transfer', 'split')),
        ADD COLUMN offer_from_organization_id uuid REFERENCES organizations(id),
        ADD COLUMN offer_to_organization_id uuid REFERENCES organizations(id),
        ADD COLUMN offer_expires_at timestamptz,
        ADD COLUMN offer_returned text CHECK (offer_returned IN ('refused', 'withdrawn', 'expired')),
        ADD COLUMN offer_return_reason char(66),
        ADD COLUMN offer_return_text text,
        ADD COLUMN delinquent boolean NOT NULL DEFAULT false;
      CREATE INDEX receivables_offers_to ON receivables (offer_to_organization_id) WHERE status = 'offered';
      CREATE INDEX receivables_offers_from ON receivables (offer_from_organization_id) WHERE status = 'offered';
      CREATE INDEX receivables_offers_expiring ON receivables (offer_expires_at) WHERE status = 'offered';
      CREATE INDEX receivables_delinquent ON receivables (obligor_organization_id) WHERE delinquent;

      CREATE TABLE obligor_standings (
        organization_id uuid PRIMARY KEY REFERENCES organizations(id),
        paused boolean NOT NULL,
        paused_since timestamptz,
        resumed_at timestamptz,
        resumed_reason char(66),
        chain_block bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE ledger_reasons (
        reason char(66) PRIMARY KEY,
        text text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE ledger_reasons, obligor_standings;
      DROP INDEX receivables_offers_to, receivables_offers_from, receivables_offers_expiring, receivables_delinquent;
      ALTER TABLE receivables DROP COLUMN offer_kind, DROP COLUMN offer_from_organization_id, DROP COLUMN offer_to_organization_id,
        DROP COLUMN offer_expires_at, DROP COLUMN offer_returned, DROP COLUMN offer_return_reason, DROP COLUMN offer_return_text, DROP COLUMN delinquent;
    `);
  }
}
