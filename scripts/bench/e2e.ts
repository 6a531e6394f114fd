/**
 * End-to-end benchmark: `npm run bench:e2e [-- options]`.
 *
 * Drives N receivable lifecycles (register → confirm → financing request → quote → accept →
 * funded → matured → cleared) through the public HTTP API with K concurrent clients, against the
 * API, worker and indexer (each its own process), Postgres, Redis and a Hardhat JSON-RPC node with
 * interval mining; then the same operations straight to the contracts (the ledger alone); then a
 * second measurement at half load (lifecycles started at half the base run's rate); then the same
 * run with 10× and 100× as many certificates already in the system. Writes
 * scripts/bench/results/e2e.json and e2e.md (the method is in e2e.md).
 *
 *   --n 3000            lifecycles in the base run (issue 8: at least 3,000)
 *   --clients 16        concurrent API clients
 *   --group 10          lifecycles a client registers and has confirmed in one request each
 *   --block-ms 1000     the ledger's block period
 *   --half-n 600        lifecycles of the half-load measurement (0: skip it)
 *   --half-rate R       lifecycles/s offered in it (default: half the base run's lifecycles/s)
 *   --growth 10,100     data multipliers to run (none: skip)
 *   --growth-n 800      lifecycles per growth run; its history = multiplier × growth-n certificates; an empty run
 *                       of that size (x0) is what the growth runs are compared with when it differs from --n
 *   --no-ledger-only    skip the ledger-alone run
 *   --quick             a few-minute smoke run (n 100, half-n 100, growth 10 with growth-n 100)
 *   --cpu-prof DIR      V8 CPU profiles of API, worker and indexer (base run)
 *   --out DIR           results directory (default scripts/bench/results)
 *   --port-base 18545   ledger on it, the API on it + 1
 *   --env A=1,B=2       extra settings for API, worker and indexer (experiments; the report records them)
 *   --process-log FILE  append the processes' log lines (LOG_LEVEL=info for more) to FILE
 *
 * With the defaults the whole run takes about 20 minutes at ~9 lifecycles/s: the base run ~10 min
 * (set-up ~1.5, 3,000 lifecycles ~6, the ledger alone ~1), half load ~4 (600 lifecycles at ~4.5/s),
 * growth ×10 ~3 and ×100 ~3.5 (800 lifecycles each over 8,000 and 80,000 certificates of history,
 * bulk-loaded in ~5 and ~45 s); each run starts a fresh platform (~1 min). Less as the platform
 * gets faster: the timed phases shrink, the set-up does not.
 */
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { generateBenchSeeds } from "../seeds/bench";
import { loadConfig } from "../../backend/src/config/config";
import { BenchPlatform } from "./e2e/platform";
import { BlockWatcher } from "./e2e/ledger-node";
import { Sampler } from "./e2e/sampler";
import { BenchClient } from "./e2e/client";
import { prepareWorld } from "./e2e/setup";
import { driveToFunded, groupsOf, watchClearing, type Lifecycle } from "./e2e/lifecycles";
import { offChainReport, percentiles, stageReport } from "./e2e/stages";
import { ledgerOnly } from "./e2e/ledger-only";
import { loadHistory } from "./e2e/growth";
import { batchMark, batchReport } from "./e2e/batches";
import { writeReports, type RunResult, type BenchParams } from "./e2e/report";

