import { z, type ApiTag } from "../../shared/http/openapi";
import type { Routes } from "../../shared/http/route";
import { webhookUrlProblem } from "./url-policy";
import { ALL_EVENTS, WEBHOOK_EVENTS, WEBHOOK_EVENT_TYPES, TEST_EVENT_TYPE } from "./webhooks.events";
import type { WebhooksService } from "./webhooks.service";
import type { DeliveryRow, SubscriptionRow } from "./webhooks.repository";

const TAG: ApiTag = {
  name: "Webhooks",
  description: "Signed HTTP callbacks to your endpoints when something happens that concerns your organization (docs/webhooks.md): subscriptions, the event catalogue and deliveries.",
};
const Uuid = z.string().uuid("must be a UUID");
const Id = z.object({ id: Uuid }).strict();

const EventName = z.enum([ALL_EVENTS, ...WEBHOOK_EVENT_TYPES] as [string, ...string[]], {
  message: `must be one of ${WEBHOOK_EVENT_TYPES.join(", ")}, or "*" for every event`,
});

const SubscriptionInput = z
  .object({
    url: z
      .string()
      .max(2000, "must be at most 2000 characters")
      .superRefine((v, ctx) => {
        const problem = webhookUrlProblem(v);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      })
      .openapi({ description: "Your endpoint: https (plain http to 127.0.0.1/localhost only outside production).", example: "https://erp.example.com/chainfactor/webhooks" }),
    events: z
      .array(EventName)
      .min(1, "needs at least one event type")
      .max(WEBHOOK_EVENT_TYPES.length + 1)
      .refine((a) => new Set(a).size === a.length, "must not repeat an event type")
      .openapi({ example: ["receivable.confirmed", "financing.funded", "receivable.settled"] }),
  })
  .strict()
  .openapi("WebhookSubscriptionInput");

const SubscriptionView = z
  .object({ id: z.string(), url: z.string(), events: z.array(z.string()), active: z.boolean(), createdAt: z.string() })
  .openapi("WebhookSubscription");
const subscriptionView = (s: SubscriptionRow) => ({ id: s.id, url: s.url, events: s.events, active: s.active, createdAt: new Date(s.created_at).toISOString() });

const DeliveryView = z
  .object({
    id: z.string(),
    subscriptionId: z.string(),
    eventId: z.string(),
    eventType: z.string(),
    status: z.enum(["pending", "delivered", "failed"]),
    attempts: z.number().int(),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    nextAttemptAt: z.string().nullable().openapi({ description: "When the next attempt is due (approximately), while pending after a failure." }),
    deliveredAt: z.string().nullable(),
    createdAt: z.string(),
    payload: z.object({ id: z.string(), type: z.string(), occurredAt: z.string(), data: z.record(z.string(), z.unknown()) }),
  })
  .openapi("WebhookDelivery");
const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
const deliveryView = (d: DeliveryRow) => ({
  id: d.id,
  subscriptionId: d.subscription_id,
  eventId: d.event_id,
  eventType: d.event_type,
  status: d.status,
  attempts: d.attempts,
  lastStatusCode: d.last_status_code,
  lastError: d.last_error,
  nextAttemptAt: iso(d.next_attempt_at),
  deliveredAt: iso(d.delivered_at),
  createdAt: iso(d.created_at)!,
  payload: d.payload,
});

const DeliveryQuery = z
  .object({
    status: z.enum(["pending", "delivered", "failed"]).optional(),
    eventType: z.enum([TEST_EVENT_TYPE, ...WEBHOOK_EVENT_TYPES] as [string, ...string[]], { message: "must be an event type (see GET /v1/webhooks/event-types)" }).optional(),
    subscriptionId: Uuid.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    after: Uuid.optional().openapi({ description: "The id of the last delivery of the previous page." }),
  })
  .strict();

/**
 * Subscription and delivery routes. Everything is scoped to the caller's organization: another
 * organization's subscription or delivery is answered as absent (404).
 */
