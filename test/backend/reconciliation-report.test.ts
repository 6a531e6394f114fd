import { describe, it, expect } from "vitest";
import { buildReport, resolveReferences, type ReportReads } from "../../backend/src/modules/reconciliation/report";
import type { ClearingRow, FinancingRow, NamedFinancingRow, ReceivableRow } from "../../backend/src/modules/reconciliation/reconciliation.repository";
import type { LiveCertificate } from "../../backend/src/modules/reconciliation/ledger-reader";
import type { StatementLine } from "../../backend/src/modules/reconciliation/statement-csv";

/**
 * The report's rules on rows as the repository reads them, without a database or a ledger.
 * Amounts are above 2^53 where it matters, so that a sum through `number` would show.
 */

const DATE = "2026-03-10";
/** 2026-03-10 in China Standard Time. */
const PERIOD = { from: new Date("2026-03-09T16:00:00Z"), to: new Date("2026-03-10T16:00:00Z") };
const ON_DAY = new Date("2026-03-10T02:00:00Z");
const BANK = { id: "bank-a", legalName: "Bank A", ledgerAddress: "0xAaAa000000000000000000000000000000000001" };
const SUPPLIER = { name: "Supplier Co", uscc: "91500109MATD0HX58F" };
const OBLIGOR = { name: "Core Co", uscc: "91500112MA8Q2595Y2" };

const ADVANCE = 9_007_199_254_740_993n; // 2^53 + 1
const DUE = 9_007_199_254_750_993n;

function financing(over: Partial<FinancingRow> = {}): FinancingRow {
  return {
    id: "fin-1",
    status: "funded",
    receivable_id: "rec-1",
    advance: ADVANCE.toString(),
    due: DUE.toString(),
    recourse: false,
    accepted_at: new Date("2026-03-10T01:00:00Z"),
    funded_at: ON_DAY,
    registry_registration_id: "reg-1",
    failure_code: null,
    failure_reason: null,
    quote_id: "quote-1",
    annual_rate_bp: 435,
    day_count: 360,
    days: 90,
    interest: "10000",
    fee: "0",
    supplier_id: "org-supplier",
    supplier_name: SUPPLIER.name,
    supplier_uscc: `${SUPPLIER.uscc}  `, // char(…) columns come padded
    chain_id: "7",
    chain_status: "financed",
    financing_bank_organization_id: BANK.id,
    amount: "9007199254760993",
    chain_due: DUE.toString(),
    chain_recourse: false,
    maturity: new Date("2026-06-08T00:00:00Z"),
    repaid: "0",
    paid_to_bank: "0",
    recovered: "0",
    obligor_id: "org-core",
    obligor_name: OBLIGOR.name,
    obligor_uscc: OBLIGOR.uscc,
    ...over,
  };
}

function line(over: Partial<StatementLine> = {}): StatementLine {
  return { line: 2, valueDate: DATE, reference: "fin-1", type: "advance", amount: ADVANCE, counterparty: SUPPLIER.uscc, bankReference: "BK1", ...over };
}

function reads(over: Partial<ReportReads> = {}): ReportReads {
  return {
    bank: BANK,
    date: DATE,
    period: PERIOD,
    generatedAt: new Date("2026-03-11T01:00:00Z"),
    chainSource: "projection",
    statement: null,
    resolved: new Map(),
    financings: [financing()],
    chainOnly: [],
    clearing: [],
    live: new Map(),
    creditLines: [],
    ...over,
  };
}

/** The statement with these lines, each reference naming fin-1. */
const withStatement = (lines: StatementLine[]): Partial<ReportReads> => ({
  statement: { row: { id: "stmt-1", file_sha256: "ab".repeat(32), lines: [], created_at: new Date("2026-03-10T09:00:00Z") }, lines },
  resolved: new Map(lines.map((l) => [l.reference, "fin-1"])),
});

const codes = (ms: { code: string }[]) => ms.map((m) => m.code);

