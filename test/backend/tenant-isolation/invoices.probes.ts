import { randomBytes } from "node:crypto";
import { SEED_USCC, cleanSeedInvoices } from "../support/openapi-probe";
import { Findings, lists, reads, unchanged } from "./checks";
import { each, type ProbeTable, type TenantProbe } from "./probe";
import { hasRole, isReader, type Tenants } from "./world";

/** Submits another supplier's invoice as one's own: refused, nothing stored. */
async function invoiceInNameOfAnother(t: Tenants, batch: boolean) {
  const { callers, call, leaks } = t;
  const f = new Findings(t);
  await unchanged(t, "submit", f, async () => {
    await each(callers, async (c) => {
      const [invoice] = cleanSeedInvoices(c.party.label === "supplierA" ? SEED_USCC.supplierB : SEED_USCC.supplierA, c.party.label === "supplierA" ? SEED_USCC.coreB : SEED_USCC.coreA, 1);
      const forged = { ...invoice, invoiceNumber: `2650${Date.now()}${randomBytes(2).readUInt16BE(0) % 10000}`.padEnd(20, "7").slice(0, 20) };
      const body = batch ? { invoices: [forged] } : forged;
      const r = await call("POST", batch ? "/v1/invoices/batch" : "/v1/invoices", c.person.key, body);
      const what = `${c.name} submits an invoice in ${invoice.sellerTaxId}'s name`;
      const expected = hasRole(c.party, ["supplier"]) ? 422 : 403;
      if (r.status !== expected) f.add(what, `status ${r.status} (expected ${expected}): ${r.text.slice(0, 200)}`);
      if (expected === 422 && !(r.body?.errors ?? []).some((e: { field: string }) => /sellerTaxId$/.test(e.field))) f.add(what, `no error names the seller: ${r.text.slice(0, 200)}`);
      f.add(what, leaks(r, c.party, [JSON.stringify(body)]));
    });
  });
  f.done();
}

/** A supplier's invoices are its own: nobody else reads them, nor submits one in its name. */
const probes: TenantProbe[] = [
  {
    endpoint: "GET /v1/invoices",
    run: async (t) => {
      const { world } = t;
      const all = [...world.invoices.usedA, ...world.invoices.freeA, ...world.invoices.usedB, ...world.invoices.freeB];
      await lists(t, "/v1/invoices?limit=200", (c, r) => {
        const items = r.body.items as { id: string; sellerTaxId: string }[];
        if (isReader(c.party)) return all.filter((id) => !items.some((i) => i.id === id)).map((id) => `misses invoice ${id}`);
        const problems = items.filter((i) => i.sellerTaxId !== c.party.uscc).map((i) => `lists invoice ${i.id} of ${i.sellerTaxId}`);
        if (c.party.label.startsWith("supplier") && items.length === 0) problems.push("misses its own invoices");
        return problems;
      });
      // paging from another supplier's invoice must not widen the scope
      await lists(t, (c) => `/v1/invoices?limit=200&after=${(c.party.label === "supplierA" ? world.invoices.usedB : world.invoices.usedA)[0]}`, (c, r) =>
        isReader(c.party) ? false : (r.body.items as { id: string; sellerTaxId: string }[]).filter((i) => i.sellerTaxId !== c.party.uscc).map((i) => `lists invoice ${i.id} of ${i.sellerTaxId}`),
        { sent: (c) => [(c.party.label === "supplierA" ? world.invoices.usedB : world.invoices.usedA)[0]] },
      );
    },
  },
  { endpoint: "POST /v1/invoices", run: (t) => invoiceInNameOfAnother(t, false) },
  { endpoint: "POST /v1/invoices/batch", run: (t) => invoiceInNameOfAnother(t, true) },
  {
    endpoint: "GET /v1/invoices/{id}",
    run: (t) =>
      reads(t, (id) => `/v1/invoices/${id}`, [
        { what: "supplier A's invoice (backing A1)", id: t.world.invoices.usedA[0], gets: ["supplierA"] },
        { what: "supplier A's free invoice", id: t.world.invoices.freeA[0], gets: ["supplierA"] },
        { what: "supplier B's invoice (backing B1)", id: t.world.invoices.usedB[0], gets: ["supplierB"] },
        { what: "supplier B's free invoice", id: t.world.invoices.freeB[0], gets: ["supplierB"] },
      ]),
  },
];

export const invoices: ProbeTable = { tag: "Invoices", probes };
