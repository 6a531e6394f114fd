/**
 * Processes never die silently, and a ledger that is down does not make them die at all:
 *   - every way a process run by `runProcess` exits logs its cause first (read at the child's
 *     `close`, after its output is drained);
 *   - the ledger client's wait for a receipt survives the node dropping away mid-wait (ethers'
 *     own left an unhandled rejection that killed the worker right after it had signed);
 *   - a worker and an indexer started while the ledger is down wait for it, then do their work;
 *     an API server starts and serves meanwhile.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import hre from "hardhat";
import { LedgerGateway } from "../../../backend/src/ledger/gateway";
import { Stack } from "../support/stack";
import { eventually } from "../support/http";
import { compiledBackend, removeCompiled, spawnCompiled } from "../chaos/build";
import { FAULT_ENV, allCompleted, controllableLedger, exitOf, expectExactlyOnce, logLines, requestRegistration, spawnProc, tail, watchProc, type Proc } from "./kit";

const FIXTURE = join(__dirname, "fixtures/dying-process.ts");

/** The fixture process, dying by `how`, with output and exit like the platform's processes. */
function dying(how: string): Proc {
  const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", FIXTURE], {
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true", DIE_BY: how, LOG_LEVEL: "info", KEY_ENCRYPTION_KEY: randomBytes(32).toString("base64") },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return watchProc("dying", child);
}

/** The line a process wrote last before exiting, parsed. */
function lastLine(p: Proc): Record<string, unknown> {
  const lines = p.output().trim().split("\n");
  return JSON.parse(lines[lines.length - 1]);
}

describe("runProcess: every exit logs its cause", () => {
  const cases: { how: string; code: number; level: number; msg: string; err?: string }[] = [
    { how: "rejection", code: 1, level: 60, msg: "unhandled promise rejection; exiting", err: "boom: nobody handled this rejection" },
    { how: "exception", code: 1, level: 60, msg: "uncaught exception; exiting", err: "boom: nobody caught this exception" },
    { how: "start-failure", code: 1, level: 60, msg: "dying could not start", err: "boom: the start failed" },
    { how: "halt", code: 3, level: 60, msg: "dying halted", err: "boom: halted" },
    { how: "library-exit", code: 4, level: 60, msg: "exiting without a recorded cause" },
  ];
  for (const c of cases) {
    it(`${c.how}: exit ${c.code}, its cause the last line logged`, async () => {
      const p = dying(c.how);
      const exit = await exitOf(p, 60_000);
      expect(exit.code, tail(p.output())).toBe(c.code);
      const last = lastLine(p);
      expect(last, tail(p.output())).toMatchObject({ level: c.level, msg: c.msg, exitCode: c.code });
      if (c.err) expect((last.err as { message: string; stack: string }).message).toBe(c.err);
      if (c.err) expect((last.err as { message: string; stack: string }).stack).toContain("dying-process.ts");
    });
  }

  it("SIGTERM while still starting: exits 0 saying so, not killed by the signal", async () => {
    const p = dying("slow-start");
    await eventually(async () => p.output().includes('"msg":"starting slowly"'), 60_000, "the fixture to start starting");
    p.child.kill("SIGTERM");
    const exit = await exitOf(p);
    expect(exit, tail(p.output())).toEqual({ code: 0, signal: null });
    expect(lastLine(p)).toMatchObject({ level: 30, msg: "stopped before it had started", signal: "SIGTERM", exitCode: 0 });
  });

  it("SIGTERM once started: closes, exits 0 and says it stopped", async () => {
    const p = dying("none");
    await p.ready(60_000);
    p.child.kill("SIGTERM");
    expect(await exitOf(p)).toEqual({ code: 0, signal: null });
    expect(lastLine(p)).toMatchObject({ msg: "stopped", exitCode: 0 });
  });
});

describe("the ledger client when the node drops away", () => {
  let ledger: Awaited<ReturnType<typeof controllableLedger>>;
  const unhandled: unknown[] = [];
  const record = (e: unknown) => unhandled.push(e);

  beforeAll(async () => {
    ledger = await controllableLedger();
    process.on("unhandledRejection", record);
  });
  afterAll(async () => {
    process.off("unhandledRejection", record);
    await ledger?.close();
  });

  it("waitForTransaction: a node that is down is waited for until the timeout, with no unhandled rejection", async () => {
    const gateway = await LedgerGateway.connect(ledger.url);
    try {
      await ledger.down();
      const missing = "0x" + randomBytes(32).toString("hex");
      await expect(gateway.provider.waitForTransaction(missing, 1, 1500)).rejects.toMatchObject({ code: "TIMEOUT" });
      await new Promise((r) => setTimeout(r, 300));
      expect(unhandled).toEqual([]);

      // the node comes back while a receipt is awaited: the wait ends with the receipt
      const [sender] = await hre.ethers.getSigners();
      const tx = await sender.sendTransaction({ to: sender.address, value: 1n }); // mined in process, not over the (closed) endpoint
      const waiting = gateway.provider.waitForTransaction(tx.hash, 1, 20_000);
      await new Promise((r) => setTimeout(r, 800));
      await ledger.up();
      expect((await waiting)?.hash).toBe(tx.hash);
      expect(unhandled).toEqual([]);
    } finally {
      await ledger.up();
      gateway.destroy();
    }
  });
});

describe("a worker, an indexer and an API server started while the ledger is down", () => {
  let ledger: Awaited<ReturnType<typeof controllableLedger>>;
  let stack: Stack;
  const procs: Proc[] = [];

  beforeAll(async () => {
    compiledBackend();
    ledger = await controllableLedger();
    stack = await Stack.start({ ledger, workers: 0, indexer: false, env: FAULT_ENV });
  });
  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop()));
    await ledger?.up();
    await stack?.close();
    removeCompiled();
  });

  it("wait for it, logging, and complete an operation once it is up, without exiting", async () => {
    await ledger.down();
    const worker = spawnProc(stack, "worker", {}, spawnCompiled);
    const indexer = spawnProc(stack, "indexer", {}, spawnCompiled);
    const api = spawnProc(stack, "api", {}, spawnCompiled);
    procs.push(worker, indexer, api);
    const reg = await requestRegistration(stack);
    // the API needs the ledger for no request of its own: it serves at once, reporting the ledger down in /health
    await api.ready(60_000);

    // each tried more than once, said so, and is still there
    for (const p of [worker, indexer]) {
      await eventually(
        async () => {
          if (p.child.exitCode !== null || p.child.signalCode !== null) throw new Error(`${p.name} exited: ${tail(p.output())}`);
          return p.output().split("\n").filter((l) => l.includes("does not answer JSON-RPC") && l.includes("waiting for it")).length >= 2;
        },
        60_000,
        `the ${p.name} to wait for the ledger`,
      );
    }

    await ledger.up();
    await Promise.all([worker.ready(60_000), indexer.ready(60_000)]);
    expect(logLines(worker, "the ledger answers")).toHaveLength(1);
    await allCompleted(stack, [reg], 60_000, "the registration to complete once the ledger is up");
    await expectExactlyOnce(stack, [reg]);
    for (const p of [worker, indexer, api]) expect(p.child.exitCode, tail(p.output())).toBeNull();
  });
});
