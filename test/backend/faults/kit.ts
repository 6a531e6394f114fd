/**
 * Shared pieces of the fault tests: child processes whose output and exit can be awaited, the
 * business operation every scenario drives (KYC approval → membership.registerOrganization through
 * the outbox), and the invariants every scenario ends on (each operation applied exactly once on
 * chain, no nonce gap, every stored transaction mined with the bytes that were stored).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:http";
import { createServer as createNetServer, type Socket } from "node:net";
import { Redis } from "ioredis";
import { expect } from "vitest";
import hre from "hardhat";
import { Transaction } from "ethers";
import { Membership__factory } from "../../../typechain-types";
import { chainOrgId } from "../../../backend/src/modules/onboarding/onboarding.service";
import { createLogger } from "../../../backend/src/shared/logger";
import { Stack, randomUscc } from "../support/stack";
import { developmentFacts } from "../../../backend/src/ops/onboarding-facts";
import { eventually } from "../support/http";

/** Settings every fault stack shares: tests poll hard, so the per-organization rate limit is out of the way. */
export const FAULT_ENV = { RATE_LIMIT_PER_MINUTE: "1000000" };

export const testLog = () => createLogger(process.env.TEST_LOG_LEVEL ?? "silent", "fault-test");

// ─── Child processes ──────────────────────────────────────────────────

export interface Proc {
  name: string;
  child: ChildProcess;
  /** Everything the process printed so far (pino JSON lines). */
  output(): string;
  /** Resolves once the process has exited and everything it printed has been read. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once the process logged that it started. */
  ready(timeoutMs?: number): Promise<void>;
  /** SIGTERM, and waits for the exit. */
  stop(): Promise<void>;
}

const STARTED: Record<string, string> = { worker: "worker started", indexer: "indexer started", api: "API listening" };

type Spawner = (stack: Stack, name: "worker" | "indexer" | "api", env: Record<string, string>) => ChildProcess;

/** `stack.spawn` (or another way to start the same process) with info-level logs kept in memory (shown when a test fails). */
export function spawnProc(stack: Stack, name: "worker" | "indexer" | "api", env: Record<string, string> = {}, start: Spawner = (s, n, e) => s.spawn(n, e)): Proc {
  return watchProc(name, start(stack, name, { LOG_LEVEL: "info", ...env }));
}

