import type { Request, RequestHandler, Response } from "express";
import type { DataSource } from "typeorm";
import { AppError, unauthorized } from "../../shared/errors";
import { setAuth, type AuthContext } from "../../shared/http/auth";
import { parseApiKey, secretMatches } from "./api-key-secret";
import { ApiKeyEntity, OrganizationEntity, UserEntity, type ApiKey, type Organization, type User } from "./onboarding.entity";
import { Sessions, type IssuedSession } from "./sessions";

const LAST_USED_RESOLUTION_MS = 60_000;

export const SESSION_COOKIE = "cf_session";
export const CSRF_COOKIE = "cf_csrf";
export const CSRF_HEADER = "x-csrf-token";

/** The cookies of a request, by name (the first of a repeated name). */
export function cookiesOf(req: Request): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (req.get("cookie") ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i < 0) continue;
    const name = part.slice(0, i).trim();
    if (!out.has(name)) out.set(name, part.slice(i + 1).trim());
  }
  return out;
}

/**
 * Session cookies: the session's is httpOnly (scripts never see it), the CSRF token's is readable
 * by the portal's script, which sends it back in X-CSRF-Token; both SameSite=Strict and Secure
 * outside development.
 */
export function setSessionCookies(res: Response, s: Pick<IssuedSession, "token" | "csrfToken"> | null, secure: boolean): void {
  const base = { path: "/", sameSite: "strict" as const, secure };
  if (!s) {
    res.clearCookie(SESSION_COOKIE, { ...base, httpOnly: true });
    res.clearCookie(CSRF_COOKIE, base);
    return;
  }
  res.cookie(SESSION_COOKIE, s.token, { ...base, httpOnly: true });
  res.cookie(CSRF_COOKIE, s.csrfToken, base);
}

const contextOf = (user: User, organization: Organization, via: { apiKeyId: string } | { sessionId: string }): AuthContext => {
  const roles = new Set(organization.roles);
  return {
    organization,
    user,
    apiKeyId: "apiKeyId" in via ? via.apiKeyId : null,
    sessionId: "sessionId" in via ? via.sessionId : null,
    duty: user.duty,
    // an auditor's people read everything and change nothing, whatever their duty and credential
    readOnly: roles.has("auditor"),
    has: (r) => roles.has(r),
  };
};

const hostOf = (origin: string) => {
  try {
    return new URL(origin).host;
  } catch {
    return null; // "null" (a sandboxed or opaque origin) is another site
  }
};

const csrfRefused = (why: string) => new AppError("CSRF.REFUSED", 403, `${why} Reload the portal and try again.`);
const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Authenticates `Authorization: Bearer <api key>` (or `X-API-Key`), or else a person's session
 * cookie; a state-changing request on a session must carry the session's CSRF token. Requests
 * without credentials go on unauthenticated only to public routes (sign-in); the others are 401.
 */
export function authenticate(ds: DataSource, sessions: Sessions, isPublic: (req: Request) => boolean): RequestHandler {
  return async (req, res, next) => {
    try {
      const header = req.get("authorization");
      // the scheme is case-insensitive (RFC 9110); a key presented, even empty, must be a valid one
      // (a public route is no place to slip past with a blank key)
      const raw = header && /^bearer(\s|$)/i.test(header) ? header.slice(6).trim() : req.get("x-api-key")?.trim();
      let auth: AuthContext;
      if (raw !== undefined) {
        auth = await byApiKey(ds, raw);
      } else {
        const cookie = cookiesOf(req).get(SESSION_COOKIE);
        const session = cookie ? await sessions.resolve(cookie) : null;
        if (!session) {
          if (isPublic(req)) return next();
          throw unauthorized(cookie ? "Your session has ended: sign in again." : undefined);
        }
        // X-XSRF-TOKEN: the same token as sent by the queue dashboard's script (axios' name for it)
        if (!SAFE.has(req.method) && !Sessions.csrfMatches(session, req.get(CSRF_HEADER) ?? req.get("x-xsrf-token"))) {
          throw csrfRefused("This change did not carry your session's CSRF token.");
        }
        if (session.user.disabledAt) throw unauthorized("Your user is disabled.");
        auth = contextOf(session.user, session.organization, { sessionId: session.id });
      }
      setAuth(req, auth);
      res.locals.organizationId = auth.organization.id;
      res.locals.userId = auth.user.id;
      res.locals.apiKeyId = auth.apiKeyId;
      res.locals.sessionId = auth.sessionId;
      next();
    } catch (e) {
      next(e);
    }
  };
}

async function byApiKey(ds: DataSource, raw: string): Promise<AuthContext> {
  const parsed = parseApiKey(raw);
  if (!parsed) throw unauthorized("The API key is malformed: expected cf_<12 characters>_<43 characters>.");
  // the key with its user and organization in one query (this runs on every request)
  const found = (await ds
    .getRepository(ApiKeyEntity)
    .createQueryBuilder("k")
    .innerJoinAndMapOne("k.user", UserEntity.options.name, "u", "u.id = k.user_id")
    .innerJoinAndMapOne("k.organization", OrganizationEntity.options.name, "o", "o.id = k.organization_id")
    .where("k.prefix = :prefix", { prefix: parsed.prefix })
    .getOne()) as (ApiKey & { user: User; organization: Organization }) | null;
  if (!found || !secretMatches(parsed.secret, found.secretHash)) throw unauthorized("The API key is not valid.");
  if (found.revokedAt) throw unauthorized("The API key was revoked; ask your organization's admin for a new one.");
  const { user, organization, ...key } = found;
  if (user.disabledAt) throw unauthorized("The user of this API key is disabled.");
  if (!key.lastUsedAt || Date.now() - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    void ds.getRepository(ApiKeyEntity).update({ id: key.id }, { lastUsedAt: new Date() }).catch(() => undefined);
  }
  return contextOf(user, organization, { apiKeyId: key.id });
}

/**
 * Refuses a state-changing request that a browser says comes from another site (Origin or
 * Sec-Fetch-Site): a form on another site posting here is stopped before anything reads its body.
 * Clients that are not browsers (ERP, bank systems) send neither header and are unaffected.
 */
export const sameOriginWrites: RequestHandler = (req, _res, next) => {
  if (SAFE.has(req.method)) return next();
  const site = req.get("sec-fetch-site");
  const origin = req.get("origin");
  if (site && site !== "same-origin" && site !== "none") return next(csrfRefused("A request from another site may not change anything here."));
  // the host only: behind a TLS-terminating proxy the scheme seen here is not the browser's
  if (origin && hostOf(origin) !== req.get("host")) return next(csrfRefused("A request from another site may not change anything here."));
  next();
};
