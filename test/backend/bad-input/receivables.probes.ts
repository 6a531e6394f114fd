import type { BadInputProbe, ProbeTable } from "./probe";

/** Supplier A's certificates in every state (offers from core A among them), and core A as their obligor. */
const probes: BadInputProbe[] = [
  { endpoint: "POST /v1/receivables", context: ({ w }) => ({ key: w.A.adminKey, body: () => ({ items: [{ obligorId: w.biz.m.coreA.orgId, invoiceIds: [w.biz.invoices.freeA[0]], maturityDate: w.biz.farMaturity }] }) }) },
  { endpoint: "POST /v1/receivables/issuances", context: ({ w }) => ({ key: w.biz.m.coreA.key, body: () => ({ items: [{ supplierId: w.A.orgId, invoiceIds: [w.biz.invoices.freeA[1]], maturityDate: w.biz.farMaturity }] }) }) },
  { endpoint: "POST /v1/receivables/confirmations", context: ({ w }) => ({ key: w.biz.m.coreA.key, body: () => ({ receivableIds: [w.P[0]] }), valid: () => ({ signature: undefined }) }) },
  { endpoint: "POST /v1/receivables/attestations", context: ({ w }) => ({ key: w.A.adminKey, body: () => ({ mode: "register", items: [{ counterpartyId: w.biz.m.coreA.orgId, invoiceIds: [w.biz.invoices.freeA[2]], maturityDate: w.biz.farMaturity }] }) }) },
  { endpoint: "GET /v1/receivables/confirmations/typed-data", context: ({ w }) => ({ key: w.biz.m.coreA.key, query: { ids: w.P[1] } }) },
  {
    endpoint: "POST /v1/receivables/rejections",
    context: ({ w }) => ({
      key: w.biz.m.coreA.key,
      body: () => ({ receivableIds: [w.P[2]], reason: "wrong delivery address" }),
      hostileBody: () => ({ receivableIds: [w.P[3]] }),
    }),
  },
  { endpoint: "POST /v1/receivables/cancellations", context: ({ w }) => ({ key: w.A.adminKey, body: () => ({ receivableIds: [w.P[4]] }) }) },
  {
    endpoint: "POST /v1/receivables/{id}/splits",
    context: ({ w }) => ({
      key: w.A.adminKey,
      path: { id: w.C[0] },
      body: () => {
        const amount = BigInt(w.biz.amounts[w.C[0]]);
        return { parts: [{ organizationId: w.A.orgId, amount: (amount / 2n).toString() }, { organizationId: w.biz.m.supplierB.orgId, amount: (amount - amount / 2n).toString() }] };
      },
      foreign: { id: w.biz.r.B2 },
    }),
  },
  { endpoint: "POST /v1/receivables/{id}/transfers", context: ({ w }) => ({ key: w.A.adminKey, path: { id: w.C[1] }, body: () => ({ organizationId: w.biz.m.supplierB.orgId }), foreign: { id: w.biz.r.B2 } }) },
  { endpoint: "POST /v1/receivables/acceptances", context: ({ w }) => ({ key: w.A.adminKey, body: () => ({ receivableIds: [w.O[0]] }) }) },
  {
    endpoint: "POST /v1/receivables/refusals",
    context: ({ w }) => ({
      key: w.A.adminKey,
      body: () => ({ receivableIds: [w.O[1]], reason: "goods not delivered" }),
      hostileBody: () => ({ receivableIds: [w.O[2]] }),
    }),
  },
  { endpoint: "POST /v1/receivables/offer-withdrawals", context: ({ w }) => ({ key: w.biz.m.coreA.key, body: () => ({ receivableIds: [w.O[3]] }) }) },
  { endpoint: "GET /v1/receivables/offers", context: ({ w }) => ({ key: w.A.adminKey, query: { direction: "incoming", limit: "10", after: undefined } }) },
  // any member reads any obligor's standing: no other tenant's id to hide
  { endpoint: "GET /v1/obligors/{organizationId}/standing", context: ({ w }) => ({ key: w.A.adminKey, path: { organizationId: w.biz.m.coreA.orgId } }) },
  { endpoint: "GET /v1/receivables", context: ({ w }) => ({ key: w.A.adminKey, query: { role: "holder", status: "confirmed,financed", limit: "10", after: undefined } }) },
  { endpoint: "GET /v1/receivables/{id}", context: ({ w }) => ({ key: w.A.adminKey, path: { id: w.biz.r.A1 }, foreign: { id: w.biz.r.B1 } }) },
  { endpoint: "GET /v1/receivables/{id}/lineage", context: ({ w }) => ({ key: w.A.adminKey, path: { id: w.biz.r.A1 }, foreign: { id: w.biz.r.B1 } }) },
  { endpoint: "GET /v1/receivables/{id}/invoices", context: ({ w }) => ({ key: w.A.adminKey, path: { id: w.biz.r.A1 }, foreign: { id: w.biz.r.B1 } }) },
  { endpoint: "GET /v1/payables/calendar", context: ({ w }) => ({ key: w.biz.m.coreA.key, query: { from: w.biz.today, to: w.biz.farMaturity } }) },
];

export const receivables: ProbeTable = { tag: "Receivables", probes };
