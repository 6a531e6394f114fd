import type { DataSource, EntityManager } from "typeorm";
import { Gauge, type Registry } from "prom-client";
import type { Logger } from "../shared/logger";
import type { ChainEvent } from "./indexer.entity";
import { meets, type Projections } from "./projections";

/**
 * The chain is untrusted input: a member with its own key can make a contract emit whatever its
 * checks let through. An event whose projection fails (any error that is not the database or the
 * connection being unavailable) is quarantined — stored with its error, logged at error level,
 * counted on /metrics and listed for the operator — and the indexer goes on with everything else.
 * Events touching the same keys after it (see `Touches`) are quarantined after it, in this chunk and
 * in later ones, so that nothing is projected out of order.
 */

/** Errors that say nothing about the event: the whole chunk is retried, as before. */
function transient(e: unknown): boolean {
  const code = String((e as { code?: unknown }).code ?? (e as { driverError?: { code?: unknown } }).driverError?.code ?? "");
  // connection, transaction rollback (serialization, deadlock), resources, operator intervention (timeouts, shutdown), system
  return /^(08|40|53|57|58|XX)/.test(code) || code === "55P03" || /^E[A-Z]+$/.test(code);
}

/** Keys held by quarantined events: later events meeting them follow them into quarantine. */
class Held {
  private readonly plain = new Map<string, bigint>();
  private readonly added = new Map<string, bigint>();

  add(keys: string[], eventId: bigint) {
    for (const k of keys) (k.startsWith("+") ? this.added : this.plain).set(k.replace(/^\+/, ""), eventId);
  }

  /** The quarantined event these keys must wait for, or null. */
  blocker(keys: string[]): bigint | null {
    if (!meets(keys, new Set(this.plain.keys()), new Set(this.added.keys()))) return null;
    for (const k of keys) {
      const plain = this.plain.get(k.replace(/^\+/, ""));
      if (plain !== undefined) return plain;
      if (!k.startsWith("+") && this.added.has(k)) return this.added.get(k)!;
    }
    return null;
  }
}

export interface Quarantined {
  event: ChainEvent;
  error: string;
  after: bigint | null;
}

/**
 * Applies a chunk's new events like `Projections.applyChunk`, set-based; if that fails, again
 * event by event, each under a savepoint, quarantining those that fail alone and those that follow
 * a quarantined event. Returns what it quarantined. Runs inside the indexer's chunk transaction.
 */
export async function projectChunk(
  em: EntityManager,
  projections: Projections,
  fresh: ChainEvent[],
  later: (task: () => Promise<void>) => void,
  afterBatch: () => void,
  log: Logger,
): Promise<Quarantined[]> {
  const relevant = fresh.filter((e) => projections.handles(e));
  if (!relevant.length) return [];
  const held = new Held();
  for (const r of (await em.query(`SELECT chain_event_id, keys FROM indexer_quarantine ORDER BY chain_event_id`)) as { chain_event_id: string; keys: string[] }[]) {
    held.add(r.keys, BigInt(r.chain_event_id));
  }
  const out: Quarantined[] = [];
  const hold = async (event: ChainEvent, error: string, after: bigint | null) => {
    held.add(projections.keysOf(event), event.id);
    out.push({ event, error, after });
    await em.query(
      `INSERT INTO indexer_quarantine (chain_event_id, contract, name, args, block_number, tx_hash, log_index, keys, error, after_event_id)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8::text[], $9, $10) ON CONFLICT (chain_event_id) DO NOTHING`,
      [event.id.toString(), event.contract, event.name, JSON.stringify(event.args), event.blockNumber.toString(), event.txHash, event.logIndex, projections.keysOf(event), error, after?.toString() ?? null],
    );
    log.error(
      { chainEventId: event.id.toString(), contract: event.contract, event: event.name, block: event.blockNumber.toString(), txHash: event.txHash, after: after?.toString(), err: error },
      "chain event quarantined: the indexer cannot project it (GET /v1/indexer/quarantine)",
    );
  };

  const toProject: ChainEvent[] = [];
  for (const e of relevant) {
    const after = held.blocker(projections.keysOf(e));
    if (after === null) toProject.push(e);
    else await hold(e, `follows quarantined event ${after}`, after);
  }

  const tasks: (() => Promise<void>)[] = [];
  if (await attempt(em, "indexer_chunk", () => projections.applyChunk(em, toProject, (t) => tasks.push(t), afterBatch))) {
    for (const t of tasks) later(t);
    return out;
  }
  for (const e of toProject) {
    const after = held.blocker(projections.keysOf(e));
    if (after !== null) {
      await hold(e, `follows quarantined event ${after}`, after);
      continue;
    }
    const own: (() => Promise<void>)[] = [];
    const failed = await attempt(em, "indexer_event", () => projections.applyChunk(em, [e], (t) => own.push(t)), (err) => err);
    if (failed === true) for (const t of own) later(t);
    else await hold(e, failed, null);
    afterBatch();
  }
  return out;
}

