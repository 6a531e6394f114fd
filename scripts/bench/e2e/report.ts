import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cpus, loadavg } from "node:os";
import type { Percentiles, StageReport } from "./stages";
import type { LedgerOnlyResult } from "./ledger-only";
import type { HistoryResult } from "./growth";
import type { Usage } from "./sampler";
import type { BatchReport, Step } from "./batches";

export interface BenchParams {
  n: number;
  clients: number;
  group: number;
  blockMs: number;
  growth: number[];
  /** Lifecycles per growth run (its history: multiplier × growthN certificates). */
  growthN: number;
  /** Lifecycles of the half-load run (0: none). */
  halfN: number;
  /** Lifecycles/s offered in the half-load run; null: half the base run's lifecycles/s. */
  halfRate: number | null;
  ledgerOnly: boolean;
  quick: boolean;
  pollMs: number;
  command: string;
}

export interface RunResult {
  label: string;
  multiplier: number;
  n: number;
  lifecycles: { succeeded: number; failed: number; failuresByStage: Record<string, number>; sampleFailures: { stage: string; error: string }[] };
  seconds: { phaseA: number; phaseB: number; total: number; setup: { seeds: number; money: number } };
  lifecyclesPerS: number;
  phaseALifecyclesPerS: number;
  acceptToFundedMs: Percentiles;
  /** A paced run (half load): the rate lifecycles were offered at, the rate they were started at, the cap on groups in flight. */
  pace: { offeredLifecyclesPerS: number; startedLifecyclesPerS: number | null; maxInFlightGroups: number } | null;
  stages: StageReport;
  offChain: Record<string, Percentiles>;
  blocks: number;
  usage: { seconds: number; processes: Record<string, Usage>; machineCpuPercent: number };
  requests: Record<string, number>;
  /** JSON-RPC calls the ledger node served during the timed phases, by method (the benchmark's block poller included). */
  rpcCalls: Record<string, number>;
  /** Items per ledger transaction of the lifecycle's steps during the timed phases. */
  batches: BatchReport | null;
  history: HistoryResult | null;
  dbCounts: Record<string, number>;
  ledgerOnly: LedgerOnlyResult | null;
}

const r1 = (x: number) => Math.round(x * 10) / 10;
const r2 = (x: number) => Math.round(x * 100) / 100;

/** CPU the platform's processes spent per successful lifecycle (the benchmark client excluded). */
export function platformCpuMsPerLifecycle(r: RunResult): number {
  const cpu = Object.entries(r.usage.processes).filter(([name]) => name !== "benchmark client").reduce((s, [, u]) => s + u.cpuSeconds, 0);
  return (cpu * 1000) / Math.max(1, r.lifecycles.succeeded);
}

/**
 * CPU ms per successful lifecycle by process: the API, worker and indexer are their Node processes
 * alone, postgres the Postgres backends serving the three (by application_name), redis the
 * redis-server processes, ledger the Hardhat node; total is every platform process (the same sum
 * as platformCpuMsPerLifecycle: the benchmark client excluded).
 */
export function cpuMsPerLifecycle(r: RunResult) {
  const ok = Math.max(1, r.lifecycles.succeeded);
  const ms = (pred: (name: string) => boolean) =>
    r1((Object.entries(r.usage.processes).filter(([name]) => pred(name)).reduce((s, [, u]) => s + u.cpuSeconds, 0) * 1000) / ok);
  return {
    total: r1(platformCpuMsPerLifecycle(r)),
    api: ms((n) => n === "api"),
    worker: ms((n) => n === "worker"),
    indexer: ms((n) => n === "indexer"),
    ledger: ms((n) => n === "ledger"),
    postgres: ms((n) => n.startsWith("postgres")),
    redis: ms((n) => n.startsWith("redis")),
  };
}

/** HTTP requests of the timed phases per successful lifecycle, in all and by route (retries included). */
export function requestsPerLifecycle(r: RunResult) {
  const ok = Math.max(1, r.lifecycles.succeeded);
  const total = Object.values(r.requests).reduce((s, v) => s + v, 0);
  return {
    total: r2(total / ok),
    requests: total,
    by_route: Object.fromEntries(Object.entries(r.requests).sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, r2(v / ok)])),
  };
}

