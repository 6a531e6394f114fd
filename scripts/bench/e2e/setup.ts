import { loadSeeds, selectSeeds, type SeededOrganization } from "../../../backend/src/ops/seed";
import { BenchClient, pool } from "./client";

/** One lifecycle-to-be: a verified invoice of a tier-1 supplier, owed by one of the core enterprises. */
export interface Candidate {
  invoiceId: string;
  supplier: SeededOrganization;
  obligor: SeededOrganization;
  bank: SeededOrganization;
}

export interface BenchWorld {
  organizations: SeededOrganization[];
  suppliers: SeededOrganization[];
  cores: SeededOrganization[];
  banks: SeededOrganization[];
  issuer: SeededOrganization;
  candidates: Candidate[];
  setupSeconds: { seeds: number; money: number };
}

const LOTS = 10n ** 13n; // fen: far more than any run moves (5,000 certificates of at most 2.3 M yuan), within the development issuer cap (DEVELOPMENT_ISSUER_CAP)

/** The rural commercial bank lends only in Ganzhou, as in the demo. */
const lends = (bank: SeededOrganization, core: SeededOrganization) => !((bank.englishName ?? "").includes("Rural") && core.scenario !== "gz-furniture");

/**
 * Everything a lifecycle needs before it starts, through the public API (not timed): the
 * organizations onboarded on chain, the invoices submitted and verified, deposits for the banks
 * and the core enterprises, their repayment authorizations and every bank's credit lines.
 */
export async function prepareWorld(apiUrl: string, operatorKey: string, seedsDir: string, log: (l: string) => void): Promise<BenchWorld> {
  const t0 = Date.now();
  const seeds = await loadSeeds({
    baseUrl: apiUrl,
    operatorKey,
    seedsDir,
    waitForVerificationMs: 900_000,
    activeTimeoutMs: 300_000,
    concurrency: 8,
    log: (m) => log(`  seeds: ${m}`),
  });
  const t1 = Date.now();
  const orgs = seeds.organizations;
  const byUscc = new Map(orgs.map((o) => [o.uscc, o]));
  const cores = orgs.filter((o) => o.roles.includes("core_enterprise"));
  const banks = orgs.filter((o) => o.roles.includes("bank"));
  const suppliers = orgs.filter((o) => o.tier === 1);
  const issuer = orgs.find((o) => o.roles.includes("settlement_issuer"))!;
  const api = new BenchClient(apiUrl);

  const deposits = await pool([...banks, ...cores], 4, (org) => api.post("/v1/settlement/deposits", issuer.key, { organizationId: org.id, amount: LOTS.toString() }));
  await api.mined(deposits.map((d) => d.id), issuer.key);
  const auths = await pool(cores, 4, (c) => api.post("/v1/settlement/repayment-authorization", c.key, { amount: LOTS.toString() }));
  await Promise.all(auths.map((a, i) => api.mined([a.id], cores[i].key)));
  for (const bank of banks) {
    const ops: string[] = [];
    for (const core of cores.filter((c) => lends(bank, c))) {
      ops.push((await api.post("/v1/credit-lines", bank.key, { obligorId: core.id, limit: LOTS.toString() })).operation.id);
    }
    await api.mined(ops, bank.key);
  }
  // credit lines are usable once projected: wait until each bank sees its lines
  for (const bank of banks) {
    await api.until(`credit lines of ${bank.name}`, async () => {
      const lines: any = await api.get("/v1/credit-lines", bank.key);
      const items = Array.isArray(lines) ? lines : lines.items;
      return items.filter((l: any) => BigInt(l.limit ?? l.limitAmount ?? l.limit_amount ?? 0) > 0n).length >= cores.filter((c) => lends(bank, c)).length;
    }, 250);
  }
  const t2 = Date.now();

  const buyerOf = new Map(selectSeeds(seedsDir).invoices.map((i) => [`${i.supplier}/${i.invoice.invoiceNumber}`, i.invoice.buyerTaxId]));
  const bankTurn = new Map<string, number>();
  const candidates: Candidate[] = [];
  for (const inv of seeds.invoices.items) {
    if (inv.status !== "verified") continue;
    const supplier = byUscc.get(inv.supplier)!;
    const obligor = byUscc.get(buyerOf.get(`${inv.supplier}/${inv.invoiceNumber}`)!)!;
    const eligible = banks.filter((b) => lends(b, obligor));
    const turn = bankTurn.get(obligor.id) ?? 0;
    bankTurn.set(obligor.id, turn + 1);
    candidates.push({ invoiceId: inv.id, supplier, obligor, bank: eligible[turn % eligible.length] });
  }
  const unverified = seeds.invoices.items.filter((i) => i.status !== "verified").length;
  if (unverified) log(`  ${unverified} invoices did not verify; they are left out`);
  return { organizations: orgs, suppliers, cores, banks, issuer, candidates, setupSeconds: { seeds: (t1 - t0) / 1000, money: (t2 - t1) / 1000 } };
}
