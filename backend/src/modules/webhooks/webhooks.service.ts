import { randomBytes, randomUUID } from "node:crypto";
import type { DataSource } from "typeorm";
import { conflict, forbidden, notFound, validationFailed } from "../../shared/errors";
import { inTransaction } from "../../shared/transaction";
import { rowsOf } from "../../shared/db-types";
import type { AuthContext } from "../../shared/http/auth";
import type { KeyVault, SealedBytes } from "../../ledger/key-vault";
import { SIGNATURE_HEADER, signatureHeader } from "./signature";
import { deliveryTargetProblem, webhookUrlProblem } from "./url-policy";
import { TEST_EVENT_TYPE } from "./webhooks.events";
import type { WebhookPayload } from "./webhooks.projections";

export interface DeliveryOptions {
  /** Attempts before a delivery is marked `failed` and no longer retried. */
  maxAttempts: number;
  /** How long a receiver has to answer one attempt. */
  timeoutMs: number;
  /** The queue's exponential backoff base (shared/queue.ts), to show when the next attempt is due. */
  backoffBaseMs: number;
}

/**
 * 18 attempts on the queue's exponential backoff (0.5 s, 1 s, 2 s, … doubling) span about 18 hours,
 * enough to ride out a receiver's overnight outage; the queue allows 20 attempts, so the delivery
 * is marked `failed` here before the queue gives up on the job.
 */
export const DEFAULT_DELIVERY_OPTIONS: DeliveryOptions = { maxAttempts: 18, timeoutMs: 5000, backoffBaseMs: 500 };
/** Active subscriptions per organization. */
export const MAX_SUBSCRIPTIONS = 20;

export interface SubscriptionRow {
  id: string;
  organization_id: string;
  url: string;
  events: string[];
  active: boolean;
  created_at: Date;
}

export interface DeliveryRow {
  id: string;
  subscription_id: string;
  organization_id: string;
  event_id: string;
  event_type: string;
  payload: WebhookPayload;
  status: "pending" | "delivered" | "failed";
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: Date | null;
  delivered_at: Date | null;
  created_at: Date;
}

export interface DeliveryFilter {
  status?: DeliveryRow["status"];
  eventType?: string;
  subscriptionId?: string;
  limit: number;
  /** The id of the last delivery of the previous page (newest first). */
  after?: string;
}

/** AES-GCM associated data: a sealed secret only opens for its own subscription. */
const secretContext = (subscriptionId: string) => `webhook-subscription:${subscriptionId}`;
const SUBSCRIPTION_COLUMNS = `id, organization_id, url, events, active, created_at`;
const DELIVERY_COLUMNS = `id, subscription_id, organization_id, event_id, event_type, payload, status, attempts, last_status_code, last_error, next_attempt_at, delivered_at, created_at`;

/**
 * Webhooks: organizations subscribe an https endpoint to event types; the indexer's projections
 * create one delivery per subscription and event, and the `webhook.deliver` job POSTs it,
 * HMAC-signed (see signature.ts), retrying with the queue's exponential backoff until the
 * receiver answers 2xx or `maxAttempts` have failed. Deliveries are at least once: receivers
 * deduplicate on the event id.
 */
export class WebhooksService {
  readonly options: DeliveryOptions;

  constructor(
    readonly ds: DataSource,
    readonly vault: KeyVault,
    /** Queues `webhook.deliver` for a delivery made through the API (test, redelivery); without it the sweeper picks them up. */
    private readonly enqueue?: (deliveryId: string) => Promise<void>,
    options: Partial<DeliveryOptions> = {},
  ) {
    this.options = { ...DEFAULT_DELIVERY_OPTIONS, ...options };
  }

  // ─── Subscriptions ──────────────────────────────────────────────────

