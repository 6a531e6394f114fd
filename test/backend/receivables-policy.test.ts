import { describe, it, expect } from "vitest";
import { AppError } from "../../backend/src/shared/errors";
import { checkMaturity, checkTier, maturityInstant, type ReceivablePolicy } from "../../backend/src/modules/receivables/policy";

/** The ledger's policy as the platform checks it before queueing, on fixed clocks (no stack). */

const POLICY: ReceivablePolicy = { maxTenorDays: 365, maxTier: 3, minSplitAmount: 10_000n };
const DAY_MS = 86_400_000;
/** 00:00 China Standard Time on 2026-03-10. */
const CST_MIDNIGHT = new Date("2026-03-09T16:00:00Z");

/** The AppError `fn` throws (fails the test if it throws nothing or something else). */
function thrown(fn: () => void): AppError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return e as AppError;
  }
  throw new Error("expected an AppError, nothing was thrown");
}

describe(maturityInstant.name, () => {
  it("is midnight in China Standard Time (UTC+8), the evening before in UTC", () => {
    expect(maturityInstant("2026-03-10").toISOString()).toBe("2026-03-09T16:00:00.000Z");
    expect(maturityInstant("2027-01-01").toISOString()).toBe("2026-12-31T16:00:00.000Z");
  });
});

describe(checkMaturity.name, () => {
  it("takes a maturity one millisecond ahead and refuses one at or before now, naming the field", () => {
    expect(() => checkMaturity(POLICY, new Date(CST_MIDNIGHT.getTime() + 1), "f", CST_MIDNIGHT)).not.toThrow();
    for (const maturity of [CST_MIDNIGHT, new Date(CST_MIDNIGHT.getTime() - DAY_MS)]) {
      const e = thrown(() => checkMaturity(POLICY, maturity, "items.2.maturityDate", CST_MIDNIGHT));
      expect([e.code, e.status]).toEqual(["REQUEST.INVALID", 422]);
      expect(e.fields).toEqual([{ field: "items.2.maturityDate", message: expect.stringMatching(/is in the past/) }]);
    }
  });

  it("counts the day in China: a date is in the past from 00:00 CST on that day", () => {
    const today = maturityInstant("2026-03-10");
    // 23:59:59.999 CST on 9 March: 10 March is still ahead
    expect(() => checkMaturity(POLICY, today, "f", new Date(CST_MIDNIGHT.getTime() - 1))).not.toThrow();
    // 00:00 CST on 10 March (still 9 March in UTC): it is today, so no longer in the future
    expect(thrown(() => checkMaturity(POLICY, today, "f", CST_MIDNIGHT)).fields[0].message).toMatch(/in the past/);
  });

  it("takes a maturity exactly the maximum tenor away and refuses one a millisecond later", () => {
    const now = new Date("2026-03-10T02:00:00Z"); // 10:00 CST
    const latest = new Date(now.getTime() + 365 * DAY_MS);
    expect(() => checkMaturity(POLICY, latest, "f", now)).not.toThrow();
    const e = thrown(() => checkMaturity(POLICY, new Date(latest.getTime() + 1), "items.0.maturityDate", now));
    expect([e.code, e.status]).toEqual(["REQUEST.INVALID", 422]);
    expect(e.fields).toEqual([{ field: "items.0.maturityDate", message: expect.stringContaining("more than 365 days away") }]);
    expect(e.fields[0].message).toContain("on or before 2027-03-10");
    // the tenor is the policy's, not a constant
    expect(() => checkMaturity({ ...POLICY, maxTenorDays: 30 }, new Date(now.getTime() + 31 * DAY_MS), "f", now)).toThrow(/invalid/);
    expect(() => checkMaturity({ ...POLICY, maxTenorDays: 30 }, new Date(now.getTime() + 30 * DAY_MS), "f", now)).not.toThrow();
  });

  it("on calendar dates: a year ahead in China is allowed, a year and a day is not", () => {
    const now = new Date("2026-03-10T02:00:00Z"); // 10:00 CST on 10 March 2026
    expect(() => checkMaturity(POLICY, maturityInstant("2027-03-10"), "f", now)).not.toThrow();
    expect(() => checkMaturity(POLICY, maturityInstant("2027-03-11"), "f", now)).toThrow(AppError);
  });

  it("names the latest date allowed as a date in China, also in the hours when China's date is ahead of UTC's", () => {
    const now = new Date("2026-03-09T17:00:00Z"); // 01:00 CST on 10 March 2026
    expect(() => checkMaturity(POLICY, maturityInstant("2027-03-10"), "f", now)).not.toThrow();
    const e = thrown(() => checkMaturity(POLICY, maturityInstant("2027-03-11"), "f", now));
    expect(e.fields[0].message).toContain("on or before 2027-03-10");
  });
});

describe(checkTier.name, () => {
  it("allows the deepest tier and refuses one deeper, with its own code", () => {
    expect(() => checkTier(POLICY, 3)).not.toThrow();
    const e = thrown(() => checkTier(POLICY, 4));
    expect([e.code, e.status]).toEqual(["RECEIVABLE.TIER_TOO_DEEP", 422]);
    expect(e.message).toMatch(/tier-4 certificates; the deepest tier allowed is 3/);
    expect(() => checkTier({ ...POLICY, maxTier: 1 }, 2)).toThrow(AppError);
  });
});
