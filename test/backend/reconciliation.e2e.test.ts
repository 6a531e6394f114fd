import { readFileSync } from "node:fs";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { JsonRpcProvider } from "ethers";
import { Stack, randomUscc } from "./support/stack";
import { eventually } from "./support/http";
import { ReconciliationService, ledgerReader, REPORT_COLUMNS } from "../../backend/src/modules/reconciliation";
import { cstToday } from "../../backend/src/modules/reconciliation/days";
import type { AuthContext } from "../../backend/src/shared/http/auth";
import { OrganizationEntity } from "../../backend/src/modules/onboarding/onboarding.entity";
import { developmentFacts } from "../../backend/src/ops/onboarding-facts";

/**
 * The whole financing flow runs through the API (seed invoices verified against the local tax
 * bureau, registered, confirmed, financed by two banks), so the report reconciles real ledger
 * state; only the chain-against-platform mismatches are provoked by editing the projection.
 */

interface Member {
  orgId: string;
  key: string;
  name: string;
  uscc: string;
}

const SEEDS = join(__dirname, "../../seeds");
const CORE_USCC = "91500112MA8Q2595Y2";
const SUPPLIER_USCC = "91500109MATD0HX58F";
const HEADER = "value_date,reference,type,amount,counterparty,bank_reference";

/** Seed invoices from the supplier to the core enterprise that the local tax bureau confirms and no registry filing blocks. */
function cleanSeedInvoices(n: number) {
  const invoices = JSON.parse(readFileSync(join(SEEDS, "invoices.json"), "utf8")).invoices as { invoice: Record<string, any>; expected?: string }[];
  const tax = new Map((JSON.parse(readFileSync(join(SEEDS, "tax-bureau.json"), "utf8")).invoices as Record<string, any>[]).map((i) => [i.invoiceNumber, i]));
  const filed = new Set((JSON.parse(readFileSync(join(SEEDS, "registry.json"), "utf8")).filings as { invoice: { invoiceNumber: string } }[]).map((f) => f.invoice.invoiceNumber));
  return invoices
    .filter(({ invoice: i, expected }) => {
      const t = tax.get(i.invoiceNumber);
      return !expected && i.sellerTaxId === SUPPLIER_USCC && i.buyerTaxId === CORE_USCC && i.invoiceNumber.length === 20 && !i.waybillNumbers?.length && !filed.has(i.invoiceNumber) && t?.status === "normal" && t.total === i.total;
    })
    .slice(0, n)
    .map(({ invoice }) => invoice);
}

const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