  /** Creates a subscription; the signing secret is returned here and never again. */
  async subscribe(auth: AuthContext, url: string, events: string[]): Promise<{ subscription: SubscriptionRow; secret: string }> {
    this.requireAdmin(auth);
    const problem = webhookUrlProblem(url);
    if (problem) throw validationFailed([{ field: "body.url", message: problem }]);
    const id = randomUUID();
    const secret = `whsec_${randomBytes(32).toString("base64url")}`;
    const sealed = this.vault.sealBytes(Buffer.from(secret, "utf8"), secretContext(id));
    const subscription = await inTransaction(this.ds, async (em) => {
      // serialize an organization's subscriptions so the limit holds under concurrent requests
      await em.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`webhooks:${auth.organization.id}`]);
      const [{ n }] = await em.query(`SELECT count(*)::int AS n FROM webhook_subscriptions WHERE organization_id = $1 AND active`, [auth.organization.id]);
      if (n >= MAX_SUBSCRIPTIONS) throw conflict("WEBHOOK.TOO_MANY", `Your organization already has ${n} active webhook subscriptions, the most allowed; delete one first.`);
      const [row] = await em.query(
        `INSERT INTO webhook_subscriptions (id, organization_id, url, events, secret_ciphertext, secret_iv, secret_tag, secret_key_version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${SUBSCRIPTION_COLUMNS}`,
        [id, auth.organization.id, url, events, sealed.ciphertext, sealed.iv, sealed.authTag, sealed.keyVersion],
      );
      return row as SubscriptionRow;
    });
    return { subscription, secret };
  }

  async subscriptions(auth: AuthContext, includeInactive = false): Promise<SubscriptionRow[]> {
    return this.ds.query(
      `SELECT ${SUBSCRIPTION_COLUMNS} FROM webhook_subscriptions WHERE organization_id = $1 ${includeInactive ? "" : "AND active"} ORDER BY created_at, id`,
      [auth.organization.id],
    );
  }

  /** Deactivates a subscription (kept, with its deliveries, for the record); pending deliveries fail. */
  async unsubscribe(auth: AuthContext, id: string): Promise<void> {
    this.requireAdmin(auth);
    await inTransaction(this.ds, async (em) => {
      const [row] = await em.query(`SELECT id FROM webhook_subscriptions WHERE id = $1 AND organization_id = $2 FOR UPDATE`, [id, auth.organization.id]);
      if (!row) throw notFound("webhook subscription", id);
      await em.query(`UPDATE webhook_subscriptions SET active = false WHERE id = $1`, [id]);
      await em.query(
        `UPDATE webhook_deliveries SET status = 'failed', last_error = 'the subscription was deleted', next_attempt_at = NULL WHERE subscription_id = $1 AND status = 'pending'`,
        [id],
      );
    });
  }

  /** Queues a `webhook.test` delivery to one of the caller's active subscriptions. */
  async sendTest(auth: AuthContext, subscriptionId: string): Promise<DeliveryRow> {
    const [sub] = await this.ds.query(`SELECT id, active FROM webhook_subscriptions WHERE id = $1 AND organization_id = $2`, [subscriptionId, auth.organization.id]);
    if (!sub) throw notFound("webhook subscription", subscriptionId);
    if (!sub.active) throw conflict("WEBHOOK.INACTIVE", "This subscription was deleted; create a new one.");
    const eventId = `test:${randomUUID()}`;
    const payload: WebhookPayload = {
      id: eventId,
      type: TEST_EVENT_TYPE,
      occurredAt: new Date().toISOString(),
      data: { subscriptionId, organizationId: auth.organization.id, requestedBy: auth.user.id },
    };
    const [row] = await this.ds.query(
      `INSERT INTO webhook_deliveries (subscription_id, organization_id, event_id, event_type, payload, status)
       VALUES ($1, $2, $3, $4, $5::jsonb, 'pending') RETURNING ${DELIVERY_COLUMNS}`,
      [subscriptionId, auth.organization.id, eventId, TEST_EVENT_TYPE, JSON.stringify(payload)],
    );
    await this.enqueueQuietly(row.id);
    return row;
  }

  // ─── Deliveries ─────────────────────────────────────────────────────

  async deliveries(auth: AuthContext, f: DeliveryFilter): Promise<DeliveryRow[]> {
    const where = ["organization_id = $1"];
    const params: unknown[] = [auth.organization.id];
    const add = (clause: string, value: unknown) => {
      params.push(value);
      where.push(clause.replace("?", `$${params.length}`));
    };
    if (f.status) add("status = ?", f.status);
    if (f.eventType) add("event_type = ?", f.eventType);
    if (f.subscriptionId) add("subscription_id = ?", f.subscriptionId);
    if (f.after) {
      const [cursor] = await this.ds.query(`SELECT id FROM webhook_deliveries WHERE id = $1 AND organization_id = $2`, [f.after, auth.organization.id]);
      if (!cursor) throw validationFailed([{ field: "query.after", message: "is not one of your deliveries" }]);
      add("(created_at, id) < (SELECT created_at, id FROM webhook_deliveries WHERE id = ?)", f.after);
    }
    params.push(f.limit);
    return this.ds.query(`SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE ${where.join(" AND ")} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`, params);
  }

  /** Sends a delivery again from scratch (e.g. one that `failed` while the receiver was down). */
  async redeliver(auth: AuthContext, deliveryId: string): Promise<DeliveryRow> {
    const row = await inTransaction(this.ds, async (em) => {
      const [d] = await em.query(
        `SELECT d.status, s.active FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id
         WHERE d.id = $1 AND d.organization_id = $2 FOR UPDATE OF d`,
        [deliveryId, auth.organization.id],
      );
      if (!d) throw notFound("webhook delivery", deliveryId);
      if (!d.active) throw conflict("WEBHOOK.INACTIVE", "The delivery's subscription was deleted; it cannot be sent again.");
      if (d.status === "pending") throw conflict("WEBHOOK.DELIVERY_PENDING", "The delivery is still being attempted; wait for it to be delivered or to fail.");
      const updated = await em.query(
        `UPDATE webhook_deliveries SET status = 'pending', attempts = 0, last_status_code = NULL, last_error = NULL, next_attempt_at = NULL, delivered_at = NULL
         WHERE id = $1 RETURNING ${DELIVERY_COLUMNS}`,
        [deliveryId],
      );
      return rowsOf<DeliveryRow>(updated)[0];
    });
    await this.enqueueQuietly(row.id);
    return row;
  }

  /**
   * The `webhook.deliver` job: one attempt. 2xx → delivered. Anything else (status, timeout,
   * connection error) is recorded and thrown so that BullMQ retries with backoff, until
   * `maxAttempts` attempts have failed: the delivery is then `failed` and nothing is thrown.
   * A delivery that is no longer pending (a duplicate job, a deleted subscription) is left alone.
   */
  async deliver(deliveryId: string): Promise<void> {
    const [d] = await this.ds.query(
      `SELECT d.id, d.status, d.event_type, d.payload, s.id AS subscription_id, s.url, s.active,
         s.secret_ciphertext, s.secret_iv, s.secret_tag, s.secret_key_version
       FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id WHERE d.id = $1`,
      [deliveryId],
    );
    if (!d || d.status !== "pending") return;
    if (!d.active) return this.giveUp(deliveryId, "the subscription was deleted");
    let refused: string | null;
    try {
      refused = await deliveryTargetProblem(d.url);
    } catch (e) {
      return this.failedAttempt(deliveryId, null, `could not resolve the receiver's host: ${(e as { code?: string }).code ?? (e as Error).message}`);
    }
    if (refused) return this.giveUp(deliveryId, `the URL is not allowed: ${refused}`);

    let secret: string;
    try {
      secret = this.openSecret(d);
    } catch (e) {
      return this.failedAttempt(deliveryId, null, `the signing secret cannot be opened: ${(e as Error).message}`);
    }
    const payload = d.payload as WebhookPayload;
    // top-level order fixed for readability; the signature covers these exact bytes
    const body = JSON.stringify({ id: payload.id, type: payload.type, occurredAt: payload.occurredAt, data: payload.data });
    let res: Response;
    try {
      res = await fetch(d.url, {
        method: "POST",
        redirect: "manual",
        signal: AbortSignal.timeout(this.options.timeoutMs),
        headers: {
          "content-type": "application/json",
          "user-agent": "ChainFactor-Webhooks/1",
          [SIGNATURE_HEADER]: signatureHeader(secret, body, Math.floor(Date.now() / 1000)),
          "ChainFactor-Event": d.event_type,
          "ChainFactor-Delivery": d.id,
        },
        body,
      });
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; message?: string } };
      const timedOut = err.name === "TimeoutError" || err.name === "AbortError";
      return this.failedAttempt(deliveryId, null, timedOut ? `no answer within ${this.options.timeoutMs} ms` : `could not reach the receiver: ${err.cause?.code ?? err.cause?.message ?? err.message}`);
    }
    // the body only explains a failure; it must arrive within the same timeout
    const text = await res.text().then((t) => t.replace(/\s+/g, " ").trim().slice(0, 200), () => "");
    if (res.status >= 200 && res.status < 300) {
      await this.ds.query(
        `UPDATE webhook_deliveries SET status = 'delivered', attempts = attempts + 1, last_status_code = $2, last_error = NULL, next_attempt_at = NULL, delivered_at = now()
         WHERE id = $1 AND status = 'pending'`,
        [deliveryId, res.status],
      );
      return;
    }
    const redirect = res.status >= 300 && res.status < 400 ? " (redirects are not followed: subscribe the final URL)" : "";
    return this.failedAttempt(deliveryId, res.status, `the receiver answered HTTP ${res.status}${redirect}${text ? `: ${text}` : ""}`);
  }

  /** Re-seals every subscription's secret under the current master key (run with `rotate-keys`); returns how many changed. */
  async rotateSecrets(): Promise<number> {
    const rows = await this.ds.query(`SELECT id, secret_ciphertext, secret_iv, secret_tag, secret_key_version FROM webhook_subscriptions WHERE secret_key_version <> $1`, [this.vault.currentVersion]);
    for (const row of rows) {
      const sealed = this.vault.sealBytes(Buffer.from(this.openSecret({ ...row, subscription_id: row.id }), "utf8"), secretContext(row.id));
      await this.ds.query(`UPDATE webhook_subscriptions SET secret_ciphertext = $2, secret_iv = $3, secret_tag = $4, secret_key_version = $5 WHERE id = $1`, [
        row.id,
        sealed.ciphertext,
        sealed.iv,
        sealed.authTag,
        sealed.keyVersion,
      ]);
    }
    return rows.length;
  }

  // ─── internals ──────────────────────────────────────────────────────

  private openSecret(row: { subscription_id: string; secret_ciphertext: Buffer; secret_iv: Buffer; secret_tag: Buffer; secret_key_version: number }): string {
    const sealed: SealedBytes = { ciphertext: row.secret_ciphertext, iv: row.secret_iv, authTag: row.secret_tag, keyVersion: Number(row.secret_key_version) };
    return this.vault.openBytes(sealed, secretContext(row.subscription_id)).toString("utf8");
  }

  /** Stops a delivery that can never succeed (no attempt is counted). */
  private async giveUp(id: string, error: string): Promise<void> {
    await this.ds.query(`UPDATE webhook_deliveries SET status = 'failed', last_error = $2, next_attempt_at = NULL WHERE id = $1 AND status = 'pending'`, [id, error]);
  }

  /**
   * Records a failed attempt. Throws (so that the queue retries with backoff) unless that was the
   * last attempt allowed, which marks the delivery `failed`.
   */
  private async failedAttempt(id: string, statusCode: number | null, error: string): Promise<void> {
    const [row] = rowsOf<{ attempts: number }>(
      await this.ds.query(
        `UPDATE webhook_deliveries SET attempts = attempts + 1, last_status_code = $2, last_error = $3,
           status = CASE WHEN attempts + 1 >= $4 THEN 'failed' ELSE 'pending' END,
           next_attempt_at = CASE WHEN attempts + 1 >= $4 THEN NULL ELSE now() + make_interval(secs => $5::float8 * power(2, attempts) / 1000) END
         WHERE id = $1 AND status = 'pending' RETURNING attempts`,
        [id, statusCode, error.slice(0, 500), this.options.maxAttempts, this.options.backoffBaseMs],
      ),
    );
    if (!row || row.attempts >= this.options.maxAttempts) return;
    throw new Error(`webhook delivery ${id} failed (attempt ${row.attempts} of ${this.options.maxAttempts}): ${error}`);
  }

  private async enqueueQuietly(deliveryId: string) {
    // if this fails (Redis down), the sweeper enqueues the pending delivery later
    if (this.enqueue) await this.enqueue(deliveryId).catch(() => undefined);
  }

  private requireAdmin(auth: AuthContext) {
    // the operator included: its people are no admins because their organization is the operator
    if (auth.user.role !== "admin") throw forbidden("Only an admin of your organization can manage webhook subscriptions.");
  }
}

