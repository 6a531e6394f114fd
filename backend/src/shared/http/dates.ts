import { z } from "./openapi";

/** The earliest day the API takes: before it a date is a typo (and Postgres has no year 0). */
export const FIRST_DAY = "2000-01-01";

const SHAPE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A real calendar date, YYYY-MM-DD, on or after FIRST_DAY. No roll-over: `Date.parse` takes
 * 2027-02-30 as 2 March, so the date is checked to read back as itself.
 */
export function isCalendarDate(v: string): boolean {
  if (!SHAPE.test(v) || v < FIRST_DAY) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

/** Why `v` is not a calendar date (one message a person can act on), or null. */
export function calendarDateProblem(v: string): string | null {
  if (!SHAPE.test(v)) return "must be a date, YYYY-MM-DD";
  if (v < FIRST_DAY) return `must be on or after ${FIRST_DAY}`;
  if (!isCalendarDate(v)) return `must be a real calendar date: ${v} does not exist`;
  return null;
}

/**
 * Every date the API takes, in bodies and in query strings: a string YYYY-MM-DD that names a day
 * that exists (no 30 February, no 31 April, 29 February only in leap years), on or after
 * FIRST_DAY. Each field adds its own meaning (which time zone, what the day is) with `.openapi()`.
 */
export const CalendarDate = z
  .string()
  .superRefine((v, ctx) => {
    const problem = calendarDateProblem(v);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .openapi({ type: "string", pattern: SHAPE.source, example: "2027-06-30" });
