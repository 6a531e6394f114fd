import type { EntityManager } from "typeorm";
import type { ChainEvent } from "./indexer.entity";
import type { LedgerEvent, QualifiedName } from "./ledger-events";

/** What a chunk's projections share: lookups made once per chunk rather than once per event. */
export interface ChunkContext {
  /** The organization with this ledger address (the chunk's addresses are read in one query). */
  orgId(address: string): Promise<string | null>;
  /** `load()` once per chunk under `key`; later calls get the same promise. */
  once<T>(key: string, load: () => Promise<T>): Promise<T>;
}

/**
 * Projects newly seen events of one kind into the platform's tables, inside the indexer's
 * transaction. The events are in chain order and touch pairwise different things (see `touches`),
 * so a projection may apply them in one set-based statement. `later` queues work for after the
 * transaction commits (e.g. enqueueing webhook deliveries).
 */
export type Projection<N extends QualifiedName = QualifiedName> = (
  em: EntityManager,
  events: LedgerEvent<N>[],
  ctx: ChunkContext,
  later: (task: () => Promise<void>) => void,
) => Promise<void>;

/**
 * What an event's projection reads or writes, as keys: events whose keys meet are applied in chain
 * order, one after the other; events whose keys do not meet may be applied together. A key with a
 * leading "+" is an addition (e.g. to a credit line's use): additions to one key commute with each
 * other, not with a plain key of the same name ("+cl" meets "cl" but not "+cl").
 */
export type Touches<N extends QualifiedName = QualifiedName> = (e: LedgerEvent<N>) => string[];

/** A projection written for one event at a time, applied to a batch one event after another. */
export const perEvent =
  <N extends QualifiedName>(one: (em: EntityManager, e: LedgerEvent<N>, ctx: ChunkContext, later: (task: () => Promise<void>) => void) => Promise<void>): Projection<N> =>
  async (em, events, ctx, later) => {
    for (const e of events) await one(em, e, ctx, later);
  };

/** A registration as filed: it is only ever given events stored under its own name. */
interface Filed {
  projections: ((em: EntityManager, events: ChainEvent[], ctx: ChunkContext, later: (task: () => Promise<void>) => void) => Promise<void>)[];
  touches: ((e: ChainEvent) => string[])[];
}

/** "Contract.Event" → projections, contributed by the modules (applied in registration order). */
export class Projections {
  private readonly byName = new Map<string, Filed>();

  /**
   * `projection` and `touches` get the events of this name only, which the indexer decoded with this
   * very event's ABI (Indexer.decode): their `args` are the event's as stored (see `LedgerEvent`).
   */
  on<N extends QualifiedName>(qualifiedName: N, projection: Projection<NoInfer<N>>, touches: Touches<NoInfer<N>>): this {
    const entry = this.byName.get(qualifiedName) ?? { projections: [], touches: [] };
    entry.projections.push(projection as Filed["projections"][number]);
    entry.touches.push(touches as Filed["touches"][number]);
    this.byName.set(qualifiedName, entry);
    return this;
  }

  /** Whether any projection listens to this event. */
  handles(e: Pick<ChainEvent, "contract" | "name">): boolean {
    return this.byName.has(qualified(e));
  }

  /** The keys an event's projections touch (see `Touches`). */
  keysOf(e: ChainEvent): string[] {
    return this.byName.get(qualified(e))?.touches.flatMap((t) => t(e)) ?? [];
  }

  /** One event (re-projection in tests). */
  async apply(em: EntityManager, event: ChainEvent, later: (task: () => Promise<void>) => void = () => {}): Promise<void> {
    await this.applyChunk(em, [event], later);
  }

  /**
   * A chunk's new events, in chain order: cut into the longest runs whose events touch pairwise
   * different keys, and within a run each kind of event goes to its projections together. The result
   * is the same as projecting the events one by one in chain order. `afterBatch` runs after each run.
   */
  async applyChunk(em: EntityManager, events: ChainEvent[], later: (task: () => Promise<void>) => void = () => {}, afterBatch: () => void = () => {}): Promise<void> {
    const relevant = events.filter((e) => this.byName.has(qualified(e)));
    if (!relevant.length) return;
    const ctx = chunkContext(em, relevant);
    for (const batch of this.batches(relevant)) {
      const byName = new Map<string, ChainEvent[]>();
      for (const e of batch) byName.set(qualified(e), [...(byName.get(qualified(e)) ?? []), e]);
      for (const [name, group] of byName) {
        for (const p of this.byName.get(name)!.projections) await p(em, group, ctx, later);
      }
      afterBatch();
    }
  }

  private *batches(events: ChainEvent[]): Generator<ChainEvent[]> {
    let batch: ChainEvent[] = [];
    let plain = new Set<string>();
    let added = new Set<string>();
    for (const e of events) {
      const keys = this.keysOf(e);
      if (meets(keys, plain, added)) {
        yield batch;
        batch = [];
        plain = new Set();
        added = new Set();
      }
      batch.push(e);
      for (const k of keys) k.startsWith("+") ? added.add(k.slice(1)) : plain.add(k);
    }
    if (batch.length) yield batch;
  }
}

const qualified = (e: Pick<ChainEvent, "contract" | "name">) => `${e.contract}.${e.name}`;

/** Whether keys meet a set of plain keys and additions ("+k" meets "k", not "+k"; "k" meets both). */
export function meets(keys: string[], plain: Set<string>, added: Set<string>): boolean {
  return keys.some((k) => (k.startsWith("+") ? plain.has(k.slice(1)) : plain.has(k) || added.has(k)));
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** The chunk's lookups: every address in the events' arguments is resolved in one query, on first use. */
function chunkContext(em: EntityManager, events: ChainEvent[]): ChunkContext {
  const memo = new Map<string, Promise<unknown>>();
  const once = <T>(key: string, load: () => Promise<T>): Promise<T> => {
    if (!memo.has(key)) memo.set(key, load());
    return memo.get(key) as Promise<T>;
  };
  const addresses = new Set(events.flatMap((e) => Object.values(e.args).filter((v): v is string => typeof v === "string" && ADDRESS.test(v))));
  const known = () =>
    once("organizations", async () => {
      const rows: { id: string; ledger_address: string }[] = addresses.size
        ? await em.query(`SELECT id, ledger_address FROM organizations WHERE ledger_address = ANY($1::char(42)[])`, [[...addresses]])
        : [];
      return new Map(rows.map((r) => [r.ledger_address, r.id]));
    });
  return {
    once,
    async orgId(address) {
      if (addresses.has(address)) return (await known()).get(address) ?? null;
      return once(`organization:${address}`, async () => {
        const [row] = await em.query(`SELECT id FROM organizations WHERE ledger_address = $1`, [address]);
        return (row?.id as string | undefined) ?? null;
      });
    },
  };
}
