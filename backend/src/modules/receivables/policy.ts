import { AppError, validationFailed } from "../../shared/errors";

/** The ledger's policy, checked by the platform before anything is queued (the contract checks it again). */
export interface ReceivablePolicy {
  maxTenorDays: number;
  maxTier: number;
  minSplitAmount: bigint;
}

const DAY_MS = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3_600_000;

/** 00:00 China Standard Time on `date` (YYYY-MM-DD). */
export function maturityInstant(date: string): Date {
  return new Date(`${date}T00:00:00+08:00`);
}

/** The calendar date in China (UTC+8) at `instant`: the latest maturity date that falls due by then. */
const chinaDate = (instant: Date) => new Date(instant.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);

/** The maturity must be in the future and within the maximum tenor (China's 2025 rule: at most a year). */
export function checkMaturity(policy: ReceivablePolicy, maturity: Date, field: string, now = new Date()): void {
  if (maturity.getTime() <= now.getTime()) {
    throw validationFailed([{ field, message: `is in the past (${maturity.toISOString()}); a receivable must fall due in the future` }]);
  }
  const latest = new Date(now.getTime() + policy.maxTenorDays * DAY_MS);
  if (maturity > latest) {
    throw validationFailed([
      { field, message: `is more than ${policy.maxTenorDays} days away (the maximum tenor); choose a date on or before ${chinaDate(latest)}` },
    ]);
  }
}

export function checkTier(policy: ReceivablePolicy, tier: number): void {
  if (tier > policy.maxTier) {
    throw new AppError("RECEIVABLE.TIER_TOO_DEEP", 422, `Splitting would create tier-${tier} certificates; the deepest tier allowed is ${policy.maxTier}.`);
  }
}