const STEPS: Step[] = ["register", "confirm", "finance", "settle"];
const stepMap = <T>(f: (s: Step) => T) => Object.fromEntries(STEPS.map((s) => [s, f(s)])) as Record<Step, T>;

/** The machine's cores: the platform's CPU per lifecycle bounds its rate at cores × 1000 ÷ ms. */
const CORES = cpus().length;

/** The empty system a growth run is compared with: the empty run of the growth runs' size, else the base run. */
const emptyOf = (base: RunResult, growth: RunResult[]) => growth.find((r) => r.label === "x0") ?? base;

export function buildJson(params: BenchParams, base: RunResult, half: RunResult | null, growth: RunResult[], runtimeSeconds: number) {
  const empty = emptyOf(base, growth);
  const ledgerRate = base.ledgerOnly?.lifecyclesPerS ?? null;
  const ratio = ledgerRate ? base.lifecyclesPerS / ledgerRate : null;
  const g = Object.fromEntries(
    growth.map((r) => [
      r.label,
      {
        certificates_already_in_system: r.history?.certificates ?? 0,
        lifecycles: r.n,
        lifecycles_per_s: r1(r.lifecyclesPerS),
        ratio_to_empty: r2(r.lifecyclesPerS / empty.lifecyclesPerS),
        accept_to_funded_ms: { p50: r.acceptToFundedMs.p50, p95: r.acceptToFundedMs.p95, p99: r.acceptToFundedMs.p99 },
        failed: r.lifecycles.failed,
      },
    ]),
  );
  const cpu = cpuMsPerLifecycle(base);
  const b = base.batches?.steps;
  const latencyAtHalfLoad = half
    ? {
        accept_to_funded_ms: { p50: half.acceptToFundedMs.p50, p95: half.acceptToFundedMs.p95, p99: half.acceptToFundedMs.p99, max: half.acceptToFundedMs.max, n: half.acceptToFundedMs.n },
        /** Lifecycles carried through phase A (started → funded) per second: the load the platform served. */
        lifecycles_per_s: r1(half.phaseALifecyclesPerS),
        n: half.n,
        succeeded: half.lifecycles.succeeded,
        failed: half.lifecycles.failed,
        offered_lifecycles_per_s: half.pace ? r2(half.pace.offeredLifecyclesPerS) : null,
        started_lifecycles_per_s: half.pace?.startedLifecyclesPerS != null ? r2(half.pace.startedLifecyclesPerS) : null,
        base_lifecycles_per_s: r1(base.lifecyclesPerS),
        /** Successful lifecycles ÷ (phase A + phase B), as for the other runs. */
        end_to_end_lifecycles_per_s: r1(half.lifecyclesPerS),
      }
    : null;
  const met = (x: number | null | undefined, ok: (x: number) => boolean) => (x === null || x === undefined || !Number.isFinite(x) ? null : ok(x));
  const targets = {
    lifecycles: { target: ">= 3,000 per run, 0 failed", measured: base.lifecycles.succeeded, failed: base.lifecycles.failed, met: base.lifecycles.succeeded >= 3000 && base.lifecycles.failed === 0 },
    lifecycles_per_s: { target: ">= 50 sustained over >= 3,000 lifecycles", measured: r1(base.lifecyclesPerS), lifecycles: base.lifecycles.succeeded, met: base.lifecyclesPerS >= 50 && base.lifecycles.succeeded >= 3000 },
    end_to_end_to_ledger_ratio: { target: "end-to-end ÷ ledger alone >= 0.6", measured: ratio === null ? null : r2(ratio), met: met(ratio, (x) => x >= 0.6) },
    cpu_ms_per_lifecycle: { target: "<= 40 (all platform processes, Postgres and Redis included)", measured: cpu.total, met: cpu.total <= 40 },
    accept_to_funded_p99_ms: { target: "<= 2500 at full load", measured: base.acceptToFundedMs.p99, met: met(base.acceptToFundedMs.p99, (x) => x <= 2500) },
    accept_to_funded_p99_ms_half_load: { target: "<= 2000 at half load", measured: half ? half.acceptToFundedMs.p99 : null, met: half ? met(half.acceptToFundedMs.p99, (x) => x <= 2000) : null },
    growth_x100: { target: ">= 0.8 × empty", measured: g.x100 ? g.x100.ratio_to_empty : null, met: g.x100 ? g.x100.ratio_to_empty >= 0.8 : null },
  };
  return {
    lifecycles: { n: base.n, succeeded: base.lifecycles.succeeded, failed: base.lifecycles.failed },
    lifecycles_per_s: r1(base.lifecyclesPerS),
    ledger_only_lifecycles_per_s: ledgerRate === null ? null : r1(ledgerRate),
    end_to_end_to_ledger_ratio: ratio === null ? null : r2(ratio),
    accept_to_funded_ms: { p50: base.acceptToFundedMs.p50, p95: base.acceptToFundedMs.p95, p99: base.acceptToFundedMs.p99, max: base.acceptToFundedMs.max, n: base.acceptToFundedMs.n },
    latency_at_half_load: latencyAtHalfLoad,
    growth: g,
    cpu_ms_per_lifecycle: cpu,
    platform_cpu_ms_per_lifecycle: Math.round(platformCpuMsPerLifecycle(base)),
    cpu_bound_ceiling_lifecycles_per_s: r1((CORES * 1000) / platformCpuMsPerLifecycle(base)),
    requests_per_lifecycle: requestsPerLifecycle(base),
    /** Mean items (certificates) per mined ledger transaction of each step during the base run's timed phases. */
    items_per_tx: stepMap((s) => (b ? r1(b[s].meanItemsPerTx) : null)),
    /** The most items one transaction of the step may carry (operations.ts maxItems of ledger.register, ledger.confirm, ledger.finance, ledger.settle). */
    max_items_per_tx: stepMap((s) => b?.[s].maxItemsPerTx ?? null),
    items_per_tx_detail: b
      ? {
          ...stepMap((s) => ({
            kinds: b[s].kinds,
            transactions: b[s].transactions,
            rows: b[s].rows,
            items: b[s].items,
            mean_items_per_tx: r2(b[s].meanItemsPerTx),
            mean_rows_per_tx: r2(b[s].meanRowsPerTx),
            largest_items_per_tx: b[s].largestItemsPerTx,
            max_items_per_tx: b[s].maxItemsPerTx,
            max_rows_per_tx: b[s].maxRowsPerTx,
          })),
          reverted_transactions: base.batches!.revertedTransactions,
        }
      : null,
    targets,
    parameters: { ...params, date: new Date().toISOString(), machine: { cpus: CORES, model: cpus()[0]?.model, loadavg: loadavg().map(r2) }, runtime_s: Math.round(runtimeSeconds) },
    runs: [base, ...(half ? [half] : []), ...growth],
  };
}

