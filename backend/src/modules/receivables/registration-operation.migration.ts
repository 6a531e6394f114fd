import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * A certificate keeps the operation that registered (登记) or issued (开立) it on the ledger, apart
 * from `operation_id`, which follows its latest change (a confirmation, a financing, a settlement):
 * the regulator's "registration transaction" is the first, not whatever changed it last. Existing
 * certificates find theirs in the outbox: the register or issue operation written for them.
 */
export class RegistrationOperation1734150000000 implements MigrationInterface {
  name = "RegistrationOperation1734150000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE receivables ADD COLUMN registration_operation_id bigint REFERENCES outbox (id);
      UPDATE receivables r SET registration_operation_id = o.id
        FROM outbox o WHERE o.aggregate_id = r.id::text AND o.kind IN ('ledger.register', 'ledger.issue');
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE receivables DROP COLUMN registration_operation_id`);
  }
}