const argv = process.argv.slice(2);
if (argv.includes("--help") || argv.includes("-h")) {
  // the options are documented once, in this file's header
  const header = readFileSync(__filename, "utf8").match(/\/\*\*([\s\S]*?)\*\//)?.[1] ?? "";
  console.log(header.split("\n").map((l) => l.replace(/^ \* ?/, "")).join("\n").trim());
  process.exit(0);
}
const flag = (name: string) => argv.includes(name);
const opt = (name: string, fallback: string) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
};
const quick = flag("--quick");
const growthOpt = opt("--growth", quick ? "10" : "10,100");
const params: BenchParams = {
  n: Number(opt("--n", quick ? "100" : "3000")),
  clients: Number(opt("--clients", "16")),
  group: Number(opt("--group", "10")),
  blockMs: Number(opt("--block-ms", "1000")),
  growth: growthOpt === "none" ? [] : growthOpt.split(",").map(Number),
  growthN: Number(opt("--growth-n", quick ? "100" : "800")),
  halfN: Number(opt("--half-n", quick ? "100" : "600")),
  halfRate: argv.includes("--half-rate") ? Number(opt("--half-rate", "0")) : null,
  ledgerOnly: !flag("--no-ledger-only"),
  quick,
  pollMs: Number(opt("--poll-ms", "250")),
  command: `npm run bench:e2e -- ${argv.join(" ")}`.trim(),
};
const outDir = resolve(opt("--out", join(__dirname, "results")));
const cpuProf = argv.includes("--cpu-prof") ? resolve(opt("--cpu-prof", "/tmp/cf-bench-prof")) : undefined;
const portBase = Number(opt("--port-base", "18545"));
/** Settings for the three processes on top of the defaults, for experiments: --env A=1,B=2 (recorded in the report). */
const extraEnv: Record<string, string> = Object.fromEntries(
  opt("--env", "").split(",").filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
);
/** Every line the API, worker and indexer print (LOG_LEVEL sets how much), for diagnosis. */
const processLog = argv.includes("--process-log") ? resolve(opt("--process-log", "/tmp/cf-bench-processes.log")) : undefined;
const log = (l: string) => console.log(`[bench:e2e ${new Date().toISOString().slice(11, 19)}] ${l}`);

/** The certificates' maturity: 30 days from today, China time (the clock is moved past it for phase B). */
function maturityDate(): string {
  return new Date(Date.now() + 8 * 3600_000 + 30 * 86_400_000).toISOString().slice(0, 10);
}

interface RunOptions {
  label: string;
  n: number;
  /** Growth runs: the multiplier, and the certificates of history loaded before the run. */
  multiplier?: number;
  historyCount?: number;
  withLedgerOnly?: boolean;
  profileDir?: string;
  /** Open-loop pacing of phase A (the half-load measurement): lifecycles started per second. */
  paceLifecyclesPerS?: number;
}

