/**
 * Conformity (77号文 / 802号令): what the regulator sees. The regulator's feed — every certificate
 * event, append-only and hash-chained — by cursor and as daily files delivered to the regulator's
 * receiver; abnormal flows found in it; payouts the ledger holds for parties that could not
 * receive them. It reads the ledger's events through its own projections and the organizations'
 * USCCs and names by SQL; it writes only its own tables. (Implementation: feed.record.ts (the
 * record and its canonical form), feed.builder.ts (events → records, shared with
 * `npm run feed:verify`), conformity.projections.ts, feed.sealer.ts, feed.service.ts, feed.sink.ts,
 * feed-check.ts (the verifier's checks), abnormal.rules.ts and abnormal.service.ts,
 * held-funds.service.ts, conformity.routes.ts; the integrators' and regulator's guide in
 * docs/regulator-feed.md.)
 */
import { defineModule, type Loop } from "../module";
import { every } from "../../shared/periodic";
import { Conformity1734000000000 } from "./conformity.migration";
import { conformityProjections } from "./conformity.projections";
import { conformityRoutes } from "./conformity.routes";
import { FeedSealer } from "./feed.sealer";
import { FeedService, type FeedChain } from "./feed.service";
import { createSink } from "./feed.sink";
import { AbnormalFlowsService } from "./abnormal.service";
import { HeldFundsService } from "./held-funds.service";
import { addDays, cstDayOf } from "./days";
import { PaymentTermsService } from "./payment-terms.service";

declare module "../../shared/queue" {
  interface JobPayloads {
    /** Deliver the regulator feed's daily files: `day`'s, or (scheduled) every complete day not delivered yet. */
    "conformity.publish": { day?: string };
    /** Deliver the held-funds report for `day` (scheduled: yesterday's, once). */
    "conformity.held-funds": { day?: string };
  }
}

export const conformityModule = defineModule({
  name: "conformity",
  needs: [],
  tables: ["regulator_feed", "conformity_inbox", "conformity_certificates", "conformity_accounts", "conformity_held_movements", "conformity_deliveries"],
  migrations: [Conformity1734000000000],
  services: ({ ds, provider, config, log }) => {
    const chain: FeedChain = {
      async block(tag) {
        const b = await provider.getBlock(tag);
        if (!b) throw new Error(`the ledger has no block ${tag}`);
        return { number: b.number, timestamp: b.timestamp };
      },
    };
    const sealer = new FeedSealer(ds, async (n) => (await chain.block(n)).timestamp, log);
    const sink = createSink(config);
    return {
      feed: new FeedService(ds, sealer, chain, sink, log),
      abnormal: new AbnormalFlowsService(ds, {
        splitMaxParts: config.ABNORMAL_SPLIT_MAX_PARTS,
        splitMinPart: config.ABNORMAL_SPLIT_MIN_PART,
        retransferCount: config.ABNORMAL_RETRANSFER_COUNT,
        retransferHours: config.ABNORMAL_RETRANSFER_HOURS,
        maxTier: config.POLICY_MAX_TIER,
      }),
      held: new HeldFundsService(ds, sink, log),
      paymentTerms: new PaymentTermsService(ds),
    };
  },
  routes: (routes, api) => conformityRoutes(routes, api),
  projections: (p, api) => conformityProjections(p, () => api.feed.seal()),
  jobs: (api) => ({
    "conformity.publish": async ({ day }) => api.feed.publish(day),
    "conformity.held-funds": async ({ day }) => api.held.publish(day ?? addDays(cstDayOf(Math.floor(Date.now() / 1000)), -1), day !== undefined),
  }),
  schedules: (config) => [
    { job: "conformity.publish", cron: config.FEED_PUBLISH_CRON, tz: "Asia/Shanghai" },
    { job: "conformity.held-funds", cron: config.FEED_PUBLISH_CRON, tz: "Asia/Shanghai" },
  ],
  // sealing behind the indexer when its own after-commit run failed (the ledger could not be read)
  loops: (api, { config, log }): Loop[] => {
    let stop = () => {};
    return [
      {
        start: () => void (stop = every(config.OUTBOX_SWEEP_INTERVAL_MS, () => api.feed.seal(), (e) => log.warn({ err: e.message }, "regulator feed: sealing failed; retrying"))),
        stop: () => stop(),
      },
    ];
  },
});
export type ConformityApi = ReturnType<typeof conformityModule.services>;

export { FeedService, FeedNotComplete } from "./feed.service";
export { renderDay, type DayFiles, type FeedManifest, type FeedLedger } from "./feed.files";
export { FeedSealer } from "./feed.sealer";
export { conformityProjections } from "./conformity.projections";
export { DirectorySink, HttpSink, createSink, type FeedSink } from "./feed.sink";
export { buildRecord, MemoryFeedState, FEED_EVENTS, RECORD_EVENTS, ACCOUNT_EVENTS, type FeedEvent, type FeedState, type CertificateFacts } from "./feed.builder";
export { CANONICAL_FORM, FEED_FIELDS, FEED_KINDS, GENESIS_HASH, canonicalJson, recordHash, sealRecord, jsonLine, feedCsv, type FeedRecord, type ChainRecord, type FeedKind } from "./feed.record";
export { findAbnormalFlows, ABNORMAL_KINDS, type AbnormalFinding, type AbnormalThresholds, type LineageRecord } from "./abnormal.rules";
export { AbnormalFlowsService } from "./abnormal.service";
export { HeldFundsService } from "./held-funds.service";
export { checkFeed, describeProblem, type FeedDay, type FeedProblem, type ChainEventAt } from "./feed-check";
export { cstDayOf, dayStartS, addDays } from "./days";