describe(ReconciliationService.name, () => {
  let stack: Stack;
  let core: Member, supplier: Member, bankA: Member, bankB: Member, issuer: Member, auditor: Member;
  /** Receivables r1, r2 financed by bank A (f1, f2); r3 by bank B (f3). */
  const r: { id: string; chainId: string; amount: string }[] = [];
  const f: { id: string; advance: string; due: string }[] = [];
  const today = cstToday();
  const yesterday = addDays(today, -1);
  const as = (m: { key: string }) => ({ key: m.key });
  const api = () => stack.api;

  async function onboardAs(name: string, roles: string[], uscc = randomUscc()): Promise<Member> {
    const op = { key: stack.operatorKey };
    const created = await api().post("/v1/organizations", { legalName: name, unifiedSocialCreditCode: uscc, roles, contacts: [], ...developmentFacts(roles) }, op);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const orgId = created.body.id as string;
    expect((await api().post(`/v1/organizations/${orgId}/kyc-approval`, {}, op)).status).toBe(202);
    await eventually(async () => (await api().get(`/v1/organizations/${orgId}`, op)).body.status === "active", 30_000, `${name} to become active`);
    const { key } = await stack.firstAdmin(orgId, undefined, roles);
    return { orgId, key, name, uscc };
  }

  const receivable = async (id: string) => (await api().get(`/v1/receivables/${id}`, as(supplier))).body;
  const upload = (who: Member, csv: string, date = today) => api().post("/v1/reconciliation/statements", { date, csv }, as(who));
  const report = async (who: { key: string }, query = `date=${today}`) => {
    const res = await api().get(`/v1/reconciliation/report?${query}`, as(who));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };
  const codes = (rep: { mismatches: { code: string }[] }) => rep.mismatches.map((m) => m.code).sort();

  async function finance(receivableId: string, bank: Member) {
    const request = await api().post("/v1/financing-requests", { receivableId }, as(supplier));
    expect(request.status, JSON.stringify(request.body)).toBe(201);
    const validUntil = new Date(Date.now() + 86_400_000).toISOString();
    const quote = await api().post(`/v1/financing-requests/${request.body.id}/quotes`, { advanceRateBp: 9000, annualRateBp: 435, dayCount: 360, fee: "1000", recourse: false, validUntil }, as(bank));
    expect(quote.status, JSON.stringify(quote.body)).toBe(201);
    const accepted = await api().post(`/v1/quotes/${quote.body.id}/acceptance`, {}, as(supplier));
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(202);
    const funded = await eventually(async () => {
      const x = (await api().get(`/v1/financings/${accepted.body.id}`, as(bank))).body;
      if (x.status === "failed") throw new Error(`funding failed: ${JSON.stringify(x.failure)}`);
      return x.status === "funded" ? x : null;
    }, 60_000, "the financing to be funded");
    return { id: funded.id as string, advance: funded.advance as string, due: funded.due as string };
  }

  beforeAll(async () => {
    stack = await Stack.start({ env: { RATE_LIMIT_PER_MINUTE: "100000" } });
    [core, supplier, bankA, bankB, issuer, auditor] = await Promise.all([
      onboardAs("渝川汽车集团股份有限公司", ["core_enterprise"], CORE_USCC),
      onboardAs("重庆巴渝汽车内饰有限公司", ["supplier"], SUPPLIER_USCC),
      onboardAs("Bank A", ["bank"]),
      onboardAs("Bank B", ["bank"]),
      onboardAs("Clearing Issuer", ["settlement_issuer"]),
      onboardAs("Auditor", ["auditor"]),
    ]);

    // invoices → receivables → confirmed certificates
    const picked = cleanSeedInvoices(3);
    expect(picked).toHaveLength(3);
    const batch = await api().post("/v1/invoices/batch", { invoices: picked.map(({ waybillNumbers: _w, ...i }) => i) }, as(supplier));
    expect(batch.status, JSON.stringify(batch.body)).toBe(202);
    const invoiceIds = batch.body.items.map((i: { id: string }) => i.id) as string[];
    await eventually(async () => {
      const all = await Promise.all(invoiceIds.map(async (id) => (await api().get(`/v1/invoices/${id}`, as(supplier))).body));
      if (all.some((i) => i.status === "rejected")) throw new Error(`invoice rejected: ${JSON.stringify(all.map((i) => i.rejection ?? i.status))}`);
      return all.every((i) => i.status === "verified");
    }, 30_000, "the invoices to be verified");
    const registered = await api().post("/v1/receivables", { items: invoiceIds.map((id) => ({ obligorId: core.orgId, invoiceIds: [id], maturityDate: addDays(today, 30) })) }, as(supplier));
    expect(registered.status, JSON.stringify(registered.body)).toBe(202);
    const ids = registered.body.items.map((x: { receivable: { id: string } }) => x.receivable.id) as string[];
    await eventually(async () => (await Promise.all(ids.map(receivable))).every((x) => x.status === "pending"), 30_000, "registration on chain");
    expect((await api().post("/v1/receivables/confirmations", { receivableIds: ids }, as(core))).status).toBe(202);
    const confirmed = await eventually(async () => {
      const all = await Promise.all(ids.map(receivable));
      return all.every((x) => x.status === "confirmed") ? all : null;
    }, 30_000, "confirmation on chain");
    for (const x of confirmed) r.push({ id: x.id, chainId: String(x.certificateId), amount: String(x.amount) });

    // banks: funds and credit lines for the core enterprise
    for (const bank of [bankA, bankB]) {
      expect((await api().post("/v1/settlement/deposits", { organizationId: bank.orgId, amount: "1000000000000" }, as(issuer))).status).toBe(202);
      expect((await api().post("/v1/credit-lines", { obligorId: core.orgId, limit: "1000000000000" }, as(bank))).status).toBe(202);
    }
    await eventually(async () => {
      const lines = await Promise.all([bankA, bankB].map(async (b) => (await api().get("/v1/credit-lines", as(b))).body.items));
      return lines.every((l) => l.some((c: { obligorId: string; limit: string }) => c.obligorId === core.orgId && c.limit === "1000000000000"));
    }, 30_000, "the credit lines on chain");

    f.push(await finance(r[0].id, bankA));
    f.push(await finance(r[1].id, bankA));
    f.push(await finance(r[2].id, bankB));
  }, 240_000);
  afterAll(async () => stack?.close());

  it("reports every financing of the bank funded today, with the chain's state, the platform's record and no mismatch", async () => {
    const rep = await report(bankA);
    expect(rep).toMatchObject({
      bankId: bankA.orgId,
      date: today,
      timeZone: "Asia/Shanghai",
      chainSource: "ledger", // the platform reads the ledger live when it can
      statement: null,
      summary: { financings: 2, mismatches: 0, byCode: {} },
      unmatchedStatementLines: [],
      mismatches: [],
    });
    expect(rep.financings.map((e: { financingId: string }) => e.financingId).sort()).toEqual([f[0].id, f[1].id].sort());
    const e1 = rep.financings.find((e: { financingId: string }) => e.financingId === f[0].id);
    expect(e1).toMatchObject({
      receivableId: r[0].id,
      certificateId: r[0].chainId,
      supplier: { id: supplier.orgId, uscc: SUPPLIER_USCC },
      obligor: { id: core.orgId, uscc: CORE_USCC },
      platform: { status: "funded", advance: f[0].advance, due: f[0].due, recourse: false, quote: { annualRateBp: 435, dayCount: 360, fee: "1000" } },
      chain: { status: "financed", financingBankId: bankA.orgId, face: r[0].amount, due: f[0].due, recourse: false, paidToBank: "0" },
      ledger: { status: "financed", lienDue: f[0].due, outstanding: r[0].amount },
      day: { advancePaid: f[0].advance, repaymentsReceived: "0", recoveries: "0", events: [] },
      outstandingEndOfDay: f[0].due,
      statementLines: [],
      mismatches: [],
    });
    expect(BigInt(f[0].advance)).toBeLessThan(BigInt(f[0].due));
    expect(rep.totals).toEqual({
      advancesPaid: (BigInt(f[0].advance) + BigInt(f[1].advance)).toString(),
      repaymentsReceived: "0",
      recoveries: "0",
      outstandingEndOfDay: (BigInt(f[0].due) + BigInt(f[1].due)).toString(),
      statement: null,
    });
    expect(rep.creditLines).toEqual([
      expect.objectContaining({ obligorId: core.orgId, limit: "1000000000000", used: rep.totals.outstandingEndOfDay, outstandingFinancings: rep.totals.outstandingEndOfDay, mismatches: [] }),
    ]);

    // yesterday nothing was funded; tomorrow has not begun
    expect((await report(bankA, `date=${yesterday}`)).financings).toEqual([]);
    const future = await api().get(`/v1/reconciliation/report?date=${addDays(today, 1)}`, as(bankA));
    expect(future.status).toBe(422);
    expect(future.body.errors[0].field).toBe("query.date");
    expect((await api().get(`/v1/reconciliation/report?date=2026-02-30`, as(bankA))).status).toBe(422);
  });

  it("exports the report as CSV with a header row", async () => {
    const res = await api().get(`/v1/reconciliation/report?date=${today}&format=csv`, as(bankA));
    expect(res.status).toBe(200);
    expect(res.contentType).toMatch(/^text\/csv/);
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="reconciliation-${today}.csv"`);
    const [header, ...rows] = (res.body as string).trimEnd().split("\r\n");
    expect(header.split(",")).toEqual([...REPORT_COLUMNS]);
    expect(rows).toHaveLength(3);
    const cells = rows.map((row) => Object.fromEntries(row.split(",").map((v, i) => [REPORT_COLUMNS[i], v])));
    expect(cells.map((c) => c.record)).toEqual(["financing", "financing", "total"]);
    const c1 = cells.find((c) => c.financing_id === f[0].id)!;
    expect(c1).toMatchObject({ date: today, certificate_id: r[0].chainId, supplier_uscc: SUPPLIER_USCC, platform_status: "funded", chain_status: "financed", advance: f[0].advance, due: f[0].due, advance_paid: f[0].advance, outstanding_end_of_day: f[0].due, mismatch_codes: "" });
    expect(cells[2]).toMatchObject({ record: "total", advance_paid: (BigInt(f[0].advance) + BigInt(f[1].advance)).toString(), mismatch_details: "0 mismatches" });
  });

  it("rejects a malformed statement line by line, storing nothing", async () => {
    const bad = async (csv: string, date = today) => {
      const res = await upload(bankA, csv, date);
      expect(res.status, csv).toBe(422);
      return res.body.errors as { field: string; message: string }[];
    };
    expect((await bad("")).map((e) => e.field)).toEqual(["body.csv"]);
    expect((await bad("value_date,reference,kind,amount\n")).map((e) => e.field)).toEqual(["body.csv.line.1", "body.csv.line.1"]);
    const errors = await bad(
      [
        HEADER,
        `${today},${f[0].id},advance,${f[0].advance},${SUPPLIER_USCC},OK1`,
        `2026-13-01,${f[0].id},advance,100,,B2`,
        `${today},INV-42,advance,100,,B3`,
        `${today},${f[0].id},payment,100,,B4`,
        `${today},${f[0].id},advance,"1,000.00",,B5`,
        `${today},${f[0].id},advance,-5,,B6`,
        `${today},${f[0].id},advance,100,,OK1`,
        `${today},${f[0].id},advance,100`,
        `${addDays(today, 1)},${f[0].id},advance,100,,B9`,
        `${today},${f[0].id},advance,100,"unclosed,B10`,
      ].join("\n"),
    );
    expect(errors.map((e) => e.field)).toEqual([
      "body.csv.line.11",
      "body.csv.line.3.value_date",
      "body.csv.line.4.reference",
      "body.csv.line.5.type",
      "body.csv.line.6.amount",
      "body.csv.line.7.amount",
      "body.csv.line.8.bank_reference",
      "body.csv.line.9",
      "body.csv.line.10.value_date",
    ]);
    expect(errors.find((e) => e.field === "body.csv.line.8.bank_reference")!.message).toMatch(/repeats line 2/);
    expect(errors.every((e) => e.message.startsWith("line "))).toBe(true);
    // the date itself
    expect((await upload(bankA, HEADER, addDays(today, 1))).status).toBe(422);
    // only banks upload statements
    expect((await upload(supplier, HEADER)).status).toBe(403);
    expect((await upload(auditor, HEADER)).status).toBe(403);
    expect((await api().get(`/v1/reconciliation/statements`, as(bankA))).body.items).toEqual([]);
  });

  it("matches a clean statement line for line, and reuses a file uploaded twice", async () => {
    const csv = [
      "\uFEFFValue_Date,Reference,Type,Amount,Counterparty,Bank_Reference",
      `${today},${f[0].id},advance,${f[0].advance},${SUPPLIER_USCC},BKA-0001`,
      `${today},${r[1].chainId},ADVANCE,${f[1].advance},"重庆巴渝汽车内饰有限公司",BKA-0002`,
    ].join("\r\n");
    const first = await upload(bankA, csv);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({
      bankId: bankA.orgId,
      date: today,
      fileSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      duplicate: false,
      lines: 2,
      totals: { advance: (BigInt(f[0].advance) + BigInt(f[1].advance)).toString(), repayment: "0", recourse: "0" },
      reconciliation: { matchedLines: 2, mismatches: 0, byCode: {} },
    });
    const rep = await report(bankA);
    expect(rep.statement).toMatchObject({ id: first.body.id, lines: 2, matchedLines: 2 });
    expect(rep.mismatches).toEqual([]);
    const e2 = rep.financings.find((e: { financingId: string }) => e.financingId === f[1].id);
    expect(e2.statementLines).toEqual([
      { line: 3, valueDate: today, reference: r[1].chainId, type: "advance", amount: f[1].advance, counterparty: "重庆巴渝汽车内饰有限公司", bankReference: "BKA-0002", matched: true, mismatches: [] },
    ]);

    const again = await upload(bankA, csv.replace(/\r\n/g, "\n") + "\n");
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ id: first.body.id, duplicate: true, fileSha256: first.body.fileSha256 });
    expect((await api().get(`/v1/reconciliation/statements?date=${today}`, as(bankA))).body.items).toHaveLength(1);
  });

  it("lists every kind of statement mismatch with its reason, and never matches another bank's financing", async () => {
    const unknown = randomUUID();
    const csv = [
      HEADER,
      `${today},${f[0].id},advance,${BigInt(f[0].advance) + 1n},Someone Else Ltd,BKA-1001`,
      `${yesterday},${f[1].id},advance,${f[1].advance},,BKA-1002`,
      `${today},${unknown},advance,5000,,BKA-1003`,
      `${today},${f[0].id},repayment,${f[0].due},,BKA-1004`,
      `${today},${f[2].id},advance,${f[2].advance},,BKA-1005`,
      `${today},${r[2].chainId},advance,${f[2].advance},,BKA-1006`,
    ].join("\n");
    const res = await upload(bankA, csv);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.reconciliation).toEqual({
      matchedLines: 2,
      mismatches: 7,
      byCode: { AMOUNT_MISMATCH: 1, COUNTERPARTY_MISMATCH: 1, DATE_MISMATCH: 1, MISSING_ON_PLATFORM: 4 },
    });
    const rep = await report(bankA);
    expect(rep.statement.id).toBe(res.body.id); // the latest upload is the day's statement
    const byLine = (line: number) => rep.mismatches.filter((m: { statementLine: number }) => m.statementLine === line);
    expect(byLine(2).map((m: { code: string }) => m.code)).toEqual(["AMOUNT_MISMATCH", "COUNTERPARTY_MISMATCH"]);
    expect(byLine(2)[0]).toMatchObject({ financingId: f[0].id, expected: f[0].advance, actual: (BigInt(f[0].advance) + 1n).toString() });
    expect(byLine(2)[0].message).toMatch(/difference 1 fen/);
    expect(byLine(3)).toEqual([expect.objectContaining({ code: "DATE_MISMATCH", financingId: f[1].id, expected: today, actual: yesterday })]);
    expect(byLine(4)).toEqual([expect.objectContaining({ code: "MISSING_ON_PLATFORM", financingId: null })]);
    expect(byLine(5)).toEqual([expect.objectContaining({ code: "MISSING_ON_PLATFORM", financingId: f[0].id })]);
    expect(byLine(5)[0].message).toMatch(/no repayment/);
    // bank B's financing, by its id or its certificate: as unknown to bank A as a random id
    for (const line of [6, 7]) expect(byLine(line)).toEqual([expect.objectContaining({ code: "MISSING_ON_PLATFORM", financingId: null })]);
    expect(rep.unmatchedStatementLines.map((l: { line: number }) => l.line)).toEqual([4, 6, 7]);
    // nothing of bank B's leaks: not its financing, its certificate's platform id, nor the bank
    for (const x of [r[2].id, bankB.orgId]) expect(JSON.stringify(rep)).not.toContain(x);
    expect(rep.financings.map((e: { financingId: string }) => e.financingId).sort()).toEqual([f[0].id, f[1].id].sort());

    // a statement without f2's advance: MISSING_IN_STATEMENT
    const partial = await upload(bankA, [HEADER, `${today},${f[0].id},advance,${f[0].advance},,BKA-2001`].join("\n"));
    expect(partial.body.reconciliation.byCode).toEqual({ MISSING_IN_STATEMENT: 1 });
    const missing = (await report(bankA)).mismatches;
    expect(missing).toEqual([expect.objectContaining({ code: "MISSING_IN_STATEMENT", financingId: f[1].id, statementLine: null, expected: f[1].advance })]);

    // the CSV lists them too
    const csvReport = (await api().get(`/v1/reconciliation/report?date=${today}&format=csv`, as(bankA))).body as string;
    const row = csvReport.split("\r\n").find((l) => l.includes(f[1].id))!;
    expect(row).toContain("MISSING_IN_STATEMENT");
  });

  it("flags the chain disagreeing with the platform, and a financing on the ledger the platform lacks", async () => {
    const restore: [string, unknown[]][] = [];
    const provider = new JsonRpcProvider(stack.config.LEDGER_RPC_URL);
    try {
      // the projection says f1's certificate is due something else, and f2's is no longer financed
      const [{ due }] = await stack.ds.query(`SELECT due::text FROM receivables WHERE id = $1`, [r[0].id]);
      await stack.ds.query(`UPDATE receivables SET due = due + 7 WHERE id = $1`, [r[0].id]);
      restore.push([`UPDATE receivables SET due = $2 WHERE id = $1`, [r[0].id, due]]);
      await stack.ds.query(`UPDATE receivables SET status = 'confirmed', financing_bank_organization_id = NULL WHERE id = $1`, [r[1].id]);
      restore.push([`UPDATE receivables SET status = 'financed', financing_bank_organization_id = $2 WHERE id = $1`, [r[1].id, bankA.orgId]]);
      // and a certificate financed by bank A that the platform has no financing for
      const [ghost] = await stack.ds.query(
        `INSERT INTO receivables (origin, obligor_organization_id, creditor_organization_id, holder_organization_id, amount, maturity, status, financing_bank_organization_id, due, chain_id)
         VALUES ('registered', $1, $2, $2, 5000000, now() + interval '30 days', 'financed', $3, 4900000, 999999) RETURNING id`,
        [core.orgId, supplier.orgId, bankA.orgId],
      );
      restore.unshift([`DELETE FROM receivables WHERE id = $1`, [ghost.id]]);

      const rep = await report(bankA);
      const of = (financingId: string | null) => rep.mismatches.filter((m: { financingId: string | null; statementLine: number | null }) => m.financingId === financingId && m.statementLine === null);
      // the report reads the ledger live, so the projection's edits also show as PROJECTION_MISMATCH
      expect(of(f[0].id)).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ code: "TERMS_MISMATCH", expected: f[0].due, actual: (BigInt(f[0].due) + 7n).toString() }),
          expect.objectContaining({ code: "PROJECTION_MISMATCH" }),
        ]),
      );
      expect(of(f[1].id).map((m: { code: string }) => m.code).sort()).toEqual(["MISSING_IN_STATEMENT", "PROJECTION_MISMATCH", "STATE_MISMATCH"]);
      expect(of(f[1].id).find((m: { code: string }) => m.code === "STATE_MISMATCH").message).toMatch(/funded.*confirmed/);
      const ghostEntry = rep.financings.find((e: { receivableId: string }) => e.receivableId === ghost.id);
      expect(ghostEntry).toMatchObject({ financingId: null, platform: null, certificateId: "999999", outstandingEndOfDay: "4900000", mismatches: [expect.objectContaining({ code: "MISSING_ON_PLATFORM" })] });
      // the credit line is charged for f1 and f2, but the projection now shows other outstanding financings
      expect(rep.creditLines[0].mismatches.map((m: { code: string }) => m.code)).toEqual(["CREDIT_LINE_MISMATCH"]);

      // read live from the ledger, the projection's edits stand out as well
      const live = new ReconciliationService(stack.ds, ledgerReader(provider, async () => stack.deployment.ledger));
      const bank = await stack.ds.getRepository(OrganizationEntity).findOneByOrFail({ id: bankA.orgId });
      const auth = { organization: bank, has: (role: string) => role === "bank" } as unknown as AuthContext;
      const liveReport = await live.report(auth, { date: today });
      expect(liveReport.chainSource).toBe("ledger");
      const e1 = liveReport.financings.find((e) => e.financingId === f[0].id)!;
      expect(e1.ledger).toEqual({ status: "financed", lienBank: bank.ledgerAddress, lienDue: f[0].due, outstanding: r[0].amount });
      expect(e1.mismatches.map((m) => m.code).sort()).toEqual(["PROJECTION_MISMATCH", "TERMS_MISMATCH"]);
      const e2 = liveReport.financings.find((e) => e.financingId === f[1].id)!;
      expect(e2.mismatches.map((m) => m.code)).toContain("PROJECTION_MISMATCH");
      expect(e2.mismatches.find((m) => m.code === "PROJECTION_MISMATCH")!.message).toMatch(/financed on the ledger but confirmed/);
    } finally {
      provider.destroy();
      for (const [sql, params] of restore) await stack.ds.query(sql, params);
    }
    // restored: only the statement's missing line remains
    expect(codes(await report(bankA))).toEqual(["MISSING_IN_STATEMENT"]);
  });

  it("keeps each bank to its own books; operators and auditors read any bank's", async () => {
    const b = await report(bankB);
    expect(b.financings.map((e: { financingId: string }) => e.financingId)).toEqual([f[2].id]);
    expect(b.statement).toBeNull();
    const text = JSON.stringify(b);
    for (const x of [f[0].id, f[1].id, r[0].id, r[1].id, bankA.orgId]) expect(text).not.toContain(x);
    expect((await api().get(`/v1/reconciliation/report?date=${today}&bankId=${bankA.orgId}`, as(bankB))).status).toBe(404);
    expect((await api().get(`/v1/reconciliation/statements?bankId=${bankA.orgId}`, as(bankB))).status).toBe(404);
    expect((await api().get(`/v1/reconciliation/statements`, as(bankB))).body.items).toEqual([]);
    const csvB = (await api().get(`/v1/reconciliation/report?date=${today}&format=csv`, as(bankB))).body as string;
    expect(csvB).not.toContain(f[0].id);

    // not for suppliers or core enterprises
    expect((await api().get(`/v1/reconciliation/report?date=${today}`, as(supplier))).status).toBe(403);
    expect((await api().get(`/v1/reconciliation/report?date=${today}`, as(core))).status).toBe(403);

    // the auditor names the bank; a non-bank id is no bank
    const viaAuditor = await report(auditor, `date=${today}&bankId=${bankA.orgId}`);
    expect(viaAuditor.financings.map((e: { financingId: string }) => e.financingId).sort()).toEqual([f[0].id, f[1].id].sort());
    expect((await api().get(`/v1/reconciliation/report?date=${today}`, as(auditor))).status).toBe(422);
    expect((await api().get(`/v1/reconciliation/report?date=${today}&bankId=${supplier.orgId}`, as(auditor))).status).toBe(404);
    expect((await api().get(`/v1/reconciliation/report?date=${today}&bankId=${bankB.orgId}`, { key: stack.operatorKey })).status).toBe(200);
    expect((await api().get(`/v1/reconciliation/statements?bankId=${bankA.orgId}`, as(auditor))).body.items.length).toBeGreaterThan(0);
  });

  it("reconciles maturity repayments cleared on the ledger", async () => {
    // the core enterprise funds and authorizes its repayments; the ledger's clock moves past maturity
    expect((await api().post("/v1/settlement/deposits", { organizationId: core.orgId, amount: "100000000000" }, as(issuer))).status).toBe(202);
    expect((await api().post("/v1/settlement/repayment-authorization", { amount: "100000000000" }, as(core))).status).toBe(202);
    await eventually(async () => (await api().get("/v1/settlement/account", as(core))).body.repaymentAuthorization === "100000000000", 30_000, "the repayment authorization");
    const rpc = (method: string, params: unknown[]) =>
      fetch(stack.config.LEDGER_RPC_URL, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
    await rpc("evm_increaseTime", [31 * 86_400]);
    await rpc("evm_mine", []);
    await eventually(async () => (await Promise.all(r.map((x) => receivable(x.id)))).every((x) => x.status === "settled"), 60_000, "the keeper to settle the certificates");

    const rep = await report(bankA);
    const e1 = rep.financings.find((e: { financingId: string }) => e.financingId === f[0].id);
    expect(e1).toMatchObject({ chain: { status: "settled", paidToBank: f[0].due }, day: { repaymentsReceived: f[0].due }, outstandingEndOfDay: "0" });
    expect(e1.day.events).toEqual([expect.objectContaining({ kind: "cleared", toBank: f[0].due, status: "settled", txHash: expect.stringMatching(/^0x/) })]);
    expect(rep.totals.repaymentsReceived).toBe((BigInt(f[0].due) + BigInt(f[1].due)).toString());
    expect(rep.creditLines[0]).toMatchObject({ used: "0", outstandingFinancings: "0", mismatches: [] });

    // the bank's statement with both advances and both repayments reconciles fully
    const csv = [
      HEADER,
      `${today},${f[0].id},advance,${f[0].advance},${SUPPLIER_USCC},BKA-3001`,
      `${today},${f[1].id},advance,${f[1].advance},${SUPPLIER_USCC},BKA-3002`,
      `${today},${r[0].chainId},repayment,${f[0].due},${CORE_USCC},BKA-3003`,
      `${today},${r[1].id},repayment,${f[1].due},渝川汽车集团股份有限公司,BKA-3004`,
    ].join("\n");
    const up = await upload(bankA, csv);
    expect(up.body.reconciliation).toEqual({ matchedLines: 4, mismatches: 0, byCode: {} });
    // the repayment paid to the wrong party on the bank's side is caught
    const wrong = await upload(bankA, csv.replace(`${CORE_USCC},BKA-3003`, `${SUPPLIER_USCC},BKA-3003`));
    expect(wrong.body.reconciliation.byCode).toEqual({ COUNTERPARTY_MISMATCH: 1 });
  });
});
