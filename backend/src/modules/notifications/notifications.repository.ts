import type { EntityManager } from "typeorm";
import { NOTIFICATION_KINDS, type NotificationKind, type ObjectType, type Params, type Target } from "./notifications.kinds";

type Db = Pick<EntityManager, "query">;

/** A notification as its person reads it. */
export interface NotificationRow {
  id: string;
  kind: NotificationKind;
  params: Params;
  objectType: ObjectType;
  objectId: string | null;
  createdAt: Date;
  readAt: Date | null;
}

/** One event's notifications to make: the event's id (`txHash:logIndex`, or the off-chain object's) and when it happened. */
export interface Telling extends Target {
  eventId: string;
  at: Date;
}

/** The legal names of organizations, by id (the counterparties the texts name). */
export async function legalNames(db: Db, ids: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const rows: { id: string; legal_name: string }[] = await db.query(`SELECT id, legal_name FROM organizations WHERE id = ANY($1::uuid[])`, [unique]);
  return new Map(rows.map((r) => [r.id, r.legal_name]));
}

/**
 * Tells each organization's people whose duty fits the kind (enabled, not the excepted person):
 * one notification each, and a pending mail for those who want mail. People are those who sign in
 * (a password): an organization's systems, whose keys belong to a user who never signs in, hear
 * of events through webhooks. One statement;
 * a telling made before (a replayed event) makes nothing. Returns the new mails' ids.
 */
export async function tell(db: Db, tellings: Telling[]): Promise<string[]> {
  if (!tellings.length) return [];
  const names = await legalNames(db, tellings.flatMap((t) => (t.counterpartyId && !t.counterpartyName ? [t.counterpartyId] : [])));
  const col = <T>(f: (t: Telling) => T) => tellings.map(f);
  const rows: { id: string }[] = await db.query(
    `WITH t AS (
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::text[], $9::uuid[])
         AS t(organization_id, kind, event_id, params, object_type, object_id, at, duties, except_user)
     ), made AS (
       INSERT INTO notifications (organization_id, user_id, kind, event_id, params, object_type, object_id, created_at)
       SELECT t.organization_id, u.id, t.kind, t.event_id, t.params::jsonb, t.object_type, t.object_id, t.at
       FROM t JOIN users u ON u.organization_id = t.organization_id AND u.disabled_at IS NULL AND u.password_hash IS NOT NULL AND u.duty = ANY(string_to_array(t.duties, ','))
       WHERE u.id IS DISTINCT FROM t.except_user
       ON CONFLICT (user_id, event_id, kind) DO NOTHING
       RETURNING id, user_id
     )
     INSERT INTO notification_mails (notification_id, user_id)
     SELECT made.id, made.user_id FROM made LEFT JOIN notification_settings s ON s.user_id = made.user_id
     WHERE coalesce(s.email, true)
     RETURNING user_id::text AS id`,
    [
      col((t) => t.organizationId),
      col((t) => t.kind),
      col((t) => t.eventId),
      col((t) => JSON.stringify({ ...t.params, ...(t.counterpartyId !== undefined ? { counterparty: t.counterpartyName ?? (t.counterpartyId && names.get(t.counterpartyId)) ?? null } : {}) })),
      col((t) => NOTIFICATION_KINDS[t.kind].object),
      col((t) => t.objectId),
      col((t) => t.at.toISOString()),
      col((t) => NOTIFICATION_KINDS[t.kind].duties.join(",")),
      col((t) => t.exceptUserId ?? null),
    ],
  );
  return [...new Set(rows.map((r) => r.id))];
}

const SELECT = `SELECT id, kind, params, object_type AS "objectType", object_id AS "objectId", created_at AS "createdAt", read_at AS "readAt" FROM notifications`;

