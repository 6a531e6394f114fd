/**
 * The financing rules, decided on what the services have read: who sees what, what a credit line
 * has room for, which certificate may be financed, which quote priced or accepted, and when a
 * funding can never succeed. No I/O here (test/backend/financing-rules.test.ts).
 */
import { ZeroHash } from "ethers";
import { AppError, conflict, notFound, validationFailed } from "../../shared/errors";
import { readsAll, type AuthContext } from "../../shared/http/auth";
import type { Organization } from "../onboarding";
import type { ReceivableRow } from "../receivables";
import { exceedsSixMonths, termOf } from "../../shared/terms";
import type { CreditLine, Financing, FinancingRequest, Quote, ReasonablenessReview } from "./financing.entity";
import { advanceFromRate, daysUntil, price, PricingError, type Priced } from "./pricing";

/** How long a holder's signed acceptance stays valid for the bank to fund it. */
export const FUNDING_WINDOW_S = 24 * 3600;
/** A signature closer than this to its deadline (on the ledger's clock) would expire before its transaction is mined. */
const MIN_DEADLINE_S = 120n;
export const MAX_UINT256 = (1n << 256n) - 1n;


/** A credit line's amounts: its limit on the ledger, what funded financings use, and a limit the bank is setting. */
export type LineAmounts = Pick<CreditLine, "limitAmount" | "used" | "requestedLimit">;

/** A line's room for more: its limit (the lower of the ledger's and one being set, so a cut binds at once) less what is funded and committed. */
export function roomOn(line: LineAmounts, committed: bigint): bigint {
  const limit = line.requestedLimit !== null && line.requestedLimit < line.limitAmount ? line.requestedLimit : line.limitAmount;
  return limit - line.used - committed;
}

/** A bank may not set its line below what it carries: funded financings and accepted ones being funded. */
export function requireLimitCovers(limit: bigint, used: bigint, committed: bigint): void {
  if (limit < used + committed) {
    throw validationFailed([
      { field: "body.limit", message: `is below what this line carries (${used} fen funded and ${committed} fen accepted and being funded); it must be at least ${used + committed} fen` },
    ]);
  }
}

/** Whether the bank's settlement account must authorize the ledger again (null: it never has). */
export const needsLedgerApproval = (allowance: bigint | null) => allowance === null || allowance < MAX_UINT256 / 2n;

/** A certificate its holder may ask financing for: its own, confirmed, maturing more than a day after `now`. */
export function requireFinanceable(r: ReceivableRow | null, holderId: string, receivableId: string, now: Date): ReceivableRow {
  if (!r || r.holderOrganizationId !== holderId) throw notFound("receivable", receivableId);
  if (r.status !== "confirmed") throw conflict("RECEIVABLE.INVALID_STATUS", `Only confirmed certificates can be financed; this one is ${r.status}.`);
  if (r.maturity.getTime() - now.getTime() < 86_400_000) throw conflict("RECEIVABLE.MATURES_TOO_SOON", "The certificate matures within a day: too late to finance.");
  return r;
}

type Listed = { request: FinancingRequest; receivable: ReceivableRow };

/** What bank `me` sees of requests it may quote on: another bank's winning quote, financing and funding of the certificate are hidden; `mine` are its own accepted quotes. */
export function hideOtherBanks(me: string, items: Listed[], mine: Set<string>): Listed[] {
  return items.map(({ request, receivable }) => {
    if (request.supplierOrganizationId === me) return { request, receivable };
    return {
      request: request.acceptedQuoteId && !mine.has(request.acceptedQuoteId) ? { ...request, acceptedQuoteId: null, financingId: null } : request,
      receivable: receivable.financingBankOrganizationId && receivable.financingBankOrganizationId !== me ? { ...receivable, financingBankOrganizationId: null } : receivable,
    };
  });
}

export interface QuoteInput {
  advance?: bigint;
  advanceRateBp?: number;
  annualRateBp: number;
  dayCount: 360 | 365;
  fee: bigint;
  recourse: boolean;
  validUntil: Date;
  reasonablenessReview?: ReasonablenessReview;
}

/**
 * 77号文: a term over 6 months must be justified. A bank quoting on such a certificate records
 * who reviewed that the term is reasonable and why; without it the quote, and so the funding, is
 * refused. The term runs from `issuedAt`, when the certificate's original (a split part's root)
 * was issued or registered, as the offers inbox counts it.
 */
export function requireReviewOfLongTerm(issuedAt: Date, r: Pick<ReceivableRow, "maturity">, review: ReasonablenessReview | null | undefined): void {
  if (!exceedsSixMonths(issuedAt, r.maturity) || review) return;
  throw validationFailed([
    {
      field: "body.reasonablenessReview",
      message: `is required: the certificate's term (${termOf(issuedAt, r.maturity).termDays} days) exceeds 6 months; record who reviewed that the term is reasonable (reviewer) and why (reason)`,
    },
  ]);
}

