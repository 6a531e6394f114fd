/**
 * Pricing of a financing quote, in integer arithmetic (fen and basis points; never floating point).
 *
 *   interest = advance × annualRateBp × days / (10,000 × dayCount), rounded DOWN to the fen
 *   due      = advance + interest + fee                         (what the bank gets at maturity)
 *
 * Rounding rule: interest is rounded down (truncated) to a whole fen, so the supplier is never
 * charged for a fraction of a fen. `due` may not exceed the certificate's face amount.
 *
 * Effective annual cost, for comparing quotes: (interest + fee) / advance, annualised on the quote's
 * day-count basis, in basis points rounded HALF UP (it is a disclosure figure, not money).
 */
export interface QuoteTerms {
  advance: bigint;
  annualRateBp: number;
  dayCount: 360 | 365;
  fee: bigint;
  /** Days from funding to maturity. */
  days: number;
}

export interface Priced {
  interest: bigint;
  due: bigint;
  /** What the supplier gets now. */
  advance: bigint;
  /** What the holder gets at maturity (face − due). */
  residual: bigint;
  /** interest + fee. */
  cost: bigint;
  effectiveAnnualCostBp: number;
}

export class PricingError extends Error {}

export function interestDown(advance: bigint, annualRateBp: number, days: number, dayCount: number): bigint {
  return (advance * BigInt(annualRateBp) * BigInt(days)) / (10_000n * BigInt(dayCount));
}

export function price(face: bigint, t: QuoteTerms): Priced {
  if (t.advance <= 0n) throw new PricingError("the advance must be positive");
  if (t.days <= 0) throw new PricingError("the certificate must mature after funding");
  const interest = interestDown(t.advance, t.annualRateBp, t.days, t.dayCount);
  const due = t.advance + interest + t.fee;
  if (due > face) {
    throw new PricingError(`advance + interest + fee = ${due} fen exceeds the face amount ${face} fen; lower the advance, rate or fee`);
  }
  const cost = interest + t.fee;
  // (cost / advance) × (dayCount / days) × 10,000, half up: (2n + d) / 2d
  const num = cost * BigInt(t.dayCount) * 10_000n;
  const den = t.advance * BigInt(t.days);
  const effectiveAnnualCostBp = Number((2n * num + den) / (2n * den));
  return { interest, due, advance: t.advance, residual: face - due, cost, effectiveAnnualCostBp };
}

/** An advance given as a rate of the face amount, in basis points, rounded down to the fen. */
export function advanceFromRate(face: bigint, advanceRateBp: number): bigint {
  return (face * BigInt(advanceRateBp)) / 10_000n;
}

/** Whole days between funding and maturity (any started day counts: a certificate due in 90.2 days pays 91). */
export function daysUntil(maturity: Date, from: Date): number {
  return Math.ceil((maturity.getTime() - from.getTime()) / 86_400_000);
}
