import type { DataSource } from "typeorm";
import type { Logger } from "../../shared/logger";
import { notFound } from "../../shared/errors";
import { addDays, cstDayOf, dayStartS } from "./days";
import type { FeedSealer } from "./feed.sealer";
import type { FeedSink } from "./feed.sink";
import { FEED_FIELDS, GENESIS_HASH, type FeedRecord } from "./feed.record";
import { renderDay, type DayFiles } from "./feed.files";

/** What the feed reads of the ledger: a block's number and time (unix seconds). */
export interface FeedChain {
  block(tag: number | "latest"): Promise<{ number: number; timestamp: number }>;
}

/** The feed not complete yet for a day (the indexer has not read past its end): the job retries. */
export class FeedNotComplete extends Error {}

/** Days a publish run catches up at most (the next run goes on). */
const CATCH_UP_DAYS = 400;

/** A record in the order FEED_FIELDS lists its fields (jsonb keeps its own order). */
export const ordered = (r: FeedRecord): FeedRecord => Object.fromEntries(FEED_FIELDS.map((f) => [f.name, r[f.name] ?? null])) as unknown as FeedRecord;

/**
 * The regulator's feed (77号文: certificate data is reported; the Shanghai Commercial Paper
 * Exchange aggregates it): the records by cursor, a day's files, and their daily delivery through
 * the sink. A day (China Standard Time) is complete once the indexer has projected, and the feed
 * sealed, every block up to its end.
 */
export class FeedService {
  constructor(
    private readonly ds: DataSource,
    private readonly sealer: FeedSealer,
    private readonly chain: FeedChain,
    private readonly sink: FeedSink,
    private readonly log: Logger,
  ) {}

  /** Seals what the inbox holds (the indexer does after each chunk; the worker's loop and the publish job too). */
  seal = () => this.sealer.seal();

  /** Records after `after`, at most `limit`; `next` is the cursor for the following call (`after` when none came). */
  async page(after: number, limit: number): Promise<{ records: FeedRecord[]; next: number }> {
    const rows: { record: FeedRecord }[] = await this.ds.query(`SELECT record FROM regulator_feed WHERE seq > $1 ORDER BY seq LIMIT $2`, [after, limit]);
    const records = rows.map((r) => ordered(r.record));
    return { records, next: records.length ? records[records.length - 1].seq : after };
  }

  /**
   * The instant (unix seconds, exclusive) before which the feed holds every event: the indexer's
   * checkpoint block, or now when the indexer has read the ledger's last block (the blocks to come
   * are later). Seals the inbox first.
   */
  async completeThrough(): Promise<number> {
    const [cp] = (await this.ds.query(`SELECT block_number::text AS block FROM indexer_checkpoints WHERE name = 'main'`)) as { block: string }[];
    if (!cp) return 0;
    const checkpoint = Number(cp.block);
    if (await this.sealer.pendingThrough(checkpoint)) await this.sealer.seal();
    const [at, head] = await Promise.all([this.chain.block(checkpoint), this.chain.block("latest")]);
    let through = at.timestamp + 1;
    if (checkpoint >= head.number) through = Math.max(through, head.timestamp + 1, Math.floor(Date.now() / 1000));
    const [pending] = (await this.ds.query(`SELECT min(block_number)::text AS block FROM conformity_inbox`)) as { block: string | null }[];
    if (pending?.block !== null && pending?.block !== undefined && Number(pending.block) <= checkpoint) {
      through = Math.min(through, (await this.chain.block(Number(pending.block))).timestamp);
    }
    return through;
  }

  /** The last day whose every event the feed holds. */
  async lastCompleteDay(): Promise<string | null> {
    const through = await this.completeThrough();
    return through ? addDays(cstDayOf(through), -1) : null;
  }

  /** A day's files, or 404 for a day that is not over (or not a day). */
  async dayFiles(day: string): Promise<DayFiles> {
    const last = await this.lastCompleteDay();
    if (!last || day > last) throw notFound("feed file for the day", day);
    return this.render(day);
  }

