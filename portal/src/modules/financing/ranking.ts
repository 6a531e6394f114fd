/**
 * How a supplier ranks the quotes on its request: lowest effective annual cost (the API's order),
 * most cash received now, or without recourse first. Ties keep the API's order.
 */
export const RANKS = ["cost", "cash", "noRecourse"] as const;
export type Rank = (typeof RANKS)[number];

/** What ranking needs of a quote (amounts are integer fen as strings). */
export interface Rankable {
  advance: string;
  netNow?: string;
  recourse: boolean;
}

export function rankQuotes<Q extends Rankable>(quotes: Q[], rank: Rank): Q[] {
  const cash = (q: Q) => BigInt(q.netNow ?? q.advance);
  const order = quotes.map((q, i) => ({ q, i }));
  if (rank === "cash") order.sort((a, b) => (cash(a.q) === cash(b.q) ? a.i - b.i : cash(a.q) > cash(b.q) ? -1 : 1));
  if (rank === "noRecourse") order.sort((a, b) => Number(a.q.recourse) - Number(b.q.recourse) || a.i - b.i);
  return order.map((x) => x.q);
}
