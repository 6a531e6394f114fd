import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * 77号文: a certificate's term is in principle within 6 months. A bank quoting on a longer one
 * records its reasonableness review (reviewer, reason) on the quote; funding needs it.
 */
export class ReasonablenessReview1733500000000 implements MigrationInterface {
  name = "ReasonablenessReview1733500000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE quotes ADD COLUMN reasonableness_review jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE quotes DROP COLUMN reasonableness_review`);
  }
}
