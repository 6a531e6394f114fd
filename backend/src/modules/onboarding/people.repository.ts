/**
 * The statements of people's invitations and sessions (the invitations and sessions tables), and
 * what sign-in and invitations read of users and organizations. Each takes the pool or the
 * transaction it runs in.
 */
import type { DataSource, EntityManager } from "typeorm";
import { Rows } from "../../shared/rows";
import { OrganizationEntity, UserEntity, type Duty, type Organization, type User } from "./onboarding.entity";

type Db = DataSource | EntityManager;

const users = new Rows(UserEntity);
const organizations = new Rows(OrganizationEntity);

/** An invitation as the invitations table holds it. */
export interface InvitationRow {
  id: string;
  organization_id: string;
  email: string;
  name: string;
  role: User["role"];
  duty: Duty;
  token_hash: Buffer;
  invited_by: string;
  created_at: Date;
  expires_at: Date;
  accepted_at: Date | null;
  user_id: string | null;
}

/** A user (its password hash included) and the organization it belongs to. */
export interface Account {
  user: User;
  organization: Organization;
}

/** An open session with its person (password hash included) and organization. */
export interface SessionRow extends Account {
  id: string;
  csrfHash: Buffer;
  lastSeenAt: Date;
}

// ─── invitations ────────────────────────────────────────────────────

/** Records an invitation good for `ttlMs` from now; its id and expiry. */
export async function insertInvitation(
  em: EntityManager,
  i: Pick<User, "organizationId" | "email" | "name" | "role" | "duty"> & { tokenHash: Buffer; invitedBy: string; ttlMs: number; userId: string | null },
): Promise<{ id: string; expires_at: Date }> {
  const [row] = await em.query(
    `INSERT INTO invitations (organization_id, email, name, role, duty, token_hash, invited_by, expires_at, user_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, now() + $8 * interval '1 millisecond', $9) RETURNING id, expires_at`,
    [i.organizationId, i.email, i.name, i.role, i.duty, i.tokenHash, i.invitedBy, i.ttlMs, i.userId],
  );
  return row;
}

/** Ends the organization's open invitations made by people of other organizations (the operator's). */
export async function expireOutsidersInvitations(em: EntityManager, organizationId: string): Promise<void> {
  await em.query(
    `UPDATE invitations SET expires_at = now() WHERE organization_id = $1 AND accepted_at IS NULL AND expires_at > now()
           AND invited_by IN (SELECT id FROM users WHERE organization_id <> $1)`,
    [organizationId],
  );
}

/** Locks the invitation with this token hash, if it is open (not accepted, not expired). */
export async function lockOpenInvitation(em: EntityManager, tokenHash: Buffer): Promise<InvitationRow | undefined> {
  const [inv] = await em.query(`SELECT * FROM invitations WHERE token_hash = $1 AND accepted_at IS NULL AND expires_at > now() FOR UPDATE`, [tokenHash]);
  return inv;
}

export async function markInvitationAccepted(em: EntityManager, id: string, userId: string): Promise<void> {
  await em.query(`UPDATE invitations SET accepted_at = now(), user_id = $2 WHERE id = $1`, [id, userId]);
}

// ─── what invitations read of users and organizations ───────────────

/** Locks the organization's row; false if there is none. */
export async function lockOrganizationRow(em: EntityManager, id: string): Promise<boolean> {
  const [org] = await em.query(`SELECT id FROM organizations WHERE id = $1 FOR UPDATE`, [id]);
  return !!org;
}

/** Whether an organization has an admin (who may sign in or use keys). */
export async function hasAdmin(em: EntityManager, organizationId: string): Promise<boolean> {
  const [row] = await em.query(`SELECT 1 FROM users WHERE organization_id = $1 AND role = 'admin' AND disabled_at IS NULL LIMIT 1`, [organizationId]);
  return !!row;
}

/** The organization's user with this email (any case), and whether they sign in (have a password). */
export async function userByEmail(db: Db, organizationId: string, email: string): Promise<{ id: string; signs_in: boolean } | undefined> {
  const [existing] = await db.query(`SELECT id, password_hash IS NOT NULL AS signs_in FROM users WHERE lower(email) = lower($1) AND organization_id = $2`, [
    email,
    organizationId,
  ]);
  return existing;
}

/** Whether the user is not one of the organization's. */
export async function isOutsider(em: EntityManager, userId: string, organizationId: string): Promise<boolean> {
  const [outsider] = await em.query(`SELECT 1 FROM users WHERE id = $1 AND organization_id <> $2`, [userId, organizationId]);
  return !!outsider;
}

// ─── sessions ───────────────────────────────────────────────────────

/** The accounts with a password this email signs in to, oldest first (at most 20). */
export async function accountsByEmail(ds: DataSource, email: string): Promise<Account[]> {
  const rows: Record<string, unknown>[] = await ds.query(
    `SELECT ${users.select(ds, "u", "u_")}, ${organizations.select(ds, "o", "o_")}
       FROM users u JOIN organizations o ON o.id = u.organization_id
       WHERE lower(u.email) = lower($1) AND u.password_hash IS NOT NULL
       ORDER BY u.created_at LIMIT 20`,
    [email],
  );
  return rows.map((row) => ({ user: users.from(ds, row, "u_"), organization: organizations.from(ds, row, "o_") }));
}

/** Records a session ending at most `maxMs` from now; its id. */
export async function insertSession(
  em: EntityManager,
  s: { tokenHash: Buffer; csrfHash: Buffer; userId: string; maxMs: number; address: string; userAgent: string },
): Promise<string> {
  const [{ id }] = await em.query(
    `INSERT INTO sessions (token_hash, csrf_hash, user_id, expires_at, address, user_agent)
       VALUES ($1, $2, $3, now() + $4 * interval '1 millisecond', $5, $6) RETURNING id`,
    [s.tokenHash, s.csrfHash, s.userId, s.maxMs, s.address, s.userAgent],
  );
  return id;
}

/** The session with this token hash, if open and used within `idleMs`. */
export async function openSession(ds: DataSource, tokenHash: Buffer, idleMs: number): Promise<SessionRow | null> {
  const [row] = await ds.query(
    `SELECT s.id AS s_id, s.csrf_hash AS s_csrf_hash, s.last_seen_at AS s_last_seen_at, ${users.select(ds, "u", "u_")}, ${organizations.select(ds, "o", "o_")}
       FROM sessions s JOIN users u ON u.id = s.user_id JOIN organizations o ON o.id = u.organization_id
       WHERE s.token_hash = $1 AND s.ended_at IS NULL AND s.expires_at > now() AND s.last_seen_at > now() - $2 * interval '1 millisecond'`,
    [tokenHash, idleMs],
  );
  if (!row) return null;
  return { id: row.s_id, csrfHash: row.s_csrf_hash, lastSeenAt: new Date(row.s_last_seen_at), user: users.from(ds, row, "u_"), organization: organizations.from(ds, row, "o_") };
}

export async function touchSession(db: Db, id: string): Promise<void> {
  await db.query(`UPDATE sessions SET last_seen_at = now() WHERE id = $1`, [id]);
}

export async function endSession(db: Db, id: string, reason: string): Promise<void> {
  await db.query(`UPDATE sessions SET ended_at = now(), ended_reason = $2 WHERE id = $1 AND ended_at IS NULL`, [id, reason]);
}

/** Ends every open session of the user (their password changed). */
export async function endSessionsOf(em: EntityManager, userId: string): Promise<void> {
  await em.query(`UPDATE sessions SET ended_at = now(), ended_reason = 'password changed' WHERE user_id = $1 AND ended_at IS NULL`, [userId]);
}