/** A person's notifications, newest first, after the cursor `before` (a notification of theirs), unread only if asked. */
export async function list(db: Db, userId: string, o: { unread: boolean; limit: number; before: { at: Date; id: string } | null }): Promise<NotificationRow[]> {
  return db.query(
    `${SELECT} WHERE user_id = $1 AND ($2::boolean IS FALSE OR read_at IS NULL)
       AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::uuid))
     ORDER BY created_at DESC, id DESC LIMIT $5`,
    [userId, o.unread, o.before?.at.toISOString() ?? null, o.before?.id ?? null, o.limit],
  );
}

/** A person's notification (none: another's, or no such). */
export async function one(db: Db, userId: string, id: string): Promise<NotificationRow | null> {
  const [row] = await db.query(`${SELECT} WHERE user_id = $1 AND id = $2`, [userId, id]);
  return row ?? null;
}

/** How many of a person's notifications are unread (an index on the unread ones answers it). */
export async function unreadCount(db: Db, userId: string): Promise<number> {
  const [row] = await db.query(`SELECT count(*)::int AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL`, [userId]);
  return row.n;
}

export async function markRead(db: Db, userId: string, id: string): Promise<void> {
  await db.query(`UPDATE notifications SET read_at = now() WHERE user_id = $1 AND id = $2 AND read_at IS NULL`, [userId, id]);
}

/** Marks all read; returns how many were unread. */
export async function markAllRead(db: Db, userId: string): Promise<number> {
  const [row] = await db.query(`WITH marked AS (UPDATE notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL RETURNING 1) SELECT count(*)::int AS n FROM marked`, [userId]);
  return row.n;
}

export async function emailWanted(db: Db, userId: string): Promise<boolean> {
  const [row] = await db.query(`SELECT email FROM notification_settings WHERE user_id = $1`, [userId]);
  return row?.email ?? true;
}

export async function setEmailWanted(db: Db, userId: string, email: boolean): Promise<void> {
  await db.query(
    `INSERT INTO notification_settings (user_id, email) VALUES ($1, $2) ON CONFLICT (user_id) DO UPDATE SET email = excluded.email, updated_at = now()`,
    [userId, email],
  );
}

/** A person's mails waiting to go: the person, and the notifications they carry (oldest first). */
export interface MailWork {
  email: string;
  name: string;
  wanted: boolean;
  mails: { id: string; notification: NotificationRow }[];
}

export async function pendingMails(db: Db, userId: string, limit: number): Promise<MailWork | null> {
  const rows = await db.query(
    `SELECT m.id, u.email, u.name, coalesce(s.email, true) AND u.disabled_at IS NULL AS wanted,
            n.id AS n_id, n.kind, n.params, n.object_type, n.object_id, n.created_at, n.read_at
     FROM notification_mails m JOIN notifications n ON n.id = m.notification_id JOIN users u ON u.id = m.user_id
     LEFT JOIN notification_settings s ON s.user_id = u.id
     WHERE m.user_id = $1 AND m.status = 'pending' ORDER BY m.created_at, m.id LIMIT $2`,
    [userId, limit],
  );
  if (!rows.length) return null;
  return {
    email: rows[0].email,
    name: rows[0].name,
    wanted: rows[0].wanted,
    mails: rows.map((r: any) => ({ id: r.id, notification: { id: r.n_id, kind: r.kind, params: r.params, objectType: r.object_type, objectId: r.object_id, createdAt: r.created_at, readAt: r.read_at } })), // eslint-disable-line @typescript-eslint/no-explicit-any
  };
}

export async function mailsDone(db: Db, mailIds: string[], status: "sent" | "skipped", channel: string | null): Promise<void> {
  await db.query(
    `UPDATE notification_mails SET status = $2, channel = $3, sent_at = CASE WHEN $2 = 'sent' THEN now() END, updated_at = now() WHERE id = ANY($1::uuid[]) AND status = 'pending'`,
    [mailIds, status, channel],
  );
}

export async function mailsFailed(db: Db, mailIds: string[], error: string): Promise<void> {
  await db.query(`UPDATE notification_mails SET error = $2, updated_at = now() WHERE id = ANY($1::uuid[])`, [mailIds, error.slice(0, 500)]);
}
