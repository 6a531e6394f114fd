/**
 * Webhooks: organizations subscribe to events; deliveries are HMAC-signed, retried with backoff
 * through BullMQ, and listed with their status. (Implementation: webhooks.service.ts, its
 * statements in webhooks.repository.ts, an attempt's rules in delivery.ts, webhooks.routes.ts,
 * webhooks.projections.ts, signature.ts, url-policy.ts; catalogue in webhooks.events.ts;
 * integrators' guide in docs/webhooks.md.) Its projections come last: they
 * announce what the other modules' projections recorded.
 */
import { defineModule } from "../module";
import type { StaleWork } from "../../ledger/outbox/sweeper";
import { WebhooksService } from "./webhooks.service";
import { DEFAULT_DELIVERY_OPTIONS } from "./webhooks.rules";
import { webhooksRoutes } from "./webhooks.routes";
import { webhookProjections } from "./webhooks.projections";

declare module "../../shared/queue" {
  interface JobPayloads {
    /** POST one webhook delivery, HMAC-signed (job id = delivery id; retried with backoff). */
    "webhook.deliver": { deliveryId: string };
  }
}

export const deliveryJobId = (deliveryId: string) => `webhook-${deliveryId}`;

/**
 * A delivery's retries double from 0.5 s (the schedule docs/webhooks.md promises and nextAttemptAt
 * shows: 18 attempts over about 18 hours), not the queue's default, which stops growing at 10 s.
 */
export const DELIVERY_JOB_OPTIONS = { backoff: { type: "exponential", delay: DEFAULT_DELIVERY_OPTIONS.backoffBaseMs } };

/** Deliveries the indexer could not enqueue; a delivery that used up its attempts is `failed`. */
const undelivered: StaleWork<"webhook.deliver"> = {
  job: "webhook.deliver",
  stale: `SELECT id::text AS id FROM webhook_deliveries WHERE status = 'pending' AND created_at < now() - ($1 || ' milliseconds')::interval ORDER BY created_at LIMIT $2`,
  jobId: deliveryJobId,
  payload: (id) => ({ deliveryId: id }),
  options: DELIVERY_JOB_OPTIONS,
  touch: `SELECT $1::uuid`,
};

export const webhooksModule = defineModule({
  name: "webhooks",
  needs: [],
  tables: ["webhook_subscriptions", "webhook_deliveries"],
  services: ({ ds, vault, queue }) => {
    // a new delivery (the indexer's, once per delivery): its job id is new
    const deliverLater = async (deliveryId: string) => void (await queue.add("webhook.deliver", { deliveryId }, deliveryJobId(deliveryId), DELIVERY_JOB_OPTIONS));
    // a redelivery's job id is the delivery's: the finished job of its earlier attempts gives way
    const deliverAgain = async (deliveryId: string) => void (await queue.addAgain("webhook.deliver", { deliveryId }, deliveryJobId(deliveryId), DELIVERY_JOB_OPTIONS));
    return { webhooks: new WebhooksService(ds, vault, deliverAgain), deliverLater };
  },
  routes: (routes, api) => webhooksRoutes(routes, api.webhooks),
  projections: (p, api) => webhookProjections(p, api.deliverLater),
  jobs: (api) => ({ "webhook.deliver": async ({ deliveryId }) => api.webhooks.deliver(deliveryId) }),
  stale: [undelivered as StaleWork],
});

export { WebhooksService, MAX_SUBSCRIPTIONS } from "./webhooks.service";
export { DEFAULT_DELIVERY_OPTIONS, type DeliveryOptions } from "./webhooks.rules";
export type { DeliveryRow, SubscriptionRow } from "./webhooks.repository";
export { webhooksRoutes } from "./webhooks.routes";
export { webhookProjections, eventIdOf, noticeBuilders, noticeOf, reads as noticeReads, type WebhookPayload, type Notice, type Builder as NoticeBuilder } from "./webhooks.projections";
export { WEBHOOK_EVENTS, WEBHOOK_EVENT_TYPES, TEST_EVENT_TYPE, type WebhookEventType } from "./webhooks.events";
export { signatureHeader, verifySignature, SIGNATURE_HEADER } from "./signature";
export { webhookUrlProblem } from "./url-policy";
