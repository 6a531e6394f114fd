/**
 * The webhooks module's statements on its two tables, webhook_subscriptions and webhook_deliveries
 * (the projections insert the deliveries of ledger events themselves). Each takes the pool or the
 * transaction it runs in.
 */
import type { DataSource, EntityManager } from "typeorm";
import { rowsOf } from "../../shared/db-types";
import type { SealedBytes } from "../../ledger/key-vault";
import type { WebhookPayload } from "./webhooks.projections";

type Db = DataSource | EntityManager;

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

/** A subscription's signing secret as stored: sealed with the master key of `secret_key_version`. */
export interface SealedSecretRow {
  secret_ciphertext: Buffer;
  secret_iv: Buffer;
  secret_tag: Buffer;
  secret_key_version: number;
}

/** A delivery with what an attempt needs of its subscription. */
export interface DeliveryTargetRow extends SealedSecretRow {
  id: string;
  status: DeliveryRow["status"];
  event_type: string;
  payload: WebhookPayload;
  subscription_id: string;
  url: string;
  active: boolean;
}

export interface DeliveryFilter {
  status?: DeliveryRow["status"];
  eventType?: string;
  subscriptionId?: string;
  limit: number;
  /** The id of the last delivery of the previous page (newest first). */
  after?: string;
}

const SUBSCRIPTION_COLUMNS = `id, organization_id, url, events, active, created_at`;
const DELIVERY_COLUMNS = `id, subscription_id, organization_id, event_id, event_type, payload, status, attempts, last_status_code, last_error, next_attempt_at, delivered_at, created_at`;

// ─── webhook_subscriptions ──────────────────────────────────────────

/** Serializes an organization's subscription changes until the transaction ends. */
export async function lockOrganizationSubscriptions(em: EntityManager, organizationId: string): Promise<void> {
  await em.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`webhooks:${organizationId}`]);
}

export async function activeSubscriptionCount(em: EntityManager, organizationId: string): Promise<number> {
  const [{ n }] = await em.query(`SELECT count(*)::int AS n FROM webhook_subscriptions WHERE organization_id = $1 AND active`, [organizationId]);
  return n;
}

export async function insertSubscription(em: EntityManager, s: { id: string; organizationId: string; url: string; events: string[]; secret: SealedBytes }): Promise<SubscriptionRow> {
  const [row] = await em.query(
    `INSERT INTO webhook_subscriptions (id, organization_id, url, events, secret_ciphertext, secret_iv, secret_tag, secret_key_version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${SUBSCRIPTION_COLUMNS}`,
    [s.id, s.organizationId, s.url, s.events, s.secret.ciphertext, s.secret.iv, s.secret.authTag, s.secret.keyVersion],
  );
  return row as SubscriptionRow;
}

/** The organization's subscriptions, oldest first: the active ones, or all. */
export async function subscriptionsOf(db: Db, organizationId: string, includeInactive: boolean): Promise<SubscriptionRow[]> {
  return db.query(
    `SELECT ${SUBSCRIPTION_COLUMNS} FROM webhook_subscriptions WHERE organization_id = $1 ${includeInactive ? "" : "AND active"} ORDER BY created_at, id`,
    [organizationId],
  );
}

/** Locks the organization's subscription; false if it has none of that id. */
export async function lockSubscription(em: EntityManager, id: string, organizationId: string): Promise<boolean> {
  const [row] = await em.query(`SELECT id FROM webhook_subscriptions WHERE id = $1 AND organization_id = $2 FOR UPDATE`, [id, organizationId]);
  return !!row;
}

export async function deactivateSubscription(em: EntityManager, id: string): Promise<void> {
  await em.query(`UPDATE webhook_subscriptions SET active = false WHERE id = $1`, [id]);
}

/** Whether the organization's subscription of that id is active (undefined: it has none). */
export async function subscriptionActive(db: Db, id: string, organizationId: string): Promise<boolean | undefined> {
  const [sub] = await db.query(`SELECT id, active FROM webhook_subscriptions WHERE id = $1 AND organization_id = $2`, [id, organizationId]);
  return sub?.active;
}

/** Subscriptions whose secret is sealed under another master key than `keyVersion`. */
export async function secretsSealedBefore(db: Db, keyVersion: number): Promise<({ id: string } & SealedSecretRow)[]> {
  return db.query(`SELECT id, secret_ciphertext, secret_iv, secret_tag, secret_key_version FROM webhook_subscriptions WHERE secret_key_version <> $1`, [keyVersion]);
}

export async function resealSecret(db: Db, id: string, sealed: SealedBytes): Promise<void> {
  await db.query(`UPDATE webhook_subscriptions SET secret_ciphertext = $2, secret_iv = $3, secret_tag = $4, secret_key_version = $5 WHERE id = $1`, [
    id,
    sealed.ciphertext,
    sealed.iv,
    sealed.authTag,
    sealed.keyVersion,
  ]);
}

// ─── webhook_deliveries ─────────────────────────────────────────────

