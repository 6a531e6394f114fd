import { describe, it, expect } from "vitest";
import { matchStatement, parseStatement, type Movement, type StatementLine } from "../../backend/src/modules/reconciliation";

/**
 * A bank statement's lines against the platform's movements, and the statement's CSV, without a
 * database or a ledger. The chain-side codes (STATE_, TERMS_, PROJECTION_, CREDIT_LINE_MISMATCH)
 * come from the report's checks: see reconciliation-report.test.ts.
 */

const DATE = "2026-03-10";
const AMOUNT = 9_007_199_254_740_993n; // 2^53 + 1: through `number` it would read as 2^53
const SUPPLIER = { name: "重庆某某（集团）有限公司", uscc: "91500109MATD0HX58F" };

function line(over: Partial<StatementLine> = {}): StatementLine {
  return { line: 2, valueDate: DATE, reference: "ref-1", type: "advance", amount: AMOUNT, counterparty: SUPPLIER.uscc, bankReference: "BK1", ...over };
}

function movement(over: Partial<Movement> = {}): Movement {
  return { financingId: "fin-1", type: "advance", amount: AMOUNT, day: DATE, at: new Date("2026-03-10T02:00:00Z"), txHash: "0xabc", counterparty: SUPPLIER, ...over };
}

const toFin1 = (reference: string) => (reference === "ref-1" ? "fin-1" : null);
const codesOf = (r: ReturnType<typeof matchStatement>) => [...r.matches.flatMap((m) => m.mismatches), ...r.missingInStatement].map((m) => m.code);

describe(matchStatement.name, () => {
  it("matches a line to the movement of its financing, type, day and amount, with nothing to report", () => {
    const m = movement();
    const r = matchStatement(DATE, [line()], [movement({ type: "repayment" }), movement({ financingId: "fin-2" }), m], toFin1);
    expect(r.matches).toEqual([{ line: line(), financingId: "fin-1", movement: m, mismatches: [] }]);
    expect(r.missingInStatement.map((x) => x.financingId)).toEqual(["fin-1", "fin-2"]); // the two that no line took
  });

  it("MISSING_ON_PLATFORM: a reference that names no financing of the bank", () => {
    const r = matchStatement(DATE, [line({ line: 5, reference: "nothing" })], [], toFin1);
    expect(r.matches[0]).toMatchObject({ financingId: null, movement: null });
    expect(r.matches[0].mismatches).toEqual([expect.objectContaining({ code: "MISSING_ON_PLATFORM", financingId: null, statementLine: 5, actual: AMOUNT.toString() })]);
  });

  it("MISSING_ON_PLATFORM: a financing without a movement of the line's type", () => {
    const advance = matchStatement(DATE, [line()], [movement({ type: "repayment" })], toFin1);
    expect(advance.matches[0].mismatches).toEqual([expect.objectContaining({ code: "MISSING_ON_PLATFORM", financingId: "fin-1", statementLine: 2 })]);
    expect(advance.matches[0].mismatches[0].message).toMatch(/not funded on the ledger/);
    const repayment = matchStatement(DATE, [line({ type: "repayment" })], [], toFin1);
    expect(repayment.matches[0].mismatches[0].message).not.toMatch(/not funded/);
  });

  it("AMOUNT_MISMATCH: the day's movement with another amount, the difference exact in fen", () => {
    const r = matchStatement(DATE, [line({ amount: AMOUNT + 1n })], [movement()], toFin1);
    expect(codesOf(r)).toEqual(["AMOUNT_MISMATCH"]);
    expect(r.matches[0].mismatches[0]).toMatchObject({ financingId: "fin-1", statementLine: 2, expected: "9007199254740993", actual: "9007199254740994" });
    expect(r.matches[0].mismatches[0].message).toMatch(/\(difference 1 fen\)/);
  });

  it("DATE_MISMATCH: the same amount on another day", () => {
    const r = matchStatement(DATE, [line()], [movement({ day: "2026-03-09" })], toFin1);
    expect(codesOf(r)).toEqual(["DATE_MISMATCH"]);
    expect(r.matches[0].mismatches[0]).toMatchObject({ expected: "2026-03-09", actual: DATE });
  });

  it("COUNTERPARTY_MISMATCH: another party named; the code or the name match ignoring spaces, brackets and case; empty is not checked", () => {
    const r = matchStatement(DATE, [line({ counterparty: "Another Co" })], [movement()], toFin1);
    expect(codesOf(r)).toEqual(["COUNTERPARTY_MISMATCH"]);
    expect(r.matches[0].mismatches[0]).toMatchObject({ expected: SUPPLIER.uscc, actual: "Another Co" });
    for (const counterparty of ["", "91500109matd0hx58f", " 91500109MATD0HX58F ", "重庆某某(集团)有限公司", "重庆某某 集团 有限公司"]) {
      expect(codesOf(matchStatement(DATE, [line({ counterparty })], [movement()], toFin1)), counterparty).toEqual([]);
    }
  });

  it("MISSING_IN_STATEMENT: only the statement's day's movements that no line took", () => {
    const r = matchStatement(DATE, [], [movement({ txHash: "0xfeed" }), movement({ day: "2026-03-09" }), movement({ type: "repayment", amount: 7n, txHash: null })], toFin1);
    expect(r.missingInStatement).toEqual([
      expect.objectContaining({ code: "MISSING_IN_STATEMENT", financingId: "fin-1", statementLine: null, expected: AMOUNT.toString() }),
      expect.objectContaining({ code: "MISSING_IN_STATEMENT", expected: "7" }),
    ]);
    expect(r.missingInStatement[0].message).toMatch(/ledger transaction 0xfeed/);
    expect(r.missingInStatement[1].message).not.toMatch(/ledger transaction/);
  });

  it("prefers the same day and amount, then the same day, then the same amount, then the nearest day", () => {
    const exact = movement({ txHash: "exact" });
    const sameDay = movement({ amount: 5n, txHash: "same-day" });
    const sameAmount = movement({ day: "2026-03-01", txHash: "same-amount" });
    const near = movement({ day: "2026-03-08", amount: 6n, txHash: "near" });
    const far = movement({ day: "2026-02-01", amount: 7n, txHash: "far" });
    const picked = (ms: Movement[]) => matchStatement(DATE, [line()], ms, toFin1).matches[0].movement?.txHash;
    expect(picked([far, near, sameAmount, sameDay, exact])).toBe("exact");
    expect(picked([far, near, sameAmount, sameDay])).toBe("same-day");
    expect(picked([far, near, sameAmount])).toBe("same-amount");
    expect(picked([far, near])).toBe("near");
    expect(codesOf(matchStatement(DATE, [line()], [far, near], toFin1))).toEqual(["AMOUNT_MISMATCH", "DATE_MISMATCH"]);
  });

  it("matches one to one: a movement taken by one line is not matched again", () => {
    const lines = [line(), line({ line: 3, bankReference: "BK2" })];
    const one = matchStatement(DATE, lines, [movement()], toFin1);
    expect(one.matches.map((m) => m.mismatches.map((x) => x.code))).toEqual([[], ["MISSING_ON_PLATFORM"]]);
    const two = matchStatement(DATE, lines, [movement({ txHash: "a" }), movement({ txHash: "b" })], toFin1);
    expect(two.matches.map((m) => m.movement?.txHash)).toEqual(["a", "b"]);
    expect(two.missingInStatement).toEqual([]);
  });
});

