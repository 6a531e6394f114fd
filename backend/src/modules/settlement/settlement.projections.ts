import type { Projections } from "../../indexer/projections";

const ZERO = "0x0000000000000000000000000000000000000000";

/** Token events → movements, balances and allowances. */
export function settlementProjections(p: Projections): Projections {
  return p
    .on(
      "SettlementToken.Transfer",
      async (em, events) => {
        const moves = events.map((e) => ({ e, from: e.args.from, to: e.args.to, value: BigInt(e.args.value) }));
        await em.query(
          `INSERT INTO token_movements (chain_event_id, kind, from_address, to_address, amount, block_number, tx_hash)
           SELECT event_id, kind, from_address, to_address, amount, block_number, tx_hash
           FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::numeric[], $6::bigint[], $7::text[]) WITH ORDINALITY
             AS m(event_id, kind, from_address, to_address, amount, block_number, tx_hash, n)
           ORDER BY n ON CONFLICT (chain_event_id) DO NOTHING`,
          [
            moves.map((m) => m.e.id.toString()),
            moves.map((m) => (m.from === ZERO ? "deposit" : m.to === ZERO ? "withdrawal" : "transfer")),
            moves.map((m) => (m.from === ZERO ? null : m.from)),
            moves.map((m) => (m.to === ZERO ? null : m.to)),
            moves.map((m) => m.value.toString()),
            moves.map((m) => m.e.blockNumber.toString()),
            moves.map((m) => m.e.txHash),
          ],
        );
        // each address's net change in one upsert (an address that nets to zero still gets its row)
        const net = new Map<string, bigint>();
        for (const { from, to, value } of moves) {
          if (from !== ZERO) net.set(from, (net.get(from) ?? 0n) - value);
          if (to !== ZERO) net.set(to, (net.get(to) ?? 0n) + value);
        }
        if (!net.size) return;
        await em.query(
          `INSERT INTO token_balances (address, balance) SELECT * FROM unnest($1::text[], $2::numeric[])
           ON CONFLICT (address) DO UPDATE SET balance = token_balances.balance + EXCLUDED.balance`,
          [[...net.keys()], [...net.values()].map(String)],
        );
      },
      () => ["+token-balances"],
    )
    .on(
      "SettlementToken.Approval",
      async (em, events) => {
        await em.query(
          `INSERT INTO token_allowances (owner, spender, amount) SELECT * FROM unnest($1::text[], $2::text[], $3::numeric[])
           ON CONFLICT (owner, spender) DO UPDATE SET amount = EXCLUDED.amount`,
          [events.map((e) => e.args.owner), events.map((e) => e.args.spender), events.map((e) => e.args.value)],
        );
      },
      (e) => [`allowance:${e.args.owner}:${e.args.spender}`],
    );
}