/**
 * Runs `work` under a savepoint: true if it succeeded; if it failed for a reason of its own, rolls
 * back to the savepoint and returns false (or `describe(message)`); transient failures propagate.
 */
async function attempt(em: EntityManager, savepoint: string, work: () => Promise<void>): Promise<boolean>;
async function attempt(em: EntityManager, savepoint: string, work: () => Promise<void>, describe: (message: string) => string): Promise<true | string>;
async function attempt(em: EntityManager, savepoint: string, work: () => Promise<void>, describe?: (message: string) => string): Promise<boolean | string> {
  await em.query(`SAVEPOINT ${savepoint}`);
  try {
    await work();
  } catch (e) {
    if (transient(e)) throw e;
    // a lost connection fails here too, and the whole chunk is retried
    await em.query(`ROLLBACK TO SAVEPOINT ${savepoint}`);
    return describe ? describe((e as Error).message ?? String(e)) : false;
  }
  await em.query(`RELEASE SAVEPOINT ${savepoint}`);
  return true;
}

export interface QuarantinedView {
  chainEventId: string;
  contract: string;
  name: string;
  args: Record<string, unknown>;
  blockNumber: string;
  txHash: string;
  logIndex: number;
  error: string;
  afterEventId: string | null;
  at: Date;
}

/** The quarantine as the operator and auditors read it, and its size on /metrics. */
export class QuarantineReader {
  constructor(private readonly ds: DataSource) {}

  async list(limit = 500): Promise<{ items: QuarantinedView[]; total: number }> {
    const rows: Record<string, any>[] = await this.ds.query(
      `SELECT *, count(*) OVER () AS total FROM indexer_quarantine ORDER BY chain_event_id LIMIT $1`,
      [limit],
    );
    const total = rows.length ? Number(rows[0].total) : 0;
    return {
      total,
      items: rows.map((r) => ({
        chainEventId: String(r.chain_event_id),
        contract: r.contract,
        name: r.name,
        args: r.args,
        blockNumber: String(r.block_number),
        txHash: r.tx_hash,
        logIndex: r.log_index,
        error: r.error,
        afterEventId: r.after_event_id === null ? null : String(r.after_event_id),
        at: r.created_at,
      })),
    };
  }

  /** `indexer_quarantined_events`: read from the table at each scrape (the indexer process serves no metrics). */
  metrics<M extends { registry: Registry }>(metrics: M): M {
    const ds = this.ds;
    new Gauge({
      name: "indexer_quarantined_events",
      help: "Chain events the indexer could not project and set aside (GET /v1/indexer/quarantine)",
      registers: [metrics.registry],
      async collect() {
        const [row] = await ds.query(`SELECT count(*)::int AS n FROM indexer_quarantine`).catch(() => [{ n: -1 }]);
        this.set(row.n);
      },
    });
    return metrics;
  }
}
