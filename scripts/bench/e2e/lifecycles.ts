import type { SeededOrganization } from "../../../backend/src/ops/seed";
import { BenchClient, pool } from "./client";
import { sleep } from "./ledger-node";
import type { Candidate } from "./setup";

/** What the client saw of one lifecycle (ms since the epoch; undefined: not reached). */
export interface Lifecycle {
  invoiceId: string;
  supplierId: string;
  obligorId: string;
  receivableId?: string;
  registerOp?: string;
  confirmOp?: string;
  financingId?: string;
  t: {
    registerSent?: number;
    registerAccepted?: number;
    registerVisible?: number;
    confirmAccepted?: number;
    confirmVisible?: number;
    requestOpened?: number;
    quoted?: number;
    acceptAccepted?: number;
    fundedVisible?: number;
    clearedVisible?: number;
  };
  failed?: { stage: string; error: string };
}

export interface DriverOptions {
  /** Concurrent clients. */
  clients: number;
  /** Lifecycles a client moves together (one registration request, one confirmation request). */
  group: number;
  /** Maturity date (YYYY-MM-DD, China time) of every certificate. */
  maturityDate: string;
  /**
   * Open-loop pacing instead of `clients` clients each taking the next group as soon as its last
   * one is funded: group i starts when the lifecycles before it, at `lifecyclesPerS`, are due,
   * whatever the platform does meanwhile (as independent ERP clients would), with at most
   * `maxInFlight` groups under way (a start that would exceed it waits, and is late).
   */
  pace?: { lifecyclesPerS: number; maxInFlight: number };
  log: (l: string) => void;
}

const chunks = <T>(xs: T[], n: number) => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, (i + 1) * n));

/**
 * Groups of `group` candidates of one supplier and one obligor, interleaved across suppliers so
 * that concurrent clients act for different organizations, as a platform's ERP clients do.
 */
export function groupsOf(candidates: Candidate[], group: number): Candidate[][] {
  const byPair = new Map<string, Candidate[]>();
  for (const c of candidates) {
    const k = `${c.supplier.id}/${c.obligor.id}`;
    byPair.set(k, [...(byPair.get(k) ?? []), c]);
  }
  const queues = [...byPair.values()].map((cs) => chunks(cs, group));
  const out: Candidate[][] = [];
  for (let i = 0; queues.some((q) => i < q.length); i++) for (const q of queues) if (i < q.length) out.push(q[i]);
  return out;
}

/**
 * Phase A: each of `clients` clients takes the next group and drives it through the public API:
 * registration (one request for the group) → visible Pending → confirmation by the core enterprise
 * (one request) → visible Confirmed → per certificate: financing request, one bank's quote,
 * acceptance → funds visible (the financing reads `funded`). Every wait is a read of the API
 * (answered by the server when the status changes, `Prefer: wait`), so "visible" means what a
 * client of the platform can read. With `pace`, groups start on a schedule instead (the
 * half-load measurement).
 */
export async function driveToFunded(api: BenchClient, o: DriverOptions, groups: Candidate[][]): Promise<Lifecycle[]> {
  const all: Lifecycle[] = [];
  let done = 0;
  let failed = 0;
  const started = Date.now();
  const progress = setInterval(() => o.log(`  phase A: ${done} funded, ${failed} failed, ${Math.round((Date.now() - started) / 1000)} s`), 10_000);
  const one = async (group: Candidate[]) => {
    const lcs: Lifecycle[] = group.map((c) => ({ invoiceId: c.invoiceId, supplierId: c.supplier.id, obligorId: c.obligor.id, t: {} }));
    all.push(...lcs);
    let stage = "register";
    try {
      await runGroup(api, o, group, lcs, (s) => (stage = s));
    } catch (e) {
      for (const lc of lcs) if (!lc.failed && lc.t.fundedVisible === undefined) lc.failed = { stage, error: (e as Error).message.slice(0, 300) };
    }
    done += lcs.filter((l) => l.t.fundedVisible !== undefined).length;
    failed += lcs.filter((l) => l.failed).length;
  };
  try {
    if (o.pace) await paced(groups, o.pace, started, one, o.log);
    else await pool(groups, o.clients, one);
  } finally {
    clearInterval(progress);
  }
  return all;
}

