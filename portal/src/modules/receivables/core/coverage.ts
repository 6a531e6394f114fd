/**
 * What stands between a core enterprise and repaying its certificates at maturity: the ledger pulls
 * repayments within the lesser of its repayment authorization and its settlement balance, so each
 * may fall short on its own, and each is fixed differently (the authorization in the portal; the
 * balance by a transfer from its bank account, credited by the settlement bank).
 */
export interface CoverageFigures {
  balance: string;
  repaymentAuthorization: string;
  outstanding: string;
}

/** How much more authorization and how much more balance the outstanding payables need (fen, ≥ 0). */
export function coverageGaps(c: CoverageFigures): { authorization: bigint; balance: bigint } {
  const outstanding = BigInt(c.outstanding);
  const gap = (have: string) => (outstanding > BigInt(have) ? outstanding - BigInt(have) : 0n);
  return { authorization: gap(c.repaymentAuthorization), balance: gap(c.balance) };
}
