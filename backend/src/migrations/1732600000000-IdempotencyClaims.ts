import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Idempotency keys survive a crash of the API process that holds them: a claim has an owner (one
 * request) and a lease; the request's business transaction marks the claim `applied` as it commits
 * (and fails if its claim was taken over), so a retry after the lease knows whether the first
 * attempt wrote anything.
 */
export class IdempotencyClaims1732600000000 implements MigrationInterface {
  name = "IdempotencyClaims1732600000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE idempotency_keys
        ADD COLUMN owner uuid,
        ADD COLUMN applied boolean NOT NULL DEFAULT false,
        ADD COLUMN lease_until timestamptz NOT NULL DEFAULT now();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE idempotency_keys DROP COLUMN owner, DROP COLUMN applied, DROP COLUMN lease_until`);
  }
}
