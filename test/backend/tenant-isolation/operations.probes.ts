import { rawRequest } from "../support/openapi-probe";
import { Findings, lists } from "./checks";
import { each, type ProbeTable, type TenantProbe } from "./probe";

/** How the platform itself is doing: for the operator and auditors. */
const probes: TenantProbe[] = [
  // chain events the indexer set aside: for the operator and auditors (every tenant else is refused)
  { endpoint: "GET /v1/indexer/quarantine", run: (t) => lists(t, "/v1/indexer/quarantine", (_c, r) => (r.body.total !== 0 ? `${r.body.total} events quarantined` : false), { roles: ["auditor"] }) },
  {
    rule: "the queue dashboard (outside /openapi.json) is for operators only",
    run: async (t) => {
      const { callers, call, stack, foreignData, opHeaders } = t;
      const f = new Findings(t);
      await each(callers, async (c) => {
        const r = await call("GET", "/admin/queues", c.person.key);
        if (r.status !== 403) f.add(c.name, `status ${r.status}`);
        f.add(c.name, foreignData(r, c.party));
      });
      const r = await rawRequest(stack.apiPort, { method: "GET", path: "/admin/queues", headers: opHeaders() });
      if (r.status !== 200) f.add("operator", `status ${r.status}`);
      f.done();
    },
  },
];

export const operations: ProbeTable = { tag: "Operations", probes };
