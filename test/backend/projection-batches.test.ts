import { describe, it, expect } from "vitest";
import fc from "fast-check";
import type { EntityManager } from "typeorm";
import { Projections } from "../../backend/src/indexer/projections";
import type { ChainEvent } from "../../backend/src/indexer/indexer.entity";

/**
 * How a chunk is cut into batches: whatever the batching, each projection must see every event
 * once, and two events whose keys meet must be seen in chain order (a certificate registered then confirmed in
 * one chunk, a split then a transfer of the child, a credit line set then used).
 */
const NAMES = ["Registered", "Confirmed", "Financed", "LineSet"] as const;
type Name = (typeof NAMES)[number];
/** The ledger events the kinds stand for: `Projections.on` takes only real ones. */
const EVENT = { Registered: "ReceivableRegistered", Confirmed: "ReceivableConfirmed", Financed: "ReceivableFinanced", LineSet: "CreditLineSet" } as const;

const event = (n: number, name: Name, keys: string[]): ChainEvent => ({
  id: BigInt(n),
  blockNumber: 1n,
  blockHash: "0x",
  txHash: "0x",
  logIndex: n,
  contract: "ReceivableLedger",
  name: EVENT[name],
  args: { keys },
  createdAt: new Date(),
});

/** Two projections per event kind; each records the order in which it saw the events. */
function recording() {
  const seen: { projection: string; id: number }[] = [];
  const p = new Projections();
  const touches = (e: ChainEvent) => e.args.keys as string[];
  for (const name of NAMES) {
    for (const which of ["first", "second"]) {
      p.on(
        `ReceivableLedger.${EVENT[name]}`,
        async (_em, events) => {
          for (const e of events) seen.push({ projection: `${name}/${which}`, id: Number(e.id) });
        },
        touches,
      );
    }
  }
  return { p, seen };
}

const meet = (a: string[], b: string[]) =>
  a.some((k) => b.some((l) => (k.startsWith("+") && l.startsWith("+") ? false : k.replace(/^\+/, "") === l.replace(/^\+/, ""))));

const em = {} as EntityManager;

describe("projection batches", () => {
  it("keeps a certificate's events in chain order, and batches those of different certificates", async () => {
    const { p, seen } = recording();
    const runs: number[] = [];
    await p.applyChunk(
      em,
      [event(1, "Registered", ["r:1"]), event(2, "Registered", ["r:2"]), event(3, "Confirmed", ["r:1"]), event(4, "Confirmed", ["r:2"]), event(5, "Registered", ["r:3"])],
      () => {},
      () => runs.push(seen.length),
    );
    // [1, 2] then [3, 4, 5]: the confirmation of 1 waits for its registration
    expect(seen.map((s) => `${s.projection}:${s.id}`)).toEqual([
      "Registered/first:1",
      "Registered/first:2",
      "Registered/second:1",
      "Registered/second:2",
      "Confirmed/first:3",
      "Confirmed/first:4",
      "Confirmed/second:3",
      "Confirmed/second:4",
      "Registered/first:5",
      "Registered/second:5",
    ]);
    expect(runs).toEqual([4, 10]);
  });

  it("lets additions to one key share a batch, not a setting of it", async () => {
    const { p, seen } = recording();
    const runs: number[] = [];
    await p.applyChunk(
      em,
      [event(1, "Financed", ["r:1", "+lines"]), event(2, "Financed", ["r:2", "+lines"]), event(3, "LineSet", ["lines"]), event(4, "Financed", ["r:3", "+lines"])],
      () => {},
      () => runs.push(seen.length),
    );
    expect(runs).toEqual([4, 6, 8]);
  });

  it("whatever the chunk: every projection sees every event once, and events whose keys meet in chain order", async () => {
    const keyArb = fc.oneof(fc.constantFrom("r:1", "r:2", "r:3", "org:a", "lines", "+lines"), fc.constantFrom("+balances", "r:4"));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom(...NAMES), fc.uniqueArray(keyArb, { maxLength: 3 })), { maxLength: 25 }), async (spec) => {
        const { p, seen } = recording();
        const events = spec.map(([name, keys], i) => event(i + 1, name, keys));
        await p.applyChunk(em, events, () => {});
        for (const name of NAMES) {
          for (const which of ["first", "second"]) {
            const ids = seen.filter((s) => s.projection === `${name}/${which}`).map((s) => s.id);
            expect(ids.sort((a, b) => a - b)).toEqual(events.filter((e) => e.name === EVENT[name]).map((e) => Number(e.id)));
          }
        }
        // an event's first projection runs after the last projection of every earlier event it meets
        const position = (id: number, which: string) => seen.findIndex((s) => s.id === id && s.projection.endsWith(which));
        for (const [i, a] of events.entries()) {
          for (const b of events.slice(i + 1)) {
            if (meet(a.args.keys as string[], b.args.keys as string[])) expect(position(Number(a.id), "second")).toBeLessThan(position(Number(b.id), "first"));
          }
        }
        // and each event's projections in registration order
        for (const e of events) expect(position(Number(e.id), "first")).toBeLessThan(position(Number(e.id), "second"));
      }),
      { numRuns: 300 },
    );
  });

  it("skips events no projection is registered for", async () => {
    const { p, seen } = recording();
    await p.applyChunk(em, [{ ...event(1, "Registered", ["r:1"]), name: "Unknown" }], () => {});
    expect(seen).toEqual([]);
  });
});
