import type { BadInputProbe, ProbeTable } from "./probe";

/** Supplier A's financing requests and the quotes banks A and B made on them; bank C as a bank without a credit line. */
const probes: BadInputProbe[] = [
  { endpoint: "GET /v1/credit-lines", context: ({ w }) => ({ key: w.biz.m.bankA.key }) },
  { endpoint: "POST /v1/credit-lines", context: ({ w }) => ({ key: w.biz.m.bankA.key, body: () => ({ obligorId: w.biz.m.coreA.orgId, limit: "2000000000000" }) }) },
  { endpoint: "GET /v1/financing-requests", context: ({ w }) => ({ key: w.A.adminKey, query: { status: "open,accepted" } }) },
  { endpoint: "POST /v1/financing-requests", context: ({ w }) => ({ key: w.A.adminKey, body: () => ({ receivableId: w.C[2] }) }) },
  { endpoint: "GET /v1/financing-requests/{id}", context: ({ w }) => ({ key: w.A.adminKey, path: { id: w.R[0] }, foreign: { id: w.biz.req.B2 } }) },
  { endpoint: "GET /v1/financing-requests/{id}/quotes", context: ({ w }) => ({ key: w.A.adminKey, path: { id: w.R[1] }, foreign: { id: w.biz.req.B2 } }) },
  // bank C has no credit line on core A: supplier A's requests are none of its business
  { endpoint: "GET /v1/financing-requests/{id}/dossier", context: ({ w }) => ({ key: w.biz.m.bankA.key, path: { id: w.R[1] }, foreign: { id: w.R[1] }, foreignKey: w.biz.extra.bankC.key }) },
  { endpoint: "POST /v1/financing-requests/{id}/cancellation", context: ({ w }) => ({ key: w.A.adminKey, path: { id: w.R[4] }, foreign: { id: w.biz.req.B2 } }) },
  {
    endpoint: "POST /v1/financing-requests/{id}/quotes",
    context: ({ w }) => ({
      key: w.biz.m.bankA.key,
      path: { id: w.R[0] },
      // hostile text that is accepted quotes on another request (bank A has none on R[2]), leaving R[0] to the control
      hostilePath: { id: w.R[2] },
      body: () => ({ advance: undefined, advanceRateBp: 9000, annualRateBp: 435, dayCount: 360, fee: "1000", recourse: false, validUntil: new Date(Date.now() + 3600_000).toISOString() }),
      // bank C has no credit line on core A: supplier A's requests are none of its business
      foreign: { id: w.R[0] },
      foreignKey: w.biz.extra.bankC.key,
    }),
  },
  { endpoint: "POST /v1/quotes/{id}/withdrawal", context: ({ w }) => ({ key: w.biz.m.bankA.key, path: { id: w.Q[0] }, foreign: { id: w.biz.quotes.B2bankB }, foreignKey: w.biz.m.bankA.key }) },
  { endpoint: "GET /v1/quotes/{id}/terms", context: ({ w }) => ({ key: w.A.adminKey, path: { id: w.Q[1] }, foreign: { id: w.biz.quotes.B2bankA } }) },
  { endpoint: "POST /v1/quotes/{id}/acceptance", context: ({ w }) => ({ key: w.A.adminKey, path: { id: w.Q[2] }, valid: () => ({ signature: undefined }), foreign: { id: w.biz.quotes.B2bankA } }) },
  { endpoint: "GET /v1/financings", context: ({ w }) => ({ key: w.A.adminKey }) },
  { endpoint: "GET /v1/financings/{id}", context: ({ w }) => ({ key: w.A.adminKey, path: { id: w.biz.fin.A1 }, foreign: { id: w.biz.fin.B1 } }) },
];

export const financing: ProbeTable = { tag: "Financing", probes };
