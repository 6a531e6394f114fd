import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { DataSource, EntityManager } from "typeorm";
import { AppError } from "../../shared/errors";
import { inTransaction } from "../../shared/transaction";
import type { Organization, User } from "./onboarding.entity";
import { hashPassword, passwordMatches } from "./passwords";
import type { SignInThrottle } from "./sign-in-throttle";
import { organizationByIdOrFail, passwordHashOf, setPassword, userByIdOrFail } from "./onboarding.repository";
import * as repo from "./people.repository";
import type { Account } from "./people.repository";
import { lastSeenStale, signInAccount } from "./onboarding.rules";

/** A browser session ends after this long without a request, and in any case this long after sign-in. */
export const SESSION_IDLE_MS = 30 * 60_000;
export const SESSION_MAX_MS = 12 * 3600_000;

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

/** The user as the request goes on with it: the password hash stays here. */
const withoutHash = (u: User): User => ({ ...u, passwordHash: null });

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
    const accounts = await repo.accountsByEmail(this.ds, email);
    const matching: Account[] = [];
    if (accounts.length === 0) await passwordMatches(null, password);
    for (const a of accounts) if (await passwordMatches(a.user.passwordHash, password)) matching.push(a);
    const { user, organization } = signInAccount(matching, organizationId);
    await this.throttle.succeeded(email, client.address);
    return this.open(this.ds.manager, withoutHash(user), organization, client);
  }

  /** Starts a session for `user` (sign-in, invitation accepted, password changed). */
  async open(em: EntityManager, user: User, organization: Organization, client: { address: string; userAgent: string }): Promise<IssuedSession> {
    const issued = { token: newToken(), csrfToken: newToken() };
    const id = await repo.insertSession(em, {
      tokenHash: tokenHash(issued.token),
      csrfHash: tokenHash(issued.csrfToken),
      userId: user.id,
      maxMs: SESSION_MAX_MS,
      address: client.address.slice(0, 100),
      userAgent: client.userAgent.slice(0, 300),
    });
    return { id, ...issued, user, organization };
  }

  /** The open session a cookie names, with its person and organization; null if none. */
  async resolve(cookie: string): Promise<OpenSession | null> {
    const session = await repo.openSession(this.ds, tokenHash(cookie), SESSION_IDLE_MS);
    if (!session) return null;
    if (lastSeenStale(session.lastSeenAt, Date.now())) void repo.touchSession(this.ds, session.id).catch(() => undefined);
    return { id: session.id, csrfHash: session.csrfHash, user: withoutHash(session.user), organization: session.organization };
  }

  /** Whether the request's CSRF token is the session's (compared in constant time). */
  static csrfMatches(session: OpenSession, presented: string | undefined): boolean {
    return !!presented && timingSafeEqual(tokenHash(presented), session.csrfHash);
  }

  async end(sessionId: string, reason: string): Promise<void> {
    await repo.endSession(this.ds, sessionId, reason);
  }

  /**
   * A new password for a person who knows the current one: every session of theirs ends (other
   * browsers are signed out) and this browser gets a new session.
   */
  async changePassword(userId: string, current: string, next: string, client: { address: string; userAgent: string }): Promise<IssuedSession> {
    if (!(await passwordMatches(await passwordHashOf(this.ds, userId), current))) {
      throw new AppError("SESSION.PASSWORD_WRONG", 403, "The current password is wrong.");
    }
    const hash = await hashPassword(next);
    return inTransaction(this.ds, async (em) => {
      await setPassword(em, userId, hash);
      await repo.endSessionsOf(em, userId);
      const user = await userByIdOrFail(em, userId);
      const organization = await organizationByIdOrFail(em, user.organizationId);
      return this.open(em, user, organization, client);
    });
  }
}
