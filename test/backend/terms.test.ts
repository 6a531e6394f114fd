import { describe, expect, it } from "vitest";
import { daysBetween, exceedsSixMonths, termOf } from "../../backend/src/shared/terms";

/** China time is UTC+8: 2026-01-31T20:00Z is already 1 February in Chongqing. */
const at = (iso: string) => new Date(iso);

describe("certificate terms (77号文's 6 months, 802号令's 60 days), in China's calendar", () => {
  it("counts days between China-time dates, not UTC ones", () => {
    expect(daysBetween(at("2026-01-01T00:00:00+08:00"), at("2026-03-02T23:59:00+08:00"))).toBe(60);
    expect(daysBetween(at("2026-01-31T15:59:00Z"), at("2026-01-31T16:00:00Z"))).toBe(1);
  });

  it("marks a term longer than 6 calendar months, and only then", () => {
    expect(exceedsSixMonths(at("2026-01-15T10:00:00+08:00"), at("2026-07-15T10:00:00+08:00"))).toBe(false);
    expect(exceedsSixMonths(at("2026-01-15T10:00:00+08:00"), at("2026-07-16T00:00:00+08:00"))).toBe(true);
    // 31 August + 6 months is the last day of February
    expect(exceedsSixMonths(at("2026-08-31T09:00:00+08:00"), at("2027-02-28T09:00:00+08:00"))).toBe(false);
    expect(exceedsSixMonths(at("2026-08-31T09:00:00+08:00"), at("2027-03-01T09:00:00+08:00"))).toBe(true);
  });

  it("gives the term facts a view shows", () => {
    expect(termOf(at("2026-01-01T08:00:00+08:00"), at("2026-12-31T08:00:00+08:00"))).toEqual({ termDays: 364, longTerm: true });
    expect(termOf(at("2026-01-01T08:00:00+08:00"), at("2026-03-01T08:00:00+08:00"))).toEqual({ termDays: 59, longTerm: false });
  });
});
