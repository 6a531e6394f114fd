import { describe, it, expect, beforeAll, afterAll } from "vitest";
import hre from "hardhat";
import { Stack } from "./support/stack";
import { eventually, type Api } from "./support/http";
import { loadSeeds, type SeededOrganization } from "../../backend/src/ops/seed";

/**
 * A credit officer's dossier on a financing request (GET /v1/financing-requests/{id}/dossier) and
 * the credit line's term, on the real stack: a supplier takes one financing from bank A that it
 * repays on time and one from bank B that turns overdue, then asks again; bank A reads the
 * certificate, its invoices with their checks, and the supplier's history in aggregates (bank B's
 * terms never), banks without a line and other members read nothing; a line outside its term
 * takes no quote and funds no acceptance.
 */
const YUAN = 100n;
const CORE = "91500112MA8Q2595Y2"; // Yuchuan Automobile Group (cq-auto)
const SUPPLIER = "91500109MALJ2FN9Q6"; // Chongqing Zhonghe Automotive (sells to Yuchuan)

const chinaDay = (days: number) => new Date(Date.now() + days * 86_400_000 + 8 * 3600_000).toISOString().slice(0, 10);

describe("financing request dossier and credit-line terms", () => {
  let stack: Stack;
  let api: Api;
  let orgs: Map<string, SeededOrganization>;
  let bankA: SeededOrganization, bankB: SeededOrganization, bankC: SeededOrganization;
  const as = (uscc: string) => ({ key: orgs.get(uscc)!.key });
  const idOf = (uscc: string) => orgs.get(uscc)!.id;

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
    }, 60_000, `receivable ${id} to be ${status}`);
  const quote = (requestId: string, key: string, advanceRateBp = 9000) =>
    api.post(`/v1/financing-requests/${requestId}/quotes`, { advanceRateBp, annualRateBp: 400, dayCount: 360, fee: "1000", validUntil: new Date(Date.now() + 3600_000).toISOString() }, { key });
  /** Supplier asks, `bank` quotes, supplier accepts: the financing once funded. */
  const finance = async (receivableId: string, bank: SeededOrganization) => {
    const req = await api.post("/v1/financing-requests", { receivableId }, as(SUPPLIER));
    expect(req.status, JSON.stringify(req.body)).toBe(201);
    const q = await quote(req.body.id, bank.key);
    expect(q.status, JSON.stringify(q.body)).toBe(201);
    const accepted = await api.post(`/v1/quotes/${q.body.id}/acceptance`, {}, as(SUPPLIER));
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(202);
    return eventually(async () => {
      const f = await api.get(`/v1/financings/${accepted.body.id}`, as(SUPPLIER));
      if (f.body.status === "failed") throw new Error(JSON.stringify(f.body.failure));
      return f.body.status === "funded" ? { ...f.body, quoteId: q.body.id as string } : null;
    }, 30_000, "funding");
  };

  let certs: string[];
  let invoices: { id: string; invoiceNumber: string; total: string }[];
  let finA: { id: string; advance: string; due: string; quoteId: string };
  let finB: { id: string; advance: string; due: string; quoteId: string };
  let request: string;

  beforeAll(async () => {
    stack = await Stack.start({ env: { KEEPER_INTERVAL_MS: "300", KEEPER_RETRY_MS: "500" } });
    api = stack.api;
    const seeded = await loadSeeds({
      baseUrl: api.baseUrl,
      operatorKey: stack.operatorKey,
      subset: { scenarios: ["cq-auto"], suppliers: [SUPPLIER], invoices: (inv) => !inv.expected, invoicesPerSupplier: 4 },
      waitForVerificationMs: 60_000,
      activeTimeoutMs: 60_000,
    });
    orgs = new Map(seeded.organizations.map((o) => [o.uscc, o]));
    [bankA, bankB, bankC] = [...orgs.values()].filter((o) => o.roles.includes("bank"));
    const issuer = [...orgs.values()].find((o) => o.roles.includes("settlement_issuer"))!;
    const ops = [];
    for (const id of [bankA.id, bankB.id, idOf(CORE)]) ops.push((await api.post("/v1/settlement/deposits", { organizationId: id, amount: (10_000_000_000n * YUAN).toString() }, { key: issuer.key })).body.id);
    for (const op of ops) await mined(op, issuer.key);
    await mined((await api.post("/v1/settlement/repayment-authorization", { amount: (10_000_000_000n * YUAN).toString() }, as(CORE))).body.id, as(CORE).key);
    // banks A and B lend on the core enterprise for a year; bank C has no line
    for (const bank of [bankA, bankB]) {
      const line = await api.post("/v1/credit-lines", { obligorId: idOf(CORE), limit: (500_000_000n * YUAN).toString(), validFrom: chinaDay(0), validUntil: chinaDay(365) }, { key: bank.key });
      expect(line.status, JSON.stringify(line.body)).toBe(202);
      expect([line.body.validFrom, line.body.validUntil]).toEqual([chinaDay(0), chinaDay(365)]);
      await mined(line.body.operation.id, bank.key);
    }
    // three certificates: due in 30, 90 and 150 days
    invoices = (await api.get("/v1/invoices?status=verified&limit=100", as(SUPPLIER))).body.items.filter((i: { receivableId: string | null; buyerTaxId: string }) => !i.receivableId && i.buyerTaxId === CORE);
    expect(invoices.length).toBeGreaterThanOrEqual(3);
    const registered = await api.post("/v1/receivables", { items: [30, 90, 150].map((days, i) => ({ obligorId: idOf(CORE), invoiceIds: [invoices[i].id], maturityDate: chinaDay(days) })) }, as(SUPPLIER));
    expect(registered.status, JSON.stringify(registered.body)).toBe(202);
    certs = registered.body.items.map((x: { receivable: { id: string } }) => x.receivable.id);
    for (const id of certs) await receivable(id, as(SUPPLIER).key, "pending");
    await api.post("/v1/receivables/confirmations", { receivableIds: certs }, as(CORE));
    for (const id of certs) await receivable(id, as(SUPPLIER).key, "confirmed");
  }, 300_000);
  afterAll(async () => stack?.close());

  const dossier = (key: string, id = request) => api.get(`/v1/financing-requests/${id}/dossier`, { key });

  it("shows bank A the certificate, its invoices with their checks, and a supplier history of live financings, bank B's only as a total", async () => {
    finA = await finance(certs[0], bankA);
    finB = await finance(certs[1], bankB);
    request = (await api.post("/v1/financing-requests", { receivableId: certs[2] }, as(SUPPLIER))).body.id;

    const r = await dossier(bankA.key);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const d = r.body;
    const cert = (await api.get(`/v1/receivables/${certs[2]}`, as(SUPPLIER))).body;
    expect(d.certificate).toMatchObject({ id: certs[2], certificateNo: cert.certificateId, amount: invoices[2].total, maturity: cert.maturity, tier: 0, origin: "registered", parent: null, original: null, openToYou: false, obligor: { id: idOf(CORE), name: orgs.get(CORE)!.name } });
    expect(d.certificate.termDays).toBeGreaterThanOrEqual(149);
    expect(d.invoices.map((i: { invoiceNumber: string; status: string }) => [i.invoiceNumber, i.status])).toEqual([[invoices[2].invoiceNumber, "verified"]]);
    expect(d.invoices[0].checks.find((c: { source: string }) => c.source === "tax")).toMatchObject({ result: "pass" });
    expect(d.supplier).toMatchObject({
      id: idOf(SUPPLIER),
      name: orgs.get(SUPPLIER)!.name,
      financings: 2,
      advanced: (BigInt(finA.advance) + BigInt(finB.advance)).toString(),
      repaidOnTime: 0,
      overdue: 0,
      defaulted: 0,
      outstandingWithYou: finA.due,
      outstandingWithOthers: finB.due,
    });
    expect(Date.parse(d.supplier.memberSince)).toBeLessThanOrEqual(Date.now());
    expect(d.creditLine).toMatchObject({ validFrom: chinaDay(0), validUntil: chinaDay(365), termStatus: "valid" });
    // bank B's quote, financing and terms never reach bank A; its own are its business
    for (const theirs of [finB.id, finB.quoteId, bankB.id]) expect(JSON.stringify(d)).not.toContain(theirs);
    // no invoice ids: they are the supplier's handles
    for (const i of invoices) expect(JSON.stringify(d)).not.toContain(i.id);

    const b = (await dossier(bankB.key)).body.supplier;
    expect([b.outstandingWithYou, b.outstandingWithOthers]).toEqual([finB.due, finA.due]);
  });

  it("is absent to a bank without a line and refused to other members", async () => {
    expect((await dossier(bankC.key)).status).toBe(404);
    expect((await dossier(bankA.key, "00000000-0000-4000-8000-000000000000")).status).toBe(404);
    for (const member of [SUPPLIER, CORE]) expect((await dossier(as(member).key)).status).toBe(403);
    expect((await dossier(stack.operatorKey)).status).toBe(403);
  });

  it("counts a financing repaid at maturity as on time and one the core enterprise could not pay as overdue", async () => {
    await hre.network.provider.send("evm_increaseTime", [35 * 86_400]);
    await hre.network.provider.send("evm_mine", []);
    await receivable(certs[0], as(SUPPLIER).key, "settled");
    // the core enterprise authorizes almost nothing: the next certificate cannot be paid
    await mined((await api.post("/v1/settlement/repayment-authorization", { amount: "1" }, as(CORE))).body.id, as(CORE).key);
    await hre.network.provider.send("evm_increaseTime", [60 * 86_400]);
    await hre.network.provider.send("evm_mine", []);
    const late = await receivable(certs[1], as(SUPPLIER).key, "overdue");
    const h = (await dossier(bankA.key)).body.supplier;
    // what bank B still has to receive: its due less the fen the ledger could pull
    const owedToB = BigInt(finB.due) - BigInt(late.repayment.paidToBank);
    expect(owedToB).toBeGreaterThan(0n);
    expect(h).toMatchObject({ financings: 2, repaidOnTime: 1, repaidLate: 0, overdue: 1, defaulted: 0, outstandingWithYou: "0", outstandingWithOthers: owedToB.toString() });

    // paid later, it counts as repaid late, no longer overdue, and nothing is outstanding
    await mined((await api.post("/v1/settlement/repayment-authorization", { amount: (10_000_000_000n * YUAN).toString() }, as(CORE))).body.id, as(CORE).key);
    await receivable(certs[1], as(SUPPLIER).key, "settled");
    const after = (await dossier(bankA.key)).body.supplier;
    expect(after).toMatchObject({ financings: 2, repaidOnTime: 1, repaidLate: 1, overdue: 0, outstandingWithYou: "0", outstandingWithOthers: "0" });
  });

  it("refuses terms that cannot be: one date, an expiry before the start or past, a date that does not exist", async () => {
    const set = (body: Record<string, unknown>) => api.post("/v1/credit-lines", { obligorId: idOf(CORE), limit: (500_000_000n * YUAN).toString(), ...body }, { key: bankA.key });
    const cases: [Record<string, unknown>, string][] = [
      [{ validFrom: chinaDay(0) }, "body.validUntil"],
      [{ validFrom: chinaDay(10), validUntil: chinaDay(5) }, "body.validUntil"],
      [{ validFrom: chinaDay(-30), validUntil: chinaDay(-1) }, "body.validUntil"],
      [{ validFrom: "2027-02-30", validUntil: "2027-12-31" }, "body.validFrom"],
    ];
    for (const [body, field] of cases) {
      const r = await set(body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
  });

  it("refuses a quote against a line not yet valid, and a quote or an acceptance against an expired line, with what to do", async () => {
    // bank B's line starts tomorrow: the term binds at once, before the ledger has the limit
    const later = await api.post("/v1/credit-lines", { obligorId: idOf(CORE), limit: (500_000_000n * YUAN).toString(), validFrom: chinaDay(1), validUntil: chinaDay(200) }, { key: bankB.key });
    expect(later.status).toBe(202);
    const early = await quote(request, bankB.key);
    expect([early.status, early.body.code]).toEqual([409, "CREDIT_LINE.NOT_YET_VALID"]);
    expect(early.body.detail).toContain(chinaDay(1));
    const listed = (await api.get("/v1/credit-lines", { key: bankB.key })).body.items[0];
    expect([listed.termStatus, listed.expired, listed.validFrom]).toEqual(["not_yet_valid", false, chinaDay(1)]);

    // bank A quotes while its line is valid; then its term runs out
    const q = await quote(request, bankA.key);
    expect(q.status, JSON.stringify(q.body)).toBe(201);
    await stack.ds.query(`UPDATE credit_lines SET valid_from = valid_from - 400, valid_until = (now() AT TIME ZONE 'Asia/Shanghai')::date - 1 WHERE bank_organization_id = $1`, [bankA.id]);
    const accepted = await api.post(`/v1/quotes/${q.body.id}/acceptance`, {}, as(SUPPLIER));
    expect([accepted.status, accepted.body.code]).toEqual([409, "CREDIT_LINE.EXPIRED"]);
    expect(accepted.body.detail).toContain(bankA.name);
    expect(accepted.body.detail).toContain("Accept another");
    await api.post(`/v1/quotes/${q.body.id}/withdrawal`, undefined, { key: bankA.key });
    const again = await quote(request, bankA.key);
    expect([again.status, again.body.code]).toEqual([409, "CREDIT_LINE.EXPIRED"]);
    expect(again.body.detail).toContain(chinaDay(-1));
    const mine = (await api.get("/v1/credit-lines", { key: bankA.key })).body.items[0];
    expect([mine.termStatus, mine.expired]).toEqual(["expired", true]);
    expect((await dossier(bankA.key)).body.creditLine.termStatus).toBe("expired");

    // renewed with the limit, the line lends again
    const renewed = await api.post("/v1/credit-lines", { obligorId: idOf(CORE), limit: (500_000_000n * YUAN).toString(), validFrom: chinaDay(0), validUntil: chinaDay(180) }, { key: bankA.key });
    expect(renewed.status).toBe(202);
    expect((await quote(request, bankA.key)).status).toBe(201);
  });
});
