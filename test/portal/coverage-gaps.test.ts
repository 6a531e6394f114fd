import { describe, expect, it } from "vitest";
import { coverageGaps } from "../../portal/src/modules/receivables/core/coverage";

describe("what a core enterprise's payables still need before maturity", () => {
  it("names the authorization's gap and the balance's gap apart", () => {
    expect(coverageGaps({ balance: "0", repaymentAuthorization: "0", outstanding: "500" })).toEqual({ authorization: 500n, balance: 500n });
  });

  it("after authorizing repayment, only the balance is short: funding it is what is left to do", () => {
    expect(coverageGaps({ balance: "0", repaymentAuthorization: "500", outstanding: "500" })).toEqual({ authorization: 0n, balance: 500n });
  });

  it("a funded balance with too little authorization asks for the authorization only", () => {
    expect(coverageGaps({ balance: "900", repaymentAuthorization: "100", outstanding: "500" })).toEqual({ authorization: 400n, balance: 0n });
  });

  it("nothing when both cover it, exactly, beyond 2^53 fen", () => {
    const big = (2n ** 60n).toString();
    expect(coverageGaps({ balance: big, repaymentAuthorization: big, outstanding: big })).toEqual({ authorization: 0n, balance: 0n });
  });
});
