import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Conformity (issue 17): an organization's enterprise size (MIIT 大型/中型/小型/微型), which the
 * 60-day rule of 国务院令第802号 turns on, and a settlement issuer's licence (77号文: money moves only
 * through banks and licensed institutions). Organizations onboarded before stay without (null).
 */
export class EnterpriseSize1733400000000 implements MigrationInterface {
  name = "EnterpriseSize1733400000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE organizations
        ADD COLUMN enterprise_size text CHECK (enterprise_size IN ('large', 'medium', 'small', 'micro')),
        ADD COLUMN settlement_licence jsonb;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE organizations DROP COLUMN enterprise_size, DROP COLUMN settlement_licence`);
  }
}
