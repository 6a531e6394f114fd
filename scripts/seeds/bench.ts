import { AS_OF, generateSeeds, type GeneratedSeeds } from "./generator";
import type { SeedInvoice, SeedOrganization, SeedTaxBureau } from "../../backend/src/modules/invoices/adapters/seed-files";

/**
 * A data set for the end-to-end benchmark (`npm run bench:e2e`): the demo's core enterprises,
 * tier-1 suppliers (the shell company left out), banks and settlement issuer, and `count` genuine
 * invoices from the tier-1 suppliers to their customers, each on record at the tax bureau, so that
 * every one verifies and can back one receivable lifecycle. No frauds, no waybills (one map lookup
 * each, which the benchmark does not need), no earlier registry filings. Deterministic: the same
 * `count` writes the same files. Written to a directory of its own (SEEDS_DIR points the local
 * adapters at it), never over the committed demo seeds.
 */
export function generateBenchSeeds(count: number): GeneratedSeeds {
  const demo = generateSeeds();
  const taxpayers = new Set(demo["tax-bureau.json"].taxpayers.map((t) => t.taxId));
  const keep = (o: SeedOrganization) => taxpayers.has(o.uscc) && (o.tier === null || o.tier <= 1);
  const organizations = demo["organizations.json"].organizations.filter(keep);
  const suppliers = organizations.filter((o) => o.tier === 1);
  const region = (o: SeedOrganization) => o.uscc.slice(2, 4);

  const invoices: SeedInvoice[] = [];
  const records: SeedTaxBureau["invoices"] = [];
  for (let i = 0; i < count; i++) {
    const sellerIndex = i % suppliers.length;
    const seller = suppliers[sellerIndex];
    const serial = Math.floor(i / suppliers.length);
    const buyer = seller.customers[serial % seller.customers.length];
    // 50,000 to 2,000,000 yuan, spread deterministically
    const fen = 5_000_000n + BigInt((i * 7_919) % 195_000) * 1_000n;
    const tax = (fen * 13n + 50n) / 100n;
    const issueDate = new Date(Date.parse(`${AS_OF}T00:00:00Z`) - ((i * 37) % 180) * 86_400_000).toISOString().slice(0, 10);
    // the 20-digit number of a fully digital invoice (数电票): year, region, 2, seller, serial
    const invoiceNumber = `26${region(seller)}2${String(900 + sellerIndex).padStart(3, "0")}${String(serial).padStart(12, "0")}`;
    const invoice = {
      invoiceNumber,
      sellerTaxId: seller.uscc,
      buyerTaxId: buyer,
      issueDate,
      amount: fen.toString(),
      tax: tax.toString(),
      total: (fen + tax).toString(),
      currency: "CNY",
    };
    invoices.push({ scenario: seller.scenario!, supplier: seller.uscc, invoice });
    records.push({ invoiceCode: null, ...invoice, status: "normal", statusDate: null });
  }
  return {
    "organizations.json": { ...demo["organizations.json"], organizations },
    "invoices.json": { invoices },
    "tax-bureau.json": { taxpayers: demo["tax-bureau.json"].taxpayers, invoices: records },
    "logistics.json": { carriers: demo["logistics.json"].carriers, waybills: [] },
    "registry.json": { filings: [] },
  };
}
