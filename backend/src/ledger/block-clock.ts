/**
 * When the ledger's next block is due, as this process sees blocks arrive. A permissioned ledger
 * (Besu QBFT, or a development node mining on a timer) makes a block every period; a batch signed
 * just before the next block carries everything that arrived since the last one and is included as
 * soon as one signed at once would be. A node that mines on demand (automining) has no period: then
 * the clock says so (null) and the caller does not wait.
 *
 * The clock polls `eth_blockNumber` only while someone asks (and for a minute after), every
 * `pollMs`; the period is the configured one, or learned from the last few block intervals when
 * they agree (half of them or more within a quarter of their median).
 */
/**
 * The ledger's time, unix seconds: the latest block's timestamp, or this machine's clock when that
 * is later (a node that mines on demand stamps its next block with the time it is mined). The
 * contracts check signature deadlines against block.timestamp, so deadlines are set and checked
 * on this clock: a ledger whose time was moved ahead (a test network) does not expire them all.
 * An unreachable ledger (no answer within `timeoutMs`) leaves this machine's clock.
 */
export async function ledgerTime(provider: { getBlock(tag: "latest"): Promise<{ timestamp: number } | null> }, now: () => number = Date.now, timeoutMs = 2000): Promise<bigint> {
  const wall = BigInt(Math.floor(now() / 1000));
  let timer: NodeJS.Timeout | undefined;
  const block = await Promise.race([
    provider.getBlock("latest").catch(() => null),
    new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), timeoutMs))),
  ]).finally(() => clearTimeout(timer));
  return block && BigInt(block.timestamp) > wall ? BigInt(block.timestamp) : wall;
}

export interface BlockSource {
  blockNumber(): Promise<number>;
}

export interface BlockClockOptions {
  /** The block period, ms; 0 to learn it from the chain. */
  periodMs: number;
  pollMs: number;
  /** How long the clock keeps polling after the last question, ms. */
  idleMs?: number;
  now?: () => number;
}

const SAMPLES = 6;

export class BlockClock {
  private seen: { number: number; at: number }[] = [];
  private timer: NodeJS.Timeout | null = null;
  private lastAsked = 0;
  private readonly now: () => number;

  constructor(
    private readonly source: BlockSource,
    private readonly o: BlockClockOptions,
  ) {
    this.now = o.now ?? Date.now;
  }

  /** Ms until the next block is due (0 if it is overdue by less than a period), or null when blocks do not come on a timer. */
  msUntilNextBlock(): number | null {
    this.lastAsked = this.now();
    this.start();
    const period = this.period();
    const last = this.seen.at(-1);
    if (period === null || !last) return null;
    const since = this.now() - last.at;
    // no block for two periods: the chain is stalled or mines on demand; waiting would not help
    if (since > 2 * period) return null;
    return Math.max(0, period - since);
  }

  /** The block period: configured, or the median of the last intervals if they agree. */
  period(): number | null {
    if (this.o.periodMs > 0) return this.o.periodMs;
    const intervals: number[] = [];
    for (let i = 1; i < this.seen.length; i++) {
      if (this.seen[i].number === this.seen[i - 1].number + 1) intervals.push(this.seen[i].at - this.seen[i - 1].at);
    }
    if (intervals.length < 3) return null;
    const median = [...intervals].sort((a, b) => a - b)[Math.floor(intervals.length / 2)];
    // a loaded machine's poller sees some blocks late: one late sighting makes two intervals disagree
    const agreeing = intervals.filter((x) => Math.abs(x - median) <= median / 4).length;
    return agreeing * 2 >= intervals.length ? median : null;
  }

  /** Records a block number read at `at` (the poller's, or a test's). */
  observe(number: number, at = this.now()): void {
    const last = this.seen.at(-1);
    if (last && number <= last.number) return;
    this.seen.push({ number, at });
    if (this.seen.length > SAMPLES + 1) this.seen.shift();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private start(): void {
    if (this.timer) return;
    const tick = async () => {
      try {
        this.observe(await this.source.blockNumber());
      } catch {
        // the node does not answer: the clock knows less, the caller waits less
      }
      if (this.timer === null) return;
      if (this.now() - this.lastAsked > (this.o.idleMs ?? 60_000)) {
        this.timer = null;
        this.seen = [];
        return;
      }
      this.timer = setTimeout(tick, this.o.pollMs);
      this.timer.unref();
    };
    this.timer = setTimeout(tick, 0);
    this.timer.unref();
  }
}
