/**
 * The platform's child processes and the fault injector that abuses them. Slots (two workers, the
 * indexer, one API server on a fixed port) each hold a live process; the monkey, on a seeded
 * schedule, SIGKILLs one and starts a successor after a random pause, restarts the private Redis
 * empty, or takes the ledger's JSON-RPC endpoint away for a while. Every fault kind is drawn at
 * least once per round (the first draws are a shuffled list of all of them). A process that dies on
 * its own (not by the monkey's hand) is restarted too, and counted by the cause it logged as it
 * exited (read once its output is drained, at `close`: at `exit` the last line may still be in the
 * pipe); the report shows them, and an exit with no cause logged fails the suite.
 */
import type { Stack } from "../support/stack";
import { spawnProc, tail, type Proc } from "../faults/kit";
import type { Rng } from "./prng";
import { spawnCompiled } from "./build";

export type SlotName = "worker-1" | "worker-2" | "indexer" | "api";
export const FAULT_KINDS = ["kill-worker", "kill-indexer", "kill-api", "restart-redis", "ledger-outage"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface Controls {
  redis: { kill(): Promise<void>; start(): Promise<void> };
  ledger: { down(): Promise<void>; up(): Promise<void> };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Processes {
  readonly slots = new Map<SlotName, Proc>();
  /** Exits nobody asked for: name → exit descriptions. */
  readonly unexpectedExits: string[] = [];
  /** The cause each of those exits logged (SILENT if none). */
  readonly exitCauses: string[] = [];
  private readonly killed = new Set<Proc>();
  private watching = true;

  constructor(
    private readonly stack: Stack,
    readonly apiPort: number,
  ) {}

  private spawn(slot: SlotName): Proc {
    const kind = slot.startsWith("worker") ? "worker" : (slot as "indexer" | "api");
    const p = spawnProc(this.stack, kind, kind === "api" ? { PORT: String(this.apiPort) } : {}, spawnCompiled);
    this.slots.set(slot, p);
    void p.exited.then((exit) => {
      if (!this.watching || this.killed.has(p)) return;
      this.unexpectedExits.push(`${slot} exited on its own (${JSON.stringify(exit)}): ${tail(p.output(), 1500)}`);
      this.exitCauses.push(`${slot.replace(/-\d$/, "")}: ${exitCause(p.output())}`);
      // supervised like in production: restarted after a moment
      if (this.slots.get(slot) === p) setTimeout(() => this.watching && this.slots.get(slot) === p && this.spawn(slot), 500);
    });
    return p;
  }

  async startAll() {
    const all: SlotName[] = ["worker-1", "worker-2", "indexer", "api"];
    await Promise.all(all.map((s) => this.spawn(s).ready(60_000)));
  }

  async kill(slot: SlotName) {
    const p = this.slots.get(slot)!;
    this.killed.add(p);
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
    await p.exited;
  }

  restart(slot: SlotName): Proc {
    return this.spawn(slot);
  }

  /** Every slot's process is running and has said so. */
  async allReady() {
    for (const [slot, p] of this.slots) {
      if (p.child.exitCode !== null || p.child.signalCode !== null) this.spawn(slot);
    }
    await Promise.all([...this.slots.values()].map((p) => p.ready(60_000)));
  }

  async stopAll() {
    this.watching = false;
    await Promise.all([...this.slots.values()].map((p) => p.stop()));
  }

  outputs(): string {
    return [...this.slots].map(([s, p]) => `--- ${s} ---\n${tail(p.output(), 3000)}`).join("\n");
  }
}

/** What an exit without a logged cause is counted as. */
export const SILENT = "no cause logged";

/**
 * The cause a process logged as it exited: its line with `exitCode` (every exit of `runProcess`
 * writes one), as "message: error" with numbers and hex elided so that alike exits count together.
 */
export function exitCause(output: string): string {
  const lines = output.trim().split("\n").reverse();
  for (const l of lines) {
    if (!l.includes('"exitCode"')) continue;
    try {
      const line = JSON.parse(l) as { msg?: string; err?: { message?: string } | string; exitCode?: number };
      const err = typeof line.err === "string" ? line.err : line.err?.message;
      return `${line.msg}${err ? `: ${err}` : ""} (exit ${line.exitCode})`.replace(/0x[0-9a-f]+/gi, "0x…").replace(/\d{2,}/g, "N");
    } catch {
      // not a log line
    }
  }
  return SILENT;
}

export class Monkey {
  readonly log: string[] = [];
  readonly counts = new Map<FaultKind, number>();
  private running = false;
  private loop: Promise<void> | null = null;
  private readonly t0 = Date.now();

  constructor(
    private readonly rng: Rng,
    private readonly procs: Processes,
    private readonly controls: Controls,
    /** Pause between faults, ms. */
    private readonly gap: [number, number] = [1500, 3500],
  ) {}

  start() {
    this.running = true;
    const first = [...FAULT_KINDS];
    for (let i = first.length - 1; i > 0; i--) {
      const j = this.rng.int(0, i);
      [first[i], first[j]] = [first[j], first[i]];
    }
    this.loop = (async () => {
      while (this.running) {
        await sleep(this.rng.int(...this.gap));
        if (!this.running) break;
        const kind: FaultKind = first.shift() ?? this.rng.weighted({ "kill-worker": 3, "kill-indexer": 2, "kill-api": 2, "restart-redis": 1, "ledger-outage": 1 });
        await this.inject(kind);
      }
    })();
  }

  /** Stops after the fault in progress has been undone. */
  async stop() {
    this.running = false;
    await this.loop;
  }

  /** Every kind drawn at least once so far? */
  coveredAll(): boolean {
    return FAULT_KINDS.every((k) => (this.counts.get(k) ?? 0) > 0);
  }

  private note(s: string) {
    this.log.push(`${((Date.now() - this.t0) / 1000).toFixed(1)}s ${s}`);
    if (process.env.CHAOS_VERBOSE) console.log(`[monkey] ${this.log[this.log.length - 1]}`);
  }

  private async inject(kind: FaultKind) {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
    const pause = (lo: number, hi: number) => sleep(this.rng.int(lo, hi));
    switch (kind) {
      case "kill-worker":
      case "kill-indexer":
      case "kill-api": {
        const slot: SlotName = kind === "kill-worker" ? this.rng.pick(["worker-1", "worker-2"] as const) : kind === "kill-indexer" ? "indexer" : "api";
        // sometimes both workers at once: then nothing at all processes the queue for a while
        const both = kind === "kill-worker" && this.rng.chance(0.25);
        const slots: SlotName[] = both ? ["worker-1", "worker-2"] : [slot];
        this.note(`SIGKILL ${slots.join(" + ")}`);
        await Promise.all(slots.map((s) => this.procs.kill(s)));
        await pause(0, 2000);
        this.note(`restart ${slots.join(" + ")}`);
        // the next fault waits until the successor is up: on a loaded machine a process takes
        // seconds to start, and faults faster than that would only measure a platform that is down
        await Promise.all(slots.map((s) => this.procs.restart(s).ready(60_000).catch(() => undefined)));
        break;
      }
      case "restart-redis":
        this.note("Redis killed");
        await this.controls.redis.kill();
        await pause(300, 2500);
        await this.controls.redis.start();
        this.note("Redis back (empty)");
        break;
      case "ledger-outage":
        this.note("ledger down");
        await this.controls.ledger.down();
        await pause(1000, 5000);
        await this.controls.ledger.up();
        this.note("ledger up");
        break;
    }
  }
}
