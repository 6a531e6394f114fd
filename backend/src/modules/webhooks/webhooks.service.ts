import { randomBytes, randomUUID } from "node:crypto";
import type { DataSource } from "typeorm";
import { conflict, forbidden, notFound, validationFailed } from "../../shared/errors";
import { inTransaction } from "../../shared/transaction";
import type { AuthContext } from "../../shared/http/auth";
import type { KeyVault, SealedBytes } from "../../ledger/key-vault";
import { SIGNATURE_HEADER, signatureHeader } from "./signature";
import { deliveryTargetProblem, webhookUrlProblem } from "./url-policy";
import { TEST_EVENT_TYPE } from "./webhooks.events";
import type { WebhookPayload } from "./webhooks.projections";
import { DEFAULT_DELIVERY_OPTIONS, answerProblem, deliveryBody, retriesAfter, unreachableProblem, type DeliveryOptions } from "./webhooks.rules";
import * as repo from "./webhooks.repository";
import type { DeliveryFilter, DeliveryRow, SealedSecretRow, SubscriptionRow } from "./webhooks.repository";

/** Active subscriptions per organization. */
export const MAX_SUBSCRIPTIONS = 20;

/** AES-GCM associated data: a sealed secret only opens for its own subscription. */
const secretContext = (subscriptionId: string) => `webhook-subscription:${subscriptionId}`;

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
      await repo.lockOrganizationSubscriptions(em, auth.organization.id);
      const n = await repo.activeSubscriptionCount(em, auth.organization.id);
      if (n >= MAX_SUBSCRIPTIONS) throw conflict("WEBHOOK.TOO_MANY", `Your organization already has ${n} active webhook subscriptions, the most allowed; delete one first.`);
      return repo.insertSubscription(em, { id, organizationId: auth.organization.id, url, events, secret: sealed });
    });
    return { subscription, secret };
  }

  async subscriptions(auth: AuthContext, includeInactive = false): Promise<SubscriptionRow[]> {
    return repo.subscriptionsOf(this.ds, auth.organization.id, includeInactive);
  }

  /** Deactivates a subscription (kept, with its deliveries, for the record); pending deliveries fail. */
  async unsubscribe(auth: AuthContext, id: string): Promise<void> {
    this.requireAdmin(auth);
    await inTransaction(this.ds, async (em) => {
      if (!(await repo.lockSubscription(em, id, auth.organization.id))) throw notFound("webhook subscription", id);
      await repo.deactivateSubscription(em, id);
      await repo.failPendingDeliveries(em, id);
    });
  }

  /** Queues a `webhook.test` delivery to one of the caller's active subscriptions. */
  async sendTest(auth: AuthContext, subscriptionId: string): Promise<DeliveryRow> {
    const active = await repo.subscriptionActive(this.ds, subscriptionId, auth.organization.id);
    if (active === undefined) throw notFound("webhook subscription", subscriptionId);
    if (!active) throw conflict("WEBHOOK.INACTIVE", "This subscription was deleted; create a new one.");
    const payload: WebhookPayload = {
      id: `test:${randomUUID()}`,
      type: TEST_EVENT_TYPE,
      occurredAt: new Date().toISOString(),
      data: { subscriptionId, organizationId: auth.organization.id, requestedBy: auth.user.id },
    };
    const row = await repo.insertDelivery(this.ds, { subscriptionId, organizationId: auth.organization.id, payload });
    await this.enqueueQuietly(row.id);
    return row;
  }

  // ─── Deliveries ─────────────────────────────────────────────────────

  async deliveries(auth: AuthContext, f: DeliveryFilter): Promise<DeliveryRow[]> {
    if (f.after && !(await repo.isDeliveryOf(this.ds, f.after, auth.organization.id))) throw validationFailed([{ field: "query.after", message: "is not one of your deliveries" }]);
    return repo.deliveriesOf(this.ds, auth.organization.id, f);
  }

  /** Sends a delivery again from scratch (e.g. one that `failed` while the receiver was down). */
  async redeliver(auth: AuthContext, deliveryId: string): Promise<DeliveryRow> {
    const row = await inTransaction(this.ds, async (em) => {
      const d = await repo.lockDelivery(em, deliveryId, auth.organization.id);
      if (!d) throw notFound("webhook delivery", deliveryId);
      if (!d.active) throw conflict("WEBHOOK.INACTIVE", "The delivery's subscription was deleted; it cannot be sent again.");
      if (d.status === "pending") throw conflict("WEBHOOK.DELIVERY_PENDING", "The delivery is still being attempted; wait for it to be delivered or to fail.");
      return repo.resetDelivery(em, deliveryId);
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
    const d = await repo.deliveryTarget(this.ds, deliveryId);
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
      secret = this.openSecret(d.subscription_id, d);
    } catch (e) {
      return this.failedAttempt(deliveryId, null, `the signing secret cannot be opened: ${(e as Error).message}`);
    }
    const body = deliveryBody(d.payload);
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
      return this.failedAttempt(deliveryId, null, unreachableProblem(e, this.options.timeoutMs));
    }
    // the body must arrive within the same timeout
    const problem = answerProblem(res.status, await res.text().catch(() => ""));
    if (problem) return this.failedAttempt(deliveryId, res.status, problem);
    await repo.markDelivered(this.ds, deliveryId, res.status);
  }

  /** Re-seals every subscription's secret under the current master key (run with `rotate-keys`); returns how many changed. */
  async rotateSecrets(): Promise<number> {
    const rows = await repo.secretsSealedBefore(this.ds, this.vault.currentVersion);
    for (const row of rows) {
      const sealed = this.vault.sealBytes(Buffer.from(this.openSecret(row.id, row), "utf8"), secretContext(row.id));
      await repo.resealSecret(this.ds, row.id, sealed);
    }
    return rows.length;
  }

  // ─── internals ──────────────────────────────────────────────────────

  private openSecret(subscriptionId: string, row: SealedSecretRow): string {
    const sealed: SealedBytes = { ciphertext: row.secret_ciphertext, iv: row.secret_iv, authTag: row.secret_tag, keyVersion: Number(row.secret_key_version) };
    return this.vault.openBytes(sealed, secretContext(subscriptionId)).toString("utf8");
  }

  /** Stops a delivery that can never succeed (no attempt is counted). */
  private async giveUp(id: string, error: string): Promise<void> {
    await repo.failDelivery(this.ds, id, error);
  }

  /**
   * Records a failed attempt. Throws (so that the queue retries with backoff) unless that was the
   * last attempt allowed, which marks the delivery `failed`.
   */
  private async failedAttempt(id: string, statusCode: number | null, error: string): Promise<void> {
    const attempts = await repo.recordFailedAttempt(this.ds, id, statusCode, error.slice(0, 500), this.options.maxAttempts, this.options.backoffBaseMs);
    if (attempts === undefined || !retriesAfter(attempts, this.options)) return;
    throw new Error(`webhook delivery ${id} failed (attempt ${attempts} of ${this.options.maxAttempts}): ${error}`);
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
