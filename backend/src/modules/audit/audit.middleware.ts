import type { Request, RequestHandler } from "express";
import type { DataSource } from "typeorm";
import type { Logger } from "../../shared/logger";
import { AuditEntity } from "./audit.entity";

const SECRET_FIELD = /key|secret|password|token|signature|private/i;
/** NUL and lone surrogates, which Postgres' jsonb cannot store, become U+FFFD. */
const clean = (s: string) => s.replace(/\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");

/** Request body with every secret-looking field replaced, for the audit log. */
export function redact(v: unknown, depth = 0): unknown {
  if (depth > 6) return "[deep]";
  if (Array.isArray(v)) return v.slice(0, 50).map((x) => redact(x, depth + 1));
  if (v && typeof v === "object") {
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>).slice(0, 100).map(([k, x]) => [clean(k), SECRET_FIELD.test(k) ? "[redacted]" : redact(x, depth + 1)]),
    );
  }
  return typeof v === "string" ? clean(v.length > 500 ? v.slice(0, 500) + "…" : v) : v;
}

/**
 * Appends one audit row per state-changing request (anything but GET/HEAD/OPTIONS) once its
 * response is sent: who (organization, user, API key), what (method, route, parameters and the
 * redacted body), when, and the outcome (status). Nothing secret is stored.
 */
export function auditTrail(ds: DataSource, log: Logger): RequestHandler {
  return (req, res, next) => {
    if (["GET", "HEAD", "OPTIONS"].includes(req.method)) return next();
    res.on("finish", () => {
      const route = (req as Request & { route?: { path: string } }).route?.path;
      const path = req.originalUrl.split("?")[0];
      ds.getRepository(AuditEntity)
        .insert({
          requestId: res.locals.requestId,
          organizationId: res.locals.organizationId ?? null,
          userId: res.locals.userId ?? null,
          apiKeyId: res.locals.apiKeyId ?? null,
          method: req.method,
          path: path.slice(0, 500),
          action: `${req.method} ${route ? req.baseUrl + route : path}`.slice(0, 500),
          status: res.statusCode,
          detail: { params: req.params, body: redact(req.body) } as never,
        })
        .catch((e: Error) => log.error({ err: e.message, requestId: res.locals.requestId }, "audit write failed"));
    });
    next();
  };
}
