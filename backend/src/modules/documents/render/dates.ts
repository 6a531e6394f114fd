/** China calendar days ("YYYY-MM-DD"), as the facts carry them. */

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function parts(day: string): [number, number, number] {
  const m = DAY.exec(day);
  const date = m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])) : null;
  if (!m || !date || date.toISOString().slice(0, 10) !== day) throw new RangeError(`not a calendar day: ${day}`);
  return [+m[1], +m[2], +m[3]];
}

/** 00:00 of the day in China (UTC+8, no daylight saving): the document's fixed creation date. */
export function chinaMidnight(day: string): Date {
  const [y, m, d] = parts(day);
  return new Date(Date.UTC(y, m - 1, d) - 8 * 3600_000);
}

/** "2027年3月1日" */
export function zhDate(day: string): string {
  const [y, m, d] = parts(day);
  return `${y}年${m}月${d}日`;
}
