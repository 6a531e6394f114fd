import type { DataSource } from "typeorm";
import type { Lifecycle } from "./lifecycles";

/** Milestones of one ledger operation (ms since the epoch). */
interface OpTimes {
  queued: number;
  signed?: number;
  included?: number;
  receipt?: number;
  indexed?: number;
}

export interface Percentiles {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export const STAGE_NAMES = ["queued", "signed", "included", "receipt", "indexed", "visible"] as const;
export type StageName = (typeof STAGE_NAMES)[number];

/** Per ledger step: from its origin (the API's 202, or the clock reaching maturity) to each milestone. */
export type StageReport = Record<string, Partial<Record<StageName, Percentiles>>>;

export function percentiles(xs: number[]): Percentiles {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  const at = (q: number) => (s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] : NaN);
  return { n: s.length, p50: Math.round(at(0.5)), p95: Math.round(at(0.95)), p99: Math.round(at(0.99)), max: Math.round(at(1)) };
}

/**
 * Joins what the client saw with what the platform recorded: the outbox row (queued: written in
 * the API's or the job's transaction), its ledger transaction (signed: its created_at, which is
 * Postgres' now() = the start of the worker's claim-simulate-sign transaction, so "claimed for
 * signing"; receipt: when the worker recorded the receipt), the block's first sighting by the
 * BlockWatcher (included: simulation, signing, broadcast and the wait for the block all fall
 * before it) and the indexer's chain_events rows for the transaction (indexed: the start of the
 * indexer transaction that stored and projected them).
 */
export async function stageReport(ds: DataSource, lifecycles: Lifecycle[], blockSeen: Map<number, number>, maturityAt: number): Promise<StageReport> {
  const ok = lifecycles.filter((l) => l.t.clearedVisible !== undefined && !l.failed);
  const financingOps: { id: string; op: string }[] = await ds.query(`SELECT id::text, operation_id::text AS op FROM financings WHERE id = ANY($1::uuid[])`, [ok.map((l) => l.financingId)]);
  const settleOps: { id: string; op: string }[] = await ds.query(`SELECT id::text, operation_id::text AS op FROM receivables WHERE id = ANY($1::uuid[])`, [ok.map((l) => l.receivableId)]);
  const financeOf = new Map(financingOps.map((r) => [r.id, r.op]));
  const settleOf = new Map(settleOps.map((r) => [r.id, r.op]));
  const opIds = new Set<string>();
  for (const l of ok) for (const id of [l.registerOp, l.confirmOp, financeOf.get(l.financingId!), settleOf.get(l.receivableId!)]) if (id) opIds.add(id);
  const rows: { id: string; queued: Date; signed: Date | null; receipt: Date | null; block: string | null; indexed: Date | null }[] = await ds.query(
    `SELECT o.id::text, o.created_at AS queued, t.created_at AS signed, CASE WHEN t.status = 'mined' THEN t.updated_at END AS receipt, t.block_number::text AS block,
            (SELECT min(e.created_at) FROM chain_events e WHERE e.tx_hash = t.tx_hash) AS indexed
     FROM outbox o LEFT JOIN ledger_transactions t ON t.id = o.ledger_tx_id WHERE o.id = ANY($1::bigint[])`,
    [[...opIds]],
  );
  const times = new Map<string, OpTimes>(
    rows.map((r) => [
      r.id,
      {
        queued: r.queued.getTime(),
        signed: r.signed?.getTime(),
        receipt: r.receipt?.getTime(),
        included: r.block === null ? undefined : blockSeen.get(Number(r.block)),
        indexed: r.indexed?.getTime(),
      },
    ]),
  );
  const steps: { name: string; origin: (l: Lifecycle) => number | undefined; op: (l: Lifecycle) => string | undefined; visible: (l: Lifecycle) => number | undefined }[] = [
    { name: "register", origin: (l) => l.t.registerAccepted, op: (l) => l.registerOp, visible: (l) => l.t.registerVisible },
    { name: "confirm", origin: (l) => l.t.confirmAccepted, op: (l) => l.confirmOp, visible: (l) => l.t.confirmVisible },
    { name: "finance (from acceptance)", origin: (l) => l.t.acceptAccepted, op: (l) => financeOf.get(l.financingId!), visible: (l) => l.t.fundedVisible },
    { name: "settle (from maturity)", origin: () => maturityAt, op: (l) => settleOf.get(l.receivableId!), visible: (l) => l.t.clearedVisible },
  ];
  const report: StageReport = {};
  for (const step of steps) {
    const deltas: Record<StageName, number[]> = { queued: [], signed: [], included: [], receipt: [], indexed: [], visible: [] };
    for (const l of ok) {
      const origin = step.origin(l);
      const op = step.op(l);
      const t = op ? times.get(op) : undefined;
      if (origin === undefined || !t) continue;
      for (const s of ["queued", "signed", "included", "receipt", "indexed"] as const) if (t[s] !== undefined) deltas[s].push(t[s]! - origin);
      const v = step.visible(l);
      if (v !== undefined) deltas.visible.push(v - origin);
    }
    report[step.name] = Object.fromEntries(STAGE_NAMES.map((s) => [s, percentiles(deltas[s])]));
  }
  return report;
}

/** Off-chain steps of phase A (request, quote, acceptance), each from the previous one's answer. */
export function offChainReport(lifecycles: Lifecycle[]): Record<string, Percentiles> {
  const ok = lifecycles.filter((l) => l.t.fundedVisible !== undefined);
  return {
    "register request → 202": percentiles(ok.map((l) => l.t.registerAccepted! - l.t.registerSent!)),
    "financing request (after confirmation visible)": percentiles(ok.map((l) => l.t.requestOpened! - l.t.confirmVisible!)),
    quote: percentiles(ok.map((l) => l.t.quoted! - l.t.requestOpened!)),
    acceptance: percentiles(ok.map((l) => l.t.acceptAccepted! - l.t.quoted!)),
  };
}
