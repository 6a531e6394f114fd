import { describe, expect, it } from "vitest";
import { daysBetween, exceedsSixMonths, smeTermBeyond60Days, termOf } from "../../backend/src/shared/terms";

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

describe("802号令's 60 days from delivery, when a large enterprise pays an SME", () => {
  const maturity = at("2026-05-01T10:00:00+08:00");
  it("applies to a large payer and an SME receiver whose certificate matures more than 60 days after delivery", () => {
    expect(smeTermBeyond60Days("large", "small", "2026-02-01", maturity)).toEqual({ deliveredOn: "2026-02-01", daysAfterDelivery: 89 });
    expect(smeTermBeyond60Days("large", "micro", "2026-03-01", at("2026-04-30T10:00:00+08:00"))).toBeNull(); // 60 days exactly
    expect(smeTermBeyond60Days("large", "medium", "2026-03-01", at("2026-05-01T10:00:00+08:00"))).toEqual({ deliveredOn: "2026-03-01", daysAfterDelivery: 61 });
  });
  it("does not apply between SMEs, to a large receiver, to an unknown size or without a delivery date", () => {
    expect(smeTermBeyond60Days("medium", "small", "2026-02-01", maturity)).toBeNull();
    expect(smeTermBeyond60Days("large", "large", "2026-02-01", maturity)).toBeNull();
    expect(smeTermBeyond60Days("large", null, "2026-02-01", maturity)).toBeNull();
    expect(smeTermBeyond60Days("large", "small", null, maturity)).toBeNull();
  });
});
