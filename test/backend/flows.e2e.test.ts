import { describe, it, expect, beforeAll, afterAll } from "vitest";
import hre from "hardhat";
import { Stack } from "./support/stack";
import { eventually, type Api } from "./support/http";
import { loadSeeds, type SeededOrganization } from "../../backend/src/ops/seed";

/**
 * The business flows end to end through the public API on the real stack (Postgres, Redis, BullMQ
 * workers, the ledger over JSON-RPC, the indexer): settlement accounts, credit lines, registration
 * against verified invoices, batch confirmation, rejection, issue and splits down the chain (each
 * accepted by its receiver, 签收), the financing marketplace, funding, and clearing at maturity
 * including a shortfall that is repaid later.
 */
const YUAN = 100n;
const CORE = "91500112MA8Q2595Y2"; // Yuchuan Automobile Group (cq-auto)
const OTHER_CORE = "91510112MAQGW5Q7HW"; // Shuneng Power Battery (cq-auto)
const TIER1 = "91500109MALJ2FN9Q6"; // Chongqing Zhonghe Automotive (sells to Yuchuan)
const TIER2 = "91500109MA12KDNP3R"; // Chongqing Shujin Precision (sells to Zhonghe)
const TIER2B = "91510112MA77QXWF6P"; // Chengdu Dingxin Injection (sells to Zhonghe)

