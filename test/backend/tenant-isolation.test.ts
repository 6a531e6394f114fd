import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { fetchOpenApi, listOperations, tableGaps } from "./support/openapi-probe";
import { Tenants } from "./tenant-isolation/world";
import type { ProbeTable } from "./tenant-isolation/probe";
import { onboarding } from "./tenant-isolation/onboarding.probes";
import { people } from "./tenant-isolation/people.probes";
import { approvals } from "./tenant-isolation/approvals.probes";
import { invoices } from "./tenant-isolation/invoices.probes";
import { receivables } from "./tenant-isolation/receivables.probes";
import { financing } from "./tenant-isolation/financing.probes";
import { settlement } from "./tenant-isolation/settlement.probes";
import { clearing } from "./tenant-isolation/clearing.probes";
import { operations } from "./tenant-isolation/operations.probes";
import { webhooks } from "./tenant-isolation/webhooks.probes";
import { reconciliation } from "./tenant-isolation/reconciliation.probes";
import { conformity } from "./tenant-isolation/conformity.probes";
import { notifications } from "./tenant-isolation/notifications.probes";
import { documents } from "./tenant-isolation/documents.probes";

/**
 * Every read and write is scoped to the caller's organization: asking for another organization's
 * object answers 404 exactly as for an id that does not exist (never the object, never a 403 that
 * confirms it exists), lists hold only the caller's own objects, writes on others' objects change
 * nothing, and no answer carries another tenant's identifiers. Operators and auditors read across
 * tenants; auditors cannot write; member (non-admin) users cannot manage other users' keys.
 *
 * The business endpoints are probed against one world of tenants built through the API (see
 * tenant-isolation/world.ts); each module's probes are in its table, tenant-isolation/<module>.probes.ts.
 * The endpoints come from GET /openapi.json: an endpoint without a probe in the table of its
 * module (the one its tag names) fails the suite.
 */
const MODULES: Record<string, ProbeTable> = { onboarding, people, approvals, invoices, receivables, financing, settlement, clearing, operations, webhooks, reconciliation, conformity, notifications, documents };

describe("tenant isolation", () => {
  const t = new Tenants();
  beforeAll(() => t.start(), 240_000);
  afterAll(() => t.close());

  it("every endpoint of /openapi.json has a tenant probe", async () => {
    const ops = listOperations(await fetchOpenApi(t.stack));
    expect(ops.length).toBeGreaterThan(0);
    const tables = Object.fromEntries(Object.entries(MODULES).map(([name, m]) => [name, { tag: m.tag, endpoints: m.probes.flatMap((p) => ("endpoint" in p ? [p.endpoint] : [])) }]));
    const { missing, stale, misfiled } = tableGaps(ops, tables);
    expect(missing, `endpoints without a tenant-isolation probe (add one to the module's table, tenant-isolation/<module>.probes.ts):\n${missing.join("\n")}`).toEqual([]);
    expect(stale, `probes for endpoints that are not in /openapi.json:\n${stale.join("\n")}`).toEqual([]);
    expect(misfiled, `probes outside the table of their endpoint's module, or in two:\n${misfiled.join("\n")}`).toEqual([]);
  });

  for (const [name, { probes }] of Object.entries(MODULES)) {
    describe(name, () => {
      for (const p of probes) if ("endpoint" in p) (p.fails ? it.fails : it)(p.endpoint, () => p.run(t));
    });
  }

  // after every endpoint's probe: these change what those expect (a member revokes its own key)
  describe("beyond one endpoint", () => {
    for (const [name, { probes }] of Object.entries(MODULES)) {
      const rules = probes.flatMap((p) => ("rule" in p ? [p] : []));
      if (rules.length) describe(name, () => rules.forEach((p) => (p.fails ? it.fails : it)(p.rule, () => p.run(t))));
    }
  });
});
