import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * A draft's approval records whether its action had an effect: `execution` is the token of the
 * approval that claimed it, `applied` is set inside every transaction that approval's action
 * commits. The drafts sweeper reads both to return a draft whose approval died mid-way to a state
 * people can act on, without ever running its action twice.
 */
export class DraftExecutions1733200000000 implements MigrationInterface {
  name = "DraftExecutions1733200000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE drafts ADD COLUMN execution uuid, ADD COLUMN applied boolean NOT NULL DEFAULT false;
      CREATE INDEX drafts_executing ON drafts (decided_at) WHERE status = 'executing';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX drafts_executing;
      ALTER TABLE drafts DROP COLUMN execution, DROP COLUMN applied;
    `);
  }
}
