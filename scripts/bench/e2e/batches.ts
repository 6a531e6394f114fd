import type { DataSource } from "typeorm";
import { OPERATIONS } from "../../../backend/src/ledger/outbox/operations";

/**
 * The lifecycle's four ledger steps and the outbox kinds that carry each. "confirm" is the core
 * enterprise's confirmation, whichever way it is sent: `ledger.confirm` (signed with its custodial
 * key: what the benchmark does) or `ledger.confirmBySig` (its own signature, relayed by the
 * platform); the first kind listed is the one whose maximum the step is compared with.
 */
export const STEP_KINDS = {
  register: ["ledger.register"],
  confirm: ["ledger.confirm", "ledger.confirmBySig"],
  finance: ["ledger.finance"],
  settle: ["ledger.settle"],
} as const;
export type Step = keyof typeof STEP_KINDS;

export interface StepBatches {
  /** Outbox kinds counted for this step. */
  kinds: string[];
  /** Mined ledger transactions that carried them. */
  transactions: number;
  /** Outbox rows they carried. */
  rows: number;
  /** Items (certificates) they carried: a register row's items, a confirm or settle row's ids, one per financing. */
  items: number;
  meanItemsPerTx: number;
  meanRowsPerTx: number;
  /** The most items one transaction carried. */
  largestItemsPerTx: number;
  /** The kind's maximum items per transaction (operations.ts maxItems). */
  maxItemsPerTx: number | null;
  /** The most rows one transaction may take: the kind's maxBatch, capped by the worker's OUTBOX_BATCH_SIZE. */
  maxRowsPerTx: number | null;
}

export interface BatchReport {
  steps: Record<Step, StepBatches>;
  /** Ledger transactions signed during the window that reverted (their rows were sent again). */
  revertedTransactions: number;
}

/** Where the timed window starts in the outbox and ledger_transactions (ids only grow). */
export async function batchMark(ds: DataSource): Promise<{ outbox: string; ledgerTx: string }> {
  const [r] = await ds.query(`SELECT (SELECT COALESCE(max(id), 0) FROM outbox)::text AS outbox, (SELECT COALESCE(max(id), 0) FROM ledger_transactions)::text AS ledger_tx`);
  return { outbox: r.outbox, ledgerTx: r.ledger_tx };
}

/** Items in one outbox row of the lifecycle's kinds (certificates). */
function certificates(payload: Record<string, unknown>): number {
  if (Array.isArray(payload.items)) return payload.items.length;
  if (Array.isArray(payload.ids)) return payload.ids.length;
  return 1;
}

/**
 * Items per ledger transaction per step, over the outbox rows written after `mark` that were
 * mined (each row's ledger_tx_id is the transaction that carried it; a reverted transaction's rows
 * are released and sent again, so they count once, in the transaction that was mined).
 */
export async function batchReport(ds: DataSource, mark: { outbox: string; ledgerTx: string }, outboxBatchSize?: number): Promise<BatchReport> {
  const kinds = Object.values(STEP_KINDS).flat();
  const rows: { kind: string; tx: string; payload: Record<string, unknown> }[] = await ds.query(
    `SELECT o.kind, o.ledger_tx_id::text AS tx, o.payload FROM outbox o JOIN ledger_transactions t ON t.id = o.ledger_tx_id
     WHERE o.id > $1 AND o.status = 'mined' AND t.status = 'mined' AND o.kind = ANY($2::text[])`,
    [mark.outbox, kinds],
  );
  const steps = {} as Record<Step, StepBatches>;
  for (const [step, stepKinds] of Object.entries(STEP_KINDS) as [Step, readonly string[]][]) {
    const perTx = new Map<string, { rows: number; items: number }>();
    for (const r of rows) {
      if (!stepKinds.includes(r.kind)) continue;
      const t = perTx.get(r.tx) ?? { rows: 0, items: 0 };
      t.rows++;
      t.items += certificates(r.payload);
      perTx.set(r.tx, t);
    }
    const txs = [...perTx.values()];
    const items = txs.reduce((s, t) => s + t.items, 0);
    const rowCount = txs.reduce((s, t) => s + t.rows, 0);
    const primary = OPERATIONS.get(stepKinds[0]);
    steps[step] = {
      kinds: [...stepKinds],
      transactions: txs.length,
      rows: rowCount,
      items,
      meanItemsPerTx: txs.length ? items / txs.length : 0,
      meanRowsPerTx: txs.length ? rowCount / txs.length : 0,
      largestItemsPerTx: txs.reduce((m, t) => Math.max(m, t.items), 0),
      maxItemsPerTx: primary?.maxItems ?? null,
      maxRowsPerTx: primary ? Math.min(primary.maxBatch, outboxBatchSize ?? Infinity) : null,
    };
  }
  const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM ledger_transactions WHERE id > $1 AND status = 'reverted'`, [mark.ledgerTx]);
  return { steps, revertedTransactions: n };
}
