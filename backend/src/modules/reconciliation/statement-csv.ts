import type { FieldProblem } from "../../shared/errors";
import { readCsv } from "./csv";
import { isCalendarDate } from "../../shared/http/dates";

/**
 * A bank's statement for one day, as CSV with a header row naming these columns (any order, no
 * others; names are case-insensitive):
 *
 * | column | content |
 * |---|---|
 * | value_date | the day the money moved, YYYY-MM-DD (China Standard Time), not after the statement's date |
 * | reference | the platform's financing id (UUID), or the certificate: its receivable id (UUID) or its ledger certificate id (an integer) |
 * | type | `advance` (the bank paid the supplier), `repayment` (the bank received a maturity payment), `recourse` (the bank recovered from the supplier) |
 * | amount | integer fen, positive, no separators or decimals (1000000 = 10,000.00 yuan) |
 * | counterparty | the other party's legal name or unified social credit code (may be empty: then not checked) |
 * | bank_reference | the bank's own transaction reference, unique within the file |
 */
export const STATEMENT_COLUMNS = ["value_date", "reference", "type", "amount", "counterparty", "bank_reference"] as const;
export type StatementColumn = (typeof STATEMENT_COLUMNS)[number];
export const MOVEMENT_TYPES = ["advance", "repayment", "recourse"] as const;
export type MovementType = (typeof MOVEMENT_TYPES)[number];

export const MAX_STATEMENT_LINES = 10_000;
const MAX_PROBLEMS = 100;

/** One line of a statement, as stored (amount as a decimal string in JSON). */
export interface StatementLine {
  line: number;
  valueDate: string;
  reference: string;
  type: MovementType;
  amount: bigint;
  counterparty: string;
  bankReference: string;
}

export type StoredStatementLine = Omit<StatementLine, "amount"> & { amount: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;


/**
 * Parses a statement strictly: every problem is reported with its line number as
 * `body.csv.line.<n>.<column>` (nothing is stored unless the whole file is valid).
 */
export function parseStatement(csv: string, statementDate: string): { lines: StatementLine[]; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const problem = (line: number, column: string | null, message: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push({ field: `body.csv.line.${line}${column ? `.${column}` : ""}`, message: `line ${line}${column ? `, ${column}` : ""}: ${message}` });
  };
  const { records, errors } = readCsv(csv);
  for (const e of errors) problem(e.line, null, e.message);
  if (records.length === 0) {
    if (!errors.length) problems.push({ field: "body.csv", message: `is empty: send a header row (${STATEMENT_COLUMNS.join(",")}) and one line per movement` });
    return { lines: [], problems };
  }

  // ─── the header ───
  const [header, ...rows] = records;
  if (errors.some((e) => e.line < header.line)) return { lines: [], problems };
  const names = header.fields.map((f) => f.trim().toLowerCase());
  const index = new Map<StatementColumn, number>();
  names.forEach((name, i) => {
    if (!(STATEMENT_COLUMNS as readonly string[]).includes(name)) {
      problem(header.line, null, `"${name}" is not a statement column; the columns are ${STATEMENT_COLUMNS.join(", ")}`);
    } else if (index.has(name as StatementColumn)) problem(header.line, null, `the column "${name}" appears twice`);
    else index.set(name as StatementColumn, i);
  });
  const missing = STATEMENT_COLUMNS.filter((c) => !index.has(c));
  if (missing.length) problem(header.line, null, `the header lacks ${missing.join(", ")}; the first line must name the columns ${STATEMENT_COLUMNS.join(",")}`);
  if (problems.length && (missing.length || index.size !== names.length)) return { lines: [], problems };
  if (rows.length > MAX_STATEMENT_LINES) {
    problems.push({ field: "body.csv", message: `has ${rows.length} lines; at most ${MAX_STATEMENT_LINES} per upload` });
    return { lines: [], problems };
  }

  // ─── each line ───
  const lines: StatementLine[] = [];
  const seenBankRefs = new Map<string, number>();
  for (const r of rows) {
    if (r.fields.length !== names.length) {
      problem(r.line, null, `has ${r.fields.length} fields, the header has ${names.length}`);
      continue;
    }
    const get = (c: StatementColumn) => r.fields[index.get(c)!].trim();
    let ok = true;
    const bad = (c: StatementColumn, message: string) => {
      ok = false;
      problem(r.line, c, message);
    };
    for (const c of STATEMENT_COLUMNS) {
      if (CONTROL.test(get(c))) bad(c, "contains control characters");
      else if (LONE_SURROGATE.test(get(c))) bad(c, "is not valid Unicode text");
    }

    const valueDate = get("value_date");
    if (!isCalendarDate(valueDate)) bad("value_date", `"${valueDate.slice(0, 30)}" is not a date in the form YYYY-MM-DD (on or after 2000-01-01)`);
    else if (valueDate > statementDate) bad("value_date", `${valueDate} is after the statement's date (${statementDate}); a statement holds movements up to its date`);

    const reference = get("reference");
    if (!reference) bad("reference", "is empty; give the platform's financing id or the certificate id");
    else if (!UUID.test(reference) && !/^[1-9][0-9]{0,17}$/.test(reference)) {
      bad("reference", `"${reference.slice(0, 60)}" is neither a financing or receivable id (UUID) nor a certificate id (a positive integer)`);
    }

    const type = get("type").toLowerCase();
    if (!(MOVEMENT_TYPES as readonly string[]).includes(type)) bad("type", `"${get("type").slice(0, 30)}" is not one of ${MOVEMENT_TYPES.join(", ")}`);

    const amount = get("amount");
    if (!/^[1-9][0-9]{0,17}$/.test(amount)) {
      bad("amount", `"${amount.slice(0, 30)}" is not a positive integer number of fen (no separators, decimals or signs: 1000000 for 10,000.00 yuan)`);
    }

    const counterparty = get("counterparty");
    if (counterparty.length > 200) bad("counterparty", "is longer than 200 characters");

    const bankReference = get("bank_reference");
    if (!bankReference) bad("bank_reference", "is empty; give your transaction reference");
    else if (bankReference.length > 100) bad("bank_reference", "is longer than 100 characters");
    else if (seenBankRefs.has(bankReference)) bad("bank_reference", `"${bankReference}" repeats line ${seenBankRefs.get(bankReference)}; each transaction appears once`);
    else seenBankRefs.set(bankReference, r.line);

    if (ok) {
      lines.push({ line: r.line, valueDate, reference: reference.toLowerCase(), type: type as MovementType, amount: BigInt(amount), counterparty, bankReference });
    }
  }
  return { lines, problems };
}

export const storedLine = (l: StatementLine): StoredStatementLine => ({ ...l, amount: l.amount.toString() });
export const loadedLine = (l: StoredStatementLine): StatementLine => ({ ...l, amount: BigInt(l.amount) });
