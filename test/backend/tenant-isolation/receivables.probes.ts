import { randomUUID } from "node:crypto";
import { Findings, lists, reads, unchanged, writesOn } from "./checks";
import { each, type ProbeTable, type TenantProbe } from "./probe";
import { TENANTS, hasRole, isReader, related, type Party } from "./world";

/** Certificates: read by their parties only (an offer's receiver too), and registered, issued, confirmed, split, moved, accepted, refused or withdrawn by nobody else. */
const probes: TenantProbe[] = [
  {
    endpoint: "GET /v1/receivables",
    run: async (t) => {
      const { world, labelOf } = t;
      for (const role of ["holder", "obligor", "creditor"] as const) {
        const column = { holder: "holderId", obligor: "obligorId", creditor: "creditorId" }[role];
        await lists(t, `/v1/receivables?role=${role}&limit=500`, (c, r) => (r.body.items as Record<string, string>[]).filter((x) => x[column] !== c.party.orgId).map((x) => `lists ${x.id}, whose ${role} is ${labelOf(x[column])}`));
      }
      // paging from another tenant's certificate
      await lists(t, (c) => `/v1/receivables?limit=500&after=${c.party.label === "supplierA" ? world.r.B1 : world.r.A1}`, (c, r) =>
        (r.body.items as { id: string; holderId: string }[]).filter((x) => x.holderId !== c.party.orgId).map((x) => `lists ${x.id} of ${labelOf(x.holderId)}`),
        { sent: (c) => [c.party.label === "supplierA" ? world.r.B1 : world.r.A1] },
      );
    },
  },
  {
    endpoint: "POST /v1/receivables",
    run: async (t) => {
      // registering against another supplier's invoices, or against an organization that is nobody's business
      const { callers, call, world, tenants, pending } = t;
      const f = new Findings(t);
      await unchanged(t, "register", f, async () => {
        await each(callers, async (c) => {
          const body = (invoiceId: string, obligorId = c.party.label === "supplierB" ? tenants.coreB.orgId : tenants.coreA.orgId) => ({ items: [{ obligorId, invoiceIds: [invoiceId], maturityDate: world.farMaturity }] });
          const random = randomUUID();
          const control = await call("POST", "/v1/receivables", c.person.key, body(random));
          const roleOk = hasRole(c.party, ["supplier"]);
          const others = c.party.label === "supplierA" ? [world.invoices.freeB[0], world.invoices.usedB[0]] : [world.invoices.freeA[0], world.invoices.usedA[0]];
          for (const inv of others) {
            const r = await call("POST", "/v1/receivables", c.person.key, body(inv));
            f.hidden(`${c.name} registers another supplier's invoice`, r, control, inv, random, c.party, roleOk ? [404] : [403]);
          }
          if (roleOk) {
            const own = c.party.label === "supplierA" ? world.invoices.freeA[0] : world.invoices.freeB[0];
            const randomOrg = randomUUID();
            const orgControl = await call("POST", "/v1/receivables", c.person.key, body(own, randomOrg));
            for (const stranger of [pending]) {
              const r = await call("POST", "/v1/receivables", c.person.key, body(own, stranger.orgId));
              f.hidden(`${c.name} registers against ${stranger.label} as obligor`, r, orgControl, stranger.orgId, randomOrg, c.party);
            }
          }
        });
      });
      f.done();
    },
  },
  {
    endpoint: "POST /v1/receivables/issuances",
    run: async (t) => {
      // a core enterprise issues only against invoices billed to it: another's are as absent as a random id
      const { callers, call, world, tenants, pending } = t;
      const f = new Findings(t);
      await unchanged(t, "issue", f, async () => {
        await each(callers, async (c) => {
          const body = (supplierId: string, invoiceId: string) => ({ items: [{ supplierId, invoiceIds: [invoiceId], maturityDate: world.farMaturity }] });
          const roleOk = hasRole(c.party, ["core_enterprise"]);
          const foreign: [Party, string, string][] =
            c.party.label === "coreA"
              ? [[tenants.supplierB, world.invoices.freeB[0], "supplier B's free invoice (billed to core B)"], [tenants.supplierB, world.invoices.usedB[0], "supplier B's invoice backing B1"]]
              : [[tenants.supplierA, world.invoices.freeA[0], "supplier A's free invoice (billed to core A)"], [tenants.supplierA, world.invoices.usedA[0], "supplier A's invoice backing A1"]];
          for (const [supplier, inv, what] of foreign) {
            const random = randomUUID();
            const control = await call("POST", "/v1/receivables/issuances", c.person.key, body(supplier.orgId, random));
            const r = await call("POST", "/v1/receivables/issuances", c.person.key, body(supplier.orgId, inv));
            f.hidden(`${c.name} issues against ${what}`, r, control, inv, random, c.party, roleOk ? [404] : [403]);
          }
          if (roleOk) {
            const random = randomUUID();
            const own = c.party.label === "coreB" ? world.invoices.freeB[0] : world.invoices.freeA[0];
            const control = await call("POST", "/v1/receivables/issuances", c.person.key, body(random, own));
            const r = await call("POST", "/v1/receivables/issuances", c.person.key, body(pending.orgId, own));
            f.hidden(`${c.name} issues to the pending organization`, r, control, pending.orgId, random, c.party);
          }
        });
      });
      f.done();
    },
  },
  {
    endpoint: "POST /v1/receivables/confirmations",
    run: (t) =>
      writesOn(t, "confirm", "POST", () => "/v1/receivables/confirmations", (id) => ({ receivableIds: [id] }), t.certificates(), {
        roles: ["core_enterprise"],
        skip: (c, target) => (c.party.label === "coreA" && target.id === t.world.r.A2) || (c.party.label === "coreB" && target.id === t.world.r.B3),
      }),
  },
  {
    endpoint: "POST /v1/receivables/attestations",
    run: async (t) => {
      // the verifier attests only a caller's own verified invoices: another tenant's invoice is as absent as a random id
      // (these tenants' keys are custodial: they are sent to the normal endpoints before any invoice is read)
      const { callers, call, world, tenants } = t;
      const f = new Findings(t);
      await unchanged(t, "attest", f, async () => {
        await each(callers, async (c) => {
          const theirs = c.party.label.endsWith("A") ? world.invoices.freeB[0] : world.invoices.freeA[0];
          const body = (invoiceId: string) => ({ mode: "register", items: [{ counterpartyId: tenants.coreA.orgId, invoiceIds: [invoiceId], maturityDate: world.farMaturity }] });
          const random = randomUUID();
          const control = await call("POST", "/v1/receivables/attestations", c.person.key, body(random));
          const r = await call("POST", "/v1/receivables/attestations", c.person.key, body(theirs));
          f.hidden(`${c.name} asks an attestation of another tenant's invoice`, r, control, theirs, random, c.party, [403, 404, 409]);
        });
      });
      f.done();
    },
  },
  {
    endpoint: "GET /v1/receivables/confirmations/typed-data",
    run: (t) =>
      reads(
        t,
        (id) => `/v1/receivables/confirmations/typed-data?ids=${id}`,
        // the obligor gets the typed data of its Pending certificates; any other party to a certificate is refused
        t.certificates().map((target) => ({ ...target, gets: target.id === t.world.r.A2 ? ["coreA"] : target.id === t.world.r.B3 ? ["coreB"] : [], sees: target.gets })),
        { roles: ["core_enterprise"] },
      ),
  },
  {
    endpoint: "POST /v1/receivables/rejections",
    run: (t) =>
      writesOn(t, "reject", "POST", () => "/v1/receivables/rejections", (id) => ({ receivableIds: [id], reason: "not ours" }), t.certificates(), {
        roles: ["core_enterprise"],
        skip: (c, target) => (c.party.label === "coreA" && target.id === t.world.r.A2) || (c.party.label === "coreB" && target.id === t.world.r.B3),
      }),
  },
  {
    endpoint: "POST /v1/receivables/cancellations",
    run: (t) =>
      writesOn(t, "cancel", "POST", () => "/v1/receivables/cancellations", (id) => ({ receivableIds: [id] }), t.certificates(), {
        roles: ["supplier"],
        skip: (c, target) => (c.party.label === "supplierA" && target.id === t.world.r.A2) || (c.party.label === "supplierB" && target.id === t.world.r.B3),
      }),
  },
  {
    endpoint: "POST /v1/receivables/{id}/splits",
    run: (t) =>
      writesOn(
        t,
        "split",
        "POST",
        (id) => `/v1/receivables/${id}/splits`,
        (id, c) => {
          const half = BigInt(t.world.amounts[id] ?? "2000000") / 2n;
          const to = c.party.label === "supplierB" ? t.tenants.supplierB.orgId : t.tenants.supplierA.orgId;
          return { parts: [{ organizationId: to, amount: half.toString() }, { organizationId: to, amount: (BigInt(t.world.amounts[id] ?? "2000000") - half).toString() }] };
        },
        t.certificates(),
        { roles: ["supplier"], skip: (c, target) => c.party.label === "supplierB" && target.id === t.world.r.B2 },
      ),
  },
  {
    endpoint: "POST /v1/receivables/{id}/transfers",
    run: (t) =>
      writesOn(t, "transfer", "POST", (id) => `/v1/receivables/${id}/transfers`, (_id, c) => ({ organizationId: (c.party.label === "supplierA" ? t.tenants.supplierB : t.tenants.supplierA).orgId }), t.certificates(), {
        roles: ["supplier"],
        skip: (c, target) => c.party.label === "supplierB" && target.id === t.world.r.B2,
      }),
  },
  {
    endpoint: "POST /v1/receivables/acceptances",
    run: (t) =>
      writesOn(t, "accept", "POST", () => "/v1/receivables/acceptances", (id) => ({ receivableIds: [id] }), t.certificates(), {
        roles: ["supplier"],
        skip: (c, target) => c.party.label === "supplierA" && t.world.r.offeredA.includes(target.id),
      }),
  },
  {
    endpoint: "POST /v1/receivables/refusals",
    run: (t) =>
      writesOn(t, "refuse", "POST", () => "/v1/receivables/refusals", (id) => ({ receivableIds: [id], reason: "not ours" }), t.certificates(), {
        roles: ["supplier"],
        skip: (c, target) => c.party.label === "supplierA" && t.world.r.offeredA.includes(target.id),
      }),
  },
  {
    endpoint: "POST /v1/receivables/offer-withdrawals",
    run: (t) =>
      writesOn(t, "withdraw an offer", "POST", () => "/v1/receivables/offer-withdrawals", (id) => ({ receivableIds: [id] }), t.certificates(), {
        roles: ["supplier", "core_enterprise"],
        skip: (c, target) => c.party.label === "coreA" && t.world.r.offeredA.includes(target.id),
      }),
  },
  {
    endpoint: "GET /v1/receivables/offers",
    run: async (t) => {
      // offers to the caller (incoming) or from it (outgoing), nobody else's
      for (const [direction, side] of [["incoming", "to"], ["outgoing", "from"]] as const) {
        await lists(
          t,
          `/v1/receivables/offers?direction=${direction}&limit=500`,
          (c, r) => {
            const items = r.body.items as Record<string, { id: string }>[];
            const problems = items.filter((x) => x[side].id !== c.party.orgId).map((x) => `lists an offer ${side} ${t.labelOf(x[side].id)}`);
            const expected = c.party.label === (direction === "incoming" ? "supplierA" : "coreA") ? t.world.r.offeredA.length : 0;
            if (items.length !== expected) problems.push(`lists ${items.length} offers, expected ${expected}`);
            return problems;
          },
          { roles: ["supplier", "core_enterprise"] },
        );
      }
    },
  },
  {
    endpoint: "GET /v1/obligors/{organizationId}/standing",
    run: (t) =>
      // any member may read any core enterprise's standing; an organization that is no member yet is absent
      reads(
        t,
        (id) => `/v1/obligors/${id}/standing`,
        [
          { what: "core A's standing", id: t.tenants.coreA.orgId, gets: [...TENANTS] },
          { what: "core B's standing", id: t.tenants.coreB.orgId, gets: [...TENANTS] },
          { what: "the pending organization's standing", id: t.pending.orgId, gets: [] },
        ],
        { auditorsRead: false, check: (_c, r) => (r.body.paused !== false ? `shows ${JSON.stringify(r.body)}; no one is paused now` : false) },
      ),
  },
  {
    endpoint: "GET /v1/receivables/{id}",
    run: (t) =>
      reads(t, (id) => `/v1/receivables/${id}`, t.certificates(), {
        check: (c, r) => (r.body.financing && r.body.financing.bankId !== c.party.orgId && !isReader(c.party) && !related(c.party.label, t.labelOf(r.body.financing.bankId)) ? `shows the financing of ${t.labelOf(r.body.financing.bankId)}` : false),
      }),
  },
  { endpoint: "GET /v1/receivables/{id}/lineage", run: (t) => reads(t, (id) => `/v1/receivables/${id}/lineage`, t.certificates()) },
  {
    endpoint: "GET /v1/receivables/{id}/invoices",
    run: async (t) => {
      // the evidence behind a certificate: for its parties (holder, obligor, creditor, financing bank) and auditors, exactly its own invoices
      const { stack, certificates } = t;
      const backing = new Map<string, string[]>();
      for (const row of (await stack.ds.query(`SELECT receivable_id, id FROM invoices WHERE receivable_id IS NOT NULL`)) as { receivable_id: string; id: string }[]) {
        backing.set(row.receivable_id, [...(backing.get(row.receivable_id) ?? []), row.id]);
      }
      await reads(t, (id) => `/v1/receivables/${id}/invoices`, certificates(), {
        check: (_c, r, target) => {
          const ids = (r.body.items as { id: string }[]).map((i) => i.id).sort();
          const expected = [...(backing.get(target.id) ?? [])].sort();
          return JSON.stringify(ids) !== JSON.stringify(expected) ? `lists invoices ${JSON.stringify(ids)}, expected the certificate's ${JSON.stringify(expected)}` : false;
        },
      });
    },
  },
  {
    endpoint: "GET /v1/payables/calendar",
    run: (t) =>
      lists(
        t,
        "/v1/payables/calendar",
        (c, r) => {
          const payees = (r.body.days as { payees: { organizationId: string }[] }[]).flatMap((d) => d.payees.map((p) => t.labelOf(p.organizationId)));
          const expected = c.party.label === "coreA" ? "supplierA" : "supplierB";
          const problems = payees.filter((p) => p !== expected).map((p) => `owes ${p}?`);
          if (!payees.includes(expected)) problems.push(`misses its payables to ${expected}`);
          return problems;
        },
        { roles: ["core_enterprise"] },
      ),
  },
];

export const receivables: ProbeTable = { tag: "Receivables", probes };
