import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadSeeds, type SeededOrganization, type SeedLoadResult } from "../seed";
import { DEFAULT_SEEDS_DIR } from "../../modules/invoices";
import { ApiClient, chunks, pool } from "./client";
import { showConsent, type ConsentShown } from "./consent";
import type { FeedShown } from "./feed";

const YUAN = 100n;
/** The steps runDemo plays; scripts/demo.ts adds the regulator's feed as the last. */
export const DEMO_STEPS = 11;
const DAY_MS = 86_400_000;

export interface DemoOptions {
  apiUrl: string;
  operatorKey: string;
  /** Moves the ledger's clock forward to `unixSeconds` (the development ledger only; the backend never does this). */
  advanceLedgerTo: (unixSeconds: number) => Promise<void>;
  log: (line: string) => void;
}

/** What the demo measured, for the summary. */
export interface DemoResult {
  seeds: SeedLoadResult;
  receivables: Record<string, any>[];
  financings: Record<string, any>[];
  acceptToFundedMs: number[];
  reconciliation: unknown;
  organizations: SeededOrganization[];
  overdueRepaid: number;
  consent: ConsentShown;
  /** The paused core enterprise's attempt to issue, refused: its problem code. */
  pausedIssue: string | null;
  /** Set by scripts/demo.ts once the feed is verified. */
  feed?: FeedShown;
  /** The date (China time) the ledger's clock was moved to, when the first certificates fell due. */
  maturedOn: string;
  /** Verified invoices the story left unregistered, per tier-1 supplier: the work left for the people. */
  keptInvoices: { supplier: SeededOrganization; invoices: { id: string; buyerTaxId: string; amount: string }[] }[];
}

/** The rural commercial bank lends only in its own region (Ganzhou); the others lend everywhere. */
export const lends = (bank: SeededOrganization, core: SeededOrganization) => !((bank.englishName ?? "").includes("Rural") && core.scenario !== "gz-furniture");

/** The maturity date `days` from now, as the API takes it (China Standard Time). */
export const maturity = (days: number) => new Date(Date.now() + days * DAY_MS + 8 * 3600_000).toISOString().slice(0, 10);

/**
 * The earliest maturity date the story can let fall due: the next midnight in China at least two
 * hours away (a certificate registered now must still be unmatured when it is confirmed and split).
 * The ledger's clock is moved past it by the grace period and no further, so that after the demo
 * the ledger's time and the platform's agree within two days (not the 130 days the story once
 * jumped): a maturity is a date, and a certificate turns overdue only after the grace period.
 */
export function firstMaturity(now = Date.now()): { date: string; instantMs: number } {
  const cst = now + 8 * 3600_000;
  let instantMs = Math.floor(cst / DAY_MS + 1) * DAY_MS - 8 * 3600_000;
  if (instantMs - now < 2 * 3600_000) instantMs += DAY_MS;
  return { date: new Date(instantMs + 8 * 3600_000).toISOString().slice(0, 10), instantMs };
}

/**
 * The grace period of the demo's ledger (its setParams at start): one day, the contract's minimum,
 * instead of three, so that the shortfall turns overdue one day after the first maturity.
 */
export const DEMO_GRACE_S = 86_400;

/** Verified invoices each tier-1 supplier keeps back from the story: registered (or left to register) by its people afterwards. */
const KEPT_FOR_PEOPLE = 3;

/**
 * Plays both scenarios through the public HTTP API: seeds (organizations onboarded on chain,
 * invoices verified, fakes caught), deposits, credit lines, registration, batch confirmation,
 * tier-2 and tier-3 splits, competing quotes, funding, maturity on the development ledger,
 * automatic clearing with one shortfall that turns overdue and is repaid, and a reconciliation report.
 */