describe(parseStatement.name, () => {
  const HEADER = "value_date,reference,type,amount,counterparty,bank_reference";
  const REF = "3f2b8c1e-1a2b-4c3d-8e9f-0a1b2c3d4e5f";
  const csv = (...rows: string[]) => [HEADER, ...rows].join("\n");
  const fields = (r: ReturnType<typeof parseStatement>) => r.problems.map((p) => p.field);

  it("reads lines with exact amounts, references and types in lower case, and the file's line numbers", () => {
    const r = parseStatement(csv(`2026-03-10,${REF.toUpperCase()},Advance,9007199254740993,"Supplier Co, Ltd",BK1`, "", "2026-03-09,42,repayment,1,,BK2"), DATE);
    expect(r.problems).toEqual([]);
    expect(r.lines).toEqual([
      { line: 2, valueDate: "2026-03-10", reference: REF, type: "advance", amount: 9_007_199_254_740_993n, counterparty: "Supplier Co, Ltd", bankReference: "BK1" },
      { line: 4, valueDate: "2026-03-09", reference: "42", type: "repayment", amount: 1n, counterparty: "", bankReference: "BK2" },
    ]);
  });

  it("takes the columns in any order and case, a byte order mark and CRLF line ends", () => {
    const text = "\uFEFFBank_Reference, AMOUNT ,type,counterparty,reference,value_date\r\nBK1,100,recourse,,7,2026-03-10\r\n";
    expect(parseStatement(text, DATE)).toEqual({
      lines: [{ line: 2, valueDate: DATE, reference: "7", type: "recourse", amount: 100n, counterparty: "", bankReference: "BK1" }],
      problems: [],
    });
  });

  it("answers an empty file and a wrong header, and reads no line under a wrong header", () => {
    expect(parseStatement(" \n\n", DATE)).toEqual({ lines: [], problems: [{ field: "body.csv", message: expect.stringMatching(/^is empty/) }] });
    const unknown = parseStatement(`${HEADER},memo\n2026-03-10,7,advance,100,,BK1,x`, DATE);
    expect(unknown.lines).toEqual([]);
    expect(unknown.problems).toEqual([{ field: "body.csv.line.1", message: expect.stringContaining('"memo" is not a statement column') }]);
    const twice = parseStatement(`${HEADER},amount`, DATE);
    expect(twice.problems).toEqual([{ field: "body.csv.line.1", message: expect.stringContaining('the column "amount" appears twice') }]);
    const missing = parseStatement("value_date,reference,type,amount\n2026-03-10,7,advance,100", DATE);
    expect(missing.lines).toEqual([]);
    expect(missing.problems).toEqual([{ field: "body.csv.line.1", message: expect.stringContaining("the header lacks counterparty, bank_reference") }]);
  });

  it("names the line and the column of each problem, and keeps the good lines apart", () => {
    const r = parseStatement(
      csv(
        "2026-03-10,7,advance,100,,BK1",
        "2026-03-11,7,advance,100,,BK2", // after the statement's date
        "2026-02-30,7,advance,100,,BK3", // no such day
        "2026-03-10,0,advance,100,,BK4", // neither UUID nor certificate id
        "2026-03-10,7,loan,100,,BK5",
        "2026-03-10,7,advance,1000.00,,BK6",
        "2026-03-10,7,advance,0,,BK7",
        "2026-03-10,7,advance,-5,,BK8",
        "2026-03-10,7,advance,1234567890123456789,,BK9", // 19 digits
        `2026-03-10,7,advance,100,${"x".repeat(201)},BK10`,
        "2026-03-10,7,advance,100,,",
        `2026-03-10,7,advance,100,,${"B".repeat(101)}`,
        "2026-03-10,7,advance,100,,BK1", // repeats line 2
        "2026-03-10,7,advance,100,BK14", // a field short
        "2026-03-10,,advance,100,,BK15",
      ),
      DATE,
    );
    expect(r.lines.map((l) => l.line)).toEqual([2]);
    expect(fields(r)).toEqual([
      "body.csv.line.3.value_date",
      "body.csv.line.4.value_date",
      "body.csv.line.5.reference",
      "body.csv.line.6.type",
      "body.csv.line.7.amount",
      "body.csv.line.8.amount",
      "body.csv.line.9.amount",
      "body.csv.line.10.amount",
      "body.csv.line.11.counterparty",
      "body.csv.line.12.bank_reference",
      "body.csv.line.13.bank_reference",
      "body.csv.line.14.bank_reference",
      "body.csv.line.15",
      "body.csv.line.16.reference",
    ]);
    expect(r.problems[0].message).toBe("line 3, value_date: 2026-03-11 is after the statement's date (2026-03-10); a statement holds movements up to its date");
    expect(r.problems[11].message).toMatch(/"BK1" repeats line 2/);
    expect(r.problems[12].message).toBe("line 15: has 5 fields, the header has 6");
  });

  it("refuses control characters and text that is not valid Unicode", () => {
    const r = parseStatement(csv("2026-03-10,7,advance,100,Supplier\u0007Co,BK1", "2026-03-10,7,advance,100,Supplier\uD800Co,BK2"), DATE);
    expect(r.lines).toEqual([]);
    expect(r.problems.map((p) => [p.field, p.message])).toEqual([
      ["body.csv.line.2.counterparty", "line 2, counterparty: contains control characters"],
      ["body.csv.line.3.counterparty", "line 3, counterparty: is not valid Unicode text"],
    ]);
  });

  it("reports a CSV syntax error by its line, and a broken first line alone rather than as a header", () => {
    const r = parseStatement(csv('2026-03-10,7,advance,100,"Supplier Co,BK1', '2026-03-10,7,advance,100,Sup"plier,BK2'), DATE);
    expect(r.problems.map((p) => p.field)).toEqual(["body.csv.line.2", "body.csv.line.3"]);
    expect(r.problems[0].message).toMatch(/^line 2: has a quoted field that is not closed/);
    const broken = parseStatement(`"value_date,reference\n${HEADER}`, DATE);
    expect(broken.problems).toEqual([{ field: "body.csv.line.1", message: expect.stringMatching(/not closed/) }]);
  });

  it("takes at most 10,000 lines and reports at most 100 problems", () => {
    const many = parseStatement(csv(...Array.from({ length: 10_001 }, (_, i) => `2026-03-10,7,advance,100,,BK${i}`)), DATE);
    expect(many).toEqual({ lines: [], problems: [{ field: "body.csv", message: "has 10001 lines; at most 10000 per upload" }] });
    expect(parseStatement(csv(...Array.from({ length: 10_000 }, (_, i) => `2026-03-10,7,advance,100,,BK${i}`)), DATE).lines).toHaveLength(10_000);
    const bad = parseStatement(csv(...Array.from({ length: 150 }, (_, i) => `2026-03-10,7,loan,100,,BK${i}`)), DATE);
    expect(bad.problems).toHaveLength(100);
    expect(bad.problems[99].field).toBe("body.csv.line.101.type");
  });
});
