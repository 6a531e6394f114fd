/**
 * A certificate's payment term (付款期限) as the API measures it (backend/src/shared/terms.ts): from
 * the day it was issued or registered to its maturity, in China's calendar (UTC+8). Beyond six
 * calendar months 77号文's "in principle" limit is exceeded: a bank that funds it records its
 * reasonableness review on its quote.
 */
const CHINA_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/** The calendar day in China, as the UTC midnight of that date (for day arithmetic). */
const chinaDay = (d: Date) => {
  const t = new Date(d.getTime() + CHINA_OFFSET_MS);
  return Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate());
};

/** The same day of the month `months` later (the month's last day if it has no such day). */
function addMonths(dayUtc: number, months: number): number {
  const d = new Date(dayUtc);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  return Date.UTC(target.getUTCFullYear(), target.getUTCMonth(), Math.min(d.getUTCDate(), last));
}

export interface Term {
  days: number;
  beyondSixMonths: boolean;
}

/** The term from `issued` to `maturity` (ISO strings or dates); null when either is unreadable. */
export function termOf(issued: string | Date, maturity: string | Date): Term | null {
  const from = new Date(issued);
  const to = new Date(maturity);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) return null;
  const a = chinaDay(from);
  const b = chinaDay(to);
  return { days: Math.round((b - a) / DAY_MS), beyondSixMonths: b > addMonths(a, 6) };
}
