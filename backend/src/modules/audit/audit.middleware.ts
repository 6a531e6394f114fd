import type { Request, RequestHandler } from "express";
import type { DataSource } from "typeorm";
import type { Logger } from "../../shared/logger";
import type { AuditEntry } from "./audit.entity";

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

/** An audit row as the middleware writes it (id and time are the database's). */
type AuditRow = Omit<AuditEntry, "id" | "at">;

const INSERT = `INSERT INTO audit_log (request_id, organization_id, user_id, api_key_id, method, path, action, status, detail)
  SELECT * FROM unnest($1::text[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::int[], $9::jsonb[])`;
const BATCH = 500;

/**
 * Writes audit rows as requests finish, several in one statement: a row is written at once when
 * no write is in flight, and the rows of requests that finish meanwhile go together in the next
 * one (under load, one insert per batch instead of one per request; alone, no wait at all). A
 * batch Postgres refuses is written row by row, so that one bad row costs only itself.
 */
export class AuditWriter {
  private queue: AuditRow[] = [];
  private writing: Promise<void> | null = null;

  constructor(
    private readonly ds: DataSource,
    private readonly log: Logger,
  ) {}

  add(row: AuditRow): void {
    this.queue.push(row);
    if (!this.writing) this.writing = this.drain();
  }

  /** Resolves once every row added so far is written (or has failed and been logged). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.splice(0, BATCH);
      try {
        await this.insert(batch);
      } catch (e) {
        if (batch.length === 1) this.failed(batch[0], e);
        else for (const row of batch) await this.insert([row]).catch((err: unknown) => this.failed(row, err));
      }
    }
    this.writing = null;
  }

  private insert(rows: AuditRow[]) {
    return this.ds.query(INSERT, [
      rows.map((r) => r.requestId),
      rows.map((r) => r.organizationId),
      rows.map((r) => r.userId),
      rows.map((r) => r.apiKeyId),
      rows.map((r) => r.method),
      rows.map((r) => r.path),
      rows.map((r) => r.action),
      rows.map((r) => r.status),
      rows.map((r) => JSON.stringify(r.detail)),
    ]);
  }

  private failed(row: AuditRow, e: unknown) {
    this.log.error({ err: (e as Error).message, requestId: row.requestId }, "audit write failed");
  }

  /**
   * Appends one audit row per state-changing request (anything but GET/HEAD/OPTIONS) once its
   * response is sent: who (organization, user, API key), what (method, route, parameters and the
   * redacted body), when, and the outcome (status). Nothing secret is stored.
   */
  middleware(): RequestHandler {
    return (req, res, next) => {
      if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return next();
      res.on("finish", () => {
        const route = (req as Request & { route?: { path: string } }).route?.path;
        const path = req.originalUrl.split("?")[0];
        this.add({
          requestId: res.locals.requestId,
          organizationId: res.locals.organizationId ?? null,
          userId: res.locals.userId ?? null,
          apiKeyId: res.locals.apiKeyId ?? null,
          method: req.method,
          path: path.slice(0, 500),
          action: `${req.method} ${route ? req.baseUrl + route : path}`.slice(0, 500),
          status: res.statusCode,
          detail: {
            params: req.params,
            body: redact(req.body),
            ...(res.locals.sessionId ? { sessionId: res.locals.sessionId } : {}),
            // an approved draft: what ran, and who drafted it (the approver is the row's user)
            ...(res.locals.auditDetail ? { draft: redact(res.locals.auditDetail) } : {}),
          },
        });
      });
      next();
    };
  }
}