/** A bank's quote on `r`, priced: valid from `now` until no later than maturity, terms that price (pricing.ts), a due within the line's `available` room. */
export function priceQuote(r: Pick<ReceivableRow, "amount" | "maturity">, input: QuoteInput, available: bigint, now: Date): { advance: bigint; days: number; priced: Priced } {
  if (input.validUntil.getTime() <= now.getTime()) throw validationFailed([{ field: "body.validUntil", message: "is in the past" }]);
  if (input.validUntil > r.maturity) throw validationFailed([{ field: "body.validUntil", message: "is after the certificate's maturity" }]);
  const advance = input.advance ?? advanceFromRate(r.amount, input.advanceRateBp!);
  const days = daysUntil(r.maturity, now);
  let priced;
  try {
    priced = price(r.amount, { advance, annualRateBp: input.annualRateBp, dayCount: input.dayCount, fee: input.fee, days });
  } catch (e) {
    if (e instanceof PricingError) throw new AppError("QUOTE.INVALID_TERMS", 422, `These terms do not work: ${e.message}.`);
    throw e;
  }
  if (priced.due > available) {
    throw new AppError("CREDIT_LINE.INSUFFICIENT", 422, `Your credit line for this core enterprise has ${available} fen available; this quote needs ${priced.due}. Raise the line or quote less.`);
  }
  return { advance, days, priced };
}

/** Quotes side by side: the lowest effective annual cost first, then the larger advance. */
export const cheapestFirst = (a: { priced: Priced }, b: { priced: Priced }) =>
  a.priced.effectiveAnnualCostBp - b.priced.effectiveAnnualCostBp || Number(b.priced.advance - a.priced.advance);

/** A quote its supplier may accept at `now`: on an open request, itself open and unexpired. */
export function requireOpenQuote(request: FinancingRequest, quote: Quote, now: number): void {
  if (request.status !== "open") throw conflict("FINANCING.REQUEST_CLOSED", `The request is ${request.status}.`);
  if (quote.status !== "open") throw conflict("QUOTE.NOT_OPEN", `The quote is ${quote.status}.`);
  if (quote.validUntil.getTime() <= now) throw conflict("QUOTE.EXPIRED", `The quote expired at ${quote.validUntil.toISOString()}; ask the bank for a new one.`);
}

/** The certificate of an acceptance is still confirmed and still its supplier's. */
export function requireHeld(receivable: ReceivableRow, supplierId: string): void {
  if (receivable.status !== "confirmed" || receivable.holderOrganizationId !== supplierId) {
    throw conflict("RECEIVABLE.INVALID_STATUS", `The certificate is ${receivable.status}; it can no longer be financed.`);
  }
}

/** An organization's standing for a financing: its status and whether a suspension is on its way to the ledger. */
export type PartyStanding = Pick<Organization, "id" | "legalName" | "status"> & { suspending: boolean };

/** Refuses unless every party is an active member, with no suspension on its way to the ledger. */
export function requireActiveParties(parties: PartyStanding[]): void {
  const bad = parties.find((o) => o.status !== "active" || o.suspending);
  if (bad) {
    throw conflict("ORGANIZATION.NOT_ACTIVE", `${bad.legalName} is ${bad.suspending ? "being suspended" : bad.status}, not an active member: a financing with it cannot be funded. Accept another quote.`, { organizationId: bad.id });
  }
}

/** Refuses an acceptance of `quote` when the bank's line (read under its lock) has no room for its due. */
export function requireRoom(quote: Quote, bankName: string, available: bigint): void {
  if (quote.due > available) {
    throw new AppError(
      "CREDIT_LINE.INSUFFICIENT",
      422,
      `${bankName}'s credit line for this core enterprise has ${available < 0n ? 0n : available} fen available now; this quote needs ${quote.due}. Accept another quote or ask the bank to quote again.`,
    );
  }
}

/** Whether a signature with `deadline` is past or too near it on the ledger's clock to be mined in time. */
export const expiresTooSoon = (deadline: bigint, ledgerNow: bigint) => deadline <= ledgerNow + MIN_DEADLINE_S;

/**
 * The FinanceTerms an acceptance of `q` signs, bound to the financing agreement whose SM3
 * fingerprint is `agreement` (ZeroHash: none bound).
 */
export function financeTerms(q: Quote, r: ReceivableRow, bank: Organization, nonce: bigint, deadline: bigint, agreement: string = ZeroHash) {
  return { receivableId: r.chainId!.toString(), bank: bank.ledgerAddress!, advance: q.advance.toString(), due: q.due.toString(), recourse: q.recourse, agreement, nonce: nonce.toString(), deadline: deadline.toString() };
}

export interface Hopeless {
  code: string;
  reason: string;
}

/** A funding that can never be because a party (`parties`: its bank, holder and obligor) is not an active member. */
export function inactiveParty(f: Financing, parties: Organization[]): Hopeless | null {
  const inactive = parties.find((o) => o.status !== "active");
  if (!inactive) return null;
  const role = inactive.id === f.bankOrganizationId ? "the bank" : inactive.id === f.supplierOrganizationId ? "the holder" : "the obligor";
  return { code: "ORGANIZATION.NOT_ACTIVE", reason: `${inactive.legalName} (${role}) is ${inactive.status}, not an active member: the ledger would refuse this financing. The request is open again: accept another quote or cancel it.` };
}

/** A funding that can never be because the holder's signature has expired on the ledger's clock. */
export function expiredSignature(f: Financing, ledgerNow: bigint): Hopeless | null {
  const deadline = BigInt(f.terms.deadline as string);
  if (!expiresTooSoon(deadline, ledgerNow)) return null;
  return { code: "SIGNATURE.EXPIRED", reason: `The holder's signature on the terms expires at ${deadline} (unix seconds) and the ledger's clock reads ${ledgerNow}: it can no longer be funded. The request is open again: accept a quote again or cancel it.` };
}
