import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { DataSource, EntityManager } from "typeorm";
import { AppError } from "../../shared/errors";
import { inTransaction } from "../../shared/transaction";
import { Rows } from "../../shared/rows";
import { OrganizationEntity, UserEntity, type Organization, type User } from "./onboarding.entity";
import { hashPassword, passwordMatches } from "./passwords";
import type { SignInThrottle } from "./sign-in-throttle";

/** A browser session ends after this long without a request, and in any case this long after sign-in. */
export const SESSION_IDLE_MS = 30 * 60_000;
export const SESSION_MAX_MS = 12 * 3600_000;
const LAST_SEEN_RESOLUTION_MS = 60_000;

/** What is stored of a session, CSRF or invitation token: its SHA-256, never the token. */
export const tokenHash = (s: string) => createHash("sha256").update(s).digest();
/** 32 random bytes, URL-safe: a session, CSRF or invitation token. */
export const newToken = () => randomBytes(32).toString("base64url");

/** What a new session gives the browser: the session cookie's value and the CSRF token. */
export interface IssuedSession {
  id: string;
  token: string;
  csrfToken: string;
  user: User;
  organization: Organization;
}

export interface OpenSession {
  id: string;
  user: User;
  organization: Organization;
  csrfHash: Buffer;
}

const users = new Rows(UserEntity);
const organizations = new Rows(OrganizationEntity);

/** The user as the request goes on with it: the password hash stays here. */
const withoutHash = (u: User): User => ({ ...u, passwordHash: null });

export const credentialsInvalid = () => new AppError("SESSION.CREDENTIALS_INVALID", 401, "The email or the password is wrong.");

/**
 * People's browser sessions: sign-in with email and password (throttled per account and per
 * address, the same answer for an unknown email and a wrong password), a new session at every
 * sign-in (never one the browser brought), sign-out, and a password change that ends every session
 * of the person. Only hashes of the session and CSRF tokens are stored.
 */
export class Sessions {
  constructor(
    private readonly ds: DataSource,
    private readonly throttle: SignInThrottle,
  ) {}

  /**
   * Email and password: the attempt is counted first (throttle), then the password verified. One
   * email may belong to people of several organizations (a person who works for two; an email an
   * admin invites never tells whether it signs in elsewhere): the password picks the account, and a
   * person whose password opens several names the organization.
   */
  async signIn(email: string, password: string, client: { address: string; userAgent: string }, organizationId?: string): Promise<IssuedSession> {
    await this.throttle.attempt(email, client.address);
    const rows: Record<string, any>[] = await this.ds.query(
      `SELECT ${users.select(this.ds, "u", "u_")}, ${organizations.select(this.ds, "o", "o_")}
       FROM users u JOIN organizations o ON o.id = u.organization_id
       WHERE lower(u.email) = lower($1) AND u.password_hash IS NOT NULL
       ORDER BY u.created_at LIMIT 20`,
      [email],
    );
    const matching: Record<string, any>[] = [];
    if (rows.length === 0) await passwordMatches(null, password);
    for (const row of rows) if (await passwordMatches(row.u_password_hash, password)) matching.push(row);
    const usable = matching.filter((r) => !r.u_disabled_at && (!organizationId || r.o_id === organizationId));
    if (usable.length === 0) throw credentialsInvalid();
    if (usable.length > 1) {
      // `organizations` is what a client reads to offer the choice; `errors` keeps the same names
      // as text, for clients written before it
      const choices = usable.map((r) => ({ id: r.o_id as string, legalName: r.o_legal_name as string }));
      throw new AppError(
        "SESSION.ORGANIZATION_REQUIRED",
        409,
        "This email and password open accounts in several organizations: sign in again naming one (organizationId).",
        choices.map((o) => ({ field: "body.organizationId", message: `${o.id}: ${o.legalName}` })),
        { organizations: choices },
      );
    }
    const [row] = usable;
    await this.throttle.succeeded(email, client.address);
    return this.open(this.ds.manager, withoutHash(users.from(this.ds, row, "u_")), organizations.from(this.ds, row, "o_"), client);
  }

