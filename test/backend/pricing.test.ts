import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { advanceFromRate, daysUntil, interestDown, price, PricingError } from "../../backend/src/modules/financing/pricing";

describe("pricing", () => {
  it("matches hand-computed cases", () => {
    // 900,000.00 yuan at 4.35% for 90 days on ACT/360: 900,000 × 0.0435 × 90 / 360 = 9,787.50 yuan
    const a = price(100_000_000n, { advance: 90_000_000n, annualRateBp: 435, dayCount: 360, fee: 50_000n, days: 90 });
    expect([a.interest, a.due, a.residual, a.cost]).toEqual([978_750n, 91_028_750n, 8_971_250n, 1_028_750n]);
    // the same on ACT/365: 900,000 × 0.0435 × 90 / 365 = 9,653.4246... yuan → 965,342 fen (rounded down)
    expect(interestDown(90_000_000n, 435, 90, 365)).toBe(965_342n);
    // one fen at 1% for one day rounds down to nothing
    expect(interestDown(1n, 100, 1, 360)).toBe(0n);
    // effective annual cost: 10,287.50 / 900,000 × 360 / 90 = 4.5722% → 457 bp (half up of 457.22)
    expect(a.effectiveAnnualCostBp).toBe(457);
    expect(advanceFromRate(100_000_000n, 9_000)).toBe(90_000_000n);
    expect(advanceFromRate(1_001n, 9_999)).toBe(1_000n); // 1000.8999 → 1000
  });

  it("refuses a due above the face amount and an advance of nothing", () => {
    expect(() => price(1_000n, { advance: 990n, annualRateBp: 1_000, dayCount: 360, fee: 20n, days: 30 })).toThrow(PricingError);
    expect(() => price(1_000n, { advance: 0n, annualRateBp: 0, dayCount: 360, fee: 0n, days: 30 })).toThrow(/positive/);
  });

  it("counts a started day as a day", () => {
    const from = new Date("2026-01-01T00:00:00Z");
    expect(daysUntil(new Date("2026-01-31T00:00:00Z"), from)).toBe(30);
    expect(daysUntil(new Date("2026-01-31T00:00:01Z"), from)).toBe(31);
  });

  it("never charges more interest than the exact amount, and never a fen less than its floor", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 15n }), fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 1, max: 366 }), fc.constantFrom(360, 365), (advance, bp, days, basis) => {
        const i = interestDown(advance, bp, days, basis);
        const exactTimesDen = advance * BigInt(bp) * BigInt(days);
        const den = 10_000n * BigInt(basis);
        return i * den <= exactTimesDen && exactTimesDen < (i + 1n) * den;
      }),
    );
  });
});
