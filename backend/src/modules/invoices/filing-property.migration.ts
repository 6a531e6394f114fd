import type { MigrationInterface, QueryRunner } from "typeorm";

/** A registry filing carries its property description (财产信息描述, 77号文 and the 2026 example). */
export class FilingProperty1733600000000 implements MigrationInterface {
  name = "FilingProperty1733600000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE registry_filings ADD COLUMN property jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE registry_filings DROP COLUMN property`);
  }
}