  /** Starts a session for `user` (sign-in, invitation accepted, password changed). */
  async open(em: EntityManager, user: User, organization: Organization, client: { address: string; userAgent: string }): Promise<IssuedSession> {
    const issued = { token: newToken(), csrfToken: newToken() };
    const [{ id }] = await em.query(
      `INSERT INTO sessions (token_hash, csrf_hash, user_id, expires_at, address, user_agent)
       VALUES ($1, $2, $3, now() + $4 * interval '1 millisecond', $5, $6) RETURNING id`,
      [tokenHash(issued.token), tokenHash(issued.csrfToken), user.id, SESSION_MAX_MS, client.address.slice(0, 100), client.userAgent.slice(0, 300)],
    );
    return { id, ...issued, user, organization };
  }

  /** The open session a cookie names, with its person and organization; null if none. */
  async resolve(cookie: string): Promise<OpenSession | null> {
    const [row] = await this.ds.query(
      `SELECT s.id AS s_id, s.csrf_hash AS s_csrf_hash, s.last_seen_at AS s_last_seen_at, ${users.select(this.ds, "u", "u_")}, ${organizations.select(this.ds, "o", "o_")}
       FROM sessions s JOIN users u ON u.id = s.user_id JOIN organizations o ON o.id = u.organization_id
       WHERE s.token_hash = $1 AND s.ended_at IS NULL AND s.expires_at > now() AND s.last_seen_at > now() - $2 * interval '1 millisecond'`,
      [tokenHash(cookie), SESSION_IDLE_MS],
    );
    if (!row) return null;
    if (Date.now() - new Date(row.s_last_seen_at).getTime() > LAST_SEEN_RESOLUTION_MS) {
      void this.ds.query(`UPDATE sessions SET last_seen_at = now() WHERE id = $1`, [row.s_id]).catch(() => undefined);
    }
    return { id: row.s_id, csrfHash: row.s_csrf_hash, user: withoutHash(users.from(this.ds, row, "u_")), organization: organizations.from(this.ds, row, "o_") };
  }

  /** Whether the request's CSRF token is the session's (compared in constant time). */
  static csrfMatches(session: OpenSession, presented: string | undefined): boolean {
    return !!presented && timingSafeEqual(tokenHash(presented), session.csrfHash);
  }

  async end(sessionId: string, reason: string): Promise<void> {
    await this.ds.query(`UPDATE sessions SET ended_at = now(), ended_reason = $2 WHERE id = $1 AND ended_at IS NULL`, [sessionId, reason]);
  }

  /**
   * A new password for a person who knows the current one: every session of theirs ends (other
   * browsers are signed out) and this browser gets a new session.
   */
  async changePassword(userId: string, current: string, next: string, client: { address: string; userAgent: string }): Promise<IssuedSession> {
    const [row] = await this.ds.query(`SELECT password_hash FROM users WHERE id = $1`, [userId]);
    if (!(await passwordMatches(row?.password_hash ?? null, current))) {
      throw new AppError("SESSION.PASSWORD_WRONG", 403, "The current password is wrong.");
    }
    const hash = await hashPassword(next);
    return inTransaction(this.ds, async (em) => {
      await em.query(`UPDATE users SET password_hash = $2, password_changed_at = now() WHERE id = $1`, [userId, hash]);
      await em.query(`UPDATE sessions SET ended_at = now(), ended_reason = 'password changed' WHERE user_id = $1 AND ended_at IS NULL`, [userId]);
      const user = await em.getRepository(UserEntity).findOneByOrFail({ id: userId });
      const organization = await em.getRepository(OrganizationEntity).findOneByOrFail({ id: user.organizationId });
      return this.open(em, user, organization, client);
    });
  }
}
