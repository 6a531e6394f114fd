import type { RawReply } from "../support/openapi-probe";
import { Findings } from "./checks";
import { each, type ProbeTable, type TenantProbe } from "./probe";
import { hasRole, isReader, type Caller, type Party, type Tenants } from "./world";

const yesterday = (today: string) => new Date(Date.parse(`${today}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

/**
 * An endpoint for some organization types only, whatever it names: they read it (200), every other
 * caller gets the same 403 and nothing of anyone. The feed, its files and the abnormal flows are the
 * regulator's view across every tenant (auditors and the operator); held funds are the settlement
 * issuers' too (they pay out what the ledger holds for any member), so neither is scoped to the
 * caller and the readers' answers are not judged for other tenants' identifiers.
 */
async function onlyFor(t: Tenants, path: (c: Caller) => string, may: (p: Party) => boolean, check: (c: Caller, r: RawReply) => string | false = () => false) {
  const f = new Findings(t);
  await each(t.callers, async (c) => {
    const r = await t.call("GET", path(c), c.person.key);
    const what = `${c.name} reads ${path(c)}`;
    if (may(c.party)) {
      if (r.status !== 200) f.add(what, `status ${r.status}: ${r.text.slice(0, 300)}`);
      else f.add(what, check(c, r));
    } else {
      if (r.status !== 403) f.add(what, `status ${r.status} (expected 403): ${r.text.slice(0, 300)}`);
      f.add(what, t.foreignData(r, c.party));
    }
  });
  f.done();
}

const probes: TenantProbe[] = [
  {
    endpoint: "GET /v1/conformity/feed",
    run: (t) =>
      onlyFor(t, () => "/v1/conformity/feed?limit=1000", isReader, (_c, r) => {
        // the regulator's view holds every tenant's certificates: each supplier's registrations are there
        const from = new Set((r.body.records as { fromUscc: string | null }[]).map((x) => x.fromUscc));
        const missing = [t.tenants.supplierA, t.tenants.supplierB].filter((s) => !from.has(s.uscc)).map((s) => s.label);
        return missing.length ? `no record from ${missing.join(", ")}` : false;
      }),
  },
  { endpoint: "GET /v1/conformity/feed/days/{day}", run: (t) => onlyFor(t, () => `/v1/conformity/feed/days/${yesterday(t.world.today)}.jsonl`, isReader) },
  { endpoint: "GET /v1/conformity/abnormal-flows", run: (t) => onlyFor(t, () => `/v1/conformity/abnormal-flows?to=${t.world.today}`, isReader) },
  { endpoint: "GET /v1/conformity/held-funds", run: (t) => onlyFor(t, () => "/v1/conformity/held-funds", (p) => isReader(p) || hasRole(p, ["settlement_issuer"])) },
  { endpoint: "GET /v1/conformity/payment-terms", run: (t) => onlyFor(t, () => "/v1/conformity/payment-terms", isReader) },
];

export const conformity: ProbeTable = { tag: "Conformity", probes };