async function run(o: RunOptions): Promise<RunResult> {
  const { label, n, multiplier = 0, historyCount = 0 } = o;
  log(
    `── ${label}: ${n} lifecycles, ${o.paceLifecyclesPerS ? `started at ${o.paceLifecyclesPerS.toFixed(2)}/s` : `${params.clients} clients`}, group ${params.group}, block ${params.blockMs} ms` +
      `${multiplier ? `, ${multiplier}× data already in the system` : ""}`,
  );
  const seedsDir = `/tmp/cf-bench-seeds-${n}`;
  mkdirSync(seedsDir, { recursive: true });
  for (const [name, content] of Object.entries(generateBenchSeeds(n))) writeFileSync(join(seedsDir, name), `${JSON.stringify(content, null, 2)}\n`);

  const platform = await BenchPlatform.start({
    schema: "bench_e2e",
    ledgerPort: portBase,
    apiPort: portBase + 1,
    blockTimeMs: params.blockMs,
    seedsDir,
    env: { RATE_LIMIT_PER_MINUTE: "1000000", ...extraEnv },
    cpuProfileDir: o.profileDir,
    log: (l) => {
      if (processLog) appendFileSync(processLog, `${l}\n`);
      if (/"level":(50|60)|\bexited\b/.test(l)) log(l);
    },
  });
  try {
    const t0 = Date.now();
    const world = await prepareWorld(platform.apiUrl, platform.operatorKey, seedsDir, log);
    log(`  set up in ${Math.round((Date.now() - t0) / 1000)} s: ${world.organizations.length} organizations, ${world.candidates.length} verified invoices`);
    let history: RunResult["history"] = null;
    if (historyCount > 0) history = await loadHistory(platform.ds, historyCount, log);

    const watcher = new BlockWatcher(platform.node, 100);
    watcher.start();
    const sampler = new Sampler(async () => ({
      api: [platform.pid("api")],
      worker: [platform.pid("worker")],
      indexer: [platform.pid("indexer")],
      ledger: [platform.pid("ledger")],
      ...(await platform.backends()),
      "redis-server": redisPids(),
      "benchmark client": [process.pid],
    }));
    const mark = await batchMark(platform.ds);
    await sampler.start();
    const rpcBefore = platform.node.snapshot();
    const startBlock = await platform.node.blockNumber();
    const started = Date.now();
    const api = new BenchClient(platform.apiUrl);
    const maxInFlight = params.clients * 2;
    const lifecycles: Lifecycle[] = await driveToFunded(
      api,
      {
        clients: params.clients,
        group: params.group,
        maturityDate: maturityDate(),
        pace: o.paceLifecyclesPerS ? { lifecyclesPerS: o.paceLifecyclesPerS, maxInFlight } : undefined,
        log,
      },
      groupsOf(world.candidates.slice(0, n), params.group),
    );
    const fundedAt = Date.now();
    log(`  phase A done in ${((fundedAt - started) / 1000).toFixed(1)} s: ${lifecycles.filter((l) => l.t.fundedVisible).length} funded`);
    // phase B: the ledger's clock passes maturity (one move for the whole cohort; see e2e.md)
    const chainNow = await platform.node.latestTimestamp();
    const maturity = Math.floor(Date.parse(`${maturityDate()}T00:00:00+08:00`) / 1000);
    await platform.node.advanceTime(maturity - chainNow + 120);
    const maturedAt = Date.now();
    await watchClearing(api, world.cores, lifecycles, Math.max(params.pollMs, 500), 600_000, log);
    const ended = Date.now();
    const usage = await sampler.stop();
    const rpcCalls = platform.node.since(rpcBefore);
    watcher.stop();
    const endBlock = await platform.node.blockNumber();
    const ok = lifecycles.filter((l) => l.t.clearedVisible !== undefined && !l.failed);
    const failures = lifecycles.filter((l) => l.failed);
    const activeSeconds = (fundedAt - started + (ended - maturedAt)) / 1000;
    log(`  phase B done in ${((ended - maturedAt) / 1000).toFixed(1)} s; ${ok.length} lifecycles, ${failures.length} failed, ${(ok.length / activeSeconds).toFixed(1)} lifecycles/s`);
    for (const f of failures.slice(0, 5)) log(`  failure at ${f.failed!.stage}: ${f.failed!.error}`);

    const stages = await stageReport(platform.ds, lifecycles, watcher.seen, maturedAt);
    const acceptToFunded = percentiles(ok.map((l) => l.t.fundedVisible! - l.t.acceptAccepted!));
    const dbCounts = await tableSizes(platform);
    const batchSize = Number((loadConfig(platform.env) as unknown as Record<string, unknown>).OUTBOX_BATCH_SIZE);
    const batches = await batchReport(platform.ds, mark, Number.isFinite(batchSize) && batchSize > 0 ? batchSize : undefined);
    log(`  items per transaction: ${Object.entries(batches.steps).map(([k, b]) => `${k} ${b.meanItemsPerTx.toFixed(1)} (max ${b.maxItemsPerTx})`).join(", ")}`);
    const result: RunResult = {
      label,
      multiplier,
      n,
      lifecycles: { succeeded: ok.length, failed: failures.length, failuresByStage: countBy(failures.map((f) => f.failed!.stage)), sampleFailures: failures.slice(0, 5).map((f) => f.failed!) },
      seconds: { phaseA: (fundedAt - started) / 1000, phaseB: (ended - maturedAt) / 1000, total: activeSeconds, setup: world.setupSeconds },
      lifecyclesPerS: ok.length / activeSeconds,
      phaseALifecyclesPerS: lifecycles.filter((l) => l.t.fundedVisible).length / ((fundedAt - started) / 1000),
      acceptToFundedMs: acceptToFunded,
      pace: o.paceLifecyclesPerS ? { offeredLifecyclesPerS: o.paceLifecyclesPerS, startedLifecyclesPerS: startRate(lifecycles), maxInFlightGroups: maxInFlight } : null,
      stages,
      offChain: offChainReport(lifecycles),
      blocks: endBlock - startBlock,
      usage,
      requests: Object.fromEntries(api.requests),
      rpcCalls,
      batches,
      history,
      dbCounts,
      ledgerOnly: null,
    };
    if (o.withLedgerOnly) {
      await platform.stopProcesses();
      const ledgerSampler = new Sampler(async () => ({ ledger: [platform.pid("ledger")], "benchmark client": [process.pid] }));
      await ledgerSampler.start();
      const rpcBeforeLedger = platform.node.snapshot();
      result.ledgerOnly = await ledgerOnly(platform, world, n, params.group, log).catch((e: Error) => {
        log(`  the ledger-alone run failed: ${e.stack ?? e.message}`);
        return null;
      });
      if (result.ledgerOnly) {
        result.ledgerOnly.usage = await ledgerSampler.stop();
        result.ledgerOnly.rpcCalls = platform.node.since(rpcBeforeLedger);
      }
    }
    return result;
  } finally {
    await platform.stop();
  }
}

