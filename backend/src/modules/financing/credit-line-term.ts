/**
 * A credit line's term (授信期限): the dates between which its bank quotes and funds against it.
 * The ledger keeps only the limit; the term is the bank's own credit policy, kept and enforced by
 * the platform (docs/credit-line-term.md says why). Pure rules, no I/O.
 */
import { AppError, validationFailed } from "../../shared/errors";
import type { CreditLine } from "./financing.entity";

export type LineTerm = Pick<CreditLine, "validFrom" | "validUntil">;
/** none: a line set before terms (no expiry); valid; expired; not_yet_valid (its start is ahead). */
export type TermStatus = "none" | "valid" | "expired" | "not_yet_valid";

/** The calendar day in China Standard Time (YYYY-MM-DD): a line's dates are the bank's days. */
export const chinaDate = (now: Date) => new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

export function termStatus(term: LineTerm, now: Date): TermStatus {
  if (term.validFrom === null && term.validUntil === null) return "none";
  const today = chinaDate(now);
  if (term.validFrom !== null && today < term.validFrom) return "not_yet_valid";
  if (term.validUntil !== null && today > term.validUntil) return "expired";
  return "valid";
}

/** A term given with a limit: both dates or neither, in order, and not over already. */
export function requireSettableTerm(term: { validFrom?: string; validUntil?: string }, now: Date): LineTerm | undefined {
  if (term.validFrom === undefined && term.validUntil === undefined) return undefined;
  if (term.validFrom === undefined || term.validUntil === undefined) {
    throw validationFailed([{ field: term.validFrom === undefined ? "body.validFrom" : "body.validUntil", message: "is required with the other date of the term: give the line's start and expiry together" }]);
  }
  if (term.validUntil < term.validFrom) throw validationFailed([{ field: "body.validUntil", message: `is before validFrom (${term.validFrom}): a line expires after it starts` }]);
  if (term.validUntil < chinaDate(now)) throw validationFailed([{ field: "body.validUntil", message: `is past (today is ${chinaDate(now)} in China): give an expiry today or later` }]);
  return { validFrom: term.validFrom, validUntil: term.validUntil };
}

/**
 * Refuses a quote or a funding against a line outside its term (409 a person can act on).
 * `bankName`: whose line, for the supplier accepting; undefined: the bank quoting on its own.
 */
export function requireLineInTerm(term: LineTerm, now: Date, bankName?: string): void {
  const status = termStatus(term, now);
  if (status === "valid" || status === "none") return;
  const whose = bankName === undefined ? "Your credit line for this core enterprise" : `${bankName}'s credit line for this core enterprise`;
  const todo = bankName === undefined ? "Set the line again with a current term (POST /v1/credit-lines) before quoting." : "Accept another bank's quote, or ask this bank to renew its line and quote again.";
  const extra = { validFrom: term.validFrom, validUntil: term.validUntil };
  if (status === "expired") throw new AppError("CREDIT_LINE.EXPIRED", 409, `${whose} expired on ${term.validUntil} (its term ran from ${term.validFrom ?? "its setting"} to ${term.validUntil}). ${todo}`, [], extra);
  throw new AppError("CREDIT_LINE.NOT_YET_VALID", 409, `${whose} is valid only from ${term.validFrom} (until ${term.validUntil ?? "no expiry"}). ${bankName === undefined ? "Quote from that day, or set the line again with an earlier start." : todo}`, [], extra);
}
