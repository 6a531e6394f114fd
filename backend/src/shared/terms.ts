/**
 * A certificate's payment term (付款期限), as the 2025 rules measure it: from the day it was issued
 * or registered to its maturity, in China's calendar (UTC+8).
 * - 银发〔2025〕77号: the term is in principle within 6 months and at most 1 year (the ledger's
 *   maxTenor enforces the year; a longer-than-6-months term must be justified: a financing bank
 *   records its reasonableness review on its quote).
 * - 国务院令第802号: a large enterprise pays an SME within 60 days of delivery unless a reasonable
 *   longer term is agreed.
 */
const CHINA_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/** The calendar day in China time, as a UTC midnight Date (for day arithmetic). */
const chinaDay = (d: Date) => {
  const t = new Date(d.getTime() + CHINA_OFFSET_MS);
  return Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate());
};

/** Whole days from `from`'s China-time date to `to`'s. */
export function daysBetween(from: Date, to: Date): number {
  return Math.round((chinaDay(to) - chinaDay(from)) / DAY_MS);
}

/** The same day of the month `months` later (the month's last day if it has no such day). */
function addMonths(dayUtc: number, months: number): number {
  const d = new Date(dayUtc);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  return Date.UTC(target.getUTCFullYear(), target.getUTCMonth(), Math.min(d.getUTCDate(), last));
}

/** More than 6 calendar months from issue to maturity: 77号文's "in principle" limit is exceeded. */
export function exceedsSixMonths(issued: Date, maturity: Date): boolean {
  return chinaDay(maturity) > addMonths(chinaDay(issued), 6);
}

/** The term facts every view of a certificate shows. */
export function termOf(issued: Date, maturity: Date): { termDays: number; longTerm: boolean } {
  return { termDays: daysBetween(issued, maturity), longTerm: exceedsSixMonths(issued, maturity) };
}

/** 国务院令第802号: a large enterprise pays an SME within 60 days of delivery. */
export const SME_PAYMENT_DAYS = 60;

/**
 * 国务院令第802号 (arts. 9, 11): when a large enterprise pays an SME with a certificate that matures
 * more than 60 days after delivery, the SME must have agreed to that term; the platform asks for
 * its explicit agreement when it signs for (签收) the certificate. Null: the rule does not apply
 * (the payer is not large, the receiver is not an SME or its size is unknown, or the term is
 * within 60 days of delivery).
 */
export function smeTermBeyond60Days(
  payerSize: string | null,
  receiverSize: string | null,
  deliveredOn: string | null,
  maturity: Date,
): { deliveredOn: string; daysAfterDelivery: number } | null {
  if (payerSize !== "large" || receiverSize === null || receiverSize === "large" || deliveredOn === null) return null;
  const days = daysBetween(new Date(`${deliveredOn}T12:00:00+08:00`), maturity);
  return days > SME_PAYMENT_DAYS ? { deliveredOn, daysAfterDelivery: days } : null;
}
