import { getAt } from "../support/openapi-probe";
import type { BadInputProbe, ProbeTable } from "./probe";

/** Supplier A's four-eyes drafts, by its drafter; bank B's draft as another tenant's. */
const probes: BadInputProbe[] = [
  { endpoint: "POST /v1/drafts", context: ({ w }) => ({ key: w.A.adminKey, body: () => ({ method: "post", path: "/v1/settlement/repayment-authorization", body: { amount: "100" } }) }) },
  { endpoint: "GET /v1/drafts", context: ({ w }) => ({ key: w.A.adminKey, query: { status: "pending", limit: "10" } }) },
  { endpoint: "GET /v1/drafts/{id}", context: ({ w }) => ({ key: w.A.adminKey, path: { id: w.people.drafts[0] }, foreign: { id: w.people.foreignDraft } }) },
  { endpoint: "POST /v1/drafts/{id}/approval", context: ({ w }) => ({ key: w.A.adminKey, path: { id: w.people.drafts[1] }, foreign: { id: w.people.foreignDraft } }) },
  {
    endpoint: "POST /v1/drafts/{id}/rejection",
    context: ({ w, get }) => ({
      key: w.A.adminKey,
      path: { id: w.people.drafts[2] },
      hostilePath: { id: w.people.drafts[3] },
      body: () => ({ reason: "not this month" }),
      foreign: { id: w.people.foreignDraft },
      echo: async (r, field) => ({ answered: getAt(r.body, field), stored: getAt((await get(`/v1/drafts/${r.body.id}`, w.A.adminKey)).body, field) }),
    }),
  },
  { endpoint: "POST /v1/drafts/{id}/withdrawal", context: ({ w }) => ({ key: w.people.drafterKey, path: { id: w.people.drafts[4] }, foreign: { id: w.people.foreignDraft } }) },
  { endpoint: "GET /v1/drafts/waiting-subjects", context: ({ w }) => ({ key: w.A.adminKey }) },
];

export const approvals: ProbeTable = { tag: "Approvals", probes };
