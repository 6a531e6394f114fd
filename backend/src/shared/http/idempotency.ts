import { createHash } from "node:crypto";
import type { RequestHandler } from "express";
import type { DataSource } from "typeorm";
import { AppError, badRequest } from "../errors";

/** Response fields that are shown once and never stored (a replay shows that they were issued). */
const SECRET_FIELDS = new Set(["key", "secret", "signingSecret"]);
function withoutSecrets(body: unknown): unknown {
  if (!body || typeof body !== "object" || Array.isArray(body)) return body;
  return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, SECRET_FIELDS.has(k) ? "[shown once; not stored]" : v]));
}

/**
 * `Idempotency-Key` on POST: the first request's response is stored (per API key and key) and
 * replayed for repeats with the same method, path and body bytes; the same key with another
 * request is a 422; a repeat while the first is still running is a 409. Server errors are not
 * stored, so the client can retry them. Secrets in a response (a new API key) are never stored:
 * the replay says they were shown once.
 */
export function idempotency(ds: DataSource): RequestHandler {
  return async (req, res, next) => {
    const key = req.get("idempotency-key");
    if (req.method !== "POST" || key === undefined) return next();
    try {
      if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
        throw badRequest("IDEMPOTENCY.INVALID_KEY", "Idempotency-Key must be 1 to 255 visible ASCII characters.");
      }
      const scope = res.locals.apiKeyId ?? `ip:${req.ip}`;
      const raw: Buffer = (req as { rawBody?: Buffer }).rawBody ?? Buffer.alloc(0);
      const hash = createHash("sha256").update(`${req.method} ${req.originalUrl}\n`).update(raw).digest("hex");
      const inserted = await ds.query(
        `INSERT INTO idempotency_keys (scope, key, request_hash, status) VALUES ($1, $2, $3, 'in_progress')
         ON CONFLICT (scope, key) DO NOTHING RETURNING key`,
        [scope, key, hash],
      );
      if (inserted.length === 0) {
        const [row] = await ds.query(`SELECT request_hash, status, response_status, response_body FROM idempotency_keys WHERE scope = $1 AND key = $2`, [scope, key]);
        if (row.request_hash !== hash) {
          throw new AppError("IDEMPOTENCY.KEY_REUSED", 422, "This Idempotency-Key was used for a different request; use a new key for a new request.");
        }
        if (row.status !== "done") throw new AppError("IDEMPOTENCY.IN_PROGRESS", 409, "The first request with this Idempotency-Key is still being processed; retry shortly.");
        res.set("Idempotent-Replayed", "true");
        const body = row.response_body;
        if (body === null) return void res.status(row.response_status).end();
        const problem = row.response_status >= 400;
        return void res.status(row.response_status).type(problem ? "application/problem+json" : "application/json").send(JSON.stringify(body));
      }
      // capture the response to store it
      let captured: unknown = null;
      const send = res.send.bind(res);
      res.send = (body?: unknown) => {
        if (typeof body === "string") {
          try {
            captured = JSON.parse(body);
          } catch {
            captured = null;
          }
        }
        return send(body);
      };
      res.on("finish", () => {
        const forget = () => ds.query(`DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2`, [scope, key]);
        const done =
          res.statusCode >= 500
            ? forget()
            : ds
                .query(`UPDATE idempotency_keys SET status = 'done', response_status = $3, response_body = $4 WHERE scope = $1 AND key = $2`, [
                  scope,
                  key,
                  res.statusCode,
                  captured === null ? null : JSON.stringify(withoutSecrets(captured)),
                ])
                .catch(forget); // a response Postgres cannot store: let the client retry rather than wait forever
        done.catch(() => undefined);
      });
      next();
    } catch (e) {
      next(e);
    }
  };
}