/** Starts each group when it is due at `pace.lifecyclesPerS` from `started` (see DriverOptions.pace); resolves when all are done. */
async function paced(groups: Candidate[][], pace: NonNullable<DriverOptions["pace"]>, started: number, one: (g: Candidate[]) => Promise<void>, log: (l: string) => void) {
  const inFlight = new Set<Promise<void>>();
  let scheduled = 0;
  let late = 0;
  for (const group of groups) {
    const due = started + (scheduled / pace.lifecyclesPerS) * 1000;
    scheduled += group.length;
    if (due > Date.now()) await sleep(due - Date.now());
    while (inFlight.size >= pace.maxInFlight) await Promise.race(inFlight);
    if (Date.now() - due > 1000) late++;
    const p: Promise<void> = one(group).finally(() => inFlight.delete(p));
    inFlight.add(p);
  }
  await Promise.all(inFlight);
  if (late) log(`  paced: ${late} of ${groups.length} groups started more than 1 s late (${pace.maxInFlight} groups in flight at most)`);
}

async function runGroup(api: BenchClient, o: DriverOptions, group: Candidate[], lcs: Lifecycle[], stage: (s: string) => void) {
  const supplier = group[0].supplier;
  const obligor = group[0].obligor;
  // register: one request for the group
  const t0 = Date.now();
  lcs.forEach((l) => (l.t.registerSent = t0));
  const reg = await api.post("/v1/receivables", supplier.key, {
    items: group.map((c) => ({ obligorId: obligor.id, invoiceIds: [c.invoiceId], maturityDate: o.maturityDate })),
  }, "/v1/receivables");
  const t1 = Date.now();
  reg.items.forEach((it: any, i: number) => {
    lcs[i].receivableId = it.receivable.id;
    lcs[i].registerOp = it.operation.id;
    lcs[i].t.registerAccepted = t1;
  });
  stage("register → visible");
  await visible(api, o, lcs.map((l) => l.registerOp!), supplier.key, (i, at) => (lcs[i].t.registerVisible = at));

  stage("confirm");
  const conf = await api.post("/v1/receivables/confirmations", obligor.key, { receivableIds: lcs.map((l) => l.receivableId) }, "/v1/receivables/confirmations");
  const t2 = Date.now();
  const confirmOp = conf.items[0].operation.id as string;
  lcs.forEach((l) => {
    l.confirmOp = confirmOp;
    l.t.confirmAccepted = t2;
  });
  stage("confirm → visible");
  await visible(api, o, [confirmOp], obligor.key, (_i, at) => lcs.forEach((l) => (l.t.confirmVisible = at)));

  stage("finance");
  const validUntil = new Date(Date.now() + 3600_000).toISOString();
  await Promise.all(
    lcs.map(async (lc, i) => {
      try {
        await financeOne(api, o, lc, supplier, group[i].bank, i, validUntil);
      } catch (e) {
        lc.failed = { stage: "finance", error: (e as Error).message.slice(0, 300) };
      }
    }),
  );
}

