import type { MovementType, StatementLine } from "./statement-csv";

/**
 * Why a line of the report does not reconcile. Statement against platform: MISSING_IN_STATEMENT,
 * MISSING_ON_PLATFORM, AMOUNT_MISMATCH, DATE_MISMATCH, COUNTERPARTY_MISMATCH. Chain against
 * platform: STATE_MISMATCH (the certificate's state or lien holder disagrees with the financing's
 * status), TERMS_MISMATCH (due or recourse on chain differ from the accepted quote),
 * PROJECTION_MISMATCH (the live ledger differs from the indexer's projection), and
 * CREDIT_LINE_MISMATCH (a credit line's charged amount differs from the outstanding financings).
 */
export const MISMATCH_CODES = [
  "MISSING_IN_STATEMENT",
  "MISSING_ON_PLATFORM",
  "AMOUNT_MISMATCH",
  "DATE_MISMATCH",
  "COUNTERPARTY_MISMATCH",
  "STATE_MISMATCH",
  "TERMS_MISMATCH",
  "PROJECTION_MISMATCH",
  "CREDIT_LINE_MISMATCH",
] as const;
export type MismatchCode = (typeof MISMATCH_CODES)[number];

export interface Mismatch {
  code: MismatchCode;
  message: string;
  financingId: string | null;
  /** The statement line it concerns (its line number in the uploaded file). */
  statementLine: number | null;
  expected?: string;
  actual?: string;
}

/** A movement of money the platform knows of for one of the bank's financings. */
export interface Movement {
  financingId: string;
  type: MovementType;
  amount: bigint;
  /** The China Standard Time day it happened. */
  day: string;
  at: Date;
  txHash: string | null;
  /** Who paid or was paid. */
  counterparty: { name: string; uscc: string };
}

export interface LineMatch {
  line: StatementLine;
  financingId: string | null;
  movement: Movement | null;
  mismatches: Mismatch[];
}

const TYPE_WORDS: Record<MovementType, string> = { advance: "advance", repayment: "repayment", recourse: "recourse recovery" };
const A_TYPE: Record<MovementType, string> = { advance: "an advance", repayment: "a repayment", recourse: "a recourse recovery" };

/**
 * Matches statement lines to the platform's movements, one to one: a line's reference names a
 * financing of this bank, and the line takes that financing's unmatched movement of its type with
 * the same day and amount, else the same day (AMOUNT_MISMATCH), else the same amount (DATE_MISMATCH),
 * else the nearest (both). Movements on `date` that no line took are MISSING_IN_STATEMENT.
 */
export function matchStatement(
  date: string,
  lines: StatementLine[],
  movements: Movement[],
  resolve: (reference: string) => string | null,
): { matches: LineMatch[]; missingInStatement: Mismatch[] } {
  const used = new Set<Movement>();
  const matches = lines.map((line): LineMatch => {
    const financingId = resolve(line.reference);
    const what = TYPE_WORDS[line.type];
    if (!financingId) {
      return {
        line,
        financingId: null,
        movement: null,
        mismatches: [
          {
            code: "MISSING_ON_PLATFORM",
            message: `Statement line ${line.line} (${line.bankReference}): ${line.reference} is not a financing of your bank on the platform, so the platform has no ${what} of ${line.amount} fen for it.`,
            financingId: null,
            statementLine: line.line,
            actual: line.amount.toString(),
          },
        ],
      };
    }
    const candidates = movements.filter((m) => m.financingId === financingId && m.type === line.type && !used.has(m));
    const pick =
      candidates.find((m) => m.day === line.valueDate && m.amount === line.amount) ??
      candidates.find((m) => m.day === line.valueDate) ??
      candidates.find((m) => m.amount === line.amount) ??
      candidates.sort((a, b) => Math.abs(Date.parse(a.day) - Date.parse(line.valueDate)) - Math.abs(Date.parse(b.day) - Date.parse(line.valueDate)))[0];
    if (!pick) {
      return {
        line,
        financingId,
        movement: null,
        mismatches: [
          {
            code: "MISSING_ON_PLATFORM",
            message: `Statement line ${line.line} (${line.bankReference}) shows ${A_TYPE[line.type]} of ${line.amount} fen on ${line.valueDate} for financing ${financingId}, but the platform has no ${what} for it${line.type === "advance" ? " (it was not funded on the ledger)" : ""}.`,
            financingId,
            statementLine: line.line,
            actual: line.amount.toString(),
          },
        ],
      };
    }
    used.add(pick);
    const mismatches: Mismatch[] = [];
    if (pick.amount !== line.amount) {
      mismatches.push({
        code: "AMOUNT_MISMATCH",
        message: `Statement line ${line.line} (${line.bankReference}) shows ${A_TYPE[line.type]} of ${line.amount} fen; the platform recorded ${pick.amount} fen (difference ${line.amount - pick.amount} fen).`,
        financingId,
        statementLine: line.line,
        expected: pick.amount.toString(),
        actual: line.amount.toString(),
      });
    }
    if (pick.day !== line.valueDate) {
      mismatches.push({
        code: "DATE_MISMATCH",
        message: `Statement line ${line.line} (${line.bankReference}) is value-dated ${line.valueDate}; the platform recorded the ${what} on ${pick.day} (China Standard Time).`,
        financingId,
        statementLine: line.line,
        expected: pick.day,
        actual: line.valueDate,
      });
    }
    if (line.counterparty && !sameParty(line.counterparty, pick.counterparty)) {
      mismatches.push({
        code: "COUNTERPARTY_MISMATCH",
        message: `Statement line ${line.line} (${line.bankReference}) names ${line.counterparty} as the counterparty; the platform's counterparty for this ${what} is ${pick.counterparty.name} (${pick.counterparty.uscc}).`,
        financingId,
        statementLine: line.line,
        expected: pick.counterparty.uscc,
        actual: line.counterparty,
      });
    }
    return { line, financingId, movement: pick, mismatches };
  });

  const missingInStatement = movements
    .filter((m) => m.day === date && !used.has(m))
    .map(
      (m): Mismatch => ({
        code: "MISSING_IN_STATEMENT",
        message: `The platform recorded ${A_TYPE[m.type]} of ${m.amount} fen on ${m.day} for financing ${m.financingId}${m.txHash ? ` (ledger transaction ${m.txHash})` : ""}; your statement has no line for it.`,
        financingId: m.financingId,
        statementLine: null,
        expected: m.amount.toString(),
      }),
    );
  return { matches, missingInStatement };
}

const normalize = (s: string) => s.replace(/[\s()（）]/g, "").toUpperCase();

/** A name or USCC on a statement names the party if it equals its code or legal name (ignoring spaces, brackets and case). */
function sameParty(given: string, party: { name: string; uscc: string }): boolean {
  const g = normalize(given);
  return g === normalize(party.uscc) || g === normalize(party.name);
}
