import { Interface, type Log } from "ethers";
import { announceChange } from "../shared/changes";
import type { DataSource, EntityManager } from "typeorm";
import type { Logger } from "../shared/logger";
import type { LedgerGateway } from "../ledger/gateway";
import type { LedgerDeploymentRow } from "../ledger/ledger.entity";
import type { FaultPoint } from "../ledger/outbox/faults";
import { Membership__factory, ReceivableLedger__factory, SettlementToken__factory } from "../../../typechain-types";
import { INDEXER_CHECKPOINT, type ChainEvent } from "./indexer.entity";
import type { Projections } from "./projections";
import { projectChunk } from "./quarantine";

export interface IndexerOptions {
  finalityDepth: number;
  chunkBlocks: number;
  pollMs: number;
}

/** The chain and the stored checkpoint disagree about a block the indexer treated as final. */
export class ReorgBeyondFinality extends Error {}


/** The last block whose events are projected: everything up to it is visible through the API (-1: none yet). */
export async function indexedThrough(ds: Pick<DataSource, "query">): Promise<bigint> {
  const [row] = await ds.query(`SELECT block_number FROM indexer_checkpoints WHERE name = $1`, [INDEXER_CHECKPOINT]);
  return row ? BigInt(row.block_number) : -1n;
}

/**
 * Reads contract events from a persisted checkpoint in chunks, and for each chunk stores the new
 * events (unique on tx hash + log index) 5,000 to a statement, applies their projections (set-based:
 * see Projections.applyChunk; an event that cannot be projected is quarantined, see quarantine.ts),
 * moves the checkpoint and announces the change (delivered at
 * commit), all in one Postgres transaction: a crash anywhere replays the chunk harmlessly. Before
 * each chunk it checks that the checkpoint block is still on the chain; if not, it halts.
 */
export class Indexer {
  private readonly interfaces: Map<string, { contract: string; iface: Interface }>;
  private stopped = false;

  constructor(
    private readonly ds: DataSource,
    private readonly gateway: LedgerGateway,
    private readonly deployment: LedgerDeploymentRow,
    private readonly projections: Projections,
    private readonly o: IndexerOptions,
    private readonly log: Logger,
    private readonly fault: (p: FaultPoint) => void = () => {},
  ) {
    this.interfaces = new Map([
      [deployment.membership.toLowerCase(), { contract: "Membership", iface: Membership__factory.createInterface() as Interface }],
      [deployment.settlementToken.toLowerCase(), { contract: "SettlementToken", iface: SettlementToken__factory.createInterface() as Interface }],
      [deployment.ledger.toLowerCase(), { contract: "ReceivableLedger", iface: ReceivableLedger__factory.createInterface() as Interface }],
    ]);
  }

  /** Runs until stopped; halts (rejects) on a reorg beyond the finality depth. */
  async run(): Promise<void> {
    while (!this.stopped) {
      try {
        if (await this.tick()) continue; // more to read: no pause
      } catch (e) {
        if (e instanceof ReorgBeyondFinality) throw e;
        this.log.warn({ err: (e as Error).message }, "indexing failed; retrying");
      }
      await new Promise((r) => setTimeout(r, this.o.pollMs));
    }
  }

  stop() {
    this.stopped = true;
  }

  /** Indexes one chunk; returns true if there is more to read right away. */
  async tick(): Promise<boolean> {
    const provider = this.gateway.provider;
    const head = await provider.getBlockNumber();
    const safe = head - this.o.finalityDepth;
    const checkpoint = await this.checkpoint();
    if (checkpoint.block >= safe) return false;

    if (checkpoint.block >= 0) {
      const onChain = await provider.getBlock(checkpoint.block);
      if (onChain?.hash !== checkpoint.hash) {
        const message = `block ${checkpoint.block} is ${onChain?.hash ?? "missing"} on the chain but ${checkpoint.hash} in the checkpoint: a reorganisation deeper than the finality depth (${this.o.finalityDepth}); indexing halted`;
        this.log.fatal({ block: checkpoint.block }, message);
        throw new ReorgBeyondFinality(message);
      }
    }
    const from = checkpoint.block + 1;
    const to = Math.min(from + this.o.chunkBlocks - 1, safe);
    const [logs, last] = await Promise.all([
      provider.getLogs({ address: [...this.interfaces.keys()], fromBlock: from, toBlock: to }),
      provider.getBlock(to),
    ]);
    if (!last?.hash) return false;
    if (logs.some((l) => l.blockNumber === to && l.blockHash !== last.hash)) return false; // raced a new block: read again

    const events = logs.map((l) => this.decode(l)).filter((e): e is Omit<ChainEvent, "id" | "createdAt"> => e !== null);
    const afterCommit: (() => Promise<void>)[] = [];
    await this.ds.transaction(async (em) => {
      const fresh = await insertEvents(em, events); // those seen before had their projections run with them
      // an event that cannot be projected is quarantined (logged, counted, listed); the rest goes on
      await projectChunk(em, this.projections, fresh, (task) => afterCommit.push(task), () => this.fault("during-indexing"), this.log);
      await em.query(
        `INSERT INTO indexer_checkpoints (name, block_number, block_hash, updated_at) VALUES ($1, $2, $3, now())
         ON CONFLICT (name) DO UPDATE SET block_number = $2, block_hash = $3, updated_at = now()`,
        [INDEXER_CHECKPOINT, to, last.hash],
      );
      // delivered when this commits: waiting requests read again (the worker announces the receipts it records after)
      if (events.length) await announceChange(em);
    });
    for (const task of afterCommit) await task().catch((e: Error) => this.log.warn({ err: e.message }, "after-commit task failed; the sweeper will catch up"));
    if (events.length) this.log.info({ from, to, events: events.length }, "indexed");
    return to < safe;
  }

