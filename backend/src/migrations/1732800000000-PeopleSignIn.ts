import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * People sign in to the portal: a user may have a password (argon2id) and has a duty within its
 * organization (viewer reads; clerk prepares; approver commits). Browser sessions (only hashes of
 * their tokens are stored), invitations an organization's admin sends, and the drafts a clerk
 * prepares for an approver (four-eyes: the approver is never the drafter). Users from before this
 * migration are approvers, so API keys keep doing what they did.
 */
export class PeopleSignIn1732800000000 implements MigrationInterface {
  name = "PeopleSignIn1732800000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE users
        ADD COLUMN duty text NOT NULL DEFAULT 'approver' CHECK (duty IN ('viewer', 'clerk', 'approver')),
        ADD COLUMN password_hash text,
        ADD COLUMN password_changed_at timestamptz;
      -- a person signs in with an email that names one user on the whole platform
      CREATE UNIQUE INDEX users_sign_in_email ON users (lower(email)) WHERE password_hash IS NOT NULL;

      CREATE TABLE sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        token_hash bytea NOT NULL UNIQUE,
        csrf_hash bytea NOT NULL,
        user_id uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        ended_at timestamptz,
        ended_reason text,
        address text,
        user_agent text
      );
      CREATE INDEX sessions_open_by_user ON sessions (user_id) WHERE ended_at IS NULL;

      CREATE TABLE invitations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id),
        email text NOT NULL,
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('admin', 'member')),
        duty text NOT NULL CHECK (duty IN ('viewer', 'clerk', 'approver')),
        token_hash bytea NOT NULL UNIQUE,
        invited_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        accepted_at timestamptz,
        user_id uuid REFERENCES users(id)
      );

      CREATE TABLE drafts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id),
        method text NOT NULL,
        path text NOT NULL,
        action text NOT NULL,
        body jsonb NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'executing', 'approved', 'failed', 'rejected')),
        created_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        decided_by uuid REFERENCES users(id),
        decided_at timestamptz,
        reason text,
        result jsonb,
        CHECK (decided_by IS NULL OR decided_by <> created_by)
      );
      CREATE INDEX drafts_by_organization ON drafts (organization_id, status, created_at);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE drafts, invitations, sessions;
      DROP INDEX users_sign_in_email;
      ALTER TABLE users DROP COLUMN duty, DROP COLUMN password_hash, DROP COLUMN password_changed_at;
    `);
  }
}
