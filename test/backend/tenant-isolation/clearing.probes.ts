import { reads, writesOn } from "./checks";
import type { ProbeTable, TenantProbe } from "./probe";

/** Defaults, recourse and a certificate's clearing history: its parties' only. */
const probes: TenantProbe[] = [
  {
    endpoint: "POST /v1/receivables/defaults",
    run: (t) =>
      writesOn(t, "declare default", "POST", () => "/v1/receivables/defaults", (id) => ({ receivableIds: [id] }), t.certificates(), {
        roles: ["bank", "supplier"],
        skip: (c, target) => c.party.label === "supplierA" && target.id === t.world.r.A4,
      }),
  },
  {
    endpoint: "POST /v1/receivables/recourse-claims",
    run: (t) =>
      writesOn(t, "claim recourse", "POST", () => "/v1/receivables/recourse-claims", (id) => ({ receivableIds: [id] }), t.certificates(), {
        roles: ["bank"],
        skip: (c, target) => c.party.label === "bankA" && target.id === t.world.r.A3,
      }),
  },
  {
    endpoint: "GET /v1/receivables/{id}/clearing",
    run: (t) =>
      reads(t, (id) => `/v1/receivables/${id}/clearing`, t.certificates(), {
        check: (c, r, target) => ([t.world.r.A3, t.world.r.A4].includes(target.id) && (r.body.items as unknown[]).length === 0 ? `the clearing history of ${target.what} is empty` : false),
      }),
  },
];

export const clearing: ProbeTable = { tag: "Clearing", probes };