/** Fails the subscription's pending deliveries (it was deleted). */
export async function failPendingDeliveries(em: EntityManager, subscriptionId: string): Promise<void> {
  await em.query(
    `UPDATE webhook_deliveries SET status = 'failed', last_error = 'the subscription was deleted', next_attempt_at = NULL WHERE subscription_id = $1 AND status = 'pending'`,
    [subscriptionId],
  );
}

/** A pending delivery of an event made through the API (not the ledger). */
export async function insertDelivery(db: Db, d: { subscriptionId: string; organizationId: string; payload: WebhookPayload }): Promise<DeliveryRow> {
  const [row] = await db.query(
    `INSERT INTO webhook_deliveries (subscription_id, organization_id, event_id, event_type, payload, status)
       VALUES ($1, $2, $3, $4, $5::jsonb, 'pending') RETURNING ${DELIVERY_COLUMNS}`,
    [d.subscriptionId, d.organizationId, d.payload.id, d.payload.type, JSON.stringify(d.payload)],
  );
  return row;
}

export async function isDeliveryOf(db: Db, id: string, organizationId: string): Promise<boolean> {
  const [cursor] = await db.query(`SELECT id FROM webhook_deliveries WHERE id = $1 AND organization_id = $2`, [id, organizationId]);
  return !!cursor;
}

/** A page of the organization's deliveries, newest first (`f.after` must be one of them). */
export async function deliveriesOf(db: Db, organizationId: string, f: DeliveryFilter): Promise<DeliveryRow[]> {
  const where = ["organization_id = $1"];
  const params: unknown[] = [organizationId];
  const add = (clause: string, value: unknown) => {
    params.push(value);
    where.push(clause.replace("?", `$${params.length}`));
  };
  if (f.status) add("status = ?", f.status);
  if (f.eventType) add("event_type = ?", f.eventType);
  if (f.subscriptionId) add("subscription_id = ?", f.subscriptionId);
  if (f.after) add("(created_at, id) < (SELECT created_at, id FROM webhook_deliveries WHERE id = ?)", f.after);
  params.push(f.limit);
  return db.query(`SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE ${where.join(" AND ")} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`, params);
}

/** Locks the organization's delivery; its status and whether its subscription is active (undefined: none of that id). */
export async function lockDelivery(em: EntityManager, id: string, organizationId: string): Promise<{ status: DeliveryRow["status"]; active: boolean } | undefined> {
  const [d] = await em.query(
    `SELECT d.status, s.active FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id
         WHERE d.id = $1 AND d.organization_id = $2 FOR UPDATE OF d`,
    [id, organizationId],
  );
  return d;
}

/** Makes a delivery pending again with no attempt made. */
export async function resetDelivery(em: EntityManager, id: string): Promise<DeliveryRow> {
  const updated = await em.query(
    `UPDATE webhook_deliveries SET status = 'pending', attempts = 0, last_status_code = NULL, last_error = NULL, next_attempt_at = NULL, delivered_at = NULL
         WHERE id = $1 RETURNING ${DELIVERY_COLUMNS}`,
    [id],
  );
  return rowsOf<DeliveryRow>(updated)[0];
}

export async function deliveryTarget(db: Db, id: string): Promise<DeliveryTargetRow | undefined> {
  const [d] = await db.query(
    `SELECT d.id, d.status, d.event_type, d.payload, s.id AS subscription_id, s.url, s.active,
         s.secret_ciphertext, s.secret_iv, s.secret_tag, s.secret_key_version
       FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id WHERE d.id = $1`,
    [id],
  );
  return d;
}

/** Records the attempt that the receiver accepted (a pending delivery only). */
export async function markDelivered(db: Db, id: string, statusCode: number): Promise<void> {
  await db.query(
    `UPDATE webhook_deliveries SET status = 'delivered', attempts = attempts + 1, last_status_code = $2, last_error = NULL, next_attempt_at = NULL, delivered_at = now()
         WHERE id = $1 AND status = 'pending'`,
    [id, statusCode],
  );
}

/** Fails a pending delivery without counting an attempt. */
export async function failDelivery(db: Db, id: string, error: string): Promise<void> {
  await db.query(`UPDATE webhook_deliveries SET status = 'failed', last_error = $2, next_attempt_at = NULL WHERE id = $1 AND status = 'pending'`, [id, error]);
}

/**
 * Counts a failed attempt of a pending delivery: it fails at `maxAttempts`, else its next attempt
 * is due after the queue's backoff. Returns the attempts made (undefined: it was not pending).
 */
export async function recordFailedAttempt(db: Db, id: string, statusCode: number | null, error: string, maxAttempts: number, backoffBaseMs: number): Promise<number | undefined> {
  const [row] = rowsOf<{ attempts: number }>(
    await db.query(
      `UPDATE webhook_deliveries SET attempts = attempts + 1, last_status_code = $2, last_error = $3,
           status = CASE WHEN attempts + 1 >= $4 THEN 'failed' ELSE 'pending' END,
           next_attempt_at = CASE WHEN attempts + 1 >= $4 THEN NULL ELSE now() + make_interval(secs => $5::float8 * power(2, attempts) / 1000) END
         WHERE id = $1 AND status = 'pending' RETURNING attempts`,
      [id, statusCode, error, maxAttempts, backoffBaseMs],
    ),
  );
  return row?.attempts;
}
