import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * A notification per person (read state is the person's), the mails that carry some of them (a
 * person's pending mails go out together, one mail per MAIL_DIGEST_MS at most), and
 * each person's choice of mail. One notification per person, event and kind: a replayed event
 * tells nobody twice.
 */
export class Notifications1734412000000 implements MigrationInterface {
  name = "Notifications1734412000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notifications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id),
        user_id uuid NOT NULL REFERENCES users(id),
        kind text NOT NULL,
        event_id text NOT NULL,
        params jsonb NOT NULL DEFAULT '{}',
        object_type text NOT NULL,
        object_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        read_at timestamptz,
        UNIQUE (user_id, event_id, kind)
      );
      CREATE INDEX notifications_person_newest ON notifications (user_id, created_at DESC, id DESC);
      CREATE INDEX notifications_person_unread ON notifications (user_id) WHERE read_at IS NULL;
      CREATE TABLE notification_mails (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        notification_id uuid NOT NULL UNIQUE REFERENCES notifications(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id),
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'skipped')),
        channel text,
        error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz
      );
      CREATE INDEX notification_mails_pending ON notification_mails (updated_at) WHERE status = 'pending';
      CREATE INDEX notification_mails_person_pending ON notification_mails (user_id, created_at) WHERE status = 'pending';
      CREATE TABLE notification_settings (
        user_id uuid PRIMARY KEY REFERENCES users(id),
        email boolean NOT NULL DEFAULT true,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE notification_settings; DROP TABLE notification_mails; DROP TABLE notifications;`);
  }
}