const METHOD = `## Method

- **Platform**: a Hardhat JSON-RPC node (its own process) mining a block every block period with
  transactions waiting in the mempool (Besu QBFT's model; block gas limit 1e9, the production genesis
  has no practical limit), a fresh Postgres schema and Redis prefix, the contracts deployed, and the
  API, the worker and the indexer each in its own process with their default settings except the
  per-organization rate limit (raised: one organization sends hundreds of requests a second here).
- **Set-up, not timed**: the demo's core enterprises, tier-1 suppliers, banks and settlement issuer
  onboarded on chain through the API; N genuine invoices (\`scripts/seeds/bench.ts\`) submitted and
  verified against the local tax adapter; deposits, repayment authorizations and credit lines.
- **Phase A** (timed): K clients each take the next group of lifecycles of one supplier and one
  obligor: one registration request, reads of \`GET /v1/operations/:id\` until "mined" (the API
  says so only once the indexer has projected the block), one confirmation request by the core
  enterprise, reads, then per certificate a financing request, one bank's quote, the acceptance and
  reads of \`GET /v1/financings/:id\` until "funded". Every such read carries \`Prefer: wait=30\`: the
  server answers when the status changes, so the client does not poll.
- **Phase B** (timed): the ledger's clock is moved past maturity once for the whole cohort (a quote's
  terms carry a 24-hour deadline and maturities are at least a day away, so the clock cannot move
  while other lifecycles are still being funded); the maturity keeper settles what is due; a
  lifecycle is cleared when its certificate reads settled in the obligor's list (listed every 500 ms).
- **Rate** = successful lifecycles ÷ (phase A + phase B wall time). Failures are counted apart.
- **Acceptance → funds visible**: from the answer to the quote's acceptance to the first read of the
  financing as "funded", per lifecycle; at full load in the base run (16 clients, as fast as the
  platform goes) and at half load.
- **Half load**: a second run of the same lifecycles on a fresh platform whose phase A is paced
  instead of closed-loop: group i of G lifecycles starts when i × G ÷ R seconds have passed, R being
  half the base run's lifecycles/s (\`--half-rate\` overrides it), whatever the platform does
  meanwhile (at most 2 K groups in flight); phase B as in the base run. Its "lifecycles/s" is the
  load it carried: lifecycles funded ÷ phase A time.
- **Stages** come from the database after the run: the outbox row's created_at (queued), its ledger
  transaction's created_at (Postgres' now() at the start of the worker's claim-check-sign
  transaction: "claimed for signing"), the block's first sighting by a poller (included), the
  worker's receipt record, the indexer's chain_events row (its transaction's start) and the client's
  first successful read (visible).
- **CPU and memory** per process from /proc, over the timed phases: the API, the worker and the
  indexer (their Node processes alone), the ledger node, the Postgres backends serving each of the
  three (by application_name; "postgres" is their sum; Postgres' shared background processes, WAL
  writer, checkpointer and autovacuum, serve everyone on this server and are not counted) and
  redis-server. CPU per lifecycle = CPU time ÷ successful lifecycles; the platform total is all of
  these, the benchmark's own client excluded. The machine is shared: "whole machine" includes other
  people's work.
- **Requests per lifecycle**: every HTTP request the benchmark's clients sent during the timed
  phases (retries included), ÷ successful lifecycles, in all and by route.
- **Items per transaction**: from the outbox rows written during the timed phases and the mined
  ledger transactions that carried them (outbox.ledger_tx_id): per step, items (certificates: a
  registration row's items, a confirmation or settlement row's ids, one per financing) ÷
  transactions. Register is \`ledger.register\`, confirm is \`ledger.confirm\` and
  \`ledger.confirmBySig\` (the core enterprise's own signature, relayed; the benchmark's core
  enterprises use custodial keys, so it is \`ledger.confirm\`), finance \`ledger.finance\`, settle the
  keeper's \`ledger.settle\`. The maximum is the kind's \`maxItems\` in
  \`backend/src/ledger/outbox/operations.ts\`.
- **Ledger alone**: after the end-to-end run, the API, worker and indexer stop; the same organizations'
  keys send the same number of lifecycles straight to the contracts with the outbox's batch sizes
  (register 50, confirm 200, finance 50 per transaction, settle 100), step by step for the whole
  cohort, on the same node and block period, with the clock moved past maturity before settlement.
- **Growth**: the same run with fewer lifecycles (\`--growth-n\`) on a fresh platform after
  bulk-loading (SQL, \`scripts/bench/e2e/growth.ts\`) multiplier × that many certificates of 418
  other organizations with everything their lifecycles leave in the tables (invoices, receivables,
  outbox rows and batched ledger transactions, 6 chain events each, requests, quotes, financings,
  registry filings, clearing records, token movements, audit rows; 90% settled, 10% live and
  maturing after the run), then ANALYZE. Not through the chain: pushing that many lifecycles through
  it is not feasible here, and the contracts' per-operation cost does not depend on stored data
  (mappings). Its ratio is to the base run's lifecycles/s; a shorter run carries its ramp-up and
  phase B's fixed latency over fewer lifecycles, so the ratio errs low. \`scripts/bench/e2e/explain.ts\`
  prints the query plans of the lifecycle's lookups over such a history.`;

