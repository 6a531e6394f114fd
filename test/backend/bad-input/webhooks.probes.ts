import type { BadInputProbe, ProbeTable } from "./probe";

/** Supplier A's subscriptions and deliveries; bank B's as another tenant's. */
const probes: BadInputProbe[] = [
  { endpoint: "GET /v1/webhooks/event-types", context: ({ w }) => ({ key: w.A.adminKey }) },
  { endpoint: "POST /v1/webhooks", context: ({ w }) => ({ key: w.A.adminKey, body: () => ({ url: w.biz.receiver.url("/control") }) }) },
  { endpoint: "GET /v1/webhooks", context: ({ w }) => ({ key: w.A.adminKey, query: { includeInactive: "true" } }) },
  { endpoint: "GET /v1/webhooks/deliveries", context: ({ w }) => ({ key: w.A.adminKey, query: { status: undefined, eventType: undefined, subscriptionId: undefined, after: undefined, limit: "10" } }) },
  { endpoint: "POST /v1/webhooks/deliveries/{id}/redelivery", context: ({ w }) => ({ key: w.A.adminKey, path: { id: w.deliveryId }, foreign: { id: w.biz.hooks.bankB.delivery } }) },
  { endpoint: "DELETE /v1/webhooks/{id}", context: ({ w }) => ({ key: w.A.adminKey, path: { id: w.subscriptionToDelete }, foreign: { id: w.biz.hooks.bankB.subscription } }) },
  { endpoint: "POST /v1/webhooks/{id}/test", context: ({ w }) => ({ key: w.A.adminKey, path: { id: w.biz.hooks.supplierA.subscription }, foreign: { id: w.biz.hooks.bankB.subscription } }) },
];

export const webhooks: ProbeTable = { tag: "Webhooks", probes };
