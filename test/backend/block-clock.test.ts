import { describe, it, expect, afterEach } from "vitest";
import { BlockClock, ledgerTime } from "../../backend/src/ledger/block-clock";

/** The clock fed by hand (observe) with a fake time; its own poller reads a source that never answers. */
function clock(periodMs = 0) {
  let t = 0;
  const c = new BlockClock({ blockNumber: () => new Promise<number>(() => {}) }, { periodMs, pollMs: 100, now: () => t });
  return { c, at: (ms: number) => (t = ms) };
}

describe("BlockClock", () => {
  const made: BlockClock[] = [];
  afterEach(() => made.splice(0).forEach((c) => c.stop()));

  it("learns a regular period and says how long until the next block", () => {
    const { c, at } = clock();
    made.push(c);
    expect(c.msUntilNextBlock()).toBeNull(); // nothing seen yet
    [0, 1000, 2000, 2990, 4000].forEach((ms, i) => c.observe(100 + i, ms));
    expect(c.period()).toBe(1000);
    at(4300);
    expect(c.msUntilNextBlock()).toBe(700);
    at(5100); // the block is a little late: due now
    expect(c.msUntilNextBlock()).toBe(0);
  });

  it("keeps the period when a loaded poller sees one block late", () => {
    const { c } = clock();
    made.push(c);
    [0, 1000, 2000, 3300, 4000, 5000].forEach((ms, i) => c.observe(i, ms));
    expect(c.period()).toBe(1000);
  });

  it("has no period for blocks that come on demand (irregular intervals) or too few of them", () => {
    const { c, at } = clock();
    made.push(c);
    [0, 1000, 2000].forEach((ms, i) => c.observe(i, ms));
    expect(c.period()).toBeNull(); // two intervals are not enough
    const on = clock();
    made.push(on.c);
    [0, 40, 900, 950, 3000, 3100].forEach((ms, i) => on.c.observe(i, ms));
    on.at(3200);
    expect(on.c.period()).toBeNull();
    expect(on.c.msUntilNextBlock()).toBeNull();
    at(2100);
    expect(c.period()).toBeNull();
    expect(c.msUntilNextBlock()).toBeNull();
  });

  it("does not count a skipped block as an interval, and ignores a number it has seen", () => {
    const { c } = clock();
    made.push(c);
    [
      [1, 0],
      [2, 1000],
      [4, 3000], // the poller missed block 3
      [4, 3050],
      [5, 4000],
      [6, 5000],
    ].forEach(([n, ms]) => c.observe(n, ms));
    expect(c.period()).toBe(1000);
  });

  it("trusts a configured period, and stops waiting when the chain stalls", () => {
    const { c, at } = clock(2000);
    made.push(c);
    c.observe(7, 0);
    at(500);
    expect(c.msUntilNextBlock()).toBe(1500);
    at(4500); // more than two periods without a block
    expect(c.msUntilNextBlock()).toBeNull();
  });
});

describe(ledgerTime.name, () => {
  const wall = () => 1_000_000_000_000; // ms: 1,000,000,000 s
  const block = (timestamp: number) => ({ getBlock: async () => ({ timestamp }) });

  it("reads the ledger's clock when it is ahead of this machine's (a test network moved forward)", async () => {
    expect(await ledgerTime(block(1_000_000_000 + 130 * 86_400), wall)).toBe(BigInt(1_000_000_000 + 130 * 86_400));
  });

  it("keeps this machine's clock when the last block is older (a node that mines on demand), or the ledger does not answer", async () => {
    expect(await ledgerTime(block(999_999_000), wall)).toBe(1_000_000_000n);
    expect(await ledgerTime({ getBlock: async () => Promise.reject(new Error("down")) }, wall)).toBe(1_000_000_000n);
  });
});
