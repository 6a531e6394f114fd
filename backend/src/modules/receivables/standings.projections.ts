import type { ChainEvent } from "../../indexer/indexer.entity";
import { perEvent, type Projections } from "../../indexer/projections";

const block = (e: ChainEvent) => e.blockNumber.toString();
/** The obligor's standing: its pauses and resumptions are projected in chain order. */
const obligor = (e: { args: { obligor: string } }) => `obligor:${e.args.obligor.toLowerCase()}`;

/**
 * Delinquent obligors (802号令): a certificate overdue beyond grace pauses its obligor, which may
 * then neither issue nor confirm until every such certificate is settled or governance resumes it.
 * Each counting certificate is marked `delinquent` (cleared when it is settled, see the clearing
 * projection, or when the obligor resumes); obligor_standings keeps whether the obligor is paused,
 * since when (as the platform saw it), and its last resumption. A resumption by payment carries the
 * certificate that cured it; by governance, id 0 and the reason.
 */
export function standingProjections(p: Projections): Projections {
  return p
    .on(
      "ReceivableLedger.ObligorPaused",
      perEvent(async (em, e, ctx) => {
        const org = await ctx.orgId(e.args.obligor);
        await em.query(`UPDATE receivables SET delinquent = true, updated_at = now() WHERE chain_id = $1`, [e.args.id]);
        if (!org) return;
        await em.query(
          `INSERT INTO obligor_standings (organization_id, paused, paused_since, chain_block) VALUES ($1, true, $2, $3)
           ON CONFLICT (organization_id) DO UPDATE SET paused = true, chain_block = excluded.chain_block, updated_at = now(),
             paused_since = CASE WHEN obligor_standings.paused THEN obligor_standings.paused_since ELSE excluded.paused_since END`,
          [org, e.createdAt, block(e)],
        );
      }),
      (e) => [obligor(e), `r:${e.args.id}`],
    )
    .on(
      "ReceivableLedger.ObligorResumed",
      perEvent(async (em, e, ctx) => {
        const org = await ctx.orgId(e.args.obligor);
        if (!org) return;
        const byGovernance = BigInt(e.args.id) === 0n;
        await em.query(`UPDATE receivables SET delinquent = false, updated_at = now() WHERE obligor_organization_id = $1 AND delinquent`, [org]);
        await em.query(
          `INSERT INTO obligor_standings (organization_id, paused, resumed_at, resumed_reason, chain_block) VALUES ($1, false, $2, $3, $4)
           ON CONFLICT (organization_id) DO UPDATE SET paused = false, paused_since = NULL, resumed_at = excluded.resumed_at,
             resumed_reason = excluded.resumed_reason, chain_block = excluded.chain_block, updated_at = now()`,
          [org, e.createdAt, byGovernance ? e.args.reason.toLowerCase() : null, block(e)],
        );
      }),
      (e) => [obligor(e), ...(BigInt(e.args.id) === 0n ? [] : [`r:${e.args.id}`])],
    );
}
