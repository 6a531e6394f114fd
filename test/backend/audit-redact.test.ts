import { describe, it, expect } from "vitest";
import { redact } from "../../backend/src/modules/audit";

/** What of a request body reaches the audit log, without a database. */

/** `leaf` under `levels` objects: { a: { a: … leaf } }. */
const nested = (levels: number, leaf: unknown): unknown => (levels === 0 ? leaf : { a: nested(levels - 1, leaf) });

describe(redact.name, () => {
  it("replaces every secret-looking field, at any depth and in any case, and keeps the rest", () => {
    const body = {
      name: "Supplier Co",
      amount: "9007199254740993",
      count: 3,
      recourse: false,
      note: null,
      apiKey: "cf_live_123",
      PASSWORD: "hunter2",
      nested: { clientSecret: "s", list: [{ refresh_token: "t", id: 1 }, { signature: "0xsig" }], privateKey: { d: "x" } },
    };
    expect(redact(body)).toEqual({
      name: "Supplier Co",
      amount: "9007199254740993",
      count: 3,
      recourse: false,
      note: null,
      apiKey: "[redacted]",
      PASSWORD: "[redacted]",
      nested: { clientSecret: "[redacted]", list: [{ refresh_token: "[redacted]", id: 1 }, { signature: "[redacted]" }], privateKey: "[redacted]" },
    });
  });

  it("cuts a string longer than 500 characters, marking the cut", () => {
    expect(redact("x".repeat(500))).toBe("x".repeat(500));
    expect(redact({ s: "x".repeat(501) })).toEqual({ s: `${"x".repeat(500)}…` });
  });

  it("replaces NUL and lone surrogates, in values and keys, which jsonb cannot store; a whole pair stays", () => {
    expect(redact("a\u0000b")).toBe("a\ufffdb");
    expect(redact(["\ud800x", "x\udc00", "😀"])).toEqual(["\ufffdx", "x\ufffd", "😀"]);
    expect(redact({ "k\u0000": 1 })).toEqual({ "k\ufffd": 1 });
    // a cut through a surrogate pair leaves half of it, which is replaced too
    expect(redact(`${"x".repeat(499)}😀`)).toBe(`${"x".repeat(499)}\ufffd…`);
  });

  it("stops at depth 6, and at 50 array items and 100 fields", () => {
    expect(redact(nested(6, "leaf"))).toEqual(nested(6, "leaf"));
    expect(redact(nested(7, "leaf"))).toEqual(nested(7, "[deep]"));
    expect(redact(nested(8, "leaf"))).toEqual(nested(7, "[deep]"));
    expect(redact(Array.from({ length: 60 }, (_, i) => i))).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const wide = redact(Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`f${i}`, i]))) as Record<string, number>;
    expect(Object.keys(wide)).toEqual(Array.from({ length: 100 }, (_, i) => `f${i}`));
  });
});
