import { randomBytes } from "node:crypto";
import { SEED_USCC, cleanSeedInvoices } from "../support/openapi-probe";
import { Findings, lists, reads, unchanged, writesOn } from "./checks";
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

/** Uploads a tax-platform CSV with another supplier's invoice as one's own: refused naming the row's seller column, nothing stored. */
async function fileInNameOfAnother(t: Tenants) {
  const { callers, call, leaks } = t;
  const f = new Findings(t);
  await unchanged(t, "submit a file", f, async () => {
    await each(callers, async (c) => {
      const [invoice] = cleanSeedInvoices(c.party.label === "supplierA" ? SEED_USCC.supplierB : SEED_USCC.supplierA, c.party.label === "supplierA" ? SEED_USCC.coreB : SEED_USCC.coreA, 1);
      const number = `2650${Date.now()}${randomBytes(2).readUInt16BE(0) % 10000}`.padEnd(20, "7").slice(0, 20);
      const csv = `数电发票号码,销方识别号,购方识别号,开票日期,金额,税额,价税合计\n${number},${String(invoice.sellerTaxId)},${String(invoice.buyerTaxId)},2026-11-03,100.00,13.00,113.00\n`;
      const body = { name: "export.csv", content: Buffer.from(csv).toString("base64") };
      const r = await call("POST", "/v1/invoices/files", c.person.key, body);
      const what = `${c.name} uploads a file of an invoice in ${String(invoice.sellerTaxId)}'s name`;
      const expected = hasRole(c.party, ["supplier"]) ? 422 : 403;
      if (r.status !== expected) f.add(what, `status ${r.status} (expected ${expected}): ${r.text.slice(0, 200)}`);
      if (expected === 422 && !(r.body?.errors ?? []).some((e: { field: string }) => /^file\.rows\.2\.销方识别号$/.test(e.field))) f.add(what, `no error names the row's seller: ${r.text.slice(0, 200)}`);
      f.add(what, leaks(r, c.party, [String(invoice.sellerTaxId), String(invoice.buyerTaxId)]));
    });
  });
  f.done();
}

/** The invoices of both suppliers as targets of a change: each supplier is party to its own (a refusal: 409, they are verified), nobody else to any. */
const invoiceTargets = (t: Tenants) => [
  { what: "supplier A's invoice (backing A1)", id: t.world.invoices.usedA[0], gets: ["supplierA" as const] },
  { what: "supplier A's free invoice", id: t.world.invoices.freeA[0], gets: ["supplierA" as const] },
  { what: "supplier B's invoice (backing B1)", id: t.world.invoices.usedB[0], gets: ["supplierB" as const] },
  { what: "supplier B's free invoice", id: t.world.invoices.freeB[0], gets: ["supplierB" as const] },
];

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
  { endpoint: "POST /v1/invoices/files", run: (t) => fileInNameOfAnother(t) },
  // a template is no tenant's data: everyone gets the same file, with nothing of anyone in it
  { endpoint: "GET /v1/invoices/files/template", run: (t) => lists(t, "/v1/invoices/files/template?format=csv", () => false) },
  {
    endpoint: "POST /v1/invoices/{id}/correction",
    run: (t) =>
      writesOn(
        t,
        "correct",
        "POST",
        (id) => `/v1/invoices/${id}/correction`,
        (_id, c) => ({ ...cleanSeedInvoices(SEED_USCC.supplierA, SEED_USCC.coreA, 1)[0], sellerTaxId: c.party.uscc, invoiceNumber: `2650${Array.from(randomBytes(16), (b) => b % 10).join("")}`, waybillNumbers: [] }),
        invoiceTargets(t),
        { roles: ["supplier"] },
      ),
  },
  { endpoint: "DELETE /v1/invoices/{id}", run: (t) => writesOn(t, "delete", "DELETE", (id) => `/v1/invoices/${id}`, undefined, invoiceTargets(t), { roles: ["supplier"] }) },
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