/** Lifecycles started per second by a paced run: those started before the last group over the span of the groups' starts. */
function startRate(lifecycles: Lifecycle[]): number | null {
  const starts = lifecycles.map((l) => l.t.registerSent).filter((t): t is number => t !== undefined).sort((a, b) => a - b);
  if (starts.length < 2 || starts[starts.length - 1] === starts[0]) return null;
  const last = starts[starts.length - 1];
  return starts.filter((t) => t < last).length / ((last - starts[0]) / 1000);
}

function redisPids(): number[] {
  try {
    return require("node:child_process")
      .execFileSync("pgrep", ["-x", "redis-server"])
      .toString()
      .trim()
      .split("\n")
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

async function tableSizes(platform: BenchPlatform): Promise<Record<string, number>> {
  const rows: { t: string; n: string }[] = await platform.ds.query(
    `SELECT relname AS t, n_live_tup::text AS n FROM pg_stat_user_tables WHERE schemaname = $1 AND relname IN ('receivables','invoices','chain_events','outbox','ledger_transactions','financings','financing_requests','quotes','clearing_events','token_movements')`,
    ["bench_e2e"],
  );
  return Object.fromEntries(rows.map((r) => [r.t, Number(r.n)]));
}

const countBy = (xs: string[]) => xs.reduce<Record<string, number>>((m, x) => ((m[x] = (m[x] ?? 0) + 1), m), {});

async function main() {
  const started = Date.now();
  log(`parameters: ${JSON.stringify(params)}`);
  const base = await run({ label: "base", n: params.n, withLedgerOnly: params.ledgerOnly, profileDir: cpuProf });
  // half load: the same lifecycles started at half the rate the base run sustained, on a fresh platform
  let half: RunResult | null = null;
  if (params.halfN > 0) {
    const rate = params.halfRate ?? base.lifecyclesPerS / 2;
    if (rate > 0) half = await run({ label: "half", n: params.halfN, paceLifecyclesPerS: rate });
    else log(`  no half-load run: the base run completed no lifecycle`);
  }
  const growth: RunResult[] = [];
  // growth runs are compared with an empty run of their own size: a shorter run than the base one
  // spends more of its time filling and draining the clients' pipeline
  if (params.growth.length && params.growthN !== params.n) growth.push(await run({ label: "x0", n: params.growthN }));
  // history: the multiplier × the growth run's lifecycles, as certificates of other organizations
  for (const m of params.growth) growth.push(await run({ label: `x${m}`, n: params.growthN, multiplier: m, historyCount: m * params.growthN }));
  const runtime = (Date.now() - started) / 1000;
  const { json } = writeReports(outDir, params, base, half, growth, runtime);
  log(`wrote ${outDir}/e2e.json and e2e.md in ${Math.round(runtime)} s`);
  log(
    `lifecycles/s ${json.lifecycles_per_s}; ledger alone ${json.ledger_only_lifecycles_per_s}; CPU ms per lifecycle ${JSON.stringify(json.cpu_ms_per_lifecycle)}; ` +
      `accept→funded p50 ${json.accept_to_funded_ms.p50} ms p99 ${json.accept_to_funded_ms.p99} ms, at half load ${JSON.stringify(json.latency_at_half_load?.accept_to_funded_ms ?? null)}; ` +
      `requests per lifecycle ${json.requests_per_lifecycle.total}; items per tx ${JSON.stringify(json.items_per_tx)}; growth ${JSON.stringify(json.growth)}`,
  );
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