async function financeOne(api: BenchClient, o: DriverOptions, lc: Lifecycle, supplier: SeededOrganization, bank: SeededOrganization, i: number, validUntil: string) {
  const req = await api.post("/v1/financing-requests", supplier.key, { receivableId: lc.receivableId }, "/v1/financing-requests");
  lc.t.requestOpened = Date.now();
  const quote = await api.post(`/v1/financing-requests/${req.id}/quotes`, bank.key, {
    advanceRateBp: 8800 + (i % 5) * 100,
    annualRateBp: 360 + (i % 9) * 15,
    dayCount: 360,
    fee: "0",
    recourse: false,
    validUntil,
  }, "/v1/financing-requests/:id/quotes");
  lc.t.quoted = Date.now();
  const financing = await api.post(`/v1/quotes/${quote.id}/acceptance`, supplier.key, {}, "/v1/quotes/:id/acceptance");
  lc.t.acceptAccepted = Date.now();
  lc.financingId = financing.id;
  const funded = await api.until(`funding ${financing.id}`, async () => {
    const f = await api.waitingGet(`/v1/financings/${financing.id}`, supplier.key, "/v1/financings/:id");
    if (f.status === "failed") throw new Error(`financing failed: ${f.failure?.code} ${f.failure?.reason}`);
    return f.status === "funded";
  }, 0, 600_000);
  lc.t.fundedVisible = funded.at;
}

/**
 * Polls operations until each reads "mined" (the API says so only once the indexer has projected
 * its block: visible everywhere). Rows written together are usually mined together: the last one
 * is polled first, the rest are then checked once each.
 */
async function visible(api: BenchClient, o: DriverOptions, ops: string[], key: string, seen: (i: number, at: number) => void) {
  // the first read of a round waits on the server for a change; the others of the batch are read once
  const state = async (id: string, wait = false) => {
    const op = await (wait ? api.waitingGet : api.get)(`/v1/operations/${id}`, key, "/v1/operations/:id");
    if (op.status === "failed") throw new Error(`operation ${id} (${op.kind}) failed: ${op.error?.code} ${op.error?.message}`);
    return op.status === "mined";
  };
  const pending = new Set(ops.map((_, i) => i));
  const deadline = Date.now() + 600_000;
  while (pending.size) {
    const order = [...pending].reverse();
    const first = order[0];
    if (await state(ops[first], true)) {
      const at = Date.now();
      pending.delete(first);
      seen(first, at);
      for (const i of order.slice(1)) {
        if (ops[i] === ops[first] || (await state(ops[i]))) {
          pending.delete(i);
          seen(i, Date.now());
        }
      }
      continue;
    }
    if (Date.now() > deadline) throw new Error(`operations not mined after 600 s: ${[...pending].map((i) => ops[i]).join(", ")}`);
  }
}

/**
 * Phase B, after the ledger's clock has passed maturity: the maturity keeper settles what is due;
 * each obligor's still-financed certificates are listed until none is left; a certificate is
 * cleared (visible) when it first reads settled.
 */
export async function watchClearing(api: BenchClient, cores: SeededOrganization[], lifecycles: Lifecycle[], pollMs: number, timeoutMs: number, log: (l: string) => void): Promise<void> {
  const waiting = new Map(lifecycles.filter((l) => l.t.fundedVisible !== undefined && !l.failed).map((l) => [l.receivableId!, l]));
  const deadline = Date.now() + timeoutMs;
  let lastLog = Date.now();
  while (waiting.size) {
    for (const core of cores) {
      for (let after = ""; ; ) {
        const page = await api.get(`/v1/receivables?role=obligor&status=settled&limit=500${after ? `&after=${after}` : ""}`, core.key, "/v1/receivables");
        const at = Date.now();
        for (const r of page.items) {
          const lc = waiting.get(r.id);
          if (lc) {
            lc.t.clearedVisible = at;
            waiting.delete(r.id);
          }
        }
        if (page.items.length < 500) break;
        after = page.items[page.items.length - 1].id;
      }
    }
    if (!waiting.size) break;
    if (Date.now() > deadline) {
      for (const lc of waiting.values()) lc.failed = { stage: "clearing", error: `not settled ${timeoutMs / 1000} s after maturity` };
      break;
    }
    if (Date.now() - lastLog > 10_000) {
      log(`  phase B: ${waiting.size} certificates still to clear`);
      lastLog = Date.now();
    }
    await sleep(pollMs);
  }
}
