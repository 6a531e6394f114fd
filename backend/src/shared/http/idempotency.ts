import { AsyncLocalStorage } from "node:async_hooks";
import { createHash, randomUUID } from "node:crypto";
import type { RequestHandler } from "express";
import { EventSubscriber, type DataSource, type EntitySubscriberInterface, type TransactionCommitEvent } from "typeorm";
import { AppError, badRequest } from "../errors";
import { rowsOf } from "../db-types";

/**
 * How long a request holds its key. Far longer than any request takes: only a claim whose API
 * process died mid-request outlives it.
 */
const LEASE_MS = 60_000;

interface Claim {
  scope: string;
  key: string;
  owner: string;
}
const claims = new AsyncLocalStorage<Claim>();

/** Runs `work` (the rest of a request) as the owner of `claim`: its transactions commit only while it holds the key. */
export const asClaimOwner = <T>(claim: Claim, work: () => T): T => claims.run(claim, work);

/**
 * Marks the request's claim `applied` inside every transaction the request commits, and aborts the
 * transaction when the claim is no longer this request's (a retry took it over after the lease):
 * a request with an Idempotency-Key writes at most once even when its API process dies.
 */
export class IdempotencyClaimGuard implements EntitySubscriberInterface {
  async beforeTransactionCommit(event: TransactionCommitEvent): Promise<void> {
    const claim = claims.getStore();
    if (!claim) return;
    const held = await event.queryRunner.query(`UPDATE idempotency_keys SET applied = true WHERE scope = $1 AND key = $2 AND owner = $3 RETURNING key`, [claim.scope, claim.key, claim.owner]);
    // an UPDATE answers [rows, count] through TypeORM: the rows tell whether the claim is still ours
    if (rowsOf(held).length === 0) throw new AppError("IDEMPOTENCY.TAKEN_OVER", 409, "A retry with this Idempotency-Key took over this request; nothing was written by this one.");
  }
}
EventSubscriber()(IdempotencyClaimGuard); // registers it with TypeORM (the codebase uses no decorators)

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
    // a public route (signing in) has no caller to scope the key to, and its answer holds a secret
    if (req.method !== "POST" || key === undefined || !res.locals.userId) return next();
    try {
      if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
        throw badRequest("IDEMPOTENCY.INVALID_KEY", "Idempotency-Key must be 1 to 255 visible ASCII characters.");
      }
      const scope = res.locals.apiKeyId ?? (res.locals.sessionId ? `user:${res.locals.userId}` : `ip:${req.ip}`);
      const raw: Buffer = (req as { rawBody?: Buffer }).rawBody ?? Buffer.alloc(0);
      const hash = createHash("sha256").update(`${req.method} ${req.originalUrl}\n`).update(raw).digest("hex");
      const owner = randomUUID();
      const inserted = await ds.query(
        `INSERT INTO idempotency_keys (scope, key, request_hash, status, owner, lease_until) VALUES ($1, $2, $3, 'in_progress', $4, now() + $5 * interval '1 millisecond')
         ON CONFLICT (scope, key) DO NOTHING RETURNING key`,
        [scope, key, hash, owner, LEASE_MS],
      );
      if (inserted.length === 0) {
        const [row] = await ds.query(
          `SELECT request_hash, status, response_status, response_body, applied, owner, lease_until < now() AS expired FROM idempotency_keys WHERE scope = $1 AND key = $2`,
          [scope, key],
        );
        if (row.request_hash !== hash) {
          throw new AppError("IDEMPOTENCY.KEY_REUSED", 422, "This Idempotency-Key was used for a different request; use a new key for a new request.");
        }
        if (row.status !== "done") {
          if (!row.expired) throw new AppError("IDEMPOTENCY.IN_PROGRESS", 409, "The first request with this Idempotency-Key is still being processed; retry shortly.");
          if (row.applied) {
            throw new AppError(
              "IDEMPOTENCY.ANSWER_LOST",
              409,
              "The first request with this Idempotency-Key was carried out, but the server stopped before answering; look its result up instead of sending it again.",
            );
          }
          // the first attempt died before writing anything: this retry takes its place
          const taken = await ds.query(
            `UPDATE idempotency_keys SET owner = $4, lease_until = now() + $5 * interval '1 millisecond'
             WHERE scope = $1 AND key = $2 AND owner IS NOT DISTINCT FROM $3 AND status = 'in_progress' AND NOT applied RETURNING key`,
            [scope, key, row.owner, owner, LEASE_MS],
          );
          if (taken.length === 0) throw new AppError("IDEMPOTENCY.IN_PROGRESS", 409, "The first request with this Idempotency-Key is still being processed; retry shortly.");
          return claimed(ds, res, { scope, key, owner }, next);
        }
        res.set("Idempotent-Replayed", "true");
        const body = row.response_body;
        if (body === null) return void res.status(row.response_status).end();
        const problem = row.response_status >= 400;
        return void res.status(row.response_status).type(problem ? "application/problem+json" : "application/json").send(JSON.stringify(body));
      }
      claimed(ds, res, { scope, key, owner }, next);
    } catch (e) {
      next(e);
    }
  };
}

/**
 * Runs the rest of the request as the owner of its claim. A response is stored before it is sent,
 * so that a client repeating the request as soon as it has the answer gets it replayed, never a
 * 409 "still in progress"; a body-less answer (204, 202 without body) is stored as it finishes.
 */
function claimed(ds: DataSource, res: Parameters<RequestHandler>[1], claim: Claim, next: () => void) {
  const mine = [claim.scope, claim.key, claim.owner];
  let settled = false;
  // a server error: a retry may run the request again if it wrote nothing, and learns that it did otherwise
  const release = () =>
    ds.query(
      `WITH gone AS (DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND owner = $3 AND NOT applied RETURNING key)
       UPDATE idempotency_keys SET lease_until = now() WHERE scope = $1 AND key = $2 AND owner = $3 AND applied`,
      mine,
    );
  const store = (body: unknown) =>
    ds
      .query(`UPDATE idempotency_keys SET status = 'done', response_status = $4, response_body = $5 WHERE scope = $1 AND key = $2 AND owner = $3`, [
        ...mine,
        res.statusCode,
        body === null ? null : JSON.stringify(withoutSecrets(body)),
      ])
      .catch(release); // a response Postgres cannot store: let the client retry rather than wait forever
  const send = res.send.bind(res);
  res.send = (body?: unknown) => {
    if (settled || res.statusCode >= 500) return send(body);
    settled = true;
    let captured: unknown = null;
    if (typeof body === "string") {
      try {
        captured = JSON.parse(body);
      } catch {
        captured = null;
      }
    }
    void store(captured)
      .catch(() => undefined)
      .finally(() => send(body));
    return res;
  };
  res.on("finish", () => {
    if (settled) return;
    settled = true;
    (res.statusCode >= 500 ? release() : store(null)).catch(() => undefined);
  });
  asClaimOwner(claim, next);
}
