/**
 * Webhooks: organizations subscribe to events; deliveries are HMAC-signed, retried with backoff
 * through BullMQ, and listed with their status. (Implementation: webhooks.service.ts,
 * webhooks.routes.ts, webhooks.projections.ts, signature.ts, url-policy.ts; catalogue in
 * webhooks.events.ts; integrators' guide in docs/webhooks.md.)
 */
export { WebhooksService, DEFAULT_DELIVERY_OPTIONS, MAX_SUBSCRIPTIONS, type DeliveryOptions, type DeliveryRow, type SubscriptionRow } from "./webhooks.service";
export { webhooksRoutes } from "./webhooks.routes";
export { webhookProjections, eventIdOf, type WebhookPayload } from "./webhooks.projections";
export { WEBHOOK_EVENTS, WEBHOOK_EVENT_TYPES, TEST_EVENT_TYPE, type WebhookEventType } from "./webhooks.events";
export { signatureHeader, verifySignature, SIGNATURE_HEADER } from "./signature";
export { webhookUrlProblem } from "./url-policy";
