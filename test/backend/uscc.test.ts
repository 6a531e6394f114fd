import { describe, it, expect } from "vitest";
import { usccProblem, withUsccCheck } from "../../backend/src/modules/onboarding/uscc";

describe("unified social credit code (GB 32100-2015)", () => {
  it("accepts published codes", () => {
    for (const code of ["91350100M000100Y43", "91110000802100433B", "914403001922038216"]) expect(usccProblem(code)).toBeNull();
  });

  it("gives the reason a code is wrong", () => {
    expect(usccProblem("91350100M000100Y4")).toMatch(/18 characters, got 17/);
    expect(usccProblem("91350100M000100I43")).toMatch(/character 16 \("I"\) is not allowed/);
    expect(usccProblem("9135A100M000100Y43")).toMatch(/administrative division code/);
    expect(usccProblem("91350100M000100Y44")).toMatch(/check character \(18th\) is "4" but the first 17 characters give "3"/);
  });

  it("detects every single-character substitution", () => {
    const code = withUsccCheck("91500000MA5UCF0P0");
    const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    for (let i = 0; i < 18; i++) {
      for (const c of alphabet) {
        if (c === code[i]) continue;
        const typo = code.slice(0, i) + c + code.slice(i + 1);
        if (i >= 2 && i < 8 && !/[0-9]/.test(c)) continue; // caught by the division-code rule instead
        expect(usccProblem(typo), typo).not.toBeNull();
      }
    }
  });
});
