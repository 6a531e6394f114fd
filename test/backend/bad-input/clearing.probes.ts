import type { BadInputProbe, ProbeTable } from "./probe";

/** Supplier A's overdue and defaulted certificates. */
const probes: BadInputProbe[] = [
  { endpoint: "POST /v1/receivables/defaults", context: ({ w }) => ({ key: w.A.adminKey, body: () => ({ receivableIds: [w.biz.r.A4] }) }) },
  { endpoint: "POST /v1/receivables/recourse-claims", context: ({ w }) => ({ key: w.biz.m.bankA.key, body: () => ({ receivableIds: [w.biz.r.A3] }) }) },
  { endpoint: "GET /v1/receivables/{id}/clearing", context: ({ w }) => ({ key: w.A.adminKey, path: { id: w.biz.r.A3 }, foreign: { id: w.biz.r.B1 } }) },
];

export const clearing: ProbeTable = { tag: "Clearing", probes };
