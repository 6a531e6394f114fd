import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * A rejected certificate keeps why its core enterprise rejected it (确权 refused): the reason as the
 * ledger records it (bytes32) and its text, so that the supplier reads it on the certificate.
 */
export class RejectionReason1734200000000 implements MigrationInterface {
  name = "RejectionReason1734200000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE receivables ADD COLUMN rejection_reason char(66), ADD COLUMN rejection_text text`);
    // certificates rejected before: their reason from the chain events the indexer kept
    await q.query(`
      UPDATE receivables r SET rejection_reason = lower(e.args->>'reason'),
        rejection_text = (SELECT t.text FROM ledger_reasons t WHERE t.reason = lower(e.args->>'reason'))
      FROM chain_events e
      WHERE r.status = 'rejected' AND e.contract = 'ReceivableLedger' AND e.name = 'ReceivableRejected' AND e.args->>'id' = r.chain_id::text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE receivables DROP COLUMN rejection_reason, DROP COLUMN rejection_text`);
  }
}
