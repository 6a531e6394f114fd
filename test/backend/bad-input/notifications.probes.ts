import type { BadInputProbe, ProbeTable } from "./probe";

/** Supplier A's admin's own notifications; bank B's admin's as another person's (and tenant's). */
const probes: BadInputProbe[] = [
  { endpoint: "GET /v1/notifications", context: ({ w }) => ({ key: w.A.adminKey, query: { unread: "false", limit: "10", before: undefined }}) },
  { endpoint: "GET /v1/notifications/unread-count", context: ({ w }) => ({ key: w.A.adminKey, query: { known: undefined } }) },
  { endpoint: "POST /v1/notifications/{id}/read", context: ({ w }) => ({ key: w.A.adminKey, path: { id: w.notifications.A }, foreign: { id: w.notifications.B } }) },
  { endpoint: "POST /v1/notifications/read-all", context: ({ w }) => ({ key: w.A.adminKey }) },
  { endpoint: "GET /v1/notifications/settings", context: ({ w }) => ({ key: w.A.adminKey }) },
  { endpoint: "POST /v1/notifications/settings", context: ({ w }) => ({ key: w.A.adminKey, body: () => ({ email: true }) }) },
];

export const notifications: ProbeTable = { tag: "Notifications", probes };
