import { randomUUID } from "node:crypto";
import type { BusinessWorld } from "../support/openapi-probe";
import { Findings, lists, reads, unchanged, writesOn } from "./checks";
import { each, type ProbeTable, type Target, type TenantProbe } from "./probe";
import { hasRole, isReader, type TenantName } from "./world";

/** The financing requests: the supplier's, and visible to the banks with a credit line on the obligor (banks A and B, not C). */
function financingRequests(world: BusinessWorld): Target[] {
  return Object.entries(world.req).map(([name, id]) => ({ what: `${name.startsWith("A") ? "supplier A" : "supplier B"}'s request ${name}`, id, gets: [name.startsWith("A") ? "supplierA" : "supplierB", "bankA", "bankB"] as TenantName[] }));
}

/** The quotes: its bank's and the requesting supplier's. */
function quoteTargets(world: BusinessWorld): Target[] {
  return Object.entries(world.quotes).map(([name, id]) => {
    const bank = name.endsWith("bankA") ? "bankA" : "bankB";
    const supplier = name.startsWith("A") ? "supplierA" : "supplierB";
    return { what: `${bank}'s quote on ${supplier}'s ${name.slice(0, 2)}`, id, gets: [supplier, bank] as TenantName[] };
  });
}

/** Credit lines, financing requests, quotes and financings: a bank's and its counterparties', never another bank's. */
const probes: TenantProbe[] = [
  {
    endpoint: "GET /v1/credit-lines",
    run: (t) =>
      lists(t, "/v1/credit-lines", (c, r) => {
        const items = r.body.items as { bankId: string; obligorId: string }[];
        if (isReader(c.party)) return items.length < 4 ? `lists ${items.length} of the 4 credit lines` : false;
        const mine = c.party.roles.includes("bank") ? (x: { bankId: string }) => x.bankId === c.party.orgId : (x: { obligorId: string }) => x.obligorId === c.party.orgId;
        return items.filter((x) => !mine(x as never)).map((x) => `lists the line of ${t.labelOf(x.bankId)} on ${t.labelOf(x.obligorId)}`);
      }),
  },
  {
    endpoint: "POST /v1/credit-lines",
    run: async (t) => {
      // a credit line only on an active core enterprise: organizations that are nobody's business are as absent as a random id
      const { callers, call, tenants, pending } = t;
      const f = new Findings(t);
      await unchanged(t, "credit line", f, async () => {
        await each(callers, async (c) => {
          const random = randomUUID();
          const control = await call("POST", "/v1/credit-lines", c.person.key, { obligorId: random, limit: "1000" });
          for (const stranger of [pending]) {
            const r = await call("POST", "/v1/credit-lines", c.person.key, { obligorId: stranger.orgId, limit: "1000" });
            f.hidden(`${c.name} sets a credit line on ${stranger.label}`, r, control, stranger.orgId, random, c.party, hasRole(c.party, ["bank"]) ? [404] : [403]);
          }
          if (!hasRole(c.party, ["bank"])) {
            const r = await call("POST", "/v1/credit-lines", c.person.key, { obligorId: tenants.coreA.orgId, limit: "1" });
            if (r.status !== 403) f.add(`${c.name} sets a credit line on core A`, `status ${r.status}`);
          }
        });
      });
      f.done();
    },
  },
  {
    endpoint: "GET /v1/financing-requests",
    run: (t) =>
      lists(t, "/v1/financing-requests", (c, r) => {
        const items = r.body.items as { request: { id: string; supplierId: string; obligorId: string } }[];
        const ids = items.map((x) => x.request.id);
        if (isReader(c.party)) return Object.values(t.world.req).filter((id) => !ids.includes(id)).map((id) => `misses request ${id}`);
        const problems: string[] = [];
        if (c.party.label.startsWith("supplier")) problems.push(...items.filter((x) => x.request.supplierId !== c.party.orgId).map((x) => `lists ${t.labelOf(x.request.supplierId)}'s request ${x.request.id}`));
        else if (c.party.label === "bankA" || c.party.label === "bankB") problems.push(...Object.values(t.world.req).filter((id) => !ids.includes(id)).map((id) => `misses request ${id} it may quote on`));
        else problems.push(...items.map((x) => `lists request ${x.request.id}`));
        return problems;
      }),
  },
  { endpoint: "POST /v1/financing-requests", run: (t) => writesOn(t, "request financing", "POST", () => "/v1/financing-requests", (id) => ({ receivableId: id }), t.certificates(), { roles: ["supplier"] }) },
  { endpoint: "GET /v1/financing-requests/{id}", run: (t) => reads(t, (id) => `/v1/financing-requests/${id}`, financingRequests(t.world)) },
  {
    endpoint: "GET /v1/financing-requests/{id}/quotes",
    run: (t) =>
      reads(t, (id) => `/v1/financing-requests/${id}/quotes`, financingRequests(t.world), {
        // a bank sees its own quotes only; the supplier compares them all
        check: (c, r, target) => {
          const banks = (r.body.items as { bankId: string }[]).map((q) => t.labelOf(q.bankId));
          if (c.party.roles.includes("bank")) return banks.filter((b) => b !== c.party.label).map((b) => `shows ${b}'s quote`);
          const quoted = target.id === t.world.req.A3 ? 1 : 2;
          if (c.party.label.startsWith("supplier") && banks.length < quoted) return `shows ${banks.length} of the ${quoted} quotes on ${target.what}`;
          return false;
        },
      }),
  },
  {
    endpoint: "GET /v1/financing-requests/{id}/dossier",
    run: (t) =>
      reads(
        t,
        (id) => `/v1/financing-requests/${id}/dossier`,
        // a credit officer's read: the banks the request is offered to, never its supplier's rivals or other members
        financingRequests(t.world).map((target) => ({ ...target, gets: target.gets.filter((x) => x.startsWith("bank")) })),
        {
          roles: ["bank"],
          // the history is in totals: another bank's financing or quote never appears
          check: (c, r) => {
            const theirs = Object.entries(t.world.fin).filter(([name]) => (name.startsWith("A") ? "bankA" : "bankB") !== c.party.label).map(([, id]) => id);
            return theirs.filter((id) => r.text.includes(id)).map((id) => `shows another bank's financing ${id}`);
          },
        },
      ),
  },
  {
    endpoint: "POST /v1/financing-requests/{id}/cancellation",
    run: (t) =>
      writesOn(t, "cancel", "POST", (id) => `/v1/financing-requests/${id}/cancellation`, undefined, financingRequests(t.world), {
        roles: ["supplier"],
        // its own supplier would cancel it: only strangers are probed
        skip: (c, target) => target.gets[0] === c.party.label,
      }),
  },
  {
    endpoint: "POST /v1/financing-requests/{id}/quotes",
    run: (t) =>
      writesOn(
        t,
        "quote",
        "POST",
        (id) => `/v1/financing-requests/${id}/quotes`,
        () => ({ advanceRateBp: 5000, annualRateBp: 100, dayCount: 365, fee: "0", recourse: false, validUntil: new Date(Date.now() + 3600_000).toISOString() }),
        financingRequests(t.world),
        { roles: ["bank"] },
      ),
  },
  {
    endpoint: "POST /v1/quotes/{id}/withdrawal",
    run: (t) =>
      writesOn(t, "withdraw", "POST", (id) => `/v1/quotes/${id}/withdrawal`, undefined, quoteTargets(t.world), {
        roles: ["bank"],
        skip: (c, target) => (c.party.label === "bankA" && target.id === t.world.quotes.B2bankA) || (c.party.label === "bankB" && target.id === t.world.quotes.B2bankB),
      }),
  },
  {
    endpoint: "GET /v1/quotes/{id}/terms",
    run: (t) =>
      reads(
        t,
        (id) => `/v1/quotes/${id}/terms`,
        quoteTargets(t.world).map((target) => ({ ...target, gets: [t.world.quotes.B2bankA, t.world.quotes.B2bankB].includes(target.id) ? ["supplierB"] : [], sees: target.gets.filter((x) => x.startsWith("supplier")) })),
        { roles: ["supplier"] },
      ),
  },
  {
    endpoint: "POST /v1/quotes/{id}/acceptance",
    run: (t) =>
      writesOn(t, "accept", "POST", (id) => `/v1/quotes/${id}/acceptance`, () => ({}), quoteTargets(t.world), {
        roles: ["supplier"],
        skip: (c, target) => c.party.label === "supplierB" && [t.world.quotes.B2bankA, t.world.quotes.B2bankB].includes(target.id),
      }),
  },
  {
    endpoint: "GET /v1/financings",
    run: (t) =>
      lists(t, "/v1/financings", (c, r) => {
        const items = r.body.items as { id: string; bankId: string; supplierId: string }[];
        if (isReader(c.party)) return Object.values(t.world.fin).filter((id) => !items.some((x) => x.id === id)).map((id) => `misses financing ${id}`);
        const problems = items.filter((x) => x.bankId !== c.party.orgId && x.supplierId !== c.party.orgId).map((x) => `lists the financing ${x.id} of ${t.labelOf(x.bankId)} to ${t.labelOf(x.supplierId)}`);
        const own = Object.entries(t.world.fin).filter(([name]) => (name.startsWith("A") ? ["supplierA", "bankA"] : ["supplierB", "bankB"]).includes(c.party.label));
        problems.push(...own.filter(([, id]) => !items.some((x) => x.id === id)).map(([name]) => `misses its financing ${name}`));
        return problems;
      }),
  },
  {
    endpoint: "GET /v1/financings/{id}",
    run: (t) =>
      reads(t, (id) => `/v1/financings/${id}`, [
        { what: "bank A's financing of A1", id: t.world.fin.A1, gets: ["supplierA", "bankA"] },
        { what: "bank A's financing of A3 (defaulted)", id: t.world.fin.A3, gets: ["supplierA", "bankA"] },
        { what: "bank B's financing of B1", id: t.world.fin.B1, gets: ["supplierB", "bankB"] },
      ]),
  },
];

export const financing: ProbeTable = { tag: "Financing", probes };