export function webhooksRoutes(routes: Routes, service: WebhooksService): void {
  routes.add({
    method: "get",
    path: "/v1/webhooks/event-types",
    operationId: "webhooks.listEventTypes",
    summary: "The webhook event catalogue: every type, what it means and who receives it",
    description:
      "The `type`s a subscription may name (or `*` for all), each with what it means and which organizations receive it.",
    tag: TAG,
    status: 200,
    response: z.object({ items: z.array(z.object({ type: z.string(), description: z.string(), recipients: z.string() })) }),
    handler: async () => ({ items: WEBHOOK_EVENT_TYPES.map((type) => ({ type, ...WEBHOOK_EVENTS[type] })) }),
  });

  routes.add({
    method: "post",
    path: "/v1/webhooks",
    operationId: "webhooks.subscribe",
    summary: "Subscribe an endpoint to events (organization admins). The signing secret is in this response only: store it.",
    description:
      "Each event of the types named that concerns your organization is POSTed to the URL as JSON, signed with HMAC-SHA256 under the secret answered here (and never again), and retried with backoff until your endpoint answers 2xx (up to 18 attempts, then `failed`). Deliveries are at least once: deduplicate on the event id. Only an organization's admins may manage subscriptions; at most 20 active per organization (409 WEBHOOK.TOO_MANY).",
    tag: TAG,
    body: SubscriptionInput,
    status: 201,
    response: SubscriptionView.extend({
      secret: z.string().openapi({ description: "The HMAC-SHA256 signing secret (whsec_...), shown once. See docs/webhooks.md to verify signatures." }),
    }).openapi("WebhookSubscriptionCreated"),
    handler: async ({ auth, body }) => {
      const { subscription, secret } = await service.subscribe(auth, body.url, body.events);
      return { ...subscriptionView(subscription), secret };
    },
  });

  routes.add({
    method: "get",
    path: "/v1/webhooks",
    operationId: "webhooks.listSubscriptions",
    summary: "Your organization's webhook subscriptions (without secrets)",
    description:
      "Active subscriptions, oldest first; `includeInactive=true` adds deleted ones, kept for the record with their deliveries.",
    tag: TAG,
    query: z.object({ includeInactive: z.enum(["true", "false"]).default("false") }).strict(),
    status: 200,
    response: z.object({ items: z.array(SubscriptionView) }),
    handler: async ({ auth, query }) => ({ items: (await service.subscriptions(auth, query.includeInactive === "true")).map(subscriptionView) }),
  });

  routes.add({
    method: "get",
    path: "/v1/webhooks/deliveries",
    operationId: "webhooks.listDeliveries",
    summary: "Your organization's deliveries, newest first, with status, attempts, last status code and error",
    description:
      "Filter by `status`, `eventType` and `subscriptionId`; each delivery carries its payload as sent. Page with `limit` and `after`: `next` is the `after` of the next page, null on the last.",
    tag: TAG,
    query: DeliveryQuery,
    status: 200,
    response: z.object({ items: z.array(DeliveryView), next: z.string().nullable() }),
    handler: async ({ auth, query }) => {
      const items = await service.deliveries(auth, query as Parameters<WebhooksService["deliveries"]>[1]);
      return { items: items.map(deliveryView), next: items.length === query.limit ? items[items.length - 1].id : null };
    },
  });

  routes.add({
    method: "post",
    path: "/v1/webhooks/deliveries/:id/redelivery",
    operationId: "webhooks.redeliver",
    summary: "Send a delivered or failed delivery again, from its first attempt",
    description:
      "The delivery goes back to `pending` with no attempts and is sent again with the same payload and event id (deduplicate by it). 409 WEBHOOK.DELIVERY_PENDING while it is still being attempted; 409 WEBHOOK.INACTIVE if its subscription was deleted.",
    tag: TAG,
    params: Id,
    status: 202,
    response: DeliveryView,
    handler: async ({ auth, params }) => deliveryView(await service.redeliver(auth, params.id)),
  });

  routes.add({
    method: "delete",
    path: "/v1/webhooks/:id",
    operationId: "webhooks.unsubscribe",
    summary: "Delete (deactivate) a subscription: nothing more is sent to it (organization admins)",
    description:
      "The subscription becomes inactive and its pending deliveries fail; it stays listed with `includeInactive=true`. Admins only.",
    tag: TAG,
    params: Id,
    status: 204,
    handler: async ({ auth, params }) => {
      await service.unsubscribe(auth, params.id);
      return undefined;
    },
  });

  routes.add({
    method: "post",
    path: "/v1/webhooks/:id/test",
    operationId: "webhooks.sendTest",
    summary: `Queue a signed \`${TEST_EVENT_TYPE}\` delivery to a subscription, to check your endpoint`,
    description:
      "A delivery of a test event, signed and retried like any other: follow it in GET /v1/webhooks/deliveries. 409 WEBHOOK.INACTIVE for a deleted subscription.",
    tag: TAG,
    params: Id,
    status: 202,
    response: DeliveryView,
    handler: async ({ auth, params }) => deliveryView(await service.sendTest(auth, params.id)),
  });
}