  /**
   * Delivers a day's files (`day`), or every complete day not delivered yet, oldest first. Throws
   * FeedNotComplete (after delivering what is complete) when the day that ended last is not
   * complete yet: the queue retries the job.
   */
  async publish(day?: string): Promise<string[]> {
    const last = await this.lastCompleteDay();
    if (day) {
      if (!last || day > last) throw new FeedNotComplete(`the feed is not complete for ${day} yet (complete through ${last ?? "nothing"})`);
      await this.deliver(await this.render(day));
      return [day];
    }
    if (!last) throw new FeedNotComplete("the indexer has not projected any block yet");
    const [delivered] = (await this.ds.query(`SELECT max(day)::text AS day FROM conformity_deliveries WHERE report = 'regulator-feed'`)) as { day: string | null }[];
    const [first] = (await this.ds.query(`SELECT min(occurred_at) AS at FROM regulator_feed`)) as { at: Date | null }[];
    let d = delivered?.day ? addDays(delivered.day, 1) : first?.at ? cstDayOf(first.at.getTime() / 1000) : last;
    const done: string[] = [];
    for (; d <= last && done.length < CATCH_UP_DAYS; d = addDays(d, 1)) {
      await this.deliver(await this.render(d));
      done.push(d);
    }
    const ended = addDays(cstDayOf(Math.floor(Date.now() / 1000)), -1);
    if (last < ended) throw new FeedNotComplete(`delivered ${done.length} day(s); the feed is complete through ${last} only, ${ended} has ended`);
    return done;
  }

  private async render(day: string): Promise<DayFiles> {
    const start = dayStartS(day);
    const end = dayStartS(addDays(day, 1));
    const rows: { record: FeedRecord }[] = await this.ds.query(
      `SELECT record FROM regulator_feed WHERE occurred_at >= to_timestamp($1) AND occurred_at < to_timestamp($2) ORDER BY seq`,
      [start, end],
    );
    const records = rows.map((r) => ordered(r.record));
    const [before] = (await this.ds.query(`SELECT hash FROM regulator_feed WHERE occurred_at < to_timestamp($1) ORDER BY seq DESC LIMIT 1`, [start])) as { hash: string }[];
    const [d] = (await this.ds.query(
      `SELECT chain_id::text AS chain_id, ledger, membership, deployed_block::text AS deployed_block FROM ledger_deployments ORDER BY id DESC LIMIT 1`,
    )) as { chain_id: string; ledger: string; membership: string; deployed_block: string }[];
    const ledger = d ? { chainId: d.chain_id, address: d.ledger.toLowerCase(), membership: d.membership.toLowerCase(), deployedBlock: d.deployed_block } : null;
    return renderDay(day, records, records[0]?.prevHash ?? before?.hash ?? GENESIS_HASH, ledger);
  }

  private async deliver(f: DayFiles): Promise<void> {
    await this.sink.put(`regulator-feed/${f.day}.jsonl`, f.jsonl, "application/x-ndjson; charset=utf-8");
    await this.sink.put(`regulator-feed/${f.day}.csv`, f.csv, "text/csv; charset=utf-8");
    await this.sink.put(`regulator-feed/${f.day}.manifest.json`, JSON.stringify(f.manifest, null, 2) + "\n", "application/json");
    const m = f.manifest;
    await this.ds.query(
      `INSERT INTO conformity_deliveries (report, day, records, first_seq, last_seq, last_hash, files, delivered_to)
       VALUES ('regulator-feed', $1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (report, day) DO UPDATE SET records = $2, first_seq = $3, last_seq = $4, last_hash = $5, files = $6, delivered_to = $7, delivered_at = now()`,
      [f.day, m.records, m.firstSeq, m.lastSeq, m.lastHash, JSON.stringify(m.files), this.sink.target],
    );
    this.log.info({ day: f.day, records: m.records, lastSeq: m.lastSeq, to: this.sink.target }, "regulator feed: day delivered");
  }
}
