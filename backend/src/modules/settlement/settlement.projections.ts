import type { Projections } from "../../indexer/projections";

const ZERO = "0x0000000000000000000000000000000000000000";

/** Token events → movements, balances and allowances. */
export function settlementProjections(p: Projections): Projections {
  return p
    .on("SettlementToken.Transfer", async (em, e) => {
      const from = String(e.args.from);
      const to = String(e.args.to);
      const value = String(e.args.value);
      const kind = from === ZERO ? "deposit" : to === ZERO ? "withdrawal" : "transfer";
      await em.query(
        `INSERT INTO token_movements (chain_event_id, kind, from_address, to_address, amount, block_number, tx_hash) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (chain_event_id) DO NOTHING`,
        [e.id.toString(), kind, from === ZERO ? null : from, to === ZERO ? null : to, value, e.blockNumber.toString(), e.txHash],
      );
      if (from !== ZERO) await em.query(`INSERT INTO token_balances (address, balance) VALUES ($1, -$2::numeric) ON CONFLICT (address) DO UPDATE SET balance = token_balances.balance - $2::numeric`, [from, value]);
      if (to !== ZERO) await em.query(`INSERT INTO token_balances (address, balance) VALUES ($1, $2::numeric) ON CONFLICT (address) DO UPDATE SET balance = token_balances.balance + $2::numeric`, [to, value]);
    })
    .on("SettlementToken.Approval", async (em, e) => {
      await em.query(
        `INSERT INTO token_allowances (owner, spender, amount) VALUES ($1, $2, $3) ON CONFLICT (owner, spender) DO UPDATE SET amount = $3`,
        [String(e.args.owner), String(e.args.spender), String(e.args.value)],
      );
    });
}
