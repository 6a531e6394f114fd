import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * A financing request names what won it: the accepted quote and the financing it became (deferred
 * key: the acceptance updates the request before it inserts the financing, in the lock order).
 * Requests accepted before this migration get both from their financing.
 */
export class RequestWinner1732700000000 implements MigrationInterface {
  name = "RequestWinner1732700000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE financing_requests ADD COLUMN financing_id uuid UNIQUE REFERENCES financings(id) DEFERRABLE INITIALLY DEFERRED;
      UPDATE financing_requests q SET financing_id = f.id, accepted_quote_id = f.quote_id FROM financings f WHERE f.request_id = q.id;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE financing_requests DROP COLUMN financing_id`);
  }
}
