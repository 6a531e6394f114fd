import type { EntityManager } from "typeorm";
import type { Projection, Projections } from "../../indexer/projections";
import type { LedgerEvent } from "../../indexer/ledger-events";
import { FEED_EVENTS, type FeedEventName } from "./feed.builder";

/**
 * The feed's events go to the inbox as they are (one statement per kind and batch): the order the
 * indexer projects a batch in is not the chain's, so numbering and chaining them waits for sealing
 * (FeedSealer), after the indexer's transaction commits, in chain order. An inbox row touches
 * nothing the other projections read, so it claims no key (it never splits the indexer's batches).
 */
async function toInbox(em: EntityManager, events: LedgerEvent<FeedEventName>[]) {
  await em.query(
    `INSERT INTO conformity_inbox (block_number, log_index, tx_hash, contract, name, args)
     SELECT * FROM unnest($1::bigint[], $2::int[], $3::text[], $4::text[], $5::text[], $6::jsonb[])
     ON CONFLICT DO NOTHING`,
    [
      events.map((e) => e.blockNumber.toString()),
      events.map((e) => e.logIndex),
      events.map((e) => e.txHash.toLowerCase()),
      events.map((e) => e.contract),
      events.map((e) => e.name),
      events.map((e) => JSON.stringify(e.args)),
    ],
  );
}

type HeldEvent = "ReceivableLedger.PayoutHeld" | "ReceivableLedger.PayoutWithdrawn" | "ReceivableLedger.HeldPayoutsRedirected";

/** Payouts held for an account, and their release: one row each (a balance is their sum). */
const held =
  <N extends HeldEvent>(kind: "held" | "withdrawn" | "redirected", account: (e: LedgerEvent<N>) => string, to: (e: LedgerEvent<N>) => string | null): Projection<N> =>
  async (em, events) => {
    await em.query(
      `INSERT INTO conformity_held_movements (tx_hash, log_index, block_number, account, kind, amount, to_account)
       SELECT t, l, b, a, $7, m, o FROM unnest($1::text[], $2::int[], $3::bigint[], $4::text[], $5::numeric[], $6::text[]) AS x(t, l, b, a, m, o)
       ON CONFLICT DO NOTHING`,
      [
        events.map((e) => e.txHash.toLowerCase()),
        events.map((e) => e.logIndex),
        events.map((e) => e.blockNumber.toString()),
        events.map((e) => account(e).toLowerCase()),
        events.map((e) => e.args.amount),
        events.map((e) => to(e)?.toLowerCase() ?? null),
        kind,
      ],
    );
  };

/** `seal`: runs after the indexer's transaction commits (its failure waits for the next chunk, the worker's loop or the publish job). */
export function conformityProjections(p: Projections, seal: () => Promise<unknown>): Projections {
  const staged: Projection<FeedEventName> = async (em, events, ctx, later) => {
    await toInbox(em, events);
    // once per chunk, however many kinds and batches it has
    await ctx.once("conformity:seal", async () => later(async () => void (await seal())));
  };
  for (const name of FEED_EVENTS) p.on(name, staged as Projection<typeof name>, () => []);
  return p
    .on("ReceivableLedger.PayoutHeld", held("held", (e) => e.args.account, () => null), (e) => [`+conformity-held:${e.args.account}`])
    .on("ReceivableLedger.PayoutWithdrawn", held("withdrawn", (e) => e.args.account, () => null), (e) => [`+conformity-held:${e.args.account}`])
    .on("ReceivableLedger.HeldPayoutsRedirected", held("redirected", (e) => e.args.removed, (e) => e.args.to), (e) => [`+conformity-held:${e.args.removed}`]);
}
