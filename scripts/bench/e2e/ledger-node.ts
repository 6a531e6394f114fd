import { spawn, type ChildProcess } from "node:child_process";

/**
 * A Hardhat JSON-RPC node in a child process of its own (so its CPU and memory can be measured),
 * mining a block every `blockTimeMs` with transactions waiting in the mempool in between, as the
 * production Besu QBFT network does with its block period (hardhat.config.ts reads
 * LEDGER_BLOCK_TIME_MS). Hardhat-only RPC (evm_increaseTime) lives here, in scripts/, never in
 * backend/src.
 */
export class LedgerNode {
  private constructor(
    readonly url: string,
    readonly process: ChildProcess,
  ) {}

  static async start(port: number, blockTimeMs: number): Promise<LedgerNode> {
    const url = `http://127.0.0.1:${port}`;
    if (await rpc(url, "eth_chainId", []).then(() => true, () => false)) {
      throw new Error(`something already listens on ${url}: stop it or choose another --port-base`);
    }
    // hardhat's own CLI, not npx: killing npx would leave the node running
    const cli = require.resolve("hardhat/internal/cli/cli.js");
    const child = spawn(process.execPath, [cli, "node", "--hostname", "127.0.0.1", "--port", String(port)], {
      env: { ...process.env, LEDGER_BLOCK_TIME_MS: String(blockTimeMs) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    // the node prints each JSON-RPC method it serves: counted, for the report (what the platform asks of the ledger)
    const node = { rpcCalls: new Map<string, number>() };
    let partial = "";
    child.stdout!.on("data", (d) => {
      const lines = (partial + d).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) {
        // eslint-disable-next-line no-control-regex
        const m = /^\s*((?:eth|net|evm|hardhat|web3|debug)_[A-Za-z]+)\s*(?:\(.*\))?\s*$/.exec(line.replace(/\x1b\[[0-9;]*m/g, ""));
        if (m) node.rpcCalls.set(m[1], (node.rpcCalls.get(m[1]) ?? 0) + 1);
      }
    });
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr = (stderr + d).slice(-4000)));
    const until = Date.now() + 90_000;
    for (;;) {
      if (await rpc(url, "eth_chainId", []).then(() => true, () => false)) break;
      if (child.exitCode !== null) throw new Error(`hardhat node exited with ${child.exitCode}: ${stderr}`);
      if (Date.now() > until) throw new Error(`hardhat node did not answer on ${url}: ${stderr}`);
      await sleep(250);
    }
    const ledger = new LedgerNode(url, child);
    ledger.rpcCalls = node.rpcCalls;
    return ledger;
  }

  /** JSON-RPC calls served, by method, since the node started (from its own log). */
  rpcCalls = new Map<string, number>();

  /** A copy of the counts now, to subtract later. */
  snapshot(): Map<string, number> {
    return new Map(this.rpcCalls);
  }

  since(before: Map<string, number>): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [k, v] of this.rpcCalls) if (v - (before.get(k) ?? 0) > 0) out[k] = v - (before.get(k) ?? 0);
    return Object.fromEntries(Object.entries(out).sort((a, b) => b[1] - a[1]));
  }

  call<T = unknown>(method: string, params: unknown[] = []): Promise<T> {
    return rpc<T>(this.url, method, params);
  }

  async blockNumber(): Promise<number> {
    return Number(await this.call<string>("eth_blockNumber"));
  }

  async latestTimestamp(): Promise<number> {
    const block = await this.call<{ timestamp: string }>("eth_getBlockByNumber", ["latest", false]);
    return Number(block.timestamp);
  }

  /** Moves the ledger's clock forward and mines a block at once (the development ledger only). */
  async advanceTime(seconds: number): Promise<void> {
    await this.call("evm_increaseTime", [seconds]);
    await this.call("evm_mine", []);
  }

  async stop(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    const exited = new Promise((r) => this.process.once("exit", r));
    this.process.kill("SIGTERM");
    await Promise.race([exited, sleep(5000)]);
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill("SIGKILL");
  }
}

/**
 * Records the wall-clock time at which each block was first seen (polling every `everyMs`): the
 * "included" stage of an operation, at a finer grain than the blocks' one-second timestamps.
 */
export class BlockWatcher {
  readonly seen = new Map<number, number>();
  private timer: NodeJS.Timeout | null = null;
  private last = -1;

  constructor(
    private readonly node: LedgerNode,
    private readonly everyMs = 50,
  ) {}

  start() {
    const tick = async () => {
      try {
        const n = await this.node.blockNumber();
        const now = Date.now();
        for (let b = this.last + 1; b <= n; b++) if (!this.seen.has(b)) this.seen.set(b, now);
        this.last = Math.max(this.last, n);
      } catch {
        /* the node is busy or stopping: next tick */
      }
      if (this.timer) this.timer = setTimeout(tick, this.everyMs);
    };
    this.timer = setTimeout(tick, 0);
  }

  stop() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

let rpcId = 0;
export async function rpc<T = unknown>(url: string, method: string, params: unknown[]): Promise<T> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: ++rpcId, method, params }),
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