export async function runDemo(o: DemoOptions): Promise<DemoResult> {
  const api = new ApiClient(o.apiUrl);
  const step = (n: number, title: string) => o.log(`\n[${n}/${DEMO_STEPS}] ${title}`);

  step(1, "Onboarding the consortium and verifying 606 invoices (tax bureau, logistics, pledge registry)");
  const seeds = await loadSeeds({ baseUrl: o.apiUrl, operatorKey: o.operatorKey, waitForVerificationMs: 180_000, activeTimeoutMs: 180_000, log: (m) => o.log(`      ${m}`) });
  const orgs = seeds.organizations;
  const byUscc = new Map(orgs.map((x) => [x.uscc, x]));
  const cores = orgs.filter((x) => x.roles.includes("core_enterprise"));
  // the first core enterprise will authorize a little less than it owes: one certificate falls short
  const shortCore = cores[0];
  const banks = orgs.filter((x) => x.roles.includes("bank"));
  const issuer = orgs.find((x) => x.roles.includes("settlement_issuer"))!;
  const caught = seeds.invoices.items.filter((i) => i.status === "rejected");
  const first = firstMaturity();
  o.log(`      ${orgs.length} organizations active on chain; ${seeds.invoices.items.length} invoices: ${seeds.invoices.items.filter((i) => i.status === "verified").length} verified, ${caught.length} rejected`);

  step(2, "Deposits, repayment authorizations and credit lines");
  const deposits = [...banks, ...cores].map((org) => ({ org, amount: 20_000_000_000n * YUAN }));
  const depositOps = await pool(deposits, 4, ({ org, amount }) => api.post("/v1/settlement/deposits", issuer.key, { organizationId: org.id, amount: amount.toString() }));
  await api.mined(depositOps.map((x) => x.id), issuer.key);
  await Promise.all(cores.filter((c) => c !== shortCore).map(async (c) => api.mined([(await api.post("/v1/settlement/repayment-authorization", c.key, { amount: (20_000_000_000n * YUAN).toString() })).id], c.key)));
  let lines = 0;
  for (const bank of banks) {
    const ops: string[] = [];
    for (const core of cores) {
      if (!lends(bank, core)) continue;
      ops.push((await api.post("/v1/credit-lines", bank.key, { obligorId: core.id, limit: (2_000_000_000n * YUAN).toString() })).operation.id);
    }
    await api.mined(ops, bank.key);
    lines += ops.length;
  }
  o.log(`      ${deposits.length} deposits, ${lines} credit lines, repayment authorized by ${cores.length} core enterprises`);

  step(3, "Tier-1 suppliers register receivables against their verified invoices");
  const tier1 = orgs.filter((x) => x.tier === 1);
  const registered: string[] = [];
  // kept back for later steps: two invoices a core enterprise (not the one that will fall short)
  // issues certificates on, and one the short core enterprise tries to issue on while paused
  const kept: { issue: { supplier: SeededOrganization; core: SeededOrganization; invoiceIds: string[] } | null; paused: { supplier: SeededOrganization; invoiceId: string } | null } = { issue: null, paused: null };
  const keptInvoices: DemoResult["keptInvoices"] = [];
  await pool(tier1, 4, async (supplier) => {
    const invoices: any[] = [];
    for (let after = ""; ; ) {
      const page = await api.get(`/v1/invoices?status=verified&limit=200${after ? `&after=${after}` : ""}`, supplier.key);
      invoices.push(...page.items.filter((i: any) => !i.receivableId));
      if (!page.next) break;
      after = page.next;
    }
    const other = invoices.filter((i: any) => i.buyerTaxId !== shortCore.uscc);
    if (!kept.issue && other.length >= 4) {
      const two = other.filter((i: any) => i.buyerTaxId === other[0].buyerTaxId).slice(-2);
      if (two.length === 2) kept.issue = { supplier, core: byUscc.get(two[0].buyerTaxId)!, invoiceIds: two.map((i: any) => i.id) };
    }
    const toShort = invoices.filter((i: any) => i.buyerTaxId === shortCore.uscc);
    if (!kept.paused && toShort.length >= 2) kept.paused = { supplier, invoiceId: toShort[toShort.length - 1].id };
    const keptIds = new Set([...(kept.issue?.supplier === supplier ? kept.issue.invoiceIds : []), ...(kept.paused?.supplier === supplier ? [kept.paused.invoiceId] : [])]);
    invoices.splice(0, invoices.length, ...invoices.filter((i: any) => !keptIds.has(i.id)));
    // the first few wait for the supplier's people (receivables for every core enterprise to confirm among them)
    const forPeople = invoices.slice(0, KEPT_FOR_PEOPLE);
    keptInvoices.push({ supplier, invoices: forPeople.map((i: any) => ({ id: i.id, buyerTaxId: i.buyerTaxId, amount: i.amount })) });
    invoices.splice(0, invoices.length, ...invoices.filter((i: any) => !forPeople.includes(i)));
    for (const batch of chunks(invoices, 100)) {
      // one in eight falls due first (the story's maturity); the others from 3 days to 4 months on, some near maturity after the demo
      const items = batch.map((inv: any, i: number) => ({ obligorId: byUscc.get(inv.buyerTaxId)!.id, invoiceIds: [inv.id], maturityDate: i % 8 === 0 ? first.date : maturity(3 + ((i * 7) % 117)) }));
      const r = await api.post("/v1/receivables", supplier.key, { items });
      registered.push(...r.items.map((x: any) => x.receivable.id));
    }
  });
  await api.until("registrations on chain", async () => {
    const counts = await Promise.all(cores.map(async (c) => (await api.get(`/v1/receivables?role=obligor&status=pending&limit=500`, c.key)).items.length));
    return counts.reduce((a, b) => a + b, 0) >= registered.length;
  }, 300_000);
  o.log(`      ${registered.length} receivables registered (Pending)`);

  step(4, "Core enterprises confirm in batches (one ledger transaction per batch)");
  let confirmed = 0;
  for (const core of cores) {
    const pending = (await api.get(`/v1/receivables?role=obligor&status=pending&limit=500`, core.key)).items;
    for (const batch of chunks(pending, 200)) {
      const r = await api.post("/v1/receivables/confirmations", core.key, { receivableIds: batch.map((x: any) => x.id) });
      await api.mined([r.items[0].operation.id], core.key);
      confirmed += batch.length;
    }
  }
  await api.until("confirmations indexed", async () => {
    const n = await Promise.all(cores.map(async (c) => (await api.get(`/v1/receivables?role=obligor&status=confirmed&limit=500`, c.key)).items.length));
    return n.reduce((a, b) => a + b, 0) >= confirmed;
  });
  o.log(`      ${confirmed} certificates confirmed`);

  step(5, "Certificates travel down the chain: tier-1 → tier-2 → tier-3 splits, each part accepted by its supplier (签收)");
  const seedOrgs: { uscc: string; customers: string[]; tier: number }[] = JSON.parse(readFileSync(join(DEFAULT_SEEDS_DIR, "organizations.json"), "utf8")).organizations;
  const customersOf = new Map(seedOrgs.map((s) => [s.uscc, s.customers ?? []]));
  let splits = 0;
  const used = new Set<string>();
  for (const tier of [2, 3]) {
    const takers = orgs.filter((x) => x.tier === tier);
    for (const taker of takers) {
      const customer = customersOf.get(taker.uscc)?.map((u) => byUscc.get(u)).find(Boolean);
      if (!customer) continue;
      // a tier-(T-1) supplier passes on what it holds at its own level: originals at tier 1 (split depth 0), parts at tier 2 (depth 1)
      const held = (await api.get(`/v1/receivables?status=confirmed&limit=500`, customer.key)).items.filter((r: any) => r.tier === tier - 2);
      const cert = held.find((r: any) => BigInt(r.amount) >= 200_000n * YUAN && !used.has(r.id));
      if (!cert) continue;
      used.add(cert.id);
      const part = (BigInt(cert.amount) * 40n) / 100n;
      const r = await api.post(`/v1/receivables/${cert.id}/splits`, customer.key, {
        parts: [
          { organizationId: taker.id, amount: part.toString() },
          { organizationId: customer.id, amount: (BigInt(cert.amount) - part).toString() },
        ],
      });
      await api.mined([r.operation.id], customer.key);
      await api.until(`split of ${cert.id} indexed`, async () => (await api.get(`/v1/receivables/${cert.id}`, customer.key)).status === "split");
      // the taker's part waits in its inbox (待签收) until it accepts it (签收)
      const offer = await api.until(`the part of ${cert.id} offered to ${taker.uscc}`, async () =>
        (await api.get("/v1/receivables/offers", taker.key)).items.find((o: any) => o.receivable.parentId === cert.id),
      );
      const accepted = await api.post("/v1/receivables/acceptances", taker.key, { receivableIds: [offer.receivableId] });
      await api.mined([accepted.items[0].operation.id], taker.key);
      splits++;
    }
    await api.until(`tier-${tier} parts indexed`, async () => {
      const got = await Promise.all(takers.map(async (t) => (await api.get(`/v1/receivables?status=confirmed&limit=500`, t.key)).items.length));
      return got.filter((n) => n > 0).length > 0;
    });
  }
  o.log(`      ${splits} splits; each part accepted (签收) by the tier-2 or tier-3 supplier it was offered to`);

  step(6, "Financing: requests, competing quotes, acceptance of the cheapest, funding");
  const acceptToFundedMs: number[] = [];
  const suppliers = orgs.filter((x) => x.tier !== null && x.tier >= 1);
  const candidates: { supplier: SeededOrganization; cert: any }[] = [];
  for (const supplier of suppliers) {
    const held = (await api.get(`/v1/receivables?status=confirmed&limit=500`, supplier.key)).items;
    // every tier finances some of what it holds: a third of tier-1's, all of the smaller tiers'
    // not those falling due first: a certificate maturing within a day is too late to finance (they are cleared to their holders)
    held
      .filter((cert: any) => Date.parse(cert.maturity) > first.instantMs)
      .filter((_: any, i: number) => supplier.tier! > 1 || i % 3 === 0)
      .forEach((cert: any) => candidates.push({ supplier, cert }));
  }
  const financings: any[] = [];
  await pool(candidates, 6, async ({ supplier, cert }, i) => {
    const req = await api.post("/v1/financing-requests", supplier.key, { receivableId: cert.id });
    const core = orgs.find((c) => c.id === cert.obligorId)!;
    const eligible = banks.filter((b) => lends(b, core));
    const validUntil = new Date(Date.now() + 3600_000).toISOString();
    await Promise.all(
      eligible.map((bank, j) =>
        api.post(`/v1/financing-requests/${req.id}/quotes`, bank.key, {
          advanceRateBp: 8800 + ((i + j * 3) % 5) * 100,
          annualRateBp: 360 + ((i * 7 + j * 13) % 9) * 15,
          dayCount: j % 2 === 0 ? 360 : 365,
          fee: String(((i + j) % 4) * 5_000),
          recourse: (i + j) % 5 === 0,
          validUntil,
        }),
      ),
    );
    const quotes = (await api.get(`/v1/financing-requests/${req.id}/quotes`, supplier.key)).items;
    const financing = await api.post(`/v1/quotes/${quotes[0].id}/acceptance`, supplier.key);
    const funded = await api.until(`funding ${financing.id}`, async () => {
      const f = await api.waitingGet(`/v1/financings/${financing.id}`, supplier.key);
      if (f.status === "failed") throw new Error(`financing ${f.id} failed: ${f.failure?.reason}`);
      return f.status === "funded" ? f : null;
    }, 120_000, 0);
    acceptToFundedMs.push(Date.parse(funded.fundedAt) - Date.parse(funded.acceptedAt));
    financings.push(funded);
  });
  o.log(`      ${financings.length} certificates financed by ${new Set(financings.map((f) => f.bankId)).size} banks`);

  step(7, "Consent (签收 / 拒签) and payment terms: an issue signed for by an SME agreeing to its term, a transfer refused");
  if (!kept.issue) throw new Error("the demo kept no invoices back for the issue");
  const consent = await showConsent(api, { ...kept.issue, taker: orgs.find((x) => x.tier === 2)!, log: o.log });

  step(8, `Maturity: the development ledger's clock moves to ${first.date} 00:00 (China time), when the first certificates fall due, and a day's grace on; the keeper clears them`);
  const matured = (r: any) => Date.parse(r.maturity) <= first.instantMs;
  // the short core enterprise authorizes a little less than what falls due first: one certificate falls short
  const dueFirst = (await api.get(`/v1/receivables?role=obligor&limit=500`, shortCore.key)).items
    .filter((r: any) => ["confirmed", "financed"].includes(r.status) && matured(r))
    .reduce((sum: bigint, r: any) => sum + BigInt(r.amount), 0n);
  if (dueFirst === 0n) throw new Error(`nothing owed by ${shortCore.englishName ?? shortCore.name} falls due on ${first.date}`);
  const shortfall = dueFirst / 4n < 50_000n * YUAN ? dueFirst / 4n : 50_000n * YUAN;
  await api.mined([(await api.post("/v1/settlement/repayment-authorization", shortCore.key, { amount: (dueFirst - shortfall).toString() })).id], shortCore.key);
  // to the first maturity: the keeper clears what is authorized; then past the day's grace: what fell short turns overdue
  await o.advanceLedgerTo(Math.ceil(first.instantMs / 1000) + 60);
  await api.until("the first maturities cleared as far as authorized", async () => {
    const all = (await Promise.all(cores.map(async (c) => (await api.get(`/v1/receivables?role=obligor&limit=500`, c.key)).items))).flat();
    return !all.some((r: any) => ["confirmed", "financed"].includes(r.status) && matured(r) && r.obligorId !== shortCore.id);
  }, 300_000);
  await o.advanceLedgerTo(Math.ceil(first.instantMs / 1000) + DEMO_GRACE_S + 60);
  const afterMaturity = await api.until("every due certificate to be settled or overdue", async () => {
    const all = (await Promise.all(cores.map(async (c) => (await api.get(`/v1/receivables?role=obligor&limit=500`, c.key)).items))).flat();
    return all.some((r: any) => ["confirmed", "financed"].includes(r.status) && matured(r)) ? null : all;
  }, 300_000);
  const overdue = afterMaturity.filter((r: any) => r.status === "overdue");
  o.log(`      ${afterMaturity.filter((r: any) => r.status === "settled").length} settled, ${overdue.length} overdue (${shortCore.englishName ?? shortCore.name} fell ${shortfall / YUAN} yuan short)`);
  const standing = await api.until("the short core enterprise's standing", async () => {
    const s = await api.get(`/v1/obligors/${shortCore.id}/standing`, shortCore.key);
    return !overdue.length || s.paused ? s : null;
  });
  if (standing.paused) o.log(`      ${shortCore.englishName ?? shortCore.name} is paused as a delinquent obligor (certificates ${standing.certificateIds.join(", ")}): it may neither issue nor confirm until it pays`);
  let pausedIssue: string | null = null;
  if (standing.paused && kept.paused) {
    const tried = await api.attempt("/v1/receivables/issuances", shortCore.key, { items: [{ supplierId: kept.paused.supplier.id, invoiceIds: [kept.paused.invoiceId], maturityDate: maturity(160) }] });
    pausedIssue = tried.body?.code ?? String(tried.status);
    o.log(`      its attempt to issue another certificate is refused: ${tried.status} ${pausedIssue}`);
  }

  step(9, "The core enterprise tops up its repayment authorization; the overdue certificate is collected");
  await api.mined([(await api.post("/v1/settlement/repayment-authorization", shortCore.key, { amount: (20_000_000_000n * YUAN).toString() })).id], shortCore.key);
  for (const r of overdue) {
    await api.until(`certificate ${r.id} to be repaid`, async () => (await api.get(`/v1/receivables/${r.id}`, shortCore.key)).status === "settled");
  }
  await api.until("the short core enterprise to be resumed", async () => !(await api.get(`/v1/obligors/${shortCore.id}/standing`, shortCore.key)).paused);
  o.log(`      ${overdue.length} overdue certificate(s) repaid in full to its holder; ${shortCore.englishName ?? shortCore.name} may issue and confirm again`);

  step(10, "Reconciliation: a bank's report of its on-chain book against the platform's records");
  const bank = banks.find((b) => financings.some((f) => f.bankId === b.id)) ?? banks[0];
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  const reconciliation = await api.get(`/v1/reconciliation/report?date=${today}`, bank.key).catch((e: Error) => ({ error: e.message }));
  o.log(`      report for ${bank.englishName ?? bank.name} on ${today}: ${summarizeReport(reconciliation)}`);

  const receivables = (await Promise.all(cores.map(async (c) => (await api.get(`/v1/receivables?role=obligor&limit=500`, c.key)).items))).flat();
  return { seeds, receivables, financings, acceptToFundedMs, reconciliation, organizations: orgs, overdueRepaid: overdue.length, consent, pausedIssue, maturedOn: first.date, keptInvoices };
}

function summarizeReport(report: any): string {
  if (!report || report.error) return `not available (${report?.error ?? "no report"})`;
  const items = report.items ?? report.financings ?? [];
  const mismatches = report.mismatches ?? [];
  return `${Array.isArray(items) ? items.length : 0} financings, ${Array.isArray(mismatches) ? mismatches.length : 0} mismatches`;
}
