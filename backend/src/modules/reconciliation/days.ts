/**
 * Reports are by China Standard Time day (Asia/Shanghai: UTC+8 all year, no daylight saving
 * since 1991), whatever the server's time zone.
 */
const CST_OFFSET_MS = 8 * 3600_000;
export const DAY_MS = 86_400_000;
export const TIME_ZONE = "Asia/Shanghai" as const;

/** 00:00 China Standard Time on `date` (YYYY-MM-DD). */
export const dayStart = (date: string) => new Date(`${date}T00:00:00+08:00`);

/** The China Standard Time day (YYYY-MM-DD) of an instant. */
export const cstDay = (d: Date) => new Date(d.getTime() + CST_OFFSET_MS).toISOString().slice(0, 10);

export const cstToday = () => cstDay(new Date());
