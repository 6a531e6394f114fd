import { describe, expect, it } from "vitest";
import { rankQuotes } from "../../portal/src/modules/financing/ranking";

/** The quotes as the API orders them: lowest effective annual cost first. */
const QUOTES = [
  { id: "cheap-recourse-90", advance: "90000000", recourse: true },
  { id: "dear-plain-95", advance: "95000000", recourse: false },
  { id: "dearest-plain-95", advance: "95000000", netNow: "95000000", recourse: false },
  { id: "mid-recourse-99", advance: "99000000000000000001", recourse: true },
];
const ids = (qs: { id: string }[]) => qs.map((q) => q.id);

describe("ranking quotes by what the supplier chooses", () => {
  it("keeps the API's order for the lowest cost", () => {
    expect(ids(rankQuotes(QUOTES, "cost"))).toEqual(ids(QUOTES));
  });

  it("puts the most cash now first, exactly (amounts beyond 2^53 fen), ties in cost order", () => {
    expect(ids(rankQuotes(QUOTES, "cash"))).toEqual(["mid-recourse-99", "dear-plain-95", "dearest-plain-95", "cheap-recourse-90"]);
  });

  it("puts quotes without recourse first, each group in cost order", () => {
    expect(ids(rankQuotes(QUOTES, "noRecourse"))).toEqual(["dear-plain-95", "dearest-plain-95", "cheap-recourse-90", "mid-recourse-99"]);
  });

  it("leaves the list it was given as it was", () => {
    const given = [...QUOTES];
    rankQuotes(given, "cash");
    expect(given).toEqual(QUOTES);
  });
});
