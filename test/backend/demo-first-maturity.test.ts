import { describe, it, expect } from "vitest";
import { firstMaturity } from "../../backend/src/ops/demo/scenario";
import { maturityInstant } from "../../backend/src/modules/receivables/policy";

describe("the demo's first maturity (how far it moves the ledger's clock)", () => {
  it("is the next midnight in China, as the API reads the date, when it is at least two hours away", () => {
    const now = Date.parse("2026-12-06T10:00:00Z"); // 18:00 in China
    const first = firstMaturity(now);
    expect(first.date).toBe("2026-12-07");
    expect(first.instantMs).toBe(maturityInstant(first.date).getTime());
    expect(first.instantMs - now).toBe(6 * 3600_000);
  });

  it("skips a midnight less than two hours away: the certificates must still be unmatured when they are confirmed and split", () => {
    const now = Date.parse("2026-12-06T15:30:00Z"); // 23:30 in China
    const first = firstMaturity(now);
    expect(first.date).toBe("2026-12-08");
    expect(first.instantMs).toBe(maturityInstant("2026-12-08").getTime());
  });

  it("never lies more than 26 hours ahead: with a day's grace, the ledger ends the demo within two days of the platform's clock", () => {
    for (let h = 0; h < 24; h += 0.5) {
      const now = Date.parse("2026-12-06T00:00:00Z") + h * 3600_000;
      const ahead = firstMaturity(now).instantMs - now;
      expect(ahead).toBeGreaterThanOrEqual(2 * 3600_000);
      expect(ahead).toBeLessThanOrEqual(26 * 3600_000);
    }
  });
});
