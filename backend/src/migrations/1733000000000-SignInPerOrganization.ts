import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * A sign-in email is unique within an organization, no longer on the whole platform: accepting an
 * invitation must not tell the inviting admin whether the email signs in to another tenant (it
 * answered 409 USER.DUPLICATE), and one person may work for two organizations. At sign-in the
 * password picks the account (sessions.ts).
 */
export class SignInPerOrganization1733000000000 implements MigrationInterface {
  name = "SignInPerOrganization1733000000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX users_sign_in_email;
      CREATE UNIQUE INDEX users_sign_in_email ON users (organization_id, lower(email)) WHERE password_hash IS NOT NULL;
      CREATE INDEX users_email ON users (lower(email)) WHERE password_hash IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX users_email;
      DROP INDEX users_sign_in_email;
      CREATE UNIQUE INDEX users_sign_in_email ON users (lower(email)) WHERE password_hash IS NOT NULL;
    `);
  }
}