  private async checkpoint(): Promise<{ block: number; hash: string }> {
    const [row] = await this.ds.query(`SELECT block_number, block_hash FROM indexer_checkpoints WHERE name = $1`, [INDEXER_CHECKPOINT]);
    if (row) return { block: Number(row.block_number), hash: row.block_hash };
    // start just before the deployment block
    const start = Number(this.deployment.deployedBlock) - 1;
    if (start < 0) return { block: -1, hash: "" };
    const block = await this.gateway.provider.getBlock(start);
    return { block: start, hash: block!.hash! };
  }

  private decode(log: Log): Omit<ChainEvent, "id" | "createdAt"> | null {
    const source = this.interfaces.get(log.address.toLowerCase());
    const parsed = source?.iface.parseLog(log);
    if (!source || !parsed) return null;
    const args: Record<string, unknown> = {};
    parsed.fragment.inputs.forEach((input, i) => (args[input.name] = jsonable(parsed.args[i])));
    return {
      blockNumber: BigInt(log.blockNumber),
      blockHash: log.blockHash,
      txHash: log.transactionHash,
      logIndex: log.index,
      contract: source.contract,
      name: parsed.name,
      args,
    };
  }
}

/** Events per INSERT: a chunk read while catching up may hold hundreds of thousands. */
const INSERT_ROWS = 5000;

/**
 * Stores a chunk's events, in chain order (ids ascend with it), one statement per INSERT_ROWS;
 * returns those not stored before (unique on tx hash + log index), in chain order, with their ids.
 */
async function insertEvents(em: EntityManager, events: Omit<ChainEvent, "id" | "createdAt">[]): Promise<ChainEvent[]> {
  const ids = new Map<string, bigint>();
  for (let i = 0; i < events.length; i += INSERT_ROWS) {
    const slice = events.slice(i, i + INSERT_ROWS);
    const rows: { id: string; tx_hash: string; log_index: number }[] = await em.query(
      `INSERT INTO chain_events (block_number, block_hash, tx_hash, log_index, contract, name, args)
       SELECT block_number, block_hash, tx_hash, log_index, contract, name, args::jsonb
       FROM unnest($1::bigint[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[]) WITH ORDINALITY
         AS e(block_number, block_hash, tx_hash, log_index, contract, name, args, n)
       ORDER BY n
       ON CONFLICT (tx_hash, log_index) DO NOTHING RETURNING id, tx_hash, log_index`,
      [
        slice.map((e) => e.blockNumber.toString()),
        slice.map((e) => e.blockHash),
        slice.map((e) => e.txHash),
        slice.map((e) => e.logIndex),
        slice.map((e) => e.contract),
        slice.map((e) => e.name),
        slice.map((e) => JSON.stringify(e.args)),
      ],
    );
    for (const r of rows) ids.set(`${r.tx_hash}:${r.log_index}`, BigInt(r.id));
  }
  const createdAt = new Date();
  return events.flatMap((e) => {
    const id = ids.get(`${e.txHash}:${e.logIndex}`);
    return id === undefined ? [] : [{ ...e, id, createdAt }];
  });
}

/** bigint → decimal string, arrays and structs recursively; what Postgres' jsonb can hold. */
function jsonable(v: unknown): unknown {
  if (typeof v === "bigint") return v.toString();
  if (Array.isArray(v)) return v.map(jsonable);
  return v;
}