describe(buildReport.name, () => {
  it("reports a financing funded on the day, with its advance and what is owed at the end of the day, exactly in fen", () => {
    const report = buildReport(reads());
    expect(report.mismatches).toEqual([]);
    expect(report.statement).toBeNull();
    expect(report.totals.statement).toBeNull();
    expect(report.period).toEqual({ from: "2026-03-09T16:00:00.000Z", to: "2026-03-10T16:00:00.000Z" });
    const [entry] = report.financings;
    expect(entry).toMatchObject({
      financingId: "fin-1",
      certificateId: "7",
      supplier: { id: "org-supplier", name: SUPPLIER.name, uscc: SUPPLIER.uscc },
      platform: { status: "funded", advance: "9007199254740993", due: "9007199254750993", fundedAt: ON_DAY.toISOString() },
      day: { advancePaid: "9007199254740993", repaymentsReceived: "0", recoveries: "0", events: [] },
      outstandingEndOfDay: "9007199254750993",
      ledger: null,
    });
    // two financings: the totals are bigint sums (through number they would be off)
    const two = buildReport(reads({ financings: [financing(), financing({ id: "fin-2", receivable_id: "rec-2", chain_id: "8" })] }));
    expect(two.totals.advancesPaid).toBe((2n * ADVANCE).toString());
    expect(two.totals.outstandingEndOfDay).toBe((2n * DUE).toString());
  });

  it("takes repayments cleared by the end of the day off what is owed, and counts only the day's", () => {
    const clearing: ClearingRow[] = [
      { receivable_id: "rec-1", kind: "cleared", to_bank: "1000", to_holder: "0", outstanding: "0", status: "financed", tx_hash: "0x01", at: new Date("2026-03-09T10:00:00Z") },
      { receivable_id: "rec-1", kind: "cleared", to_bank: "500", to_holder: "0", outstanding: "0", status: "financed", tx_hash: "0x02", at: ON_DAY },
      { receivable_id: "rec-1", kind: "cleared", to_bank: "700", to_holder: "0", outstanding: "0", status: "settled", tx_hash: "0x03", at: PERIOD.to }, // the next day
      { receivable_id: "rec-2", kind: "cleared", to_bank: "9", to_holder: "0", outstanding: "0", status: "settled", tx_hash: "0x04", at: ON_DAY }, // another certificate
    ];
    const [entry] = buildReport(reads({ financings: [financing({ funded_at: new Date("2026-03-01T02:00:00Z") })], clearing })).financings;
    expect(entry.day.advancePaid).toBe("0");
    expect(entry.day.repaymentsReceived).toBe("500");
    expect(entry.day.events.map((e) => e.txHash)).toEqual(["0x02"]);
    expect(entry.outstandingEndOfDay).toBe((DUE - 1500n).toString());
  });

  it("matches a statement line to its movement, and flags a movement the statement lacks and a line the platform lacks", () => {
    const clean = buildReport(reads(withStatement([line()])));
    expect(clean.mismatches).toEqual([]);
    expect(clean.statement).toMatchObject({ id: "stmt-1", lines: 1, matchedLines: 1 });
    expect(clean.totals.statement).toEqual({ advance: ADVANCE.toString(), repayment: "0", recourse: "0" });
    expect(clean.financings[0].statementLines).toEqual([expect.objectContaining({ line: 2, amount: ADVANCE.toString(), matched: true, mismatches: [] })]);

    // the statement has no line for the advance, and one naming nothing of the bank's
    const missing = buildReport(reads(withStatement([])));
    expect(codes(missing.mismatches)).toEqual(["MISSING_IN_STATEMENT"]);
    expect(missing.mismatches[0]).toMatchObject({ financingId: "fin-1", expected: ADVANCE.toString() });
    expect(missing.financings[0].mismatches).toEqual(missing.mismatches);

    const { statement } = withStatement([line(), line({ line: 3, reference: "unknown", bankReference: "BK2", amount: 5n })]);
    const extra = buildReport(reads({ statement, resolved: new Map([["fin-1", "fin-1"]]) }));
    expect(codes(extra.mismatches)).toEqual(["MISSING_ON_PLATFORM"]);
    expect(extra.mismatches[0]).toMatchObject({ financingId: null, statementLine: 3 });
    expect(extra.unmatchedStatementLines).toEqual([expect.objectContaining({ line: 3, matched: false, mismatches: ["MISSING_ON_PLATFORM"] })]);
    expect(extra.financings[0].mismatches).toEqual([]);
    expect(extra.statement).toMatchObject({ lines: 2, matchedLines: 1 });

    // a line one fen off is matched, with the difference
    const [off] = buildReport(reads(withStatement([line({ amount: ADVANCE + 1n })]))).mismatches;
    expect(off).toMatchObject({ code: "AMOUNT_MISMATCH", financingId: "fin-1", expected: ADVANCE.toString(), actual: (ADVANCE + 1n).toString() });
  });

  it("flags the certificate's state and terms against the platform's financing", () => {
    const notFinanced = buildReport(reads({ financings: [financing({ chain_status: "confirmed", financing_bank_organization_id: null })] }));
    expect(notFinanced.mismatches).toEqual([expect.objectContaining({ code: "STATE_MISMATCH", financingId: "fin-1", expected: "financed", actual: "confirmed" })]);
    expect(notFinanced.mismatches[0].message).toMatch(/without your lien/);

    const otherBank = buildReport(reads({ financings: [financing({ financing_bank_organization_id: "bank-b" })] }));
    expect(otherBank.mismatches[0].message).toMatch(/under another bank's lien/);

    const failedButFinanced = buildReport(reads({ financings: [financing({ status: "failed", funded_at: null })] }));
    expect(failedButFinanced.mismatches).toEqual([expect.objectContaining({ code: "STATE_MISMATCH", expected: "failed", actual: "financed" })]);
    expect(failedButFinanced.financings[0].outstandingEndOfDay).toBe("0");

    const terms = buildReport(reads({ financings: [financing({ chain_due: (DUE + 1n).toString(), chain_recourse: true })] }));
    expect(terms.mismatches.map((m) => [m.code, m.expected, m.actual])).toEqual([
      ["TERMS_MISMATCH", DUE.toString(), (DUE + 1n).toString()],
      ["TERMS_MISMATCH", "false", "true"],
    ]);
  });

  it("sets the projection against the ledger read live", () => {
    const ledgerCert = (over: Partial<LiveCertificate> = {}): LiveCertificate => ({
      status: "financed",
      lienBank: BANK.ledgerAddress.toLowerCase(),
      lienDue: DUE,
      outstanding: 9_007_199_254_760_993n,
      repaid: 0n,
      recovered: 0n,
      ...over,
    });
    const agrees = buildReport(reads({ chainSource: "ledger", live: new Map([["7", ledgerCert()]]) }));
    expect(agrees.chainSource).toBe("ledger");
    expect(agrees.mismatches).toEqual([]); // the lien holder's address compares without case
    expect(agrees.financings[0].ledger).toEqual({ status: "financed", lienBank: BANK.ledgerAddress.toLowerCase(), lienDue: DUE.toString(), outstanding: "9007199254760993" });

    const lienElsewhere = buildReport(reads({ live: new Map([["7", ledgerCert({ lienBank: "0xbbbb000000000000000000000000000000000002" })]]) }));
    expect(lienElsewhere.mismatches).toEqual([expect.objectContaining({ code: "STATE_MISMATCH", expected: BANK.ledgerAddress, actual: "0xbbbb000000000000000000000000000000000002" })]);

    const lagging = buildReport(reads({ live: new Map([["7", ledgerCert({ lienDue: DUE - 1n, outstanding: 1n })]]) }));
    expect(lagging.mismatches.map((m) => [m.code, m.financingId, m.expected])).toEqual([
      ["PROJECTION_MISMATCH", "fin-1", (DUE - 1n).toString()],
      ["PROJECTION_MISMATCH", "fin-1", "1"],
    ]);

    // a different state says only that
    const settled = buildReport(reads({ live: new Map([["7", ledgerCert({ status: "settled", lienDue: 0n, outstanding: 0n })]]) }));
    expect(codes(settled.mismatches)).toEqual(["PROJECTION_MISMATCH"]);
    expect(settled.mismatches[0].message).toMatch(/settled on the ledger but financed/);

    // a failed read (null) leaves the projection alone
    expect(buildReport(reads({ live: new Map([["7", null]]) })).financings[0].ledger).toBeNull();
  });

  it("lists a certificate the ledger shows financed by the bank without a financing on the platform, after the platform's financings", () => {
    const ghost: ReceivableRow = {
      id: "rec-9",
      chain_id: "999",
      status: "financed",
      financing_bank_organization_id: BANK.id,
      amount: "5000000",
      due: "4900000",
      recourse: false,
      maturity: new Date("2026-06-08T00:00:00Z"),
      repaid: "0",
      paid_to_bank: "0",
      recovered: "0",
      obligor_id: "org-core",
      obligor_name: OBLIGOR.name,
      obligor_uscc: OBLIGOR.uscc,
      holder_id: "org-holder",
      holder_name: "Holder Co",
      holder_uscc: "91500000000000000X",
    };
    const { statement, resolved } = withStatement([]);
    const report = buildReport(reads({ chainOnly: [ghost], statement, resolved }));
    expect(report.financings.map((e) => e.receivableId)).toEqual(["rec-1", "rec-9"]);
    expect(report.financings[1]).toMatchObject({ financingId: null, platform: null, certificateId: "999", supplier: { id: "org-holder" }, outstandingEndOfDay: "4900000", day: { advancePaid: "0" } });
    // every entry's mismatches in entry order, then the summary by code
    expect(report.mismatches.map((m) => [m.code, m.financingId])).toEqual([
      ["MISSING_IN_STATEMENT", "fin-1"],
      ["MISSING_ON_PLATFORM", null],
    ]);
    expect(report.summary).toEqual({ financings: 2, mismatches: 2, byCode: { MISSING_IN_STATEMENT: 1, MISSING_ON_PLATFORM: 1 } });
    expect(report.totals.outstandingEndOfDay).toBe((DUE + 4_900_000n).toString());
  });

  it("sets each credit line's charge against the outstanding financings on it, and lists its mismatches last", () => {
    const row = { obligor_id: "org-core", obligor_name: OBLIGOR.name, obligor_uscc: `${OBLIGOR.uscc} `, obligor_address: "0xcc", limit_amount: null, used: DUE.toString(), outstanding: DUE.toString() };
    const fine = buildReport(reads({ creditLines: [{ row, ledgerUsed: DUE }] }));
    expect(fine.creditLines).toEqual([
      { obligorId: "org-core", obligorName: OBLIGOR.name, obligorUscc: OBLIGOR.uscc, limit: "0", used: DUE.toString(), ledgerUsed: DUE.toString(), outstandingFinancings: DUE.toString(), asOf: "2026-03-11T01:00:00.000Z", mismatches: [] },
    ]);

    // the ledger charges one fen more than the projection: both the lag and the line against the financings
    const off = buildReport(reads({ creditLines: [{ row, ledgerUsed: DUE + 1n }] }));
    expect(off.creditLines[0].mismatches.map((m) => [m.code, m.expected, m.actual])).toEqual([
      ["PROJECTION_MISMATCH", (DUE + 1n).toString(), DUE.toString()],
      ["CREDIT_LINE_MISMATCH", DUE.toString(), (DUE + 1n).toString()],
    ]);
    // not read from the ledger: the projection's charge is compared
    const unread = buildReport(reads({ financings: [financing({ chain_status: "confirmed" })], creditLines: [{ row: { ...row, used: null }, ledgerUsed: null }] }));
    expect(codes(unread.mismatches)).toEqual(["STATE_MISMATCH", "CREDIT_LINE_MISMATCH"]);
    expect(unread.creditLines[0]).toMatchObject({ used: "0", ledgerUsed: null });
  });
});

describe(resolveReferences.name, () => {
  const named = (id: string, status: string, acceptedAt: string, over: Partial<NamedFinancingRow> = {}): NamedFinancingRow => ({
    id,
    status,
    receivable_id: "rec-1",
    chain_id: "7",
    accepted_at: new Date(acceptedAt),
    ...over,
  });

  it("names the funded financing of a certificate before a later failed one, else the latest accepted", () => {
    const rows = [named("old-failed", "failed", "2026-03-01T00:00:00Z"), named("funded", "funded", "2026-03-02T00:00:00Z"), named("new-failed", "failed", "2026-03-03T00:00:00Z"), named("other", "failed", "2026-03-04T00:00:00Z", { receivable_id: "rec-2", chain_id: "8" })];
    const resolved = resolveReferences(["rec-1", "7", "rec-2", "new-failed", "nothing"], rows);
    expect([...resolved]).toEqual([
      ["rec-1", "funded"],
      ["7", "funded"],
      ["rec-2", "other"],
      ["new-failed", "new-failed"],
    ]);
    expect(resolveReferences(["rec-1"], rows.filter((r) => r.status === "failed")).get("rec-1")).toBe("new-failed");
  });
});
