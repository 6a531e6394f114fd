import { describe, it, expect } from "vitest";
import { AppError } from "../../backend/src/shared/errors";
import { chinaDate, requireLineInTerm, requireSettableTerm, termStatus } from "../../backend/src/modules/financing/credit-line-term";

/** A credit line's term is counted in China's days: 16:30 UTC on 31 Dec is already 1 Jan there. */
const at = (iso: string) => new Date(iso);
const caught = (f: () => void) => {
  try {
    f();
  } catch (e) {
    return e as AppError;
  }
  throw new Error("expected a refusal");
};

describe("credit line term", () => {
  const term = { validFrom: "2026-01-01", validUntil: "2026-12-31" };

  it("is valid on its first and last day in China, and not a day either side", () => {
    expect(chinaDate(at("2025-12-31T16:00:00Z"))).toBe("2026-01-01");
    expect(termStatus(term, at("2025-12-31T15:59:59Z"))).toBe("not_yet_valid");
    expect(termStatus(term, at("2025-12-31T16:00:00Z"))).toBe("valid");
    expect(termStatus(term, at("2026-12-31T15:59:59Z"))).toBe("valid");
    expect(termStatus(term, at("2026-12-31T16:00:00Z"))).toBe("expired");
    expect(termStatus({ validFrom: null, validUntil: null }, at("2030-01-01T00:00:00Z"))).toBe("none");
  });

  it("refuses a quote outside the term with 409, the dates, and what to do; lets one inside it or without a term through", () => {
    const expired = caught(() => requireLineInTerm(term, at("2027-01-05T00:00:00Z")));
    expect([expired.status, expired.code]).toEqual([409, "CREDIT_LINE.EXPIRED"]);
    expect(expired.message).toContain("2026-12-31");
    expect(expired.message).toContain("POST /v1/credit-lines");
    const early = caught(() => requireLineInTerm(term, at("2025-06-01T00:00:00Z"), "渝州银行"));
    expect([early.status, early.code]).toEqual([409, "CREDIT_LINE.NOT_YET_VALID"]);
    expect(early.message).toContain("渝州银行");
    expect(early.message).toContain("Accept another bank's quote");
    expect(() => requireLineInTerm(term, at("2026-06-01T00:00:00Z"))).not.toThrow();
    expect(() => requireLineInTerm({ validFrom: null, validUntil: null }, at("2026-06-01T00:00:00Z"))).not.toThrow();
  });

  it("takes a term as both dates in order, not over already; none keeps the line's term", () => {
    const now = at("2026-06-01T00:00:00Z");
    expect(requireSettableTerm({}, now)).toBeUndefined();
    expect(requireSettableTerm(term, now)).toEqual(term);
    expect(requireSettableTerm({ validFrom: "2026-06-01", validUntil: "2026-06-01" }, now)).toEqual({ validFrom: "2026-06-01", validUntil: "2026-06-01" });
    const fields = (t: { validFrom?: string; validUntil?: string }) => caught(() => requireSettableTerm(t, now)).fields.map((f) => f.field);
    expect(fields({ validFrom: "2026-01-01" })).toEqual(["body.validUntil"]);
    expect(fields({ validUntil: "2026-12-31" })).toEqual(["body.validFrom"]);
    expect(fields({ validFrom: "2026-12-31", validUntil: "2026-07-01" })).toEqual(["body.validUntil"]);
    expect(fields({ validFrom: "2026-01-01", validUntil: "2026-05-31" })).toEqual(["body.validUntil"]);
  });
});
