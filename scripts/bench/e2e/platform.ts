import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { DataSource } from "typeorm";
import { loadConfig } from "../../../backend/src/config/config";
import { platformDataSource } from "../../../backend/src/platform";
import { DEV_DEPLOYER, freshPlatformData } from "../../../backend/src/ops/dev-platform";
import { LedgerNode, sleep } from "./ledger-node";

const ROOT = resolve(__dirname, "../../..");
export type ProcessName = "api" | "worker" | "indexer";

export interface PlatformOptions {
  /** Postgres schema and Redis prefix of this run (dropped and made afresh). */
  schema: string;
  ledgerPort: number;
  apiPort: number;
  blockTimeMs: number;
  seedsDir: string;
  /** Environment for the three processes on top of the defaults (what the run's parameters set). */
  env: Record<string, string>;
  /** Write V8 CPU profiles of the three processes into this directory (node --cpu-prof). */
  cpuProfileDir?: string;
  log: (line: string) => void;
}

/**
 * The platform as it runs in production, on this machine: a Hardhat node with interval mining,
 * a fresh schema (migrated, the operator bootstrapped, the contracts deployed), and the API, the
 * worker and the indexer each in a process of its own (`backend/src/{api,worker,indexer}.ts`).
 */
export class BenchPlatform {
  readonly children = new Map<ProcessName, ChildProcess>();

  private constructor(
    readonly o: PlatformOptions,
    readonly node: LedgerNode,
    readonly ds: DataSource,
    readonly env: Record<string, string>,
    readonly operatorKey: string,
    readonly apiUrl: string,
  ) {}

  static async start(o: PlatformOptions): Promise<BenchPlatform> {
    const node = await LedgerNode.start(o.ledgerPort, o.blockTimeMs);
    try {
      const env: Record<string, string> = {
        NODE_ENV: "production",
        LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
        DATABASE_URL: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
        DATABASE_SCHEMA: o.schema,
        REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
        QUEUE_PREFIX: o.schema,
        LEDGER_RPC_URL: node.url,
        KEY_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
        PORT: String(o.apiPort),
        SEEDS_DIR: o.seedsDir,
        ...o.env,
      };
      const config = loadConfig(env);
      const ds = platformDataSource({ url: config.DATABASE_URL, schema: config.DATABASE_SCHEMA, poolSize: 4, applicationName: "chainfactor-bench" });
      await ds.initialize();
      const { boot } = await freshPlatformData(ds, config, node.url, DEV_DEPLOYER);
      const platform = new BenchPlatform(o, node, ds, env, boot.apiKey, `http://127.0.0.1:${o.apiPort}`);
      for (const name of ["api", "worker", "indexer"] as const) platform.spawn(name);
      await platform.waitForApi();
      return platform;
    } catch (e) {
      await node.stop();
      throw e;
    }
  }

  /**
   * Starts one process as production runs it: the compiled JavaScript of `npm run build`
   * (dist/backend/src/<name>.js). BENCH_RUNTIME=ts-node runs the TypeScript through ts-node
   * (transpile only) instead, as in development, to measure the difference.
   */
  private spawn(name: ProcessName) {
    const runtime = process.env.BENCH_RUNTIME || "dist";
    let args: string[];
    if (runtime === "dist") {
      // missing before `npm run build`: node then exits at once with "Cannot find module"
      args = [join(ROOT, `dist/backend/src/${name}.js`)];
    } else if (runtime === "ts-node") {
      args = ["-r", "ts-node/register/transpile-only", join(ROOT, `backend/src/${name}.ts`)];
    } else {
      throw new Error(`BENCH_RUNTIME=${runtime}: expected dist (the default) or ts-node`);
    }
    if (this.o.cpuProfileDir) {
      const dir = join(this.o.cpuProfileDir, name);
      mkdirSync(dir, { recursive: true });
      args.unshift("--cpu-prof", `--cpu-prof-dir=${dir}`);
    }
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, ...this.env, ...(runtime === "ts-node" ? { TS_NODE_TRANSPILE_ONLY: "true" } : {}) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const prefix = `[${name}] `;
    const forward = (d: Buffer) => {
      for (const line of d.toString().split("\n")) if (line.trim()) this.o.log(prefix + line.slice(0, 400));
    };
    child.stdout!.on("data", forward);
    child.stderr!.on("data", forward);
    child.on("exit", (code, signal) => {
      if (!this.stopping) this.o.log(`${prefix}exited (${code ?? signal}) during the run`);
    });
    this.children.set(name, child);
  }

  private stopping = false;

  private async waitForApi() {
    const until = Date.now() + 120_000;
    for (;;) {
      const ok = await fetch(`${this.apiUrl}/health`).then((r) => r.status < 500, () => false);
      if (ok) return;
      for (const [name, c] of this.children) if (c.exitCode !== null) throw new Error(`${name} exited with ${c.exitCode} at start`);
      if (Date.now() > until) throw new Error(`the API did not answer on ${this.apiUrl}`);
      await sleep(300);
    }
  }

  pid(name: ProcessName | "ledger"): number {
    return name === "ledger" ? this.node.process.pid! : this.children.get(name)!.pid!;
  }

  /** Postgres backends serving each process (by application_name), for the sampler. */
  async backends(): Promise<Record<string, number[]>> {
    const rows: { pid: number; application_name: string }[] = await this.ds.query(
      `SELECT pid, application_name FROM pg_stat_activity WHERE application_name LIKE 'chainfactor-%' AND pid <> pg_backend_pid()`,
    );
    const out: Record<string, number[]> = { "postgres (api)": [], "postgres (worker)": [], "postgres (indexer)": [] };
    for (const r of rows) {
      const name = r.application_name.replace("chainfactor-", "");
      if (name === "api" || name === "worker" || name === "indexer") out[`postgres (${name})`].push(r.pid);
    }
    return out;
  }

  /** Stops the API, the worker and the indexer; the ledger node keeps running. */
  async stopProcesses(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      [...this.children.values()].map(async (c) => {
        if (c.exitCode !== null || c.signalCode !== null) return;
        const exited = new Promise((r) => c.once("exit", r));
        c.kill("SIGTERM");
        await Promise.race([exited, sleep(20_000)]);
        if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
      }),
    );
  }

  async stop(): Promise<void> {
    await this.stopProcesses();
    await this.ds.destroy().catch(() => undefined);
    await this.node.stop();
  }
}
