/**
 * Start-up cost of the API, the worker and the indexer, compiled (`node dist/backend/src/<x>.js`,
 * what production runs after `npm run build`) against ts-node (`node -r
 * ts-node/register/transpile-only backend/src/<x>.ts`, development): wall time from spawn to the
 * process's ready log line, CPU time spent by then, resident memory at ready and after a few idle
 * seconds. One process at a time, runtimes alternated, on a platform of its own (a Hardhat node, a
 * fresh schema with the contracts deployed); prints the medians as a Markdown table.
 *
 *   npm run build && flock /tmp/bench.lock npx ts-node --transpile-only scripts/bench/startup.ts [--runs 5] [--port-base 28700]
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { loadConfig } from "../../backend/src/config/config";
import { platformDataSource } from "../../backend/src/platform";
import { DEV_DEPLOYER, freshPlatformData } from "../../backend/src/ops/dev-platform";
import { LedgerNode, sleep } from "./e2e/ledger-node";

const ROOT = resolve(__dirname, "../..");
const { values } = parseArgs({ options: { runs: { type: "string", default: "5" }, "port-base": { type: "string", default: "28700" }, idle: { type: "string", default: "5000" } } });
const RUNS = Number(values.runs);
const PORT_BASE = Number(values["port-base"]);
const IDLE_MS = Number(values.idle);

const PROCESSES = { api: "API listening", worker: "worker started", indexer: "indexer started" } as const;
type Name = keyof typeof PROCESSES;
const RUNTIMES = {
  dist: (name: Name) => [join(ROOT, `dist/backend/src/${name}.js`)],
  "ts-node": (name: Name) => ["-r", "ts-node/register/transpile-only", join(ROOT, `backend/src/${name}.ts`)],
};
type Runtime = keyof typeof RUNTIMES;

const TICK_MS = 10; // USER_HZ = 100 on Linux
const cpuMs = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS; // utime + stime
};
const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;

interface Sample {
  readyMs: number;
  cpuMs: number;
  rssReadyMb: number;
  rssIdleMb: number;
}

async function measure(runtime: Runtime, name: Name, env: Record<string, string>): Promise<Sample> {
  const t0 = performance.now();
  const child = spawn(process.execPath, RUNTIMES[runtime](name), { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const ready = await new Promise<number>((resolvePromise, reject) => {
    child.stdout!.on("data", (d) => {
      output += d;
      if (output.includes(PROCESSES[name])) resolvePromise(performance.now() - t0);
    });
    child.stderr!.on("data", (d) => (output += d));
    child.on("exit", (code) => reject(new Error(`${runtime} ${name} exited with ${code}: ${output.slice(-2000)}`)));
  });
  const sample = { readyMs: ready, cpuMs: cpuMs(child.pid!), rssReadyMb: rssMb(child.pid!), rssIdleMb: 0 };
  await sleep(IDLE_MS);
  sample.rssIdleMb = rssMb(child.pid!);
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await Promise.race([exited, sleep(20_000)]);
  if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  return sample;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  for (const name of Object.keys(PROCESSES) as Name[]) {
    if (!existsSync(join(ROOT, `dist/backend/src/${name}.js`))) throw new Error("dist/ is missing: run `npm run build` first");
  }
  const schema = `bench_startup_${randomBytes(3).toString("hex")}`;
  const node = await LedgerNode.start(PORT_BASE, 1000);
  const env: Record<string, string> = {
    NODE_ENV: "production",
    LOG_LEVEL: "info",
    DATABASE_URL: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
    DATABASE_SCHEMA: schema,
    REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    QUEUE_PREFIX: schema,
    LEDGER_RPC_URL: node.url,
    KEY_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    PORT: String(PORT_BASE + 1),
  };
  const config = loadConfig(env);
  const ds = platformDataSource({ url: config.DATABASE_URL, schema, poolSize: 2, applicationName: "chainfactor-bench-startup" });
  await ds.initialize();
  try {
    await freshPlatformData(ds, config, node.url, DEV_DEPLOYER);
    const samples = new Map<string, Sample[]>();
    for (let run = 0; run < RUNS; run++) {
      for (const name of Object.keys(PROCESSES) as Name[]) {
        // alternate which runtime goes first, so that drift on a shared machine hits both alike
        const order: Runtime[] = run % 2 ? ["ts-node", "dist"] : ["dist", "ts-node"];
        for (const runtime of order) {
          const s = await measure(runtime, name, env);
          const key = `${name} ${runtime}`;
          samples.set(key, [...(samples.get(key) ?? []), s]);
          console.error(`run ${run + 1}/${RUNS} ${key}: ready ${s.readyMs.toFixed(0)} ms, CPU ${s.cpuMs} ms, RSS ${s.rssReadyMb.toFixed(0)} → ${s.rssIdleMb.toFixed(0)} MB`);
        }
      }
    }
    console.log(`\nMedians of ${RUNS} starts each (${new Date().toISOString()}):\n`);
    console.log("| process | runtime | spawn → ready (ms) | CPU to ready (ms) | RSS at ready (MB) | RSS after " + IDLE_MS / 1000 + " s idle (MB) |");
    console.log("|---|---|--:|--:|--:|--:|");
    for (const [key, xs] of samples) {
      const [name, runtime] = key.split(" ");
      const m = (f: (s: Sample) => number) => median(xs.map(f));
      console.log(`| ${name} | ${runtime} | ${m((s) => s.readyMs).toFixed(0)} | ${m((s) => s.cpuMs)} | ${m((s) => s.rssReadyMb).toFixed(0)} | ${m((s) => s.rssIdleMb).toFixed(0)} |`);
    }
  } finally {
    await ds.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    const redis = new Redis(config.REDIS_URL);
    const keys = await redis.keys(`${schema}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await ds.destroy();
    await node.stop();
  }
}

main().catch((e) => {
  console.error(`startup: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
