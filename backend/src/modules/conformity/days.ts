/**
 * The feed's days are China Standard Time days (Asia/Shanghai: UTC+8 all year, no daylight
 * saving since 1991), whatever the server's time zone.
 */
export const TIME_ZONE = "Asia/Shanghai" as const;
const CST_OFFSET_S = 8 * 3600;
export const DAY_S = 86_400;

/** The China Standard Time day (YYYY-MM-DD) of a unix time in seconds. */
export const cstDayOf = (unixSeconds: number) => new Date((unixSeconds + CST_OFFSET_S) * 1000).toISOString().slice(0, 10);

/** Days since 1970-01-01 in China Standard Time: a calendar-day count to subtract. */
export const cstDayNumber = (unixSeconds: number) => Math.floor((unixSeconds + CST_OFFSET_S) / DAY_S);

/** 00:00 China Standard Time on `day` (YYYY-MM-DD), in unix seconds. */
export const dayStartS = (day: string) => Date.parse(`${day}T00:00:00+08:00`) / 1000;

/** The day after (n = 1) or before (n = -1) `day`. */
export const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_S * 1000).toISOString().slice(0, 10);

/** A unix time in seconds as the feed writes instants: ISO 8601 in UTC, to the second. */
export const isoSeconds = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