describe("business flows", () => {
  let stack: Stack;
  let api: Api;
  let orgs: Map<string, SeededOrganization>;
  const as = (uscc: string) => ({ key: orgs.get(uscc)!.key });
  const idOf = (uscc: string) => orgs.get(uscc)!.id;
  const banks = () => [...orgs.values()].filter((o) => o.roles.includes("bank"));
  const issuer = () => [...orgs.values()].find((o) => o.roles.includes("settlement_issuer"))!;

  const mined = (operationId: string, key: string) =>
    eventually(async () => {
      const r = await api.get(`/v1/operations/${operationId}`, { key });
      if (r.body.status === "failed") throw new Error(`operation ${operationId} failed: ${JSON.stringify(r.body.error)}`);
      return r.body.status === "mined" ? r.body : null;
    }, 30_000, `operation ${operationId}`);
  const receivable = (id: string, key: string, status: string) =>
    eventually(async () => {
      const r = await api.get(`/v1/receivables/${id}`, { key });
      return r.body.status === status ? r.body : null;
    }, 30_000, `receivable ${id} to be ${status}`);
  const maturity = (days: number) => new Date(Date.now() + days * 86_400_000 + 8 * 3600_000).toISOString().slice(0, 10);
  /** The supplier accepts (签收) every offer waiting for it, and waits until they are its own. */
  const acceptAll = async (uscc: string) => {
    const offers = await eventually(async () => {
      const items = (await api.get("/v1/receivables/offers", as(uscc))).body.items;
      return items.length ? items : null;
    }, 20_000, `offers to ${uscc}`);
    const r = await api.post("/v1/receivables/acceptances", { receivableIds: offers.map((o: { receivableId: string, agreeToTermBeyond60Days: true }) => o.receivableId) }, as(uscc));
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    for (const o of offers) await receivable(o.receivableId, as(uscc).key, "confirmed");
  };
  const verifiedInvoices = async (uscc: string, buyer = CORE) =>
    (await api.get("/v1/invoices?status=verified&limit=100", as(uscc))).body.items.filter((i: { receivableId: string | null; buyerTaxId: string }) => !i.receivableId && i.buyerTaxId === buyer);

  beforeAll(async () => {
    stack = await Stack.start({ env: { KEEPER_INTERVAL_MS: "300", KEEPER_RETRY_MS: "500", REQUEST_BODY_LIMIT: "1mb" } });
    api = stack.api;
    const seeded = await loadSeeds({
      baseUrl: api.baseUrl,
      operatorKey: stack.operatorKey,
      subset: { scenarios: ["cq-auto"], suppliers: [TIER1, TIER2, TIER2B], invoices: (inv) => !inv.expected, invoicesPerSupplier: 10 },
      waitForVerificationMs: 60_000,
      activeTimeoutMs: 60_000,
    });
    orgs = new Map(seeded.organizations.map((o) => [o.uscc, o]));
    // money: the issuer deposits for the banks and the core enterprise; the core authorizes repayment
    const deposits = [...banks().map((b) => [b.id, 10_000_000_000n * YUAN] as const), [idOf(CORE), 10_000_000_000n * YUAN] as const];
    const ops = [];
    for (const [organizationId, amount] of deposits) {
      const r = await api.post("/v1/settlement/deposits", { organizationId, amount: amount.toString() }, { key: issuer().key });
      expect(r.status).toBe(202);
      ops.push(r.body.id);
    }
    for (const op of ops) await mined(op, issuer().key);
    const auth = await api.post("/v1/settlement/repayment-authorization", { amount: (10_000_000_000n * YUAN).toString() }, as(CORE));
    await mined(auth.body.id, orgs.get(CORE)!.key);
    // two banks open credit lines on the core enterprise; the third does not
    for (const bank of banks().slice(0, 2)) {
      const line = await api.post("/v1/credit-lines", { obligorId: idOf(CORE), limit: (500_000_000n * YUAN).toString() }, { key: bank.key });
      expect(line.status).toBe(202);
      await mined(line.body.operation.id, bank.key);
    }
  }, 240_000);
  afterAll(async () => stack?.close());

  let certificate: { id: string; amount: string };

  it("registers receivables against verified invoices and confirms them in one batch", async () => {
    const invoices = await verifiedInvoices(TIER1);
    expect(invoices.length).toBeGreaterThanOrEqual(4);
    const registered = await api.post(
      "/v1/receivables",
      { items: [0, 1, 2].map((i) => ({ obligorId: idOf(CORE), invoiceIds: [invoices[i].id], maturityDate: maturity(90) })) },
      as(TIER1),
    );
    expect(registered.status, JSON.stringify(registered.body)).toBe(202);
    const ids: string[] = registered.body.items.map((x: { receivable: { id: string } }) => x.receivable.id);
    for (const id of ids) await receivable(id, as(TIER1).key, "pending");
    const [first] = await Promise.all(ids.map((id) => api.get(`/v1/receivables/${id}`, as(TIER1))));
    expect(first.body.amount).toBe(invoices[0].total);

    const confirmed = await api.post("/v1/receivables/confirmations", { receivableIds: ids }, as(CORE));
    expect(confirmed.status).toBe(202);
    expect(new Set(confirmed.body.items.map((x: { operation: { id: string } }) => x.operation.id)).size).toBe(1); // one transaction for the batch
    for (const id of ids) await receivable(id, as(CORE).key, "confirmed");
    certificate = (await api.get(`/v1/receivables/${ids[0]}`, as(TIER1))).body;
    // the core enterprise sees the invoice evidence of what it confirmed; a stranger does not
    const evidence = await api.get(`/v1/receivables/${ids[0]}/invoices`, as(CORE));
    expect(evidence.body.items.map((i: { id: string; status: string }) => [i.id, i.status])).toEqual([[invoices[0].id, "verified"]]);
    expect((await api.get(`/v1/receivables/${ids[0]}/invoices`, as(OTHER_CORE))).status).toBe(404);

    const calendar = await api.get("/v1/payables/calendar", as(CORE));
    expect(calendar.body.days.length).toBeGreaterThan(0);
    expect(calendar.body.days[0].payees[0].organizationId).toBe(idOf(TIER1));
  });

  it("lets the core enterprise issue a certificate straight to its supplier, which accepts it (签收)", async () => {
    const [invoice] = await verifiedInvoices(TIER1);
    const issued = await api.post("/v1/receivables/issuances", { items: [{ supplierId: idOf(TIER1), invoiceIds: [invoice.id], maturityDate: maturity(75) }] }, as(CORE));
    expect(issued.status, JSON.stringify(issued.body)).toBe(202);
    const id = issued.body.items[0].receivable.id;
    const offered = await receivable(id, as(TIER1).key, "offered");
    expect(offered.offer).toMatchObject({ kind: "issue", fromOrganizationId: idOf(CORE), toOrganizationId: idOf(TIER1) });
    const accepted = await api.post("/v1/receivables/acceptances", { receivableIds: [id], agreeToTermBeyond60Days: true }, as(TIER1));
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(202);
    const r = await receivable(id, as(TIER1).key, "confirmed");
    expect([r.origin, r.holderId, r.obligorId, r.amount, r.offer]).toEqual(["issued", idOf(TIER1), idOf(CORE), invoice.total, null]);
    // an invoice backs one certificate only
    const again = await api.post("/v1/receivables/issuances", { items: [{ supplierId: idOf(TIER1), invoiceIds: [invoice.id], maturityDate: maturity(75) }] }, as(CORE));
    expect(again.status).toBe(409);
  });

  it("releases the invoice of a rejected receivable so that a corrected one can be registered", async () => {
    const [invoice] = (await verifiedInvoices(TIER1)).slice(-1);
    const r = await api.post("/v1/receivables", { items: [{ obligorId: idOf(CORE), invoiceIds: [invoice.id], maturityDate: maturity(60) }] }, as(TIER1));
    const id = r.body.items[0].receivable.id;
    await receivable(id, as(TIER1).key, "pending");
    // the supplier's systems hear of it (the delivery itself is the webhook suite's; its payload is kept)
    const hook = await api.post("/v1/webhooks", { url: "https://erp.tier1.example/hook", events: ["receivable.rejected"] }, as(TIER1));
    expect(hook.status).toBe(201);
    // a reason longer than the ledger's 31 bytes: the ledger keeps its hash, the platform its text
    const reason = "送货地址与合同不符，请按合同第三条重新开具发票";
    const rejected = await api.post("/v1/receivables/rejections", { receivableIds: [id], reason }, as(CORE));
    expect(rejected.status).toBe(202);
    // the supplier reads why on its certificate, and in the webhook
    const seen = await receivable(id, as(TIER1).key, "rejected");
    expect(seen.rejection).toEqual({ reason, reasonHash: expect.stringMatching(/^0x[0-9a-f]{64}$/) });
    const [delivered] = await eventually(
      async () => {
        const rows = await stack.ds.query(`SELECT payload FROM webhook_deliveries WHERE subscription_id = $1 AND event_type = 'receivable.rejected'`, [hook.body.id]);
        return rows.length ? rows : null;
      },
      10_000,
      "the rejection's webhook",
    );
    const payload = typeof delivered.payload === "string" ? JSON.parse(delivered.payload) : delivered.payload;
    expect([payload.data.receivableId, payload.data.reason, payload.data.reasonHash]).toEqual([id, reason, seen.rejection.reasonHash]);
    await api.delete(`/v1/webhooks/${hook.body.id}`, as(TIER1));
    const again = await eventually(async () => {
      const x = await api.post("/v1/receivables", { items: [{ obligorId: idOf(CORE), invoiceIds: [invoice.id], maturityDate: maturity(60) }] }, as(TIER1));
      return x.status === 202 ? x : null;
    }, 10_000, "the invoice to be released");
    await receivable(again.body.items[0].receivable.id, as(TIER1).key, "pending");
  });

  it("refuses what policy forbids, with reasons a person can act on", async () => {
    // the maturity is checked before the invoices, so any invoice will do
    const [invoice] = (await api.get("/v1/invoices?status=verified&limit=1", as(TIER1))).body.items;
    const bad = async (maturityDate: string) => api.post("/v1/receivables", { items: [{ obligorId: idOf(CORE), invoiceIds: [invoice.id], maturityDate }] }, as(TIER1));
    const past = await bad("2020-01-01");
    expect(past.status).toBe(422);
    expect(past.body.errors[0].message).toMatch(/in the past/);
    const tooLong = await bad(maturity(400));
    expect(tooLong.status).toBe(422);
    expect(tooLong.body.errors[0].message).toMatch(/more than 365 days/);
    const notMine = await api.post("/v1/receivables/confirmations", { receivableIds: [certificate.id] }, as(OTHER_CORE));
    expect(notMine.status).toBe(404); // another core enterprise cannot even see it
    expect((await api.post("/v1/receivables/confirmations", { receivableIds: [certificate.id] }, as(TIER2))).status).toBe(403); // not a core enterprise
  });

  it("splits down the chain, tier by tier, and shows the lineage", async () => {
    const amount = BigInt(certificate.amount);
    const toTier2 = amount / 2n;
    const split1 = await api.post(
      `/v1/receivables/${certificate.id}/splits`,
      { parts: [{ organizationId: idOf(TIER2), amount: toTier2.toString() }, { organizationId: idOf(TIER1), amount: (amount - toTier2).toString() }] },
      as(TIER1),
    );
    expect(split1.status).toBe(202);
    await receivable(certificate.id, as(TIER1).key, "split");
    // the part for tier 2 waits for its acceptance (签收), still held by tier 1
    const offer = await eventually(async () => (await api.get("/v1/receivables/offers", as(TIER2))).body.items.find((o: { kind: string }) => o.kind === "split"), 20_000, "the tier-2 part offered");
    expect([offer.amount, offer.from.id, offer.obligor.id, offer.receivable.holderId]).toEqual([toTier2.toString(), idOf(TIER1), idOf(CORE), idOf(TIER1)]);
    await acceptAll(TIER2);
    const tier2Cert = await eventually(async () => (await api.get("/v1/receivables?status=confirmed", as(TIER2))).body.items.find((r: { tier: number }) => r.tier === 1), 20_000, "the tier-2 part");
    expect(tier2Cert.amount).toBe(toTier2.toString());

    const mismatch = await api.post(`/v1/receivables/${tier2Cert.id}/splits`, { parts: [{ organizationId: idOf(TIER2B), amount: "1000000" }, { organizationId: idOf(TIER2), amount: "1" }] }, as(TIER2));
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.errors[0].message).toMatch(/add up to/);

    const split2 = await api.post(
      `/v1/receivables/${tier2Cert.id}/splits`,
      { parts: [{ organizationId: idOf(TIER2B), amount: (toTier2 / 2n).toString() }, { organizationId: idOf(TIER2), amount: (toTier2 - toTier2 / 2n).toString() }] },
      as(TIER2),
    );
    expect(split2.status).toBe(202);
    await receivable(tier2Cert.id, as(TIER2).key, "split");
    await acceptAll(TIER2B);
    const lineage = (await api.get(`/v1/receivables/${certificate.id}/lineage`, as(CORE))).body;
    expect(lineage.tier).toBe(0);
    expect(lineage.children).toHaveLength(2);
    const deeper = lineage.children.find((c: { children: unknown[] }) => c.children.length === 2);
    expect(deeper.children.map((c: { tier: number }) => c.tier)).toEqual([2, 2]);
    expect(deeper.children.every((c: { holder: unknown }) => c.holder !== null)).toBe(true); // the obligor sees every holder
    // a supplier that split sees itself as the holder of the part it kept, from the original's page and from the part's own
    type Node = { id: string; tier: number; holder: { id: string } | null; children: Node[] };
    const nodes = (n: Node): Node[] => [n, ...n.children.flatMap(nodes)];
    for (const [splitter, from] of [[TIER1, certificate.id], [TIER2, tier2Cert.id]] as const) {
      const kept = (await api.get(`/v1/receivables?role=holder&status=confirmed&limit=500`, as(splitter))).body.items.filter((r: { parentId: string | null }) => r.parentId === from);
      expect(kept, `${splitter}'s kept part`).toHaveLength(1);
      for (const page of [from, kept[0].id]) {
        const seen = nodes((await api.get(`/v1/receivables/${page}/lineage`, as(splitter))).body).find((n) => n.id === kept[0].id);
        expect(seen?.holder?.id, `${splitter} on ${page}`).toBe(idOf(splitter));
      }
    }
  });

  let request: string;
  let quotes: { id: string; bankId: string; effectiveAnnualCostBp: number }[];

  it("runs the marketplace: only banks with a line see the request, quotes compare side by side, the cheapest is accepted", async () => {
    const mine = (await api.get("/v1/receivables?status=confirmed", as(TIER2B))).body.items[0];
    const opened = await api.post("/v1/financing-requests", { receivableId: mine.id }, as(TIER2B));
    expect(opened.status).toBe(201);
    request = opened.body.id;
    const [bankA, bankB, bankC] = banks();
    expect((await api.get(`/v1/financing-requests/${request}`, { key: bankC.key })).status).toBe(404); // no credit line on the obligor
    const validUntil = new Date(Date.now() + 3600_000).toISOString();
    const qa = await api.post(`/v1/financing-requests/${request}/quotes`, { advanceRateBp: 9000, annualRateBp: 420, dayCount: 360, fee: "10000", validUntil }, { key: bankA.key });
    const qb = await api.post(`/v1/financing-requests/${request}/quotes`, { advanceRateBp: 9200, annualRateBp: 390, dayCount: 365, fee: "5000", validUntil }, { key: bankB.key });
    expect([qa.status, qb.status]).toEqual([201, 201]);
    const tooRich = await api.post(`/v1/financing-requests/${request}/quotes`, { advance: mine.amount, annualRateBp: 500, dayCount: 360, fee: "0", validUntil }, { key: bankC.key });
    expect(tooRich.status).toBe(404);

    const side = await api.get(`/v1/financing-requests/${request}/quotes`, as(TIER2B));
    quotes = side.body.items;
    expect(quotes).toHaveLength(2);
    expect(quotes[0].effectiveAnnualCostBp).toBeLessThanOrEqual(quotes[1].effectiveAnnualCostBp);
    for (const q of side.body.items) expect(BigInt(q.netNow) + BigInt(q.residualAtMaturity) + BigInt(q.cost)).toBe(BigInt(mine.amount));
    // each bank sees only its own quote
    const seenByA = (await api.get(`/v1/financing-requests/${request}/quotes`, { key: bankA.key })).body.items;
    expect(seenByA.map((q: { bankId: string }) => q.bankId)).toEqual([bankA.id]);
  });

  it("funds the accepted quote through the registry and the ledger: the advance arrives, the other quote closes", async () => {
    const best = quotes[0];
    const bank = banks().find((b) => b.id === best.bankId)!;
    const before = BigInt((await api.get("/v1/settlement/account", as(TIER2B))).body.balance);
    const accepted = await api.post(`/v1/quotes/${best.id}/acceptance`, {}, as(TIER2B));
    expect(accepted.status).toBe(202);
    const financing = await eventually(async () => {
      const f = await api.get(`/v1/financings/${accepted.body.id}`, as(TIER2B));
      if (f.body.status === "failed") throw new Error(JSON.stringify(f.body.failure));
      return f.body.status === "funded" ? f.body : null;
    }, 30_000, "funding");
    expect(financing.registryRegistrationId).toBeTruthy();
    const after = await eventually(async () => {
      const b = BigInt((await api.get("/v1/settlement/account", as(TIER2B))).body.balance);
      return b > before ? b : null;
    }, 10_000, "the advance");
    expect(after - before).toBe(BigInt(financing.advance));
    const all = (await api.get(`/v1/financing-requests/${request}/quotes`, as(TIER2B))).body.items;
    expect(all.map((q: { status: string }) => q.status).sort()).toEqual(["accepted", "closed"]);
    expect((await api.get("/v1/financings", { key: bank.key })).body.items.map((f: { id: string }) => f.id)).toContain(financing.id);
    const other = banks().find((b) => b.id !== bank.id)!;
    expect((await api.get(`/v1/financings/${financing.id}`, { key: other.key })).status).toBe(404);
    // the supplier follows the funding's ledger record that its financing links to, as the bank that sent it does; others do not
    for (const key of [as(TIER2B).key, bank.key]) {
      const funding = await api.get(`/v1/operations/${financing.operationId}`, { key });
      expect([funding.status, funding.body.kind, funding.body.status, funding.body.txHash]).toEqual([200, "ledger.finance", "mined", expect.stringMatching(/^0x[0-9a-f]{64}$/)]);
    }
    for (const key of [as(TIER1).key, other.key]) expect((await api.get(`/v1/operations/${financing.operationId}`, { key })).status).toBe(404);
  });

  it("clears at maturity: the bank gets what it is due, the holders the rest; a shortfall turns overdue and is collected later", async () => {
    // the core enterprise can pay all but one certificate: cut its authorization to less than everything owed
    const coverage = (await api.get("/v1/settlement/repayment-coverage", as(CORE))).body;
    const owed = BigInt(coverage.outstanding);
    const shortBy = 1_000n * YUAN;
    const cut = await api.post("/v1/settlement/repayment-authorization", { amount: (owed - shortBy).toString() }, as(CORE));
    await mined(cut.body.id, orgs.get(CORE)!.key);

    await hre.network.provider.send("evm_increaseTime", [120 * 86_400]);
    await hre.network.provider.send("evm_mine", []);
    const settledOrOverdue = await eventually(async () => {
      const held = [
        ...(await api.get("/v1/receivables?role=obligor&limit=500", as(CORE))).body.items,
      ].filter((r: { status: string }) => !["split", "rejected", "cancelled", "failed", "pending"].includes(r.status));
      const open = held.filter((r: { status: string }) => ["confirmed", "financed"].includes(r.status));
      return open.length === 0 ? held : null;
    }, 60_000, "every due certificate to be settled or overdue");
    const overdue = settledOrOverdue.filter((r: { status: string }) => r.status === "overdue");
    expect(overdue.length).toBeGreaterThanOrEqual(1);
    const financed = settledOrOverdue.find((r: { financing: unknown }) => r.financing);
    if (financed.status === "settled") expect(financed.repayment.paidToBank).toBe(financed.financing.due);

    // the core enterprise authorizes the rest: the keeper collects it
    const more = await api.post("/v1/settlement/repayment-authorization", { amount: (owed * 2n).toString() }, as(CORE));
    await mined(more.body.id, orgs.get(CORE)!.key);
    for (const r of overdue) {
      const done = await receivable(r.id, as(CORE).key, "settled");
      expect(done.repayment.outstanding).toBe("0");
      const history = (await api.get(`/v1/receivables/${r.id}/clearing`, as(CORE))).body.items;
      expect(history.map((h: { status: string }) => h.status)).toContain("overdue");
    }
    const lines = (await api.get("/v1/credit-lines", as(CORE))).body.items;
    expect(lines.every((l: { used: string }) => l.used === "0")).toBe(true);
    // the keeper never queued a settlement the ledger had to refuse (a certificate already settled)
    const refused = await stack.ds.query(`SELECT id, error_code FROM outbox WHERE kind = 'ledger.settle' AND status = 'failed'`);
    expect(refused).toEqual([]);
  });

  it("shows each certificate's registration (登记) apart from its latest change: the regulator's registration transaction", async () => {
    const all = (await api.get("/v1/receivables?role=all&limit=500", { key: stack.operatorKey })).body.items as { id: string; origin: string; operationId: string | null; registrationOperationId: string | null }[];
    const kindOf = async (id: string) => (await api.get(`/v1/operations/${id}`, { key: stack.operatorKey })).body.kind as string;
    const changed = [];
    for (const r of all.filter((x) => x.origin !== "split")) {
      expect(r.registrationOperationId, `certificate ${r.id}`).toBeTruthy();
      expect(await kindOf(r.registrationOperationId!)).toBe(r.origin === "issued" ? "ledger.issue" : "ledger.register");
      if (r.operationId !== r.registrationOperationId) changed.push(r);
    }
    // settled and split ones were changed since: their latest operation is not their registration
    expect(changed.length).toBeGreaterThan(0);
    expect(new Set(await Promise.all(changed.map((r) => kindOf(r.operationId!))))).not.toContain("ledger.register");
    for (const part of all.filter((x) => x.origin === "split")) expect(part.registrationOperationId).toBeNull();
  });

  it("says who won every funded request: its accepted quote and its financing, to the supplier and to the winning bank", async () => {
    const funded = [];
    for (const supplier of [TIER1, TIER2, TIER2B]) {
      for (const { request } of (await api.get("/v1/financing-requests?status=funded", as(supplier))).body.items) funded.push({ request, supplier });
    }
    expect(funded.length).toBeGreaterThan(0);
    for (const { request, supplier } of funded) {
      const financing = (await api.get(`/v1/financings/${request.financingId}`, as(supplier))).body;
      expect([request.acceptedQuoteId, financing.requestId, financing.status]).toEqual([financing.quoteId, request.id, "funded"]);
      const bank = banks().find((b) => b.id === financing.bankId)!;
      const seenByBank = (await api.get(`/v1/financing-requests/${request.id}`, { key: bank.key })).body.request;
      expect([seenByBank.acceptedQuoteId, seenByBank.financingId]).toEqual([financing.quoteId, financing.id]);
    }
  });
});