const pct = (p?: Percentiles) => (p && p.n ? `${p.p50} / ${p.p95} / ${p.p99}` : "–");
const num = (x: number | null | undefined) => (x === null || x === undefined ? "–" : x.toLocaleString("en"));

export function buildMarkdown(json: ReturnType<typeof buildJson>, base: RunResult, half: RunResult | null, growth: RunResult[], notes: string): string {
  const t = json.targets;
  const yes = (m: boolean | null) => (m === null ? "not measured" : m ? "**met**" : "**not met**");
  const cpu = json.cpu_ms_per_lifecycle;
  const h = json.latency_at_half_load;
  const lines: string[] = [];
  lines.push(`# End-to-end benchmark`, ``);
  lines.push(`\`${json.parameters.command}\` — ${json.parameters.date.slice(0, 16).replace("T", " ")} UTC, ${json.parameters.machine.cpus} cores (${json.parameters.machine.model}), run time ${json.parameters.runtime_s} s.`, ``);
  lines.push(
    `Base run ${base.n.toLocaleString("en")} lifecycles, ${json.parameters.clients} clients, groups of ${json.parameters.group}, ${json.parameters.blockMs} ms blocks; ` +
      `half load ${half ? `${half.n.toLocaleString("en")} lifecycles offered at ${h?.offered_lifecycles_per_s}/s` : "not run"}; ` +
      `growth ${growth.length ? growth.map((r) => `${r.label} (${r.n.toLocaleString("en")} lifecycles over ${num(r.history?.certificates)} certificates)`).join(", ") : "not run"}.`,
    ``,
  );
  lines.push(`| | measured | target | |`, `|---|--:|---|---|`);
  lines.push(`| lifecycles in the base run, succeeded (failed) | ${t.lifecycles.measured.toLocaleString("en")} (${t.lifecycles.failed}) | ≥ 3,000, 0 failed | ${yes(t.lifecycles.met)} |`);
  lines.push(`| lifecycles per second, end to end | ${t.lifecycles_per_s.measured} | ≥ 50 over ≥ 3,000 | ${yes(t.lifecycles_per_s.met)} |`);
  lines.push(`| ledger alone, same operations and batching | ${json.ledger_only_lifecycles_per_s ?? "–"} | | |`);
  lines.push(`| end-to-end ÷ ledger alone | ${t.end_to_end_to_ledger_ratio.measured ?? "–"} | ≥ 0.6 | ${yes(t.end_to_end_to_ledger_ratio.met)} |`);
  lines.push(`| platform CPU per lifecycle, ms (API ${cpu.api}, worker ${cpu.worker}, indexer ${cpu.indexer}, ledger ${cpu.ledger}, Postgres ${cpu.postgres}, Redis ${cpu.redis}) | ${cpu.total} | ≤ 40 | ${yes(t.cpu_ms_per_lifecycle.met)} |`);
  lines.push(`| quote acceptance → funds visible at full load, p50 / p95 / p99 ms | ${pct(base.acceptToFundedMs)} | p99 ≤ 2,500 | ${yes(t.accept_to_funded_p99_ms.met)} |`);
  lines.push(
    `| the same at half load${h ? ` (${h.offered_lifecycles_per_s} lifecycles/s offered, ${h.lifecycles_per_s} carried)` : ""}, p50 / p95 / p99 ms | ${half ? pct(half.acceptToFundedMs) : "–"} | p99 ≤ 2,000 | ${yes(t.accept_to_funded_p99_ms_half_load.met)} |`,
  );
  const empty = emptyOf(base, growth);
  for (const r of growth) {
    const what = r.label === "x0" ? `x0: the growth runs' ${num(r.n)} lifecycles on an empty system: lifecycles/s` : `${r.label}: ${num(r.history?.certificates)} certificates already in the system: lifecycles/s (ratio to empty)`;
    lines.push(`| ${what} | ${r1(r.lifecyclesPerS)} (${r2(r.lifecyclesPerS / empty.lifecyclesPerS)}) | ${r.label === "x100" ? "≥ 0.8 × empty" : ""} | ${r.label === "x100" ? yes(t.growth_x100.met) : ""} |`);
  }
  if (!growth.some((r) => r.label === "x100")) lines.push(`| x100: lifecycles/s ratio to empty | – | ≥ 0.8 × empty | ${yes(t.growth_x100.met)} |`);
  lines.push(`| HTTP requests per lifecycle | ${json.requests_per_lifecycle.total} | | |`);
  const it = json.items_per_tx;
  const mx = json.max_items_per_tx;
  lines.push(`| items per ledger transaction, register / confirm / finance / settle (maximum) | ${STEPS.map((s) => it[s] ?? "–").join(" / ")} (${STEPS.map((s) => mx[s] ?? "–").join(" / ")}) | close to the maximum under load | |`);
  lines.push(``, METHOD, ``);
  if (notes) lines.push(notes, ``);
  for (const r of [base, ...(half ? [half] : []), ...growth]) {
    const title = r.label === "half" ? `half load (${r.pace ? `${r2(r.pace.offeredLifecyclesPerS)} lifecycles/s offered` : "paced"})` : r.label === "x0" ? "x0 (empty, the growth runs' size)" : r.label;
    lines.push(`## Run ${title}${r.history ? ` (${r.history.certificates.toLocaleString("en")} certificates of history)` : ""}`, ``);
    lines.push(`${r.lifecycles.succeeded} lifecycles succeeded, ${r.lifecycles.failed} failed${r.lifecycles.failed ? ` (${Object.entries(r.lifecycles.failuresByStage).map(([k, v]) => `${k}: ${v}`).join(", ")})` : ""}: **${r1(r.lifecyclesPerS)} lifecycles/s**. ` +
      `Phase A (register → funded) ${r1(r.seconds.phaseA)} s (${r1(r.phaseALifecyclesPerS)} lifecycles/s), phase B (maturity → cleared) ${r1(r.seconds.phaseB)} s; ${r.blocks} blocks. ` +
      `Set-up (not timed): seeds ${Math.round(r.seconds.setup.seeds)} s, deposits and credit lines ${Math.round(r.seconds.setup.money)} s${r.history ? `, history ${Math.round(r.history.seconds)} s` : ""}.`, ``);
    if (r.pace) {
      lines.push(
        `Paced: groups of ${json.parameters.group} started on a schedule of ${r2(r.pace.offeredLifecyclesPerS)} lifecycles/s (half the base run's ${r1(base.lifecyclesPerS)}${json.parameters.halfRate !== null ? `; set by --half-rate` : ""}), ` +
          `${r.pace.startedLifecyclesPerS === null ? "–" : r2(r.pace.startedLifecyclesPerS)} started per second, at most ${r.pace.maxInFlightGroups} groups in flight. ` +
          `Quote acceptance → funds visible, p50 / p95 / p99 / max ms: **${pct(r.acceptToFundedMs)}** / ${r.acceptToFundedMs.max} (n ${r.acceptToFundedMs.n}).`,
        ``,
      );
    } else lines.push(`Quote acceptance → funds visible, p50 / p95 / p99 / max ms: **${pct(r.acceptToFundedMs)}** / ${r.acceptToFundedMs.max} (n ${r.acceptToFundedMs.n}).`, ``);
    if (r.lifecycles.sampleFailures.length) lines.push(`First failures: ${r.lifecycles.sampleFailures.map((f) => `${f.stage}: ${f.error}`).join("; ")}`, ``);
    lines.push(`Latency per ledger step, ms from the step's origin (p50 / p95 / p99):`, ``);
    lines.push(`| step | queued (outbox row written) | claimed for signing | included (block first seen) | receipt recorded by the worker | indexed (projection started) | visible through the API |`, `|---|--:|--:|--:|--:|--:|--:|`);
    for (const [name, s] of Object.entries(r.stages)) {
      lines.push(`| ${name} | ${pct(s.queued)} | ${pct(s.signed)} | ${pct(s.included)} | ${pct(s.receipt)} | ${pct(s.indexed)} | ${pct(s.visible)} |`);
    }
    lines.push(``, `Off-chain steps (p50 / p95 / p99 ms): ${Object.entries(r.offChain).map(([k, v]) => `${k} ${pct(v)}`).join("; ")}.`, ``);
    const ok = Math.max(1, r.lifecycles.succeeded);
    lines.push(`| process | CPU (% of one core, avg) | CPU s | CPU ms per lifecycle | peak RSS MiB |`, `|---|--:|--:|--:|--:|`);
    for (const [name, u] of Object.entries(r.usage.processes)) lines.push(`| ${name} | ${u.cpuPercent} | ${u.cpuSeconds} | ${r1((u.cpuSeconds * 1000) / ok)} | ${u.peakRssMiB} |`);
    const c = cpuMsPerLifecycle(r);
    lines.push(`| **platform total** (API, worker, indexer, ledger, their Postgres backends, Redis) | | | **${c.total}** | |`);
    lines.push(`| whole machine (everyone's, the other engineers' test runs included) | ${r.usage.machineCpuPercent} | | | |`, ``);
    lines.push(`Per lifecycle: API ${c.api}, worker ${c.worker}, indexer ${c.indexer}, ledger ${c.ledger}, Postgres ${c.postgres}, Redis ${c.redis} CPU ms. ` +
      `At ${c.total} CPU ms per lifecycle, the platform alone could sustain at most ${r1((CORES * 1000) / Math.max(0.001, c.total))} lifecycles/s on this machine's ${CORES} cores.`, ``);
    if (r.ledgerOnly) {
      const l = r.ledgerOnly;
      lines.push(`Ledger alone: ${l.n} lifecycles in ${r1(l.seconds.total)} s = **${r1(l.lifecyclesPerS)} lifecycles/s** ` +
        `(register ${r1(l.seconds.register)} s in ${l.transactions.register} tx, confirm ${r1(l.seconds.confirm)} s in ${l.transactions.confirm}, finance ${r1(l.seconds.finance)} s in ${l.transactions.finance}, settle ${r1(l.seconds.settle)} s in ${l.transactions.settle}; ${l.blocks} blocks)` +
        (l.usage ? `; the ledger node used ${r1((l.usage.processes.ledger.cpuSeconds * 1000) / l.n)} CPU ms per lifecycle (end to end: ${r1((r.usage.processes.ledger.cpuSeconds * 1000) / ok)}).` : "."), ``);
    }
    if (r.batches) {
      const bs = r.batches.steps;
      lines.push(`Items per ledger transaction during the timed phases (${r.batches.revertedTransactions} transactions reverted and were sent again):`, ``);
      lines.push(`| step (outbox kinds) | transactions | items | mean items per tx | largest | maximum per tx | mean outbox rows per tx | maximum rows per tx |`, `|---|--:|--:|--:|--:|--:|--:|--:|`);
      for (const s of STEPS) {
        const x = bs[s];
        lines.push(`| ${s} (${x.kinds.join(", ")}) | ${x.transactions} | ${x.items} | **${r1(x.meanItemsPerTx)}** | ${x.largestItemsPerTx} | ${x.maxItemsPerTx ?? "–"} | ${r1(x.meanRowsPerTx)} | ${x.maxRowsPerTx ?? "–"} |`);
      }
      lines.push(``);
    }
    const req = requestsPerLifecycle(r);
    if (req.requests) {
      lines.push(`HTTP requests: ${req.requests.toLocaleString("en")} in the timed phases, **${req.total} per lifecycle**: ${Object.entries(req.by_route).map(([k, v]) => `${k} ${v} (${r.requests[k]})`).join(", ")}.`, ``);
    }
    if (Object.keys(r.rpcCalls ?? {}).length) lines.push(`JSON-RPC calls the ledger node served (timed phases; the benchmark's own block poller is the eth_blockNumber share at 10/s): ${Object.entries(r.rpcCalls).map(([k, v]) => `${k} ${v}`).join(", ")}${r.ledgerOnly?.rpcCalls ? `. Ledger alone: ${Object.entries(r.ledgerOnly.rpcCalls).map(([k, v]) => `${k} ${v}`).join(", ")}` : ""}.`, ``);
    if (r.history) lines.push(`Table sizes after loading: ${Object.entries(r.history.rows).slice(0, 14).map(([k, v]) => `${k} ${v.toLocaleString("en")}`).join(", ")}.`, ``);
  }
  return lines.join("\n") + "\n";
}

export function writeReports(outDir: string, params: BenchParams, base: RunResult, half: RunResult | null, growth: RunResult[], runtimeSeconds: number, notes = "") {
  const json = buildJson(params, base, half, growth, runtimeSeconds);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, "e2e.json"), `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(join(outDir, "e2e.md"), buildMarkdown(json, base, half, growth, notes));
  return { json };
}
