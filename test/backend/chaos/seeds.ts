/**
 * A private seeds/ directory for one chaos round: one core enterprise, a few tier-1 suppliers, two
 * banks and the settlement issuer, with as many genuine invoices as the round needs, and the tax
 * bureau's matching records (no waybills, no earlier registry filings). The committed seeds/ hold
 * 546 genuine invoices in all; the long form needs thousands, so each round writes its own, with
 * fresh tax ids (each round is a fresh deployment, but fresh ids keep rounds from ever colliding).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUscc } from "../support/stack";
import type { Rng } from "./prng";

export interface ChaosSeeds {
  dir: string;
  core: string;
  suppliers: string[];
  banks: string[];
  issuer: string;
  /** Invoice numbers per supplier USCC. */
  invoices: Map<string, { invoiceNumber: string; total: bigint }[]>;
}

const today = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.now() + 8 * 3600_000 - n * 86_400_000).toISOString().slice(0, 10);

export function writeChaosSeeds(rng: Rng, o: { suppliers: number; invoicesPerSupplier: number; banks?: number }): ChaosSeeds {
  const dir = mkdtempSync(join(tmpdir(), "cf-chaos-seeds-"));
  const org = (name: string, roles: string[], tier: number | null, customers: string[] = []) => ({
    legalName: `${name}有限公司`,
    englishName: `${name} Co., Ltd.`,
    uscc: randomUscc(),
    roles,
    scenario: tier === null ? null : "chaos",
    tier,
    city: "重庆",
    customers,
    contact: { name: "Test", email: `finance@${name.toLowerCase().replace(/\W+/g, "-")}.example`, phone: "+86 23 0000 0000" },
  });
  const core = org("Chaos Core", ["core_enterprise"], 0);
  const suppliers = Array.from({ length: o.suppliers }, (_, i) => org(`Chaos Supplier ${i + 1}`, ["supplier"], 1, [core.uscc]));
  const banks = Array.from({ length: o.banks ?? 2 }, (_, i) => org(`Chaos Bank ${String.fromCharCode(65 + i)}`, ["bank"], null));
  const issuer = org("Chaos Clearing", ["settlement_issuer"], null);
  const organizations = [core, ...suppliers, ...banks, issuer];

  const invoices = new Map<string, { invoiceNumber: string; total: bigint }[]>();
  const files: unknown[] = [];
  const taxRecords: unknown[] = [];
  let serial = rng.int(1, 1_000_000);
  for (const s of suppliers) {
    const mine: { invoiceNumber: string; total: bigint }[] = [];
    for (let i = 0; i < o.invoicesPerSupplier; i++) {
      const invoiceNumber = `2650${String(rng.int(100, 999))}${String(serial++).padStart(13, "0")}`;
      // 50,000.00 to 900,000.00 yuan; 13% VAT included
      const total = BigInt(rng.int(5_000_000, 90_000_000));
      const tax = (total * 13n) / 113n;
      const body = {
        invoiceNumber,
        sellerTaxId: s.uscc,
        buyerTaxId: core.uscc,
        issueDate: daysAgo(rng.int(2, 30)),
        amount: (total - tax).toString(),
        tax: tax.toString(),
        total: total.toString(),
        currency: "CNY",
      };
      files.push({ scenario: "chaos", supplier: s.uscc, invoice: body });
      taxRecords.push({ ...body, invoiceCode: null, status: "normal", statusDate: null });
      mine.push({ invoiceNumber, total });
    }
    invoices.set(s.uscc, mine);
  }
  const write = (name: string, v: unknown) => writeFileSync(join(dir, name), JSON.stringify(v));
  write("organizations.json", {
    asOf: today(),
    scenarios: [{ id: "chaos", name: "混沌测试", englishName: "Chaos", description: "Generated for one chaos round." }],
    organizations,
  });
  write("invoices.json", { invoices: files });
  write("tax-bureau.json", { taxpayers: organizations.map((x) => ({ taxId: x.uscc, name: x.legalName, status: "normal" })), invoices: taxRecords });
  write("logistics.json", { carriers: [], waybills: [] });
  write("registry.json", { filings: [] });
  return { dir, core: core.uscc, suppliers: suppliers.map((s) => s.uscc), banks: banks.map((b) => b.uscc), issuer: issuer.uscc, invoices };
}
