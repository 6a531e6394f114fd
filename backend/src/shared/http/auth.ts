import type { Request, RequestHandler } from "express";
import type { DataSource } from "typeorm";
import { unauthorized } from "../errors";
import { parseApiKey, secretMatches } from "../../modules/onboarding/api-key-secret";
import {
  ApiKeyEntity,
  OrganizationEntity,
  UserEntity,
  type ApiKey,
  type Organization,
  type OrgRole,
  type User,
} from "../../modules/onboarding/onboarding.entity";

/** Who is calling: a user of an organization, through one of its API keys. */
export interface AuthContext {
  organization: Organization;
  user: User;
  apiKeyId: string;
  has(role: OrgRole): boolean;
}

export function authOf(req: Request): AuthContext {
  const auth = (req as Request & { auth?: AuthContext }).auth;
  if (!auth) throw unauthorized();
  return auth;
}

const LAST_USED_RESOLUTION_MS = 60_000;

/** Authenticates `Authorization: Bearer <api key>` (or `X-API-Key`); sets req.auth. */
export function authenticate(ds: DataSource): RequestHandler {
  return async (req, res, next) => {
    try {
      const header = req.get("authorization");
      // the scheme is case-insensitive (RFC 9110)
      const raw = header && /^bearer /i.test(header) ? header.slice(7).trim() : req.get("x-api-key")?.trim();
      if (!raw) throw unauthorized();
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
      const roles = new Set(organization.roles);
      (req as Request & { auth?: AuthContext }).auth = { organization, user, apiKeyId: key.id, has: (r) => roles.has(r) };
      res.locals.organizationId = organization.id;
      res.locals.userId = user.id;
      res.locals.apiKeyId = key.id;
      if (!key.lastUsedAt || Date.now() - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
        void ds.getRepository(ApiKeyEntity).update({ id: key.id }, { lastUsedAt: new Date() }).catch(() => undefined);
      }
      next();
    } catch (e) {
      next(e);
    }
  };
}