/** A child process (stdout and stderr piped) as a `Proc`; `ready` waits for `STARTED[name]`, or for "<name> started". */
export function watchProc(name: string, child: ChildProcess): Proc {
  let out = "";
  const keep = (d: Buffer) => {
    out += d.toString();
    if (out.length > 8_000_000) out = out.slice(out.indexOf("\n", out.length - 4_000_000) + 1);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  // `close`, not `exit`: Node emits `exit` before the child's stdout and stderr are drained, so the
  // line a process writes as it dies (why it exits) may arrive after `exit`; `close` comes after it
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("close", (code, signal) => resolve({ code, signal })),
  );
  const proc: Proc = {
    name,
    child,
    output: () => out,
    exited,
    // generous: a ts-node child transpiles the backend as it starts, which takes tens of seconds on a loaded 2-core machine
    ready: async (timeoutMs = 90_000) => {
      await eventually(
        async () => {
          if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited: ${tail(out)}`);
          return out.includes(`"msg":"${STARTED[name] ?? `${name} started`}`);
        },
        timeoutMs,
        `the ${name} child to start`,
      );
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
  return proc;
}

/** Waits for a child's exit, failing with its output if it does not come. */
export async function exitOf(proc: Proc, timeoutMs = 40_000) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${proc.name} did not exit within ${timeoutMs} ms; its output:\n${tail(proc.output())}`)), timeoutMs);
  });
  try {
    return await Promise.race([proc.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export const tail = (s: string, n = 4000) => (s.length > n ? "…" + s.slice(-n) : s);

/** The pino log lines of a process with the given message. */
export function logLines(proc: Proc, msg: string): Record<string, unknown>[] {
  return proc
    .output()
    .split("\n")
    .filter((l) => l.includes(`"msg":"${msg}"`))
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return []; // a line still being written
      }
    });
}

/** "job failed" warnings of worker processes, grouped by their gist (hex and numbers elided). */
export function jobFailures(procs: Proc[]): string {
  const counts = new Map<string, number>();
  for (const p of procs)
    for (const l of logLines(p, "job failed; it will be retried")) {
      const err = String(l.err);
      const inner = /"message": "([^"]+)"/.exec(err)?.[1];
      const gist = (inner ? `${err.replace(/ failed:.*$/, " failed:")} ${inner}` : err)
        .replace(/0x[0-9a-f]+/gi, "0x…")
        .replace(/\d+/g, "N")
        .slice(0, 200);
      counts.set(gist, (counts.get(gist) ?? 0) + 1);
    }
  return [...counts].map(([g, n]) => `${n}× ${g}`).join("\n") || "(none)";
}

// ─── The operation under test ─────────────────────────────────────────

export interface Registration {
  orgId: string;
  chainOrgId: string;
  outboxId: string;
}

/** Creates an organization and approves its KYC: the API answers 202 and an outbox row exists. */
export async function requestRegistration(stack: Stack, roles: string[] = ["supplier"]): Promise<Registration> {
  const op = { key: stack.operatorKey };
  const uscc = randomUscc();
  const created = await stack.api.post("/v1/organizations", { legalName: `Fault ${uscc.slice(-6)}`, unifiedSocialCreditCode: uscc, roles, contacts: [], ...developmentFacts(roles) }, op);
  if (created.status !== 201) throw new Error(`create organization: ${created.status} ${JSON.stringify(created.body)}`);
  const approved = await stack.api.post(`/v1/organizations/${created.body.id}/kyc-approval`, {}, op);
  if (approved.status !== 202) throw new Error(`approve KYC: ${approved.status} ${JSON.stringify(approved.body)}`);
  return { orgId: created.body.id, chainOrgId: chainOrgId(uscc), outboxId: approved.body.operation.id };
}

export async function outboxStatuses(stack: Stack, ids: string[]): Promise<string[]> {
  const rows: { id: string; status: string }[] = await stack.ds.query(`SELECT id::text, status FROM outbox WHERE id = ANY($1::bigint[])`, [ids]);
  const byId = new Map(rows.map((r) => [r.id, r.status]));
  return ids.map((id) => byId.get(id) ?? "missing");
}

export async function orgStatuses(stack: Stack, ids: string[]): Promise<string[]> {
  const rows: { id: string; status: string }[] = await stack.ds.query(`SELECT id::text, status FROM organizations WHERE id = ANY($1::uuid[])`, [ids]);
  const byId = new Map(rows.map((r) => [r.id, r.status]));
  return ids.map((id) => byId.get(id) ?? "missing");
}

/** Waits until every registration's outbox row is mined and its organization projected active. */
export async function allCompleted(stack: Stack, regs: Registration[], timeoutMs = 60_000, what = "every operation to complete") {
  await eventually(
    async () => {
      const outbox = await outboxStatuses(stack, regs.map((r) => r.outboxId));
      if (outbox.some((s) => s === "failed")) throw new Error(`an operation failed: ${JSON.stringify(await failures(stack))}`);
      const orgs = await orgStatuses(stack, regs.map((r) => r.orgId));
      const done = outbox.every((s) => s === "mined") && orgs.every((s) => s === "active");
      if (!done) throw new Error(`outbox ${summary(outbox)}, organizations ${summary(orgs)}`);
      return true;
    },
    timeoutMs,
    what,
  );
}

const summary = (xs: string[]) => JSON.stringify(xs.reduce<Record<string, number>>((m, s) => ((m[s] = (m[s] ?? 0) + 1), m), {}));

async function failures(stack: Stack) {
  return stack.ds.query(`SELECT id, kind, error_code, error_message FROM outbox WHERE status = 'failed'`);
}

// ─── What the chain says ──────────────────────────────────────────────

export function membershipOf(stack: Stack) {
  return Membership__factory.connect(stack.deployment.membership, hre.ethers.provider);
}

/** OrganizationRegistered events on chain for one organization, read from the in-process network. */
export async function registrationsOnChain(stack: Stack, chainOrg: string) {
  const m = membershipOf(stack);
  const logs = await m.queryFilter(m.filters.OrganizationRegistered(chainOrg), 0, "latest");
  return logs.map((l) => ({ txHash: l.transactionHash, opId: (l.args.opId as bigint).toString(), block: l.blockNumber }));
}

export interface LedgerTxRow {
  id: string;
  signer: string;
  nonce: string;
  tx_hash: string;
  raw_tx: string;
  status: string;
  data: string;
}

export async function ledgerTransactions(stack: Stack): Promise<LedgerTxRow[]> {
  return stack.ds.query(`SELECT id::text, signer, nonce::text, tx_hash, raw_tx, status, data FROM ledger_transactions ORDER BY signer, ledger_transactions.nonce`);
}

/** The stored transactions whose call registers `chainOrg`. */
export async function registrationTransactions(stack: Stack, chainOrg: string): Promise<LedgerTxRow[]> {
  const iface = membershipOf(stack).interface;
  return (await ledgerTransactions(stack)).filter((t) => {
    const call = iface.parseTransaction({ data: t.data });
    return call?.name === "registerOrganization" && call.args[0] === chainOrg;
  });
}

/**
 * Exactly-once, seen from both sides: every registration appears once on chain, carried by the one
 * stored transaction that encodes it (same hash, same operation id); every outbox row points at
 * its own mined transaction; and per signer the stored nonces are 0..n-1, n being the chain's
 * transaction count, with nothing left pending in the node: no gap, nothing signed twice, every
 * stored transaction on chain with exactly the stored bytes.
 */
export async function expectExactlyOnce(stack: Stack, regs: Registration[]) {
  const provider = hre.ethers.provider;
  const txs = await ledgerTransactions(stack);

  for (const r of regs) {
    const events = await registrationsOnChain(stack, r.chainOrgId);
    expect(events, `OrganizationRegistered for ${r.chainOrgId}`).toHaveLength(1);
    const stored = await registrationTransactions(stack, r.chainOrgId);
    expect(stored, `stored transactions registering ${r.chainOrgId}`).toHaveLength(1);
    expect(stored[0].tx_hash).toBe(events[0].txHash);
    expect(stored[0].id).toBe(events[0].opId);
    const [row] = await stack.ds.query(`SELECT status, ledger_tx_id::text FROM outbox WHERE id = $1`, [r.outboxId]);
    expect(row).toEqual({ status: "mined", ledger_tx_id: stored[0].id });
  }

  const opIds = txs.map((t) => t.id);
  expect(new Set(opIds).size).toBe(opIds.length);
  const [{ n: sharing }] = await stack.ds.query(
    `SELECT count(*)::int AS n FROM (SELECT ledger_tx_id FROM outbox WHERE ledger_tx_id IS NOT NULL GROUP BY ledger_tx_id HAVING count(*) > 1) s`,
  );
  expect(sharing, "outbox rows sharing one transaction (registrations are not batched)").toBe(0);

  const bySigner = new Map<string, LedgerTxRow[]>();
  for (const t of txs) bySigner.set(t.signer.toLowerCase(), [...(bySigner.get(t.signer.toLowerCase()) ?? []), t]);
  for (const [signer, rows] of bySigner) {
    const latest = await provider.getTransactionCount(signer, "latest");
    const pending = await provider.getTransactionCount(signer, "pending");
    expect(pending, `transactions of ${signer} waiting in the node`).toBe(latest);
    expect(
      rows.map((t) => Number(t.nonce)),
      `nonces of ${signer}`,
    ).toEqual(Array.from({ length: latest }, (_, i) => i));
    for (const t of rows) {
      expect(Transaction.from(t.raw_tx).hash, `stored raw bytes of op ${t.id} hash to the stored hash`).toBe(t.tx_hash);
      const onChain = await provider.getTransaction(t.tx_hash);
      expect(onChain?.blockNumber ?? null, `op ${t.id} (${t.tx_hash}) mined`).not.toBeNull();
      expect(onChain!.nonce).toBe(Number(t.nonce));
      expect(t.status).toBe("mined");
    }
  }
}

// ─── Indexer state ────────────────────────────────────────────────────

export async function checkpoint(stack: Stack): Promise<{ block: number; hash: string } | null> {
  const [row] = await stack.ds.query(`SELECT block_number, block_hash FROM indexer_checkpoints WHERE name = 'main'`);
  return row ? { block: Number(row.block_number), hash: row.block_hash } : null;
}

/** Waits until the indexer's checkpoint is at the chain head. */
export async function indexedToHead(stack: Stack, timeoutMs = 30_000) {
  await eventually(
    async () => {
      const cp = await checkpoint(stack);
      return cp !== null && cp.block === (await hre.ethers.provider.getBlockNumber());
    },
    timeoutMs,
    "the indexer to reach the chain head",
  );
}

/**
 * The projection's input equals the chain: one chain_events row per log of the platform's
 * contracts up to the checkpoint, keyed by tx hash and log index, nothing missing, nothing extra.
 */
export async function expectEventsMatchChain(stack: Stack) {
  const cp = (await checkpoint(stack))!;
  const block = await hre.ethers.provider.getBlock(cp.block);
  expect(cp.hash, "checkpoint hash is the chain's hash of that block").toBe(block!.hash);
  const d = stack.deployment;
  const logs = await hre.ethers.provider.getLogs({ address: [d.membership, d.settlementToken, d.ledger], fromBlock: 0, toBlock: cp.block });
  const rows: { tx_hash: string; log_index: number }[] = await stack.ds.query(`SELECT tx_hash, log_index FROM chain_events`);
  const key = (h: string, i: number) => `${h.toLowerCase()}:${i}`;
  expect(rows.map((r) => key(r.tx_hash, r.log_index)).sort()).toEqual(logs.map((l) => key(l.transactionHash, l.index)).sort());
}

// ─── A ledger server that can go down and come back on the same port ──

/**
 * Hardhat's in-process network behind our own HTTP server: `down()` closes the listener and
 * destroys every open connection (keep-alive ones included), so clients see the node vanish;
 * `up()` listens on the same port again. The chain itself is untouched.
 */
export async function controllableLedger() {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { JsonRpcHandler } = require("hardhat/internal/hardhat-network/jsonrpc/handler");
  const handler = new JsonRpcHandler(hre.network.provider);
  let server: Server | null = null;
  const sockets = new Set<Socket>();
  let port = 0;
  const up = async () => {
    if (server) return;
    const s = createServer((req, res) => void handler.handleHttp(req, res));
    s.on("connection", (sock) => {
      sockets.add(sock);
      sock.once("close", () => sockets.delete(sock));
    });
    await new Promise<void>((resolve, reject) => {
      s.once("error", reject);
      s.listen(port, "127.0.0.1", () => resolve());
    });
    port = (s.address() as { port: number }).port;
    server = s;
  };
  const down = async () => {
    const s = server;
    if (!s) return;
    server = null;
    const closed = new Promise<void>((resolve) => s.close(() => resolve()));
    for (const sock of sockets) sock.destroy();
    s.closeAllConnections();
    await closed;
  };
  await up();
  return {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    up,
    down,
    close: down,
  };
}

// ─── A private Redis that can be killed and restarted empty ───────────

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/**
 * A redis-server of our own on a free port (never the shared one on 6379), with persistence off,
 * so a restart comes back empty, as after losing an unpersisted instance.
 */
export async function privateRedis() {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let proc: ChildProcess | null = null;
  const ping = async () => {
    const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
    r.on("error", () => undefined);
    try {
      await r.connect();
      return (await r.ping()) === "PONG";
    } finally {
      r.disconnect();
    }
  };
  const running = () => proc !== null && proc.exitCode === null && proc.signalCode === null;
  const start = async () => {
    if (running()) return;
    const p = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--maxmemory-policy", "noeviction"], {
      stdio: "ignore",
    });
    proc = p;
    await eventually(ping, 10_000, `redis-server on port ${port}`);
  };
  const kill = async () => {
    const p = proc;
    if (!p || !running()) return;
    proc = null;
    const exited = new Promise((r) => p.once("exit", r));
    p.kill("SIGKILL");
    await exited;
  };
  await start();
  return { url, port, start, kill };
}
