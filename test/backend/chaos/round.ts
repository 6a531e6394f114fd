/**
 * One chaos round on a fresh platform: seeds, money and credit lines set up calmly; then the
 * lifecycles run through funding while the monkey strikes; the ledger's clock moves past maturity;
 * the keeper clears everything, still under fire; the monkey stops, every process comes back, and
 * the invariants are checked.
 */
import { rmSync } from "node:fs";
import hre from "hardhat";
import { Stack } from "../support/stack";
import { loadSeeds } from "../../../backend/src/ops/seed";
import { FAULT_ENV, freePort, indexedToHead, jobFailures } from "../faults/kit";
import { eventually } from "../support/http";
import { ChaosApi, newStats, type ClientStats } from "./client";
import { pool, throughClearing, throughFunding, type Lifecycle, type Org, type Parties } from "./lifecycles";
import { Monkey, Processes, SILENT, type Controls } from "./monkey";
import { writeChaosSeeds } from "./seeds";
import type { Rng } from "./prng";
import {
  expectBalancesConserved,
  expectDatabaseEqualsReprojection,
  expectEveryOperationCompleted,
  expectOnceOnChain,
  expectReconciliationClean,
} from "./invariants";

export interface RoundOptions {
  lifecycles: number;
  clients: number;
  suppliers: number;
  /** Share of lifecycles that are financed (the others are cleared unfinanced). */
  financedShare: number;
  /** Pause between faults, ms. */
  gap: [number, number];
}

export interface RoundResult {
  lifecycles: number;
  financed: number;
  faults: Record<string, number>;
  monkeyLog: string[];
  stats: ClientStats;
  unexpectedExits: string[];
  /** Exits nobody asked for, counted by the cause each logged. */
  exitCauses: Record<string, number>;
  /** Those exits that logged no cause, with the output before them. */
  silentExits: string[];
  timings: Record<string, number>;
}

const DEPOSIT = 10n ** 13n; // fen: 100 bn yuan, far more than any round moves

export async function runRound(
  rng: Rng,
  o: RoundOptions,
  shared: { ledger: Controls["ledger"] & { url: string }; redis: Controls["redis"] & { url: string } },
  onFailureContext: (s: string) => void,
): Promise<RoundResult> {
  const t = { start: Date.now() } as Record<string, number>;
  const say = (m: string) => process.env.CHAOS_VERBOSE && console.log(`[chaos ${((Date.now() - t.start) / 1000).toFixed(1)}s] ${m}`);
  const seeds = writeChaosSeeds(rng.fork(1), { suppliers: o.suppliers, invoicesPerSupplier: Math.ceil(o.lifecycles / o.suppliers) });
  const stack = await Stack.start({
    ledger: { url: shared.ledger.url, close: async () => undefined }, // the ledger outlives the round
    workers: 0,
    indexer: false,
    env: {
      ...FAULT_ENV,
      REDIS_URL: shared.redis.url,
      SEEDS_DIR: seeds.dir,
      KEEPER_INTERVAL_MS: "300",
      KEEPER_RETRY_MS: "1000",
      WORKER_CONCURRENCY: "8",
    },
  });
  const procs = new Processes(stack, await freePort());
  let monkey: Monkey | null = null;
  try {
    say("stack up");
    await procs.startAll();
    t.processes = Date.now();
    say("processes ready");

    // ── setup, no faults yet ───────────────────────────────────────
    const seeded = await loadSeeds({ baseUrl: stack.api.baseUrl, operatorKey: stack.operatorKey, seedsDir: seeds.dir, waitForVerificationMs: 60_000, activeTimeoutMs: 60_000 });
    const setupApi = new ChaosApi(() => [stack.api.baseUrl], newStats());
    const org = async (uscc: string): Promise<Org> => {
      const s = seeded.organizations.find((x) => x.uscc === uscc)!;
      const view = await setupApi.get(`/v1/organizations/${s.id}`, stack.operatorKey);
      return { id: s.id, uscc, key: s.key, address: String(view.body.ledgerAddress).toLowerCase() };
    };
    const p: Parties = {
      operatorKey: stack.operatorKey,
      core: await org(seeds.core),
      suppliers: await Promise.all(seeds.suppliers.map(org)),
      banks: await Promise.all(seeds.banks.map(org)),
      issuer: await org(seeds.issuer),
    };
    const setupOps: { id: string; key: string }[] = [];
    const deposits = new Map<string, bigint>();
    for (const o2 of [p.core, ...p.banks]) {
      const r = await setupApi.post("/v1/settlement/deposits", p.issuer.key, { organizationId: o2.id, amount: DEPOSIT.toString() });
      if (r.status !== 202) throw new Error(`deposit: ${r.status} ${JSON.stringify(r.body)}`);
      setupOps.push({ id: r.body.id, key: p.issuer.key });
      deposits.set(o2.address, DEPOSIT);
    }
    const auth = await setupApi.post("/v1/settlement/repayment-authorization", p.core.key, { amount: DEPOSIT.toString() });
    setupOps.push({ id: auth.body.id, key: p.core.key });
    for (const bank of p.banks) {
      const line = await setupApi.post("/v1/credit-lines", bank.key, { obligorId: p.core.id, limit: (DEPOSIT / 2n).toString() });
      if (line.status !== 202) throw new Error(`credit line: ${line.status} ${JSON.stringify(line.body)}`);
      setupOps.push({ id: line.body.operation.id, key: bank.key });
    }
    say("seeded");
    for (const op of setupOps) await setupApi.mined(op.id, op.key);
    say("money and credit lines on chain");

    const invoicesBySupplier = new Map(p.suppliers.map((s) => [s.uscc, seeded.invoices.items.filter((i) => i.supplier === s.uscc && i.status === "verified")]));
    const lives: Lifecycle[] = [];
    for (let n = 0; n < o.lifecycles; n++) {
      const supplier = p.suppliers[n % p.suppliers.length];
      const inv = invoicesBySupplier.get(supplier.uscc)!.shift();
      if (!inv) throw new Error(`not enough verified invoices for ${supplier.uscc}: ${JSON.stringify(seeded.invoices.items.filter((i) => i.status !== "verified").slice(0, 3))}`);
      const face = seeds.invoices.get(supplier.uscc)!.find((x) => x.invoiceNumber === inv.invoiceNumber)!.total;
      const financed = rng.chance(o.financedShare);
      lives.push({ n, supplier, invoiceId: inv.id, face, bank: financed ? rng.pick(p.banks) : null, operations: [], funded: false, settled: false });
    }
    const dayAtStart = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    t.setup = Date.now();

    // ── under fire ─────────────────────────────────────────────────
    const stats = newStats();
    // clients spread over the child API (killed now and then) and the test's own API server
    const api = new ChaosApi(() => [`http://127.0.0.1:${procs.apiPort}`, stack.api.baseUrl], stats);
    monkey = new Monkey(rng.fork(2), procs, { redis: shared.redis, ledger: shared.ledger }, o.gap);
    monkey.start();
    const ticker = process.env.CHAOS_VERBOSE
      ? setInterval(async () => {
          const rows = await stack.ds
            .query(
              `SELECT status, kind, count(*)::int AS n, max(attempts) AS attempts, round(extract(epoch FROM now() - min(updated_at)))::int AS oldest_s
               FROM outbox WHERE status <> 'mined' GROUP BY 1, 2`,
            )
            .catch((e: Error) => e.message);
          say(`waiting: ${[...api.waiting].slice(0, 2).join("; ")} (${api.waiting.size}); outbox ${JSON.stringify(rows)}`);
        }, 3000)
      : null;
    const driver = rng.fork(3);
    const fundingFailures = await pool(lives, o.clients, async (life) => {
      await throughFunding(api, p, life, driver);
      say(`lifecycle ${life.n} ${life.bank ? "funded" : "confirmed"}`);
    });
    if (fundingFailures.length) throw new Error(`lifecycles failed before maturity:\n${fundingFailures.map((f) => `#${f.item.n}: ${f.error.message}`).join("\n")}`);
    t.funded = Date.now();
    say("all funded");

    // maturity: the latest is 00:00 CST two days from now; three days and an hour pass in one block
    await hre.network.provider.send("evm_increaseTime", [3 * 86_400 + 3600]);
    await hre.network.provider.send("evm_mine", []);
    // the keeper may be struck too; make sure the monkey has shown every fault before it stops
    const clearingFailures = await pool(lives, o.clients, (life) => throughClearing(api, life));
    if (clearingFailures.length) throw new Error(`lifecycles failed at clearing:\n${clearingFailures.map((f) => `#${f.item.n}: ${f.error.message}`).join("\n")}`);
    await eventually(async () => monkey!.coveredAll(), 60_000, "the monkey to have injected every kind of fault");
    await monkey.stop();
    t.cleared = Date.now();
    if (ticker) clearInterval(ticker);
    say("all cleared; monkey stopped");

    // ── quiet again: everything back up, then the invariants ─────────
    await shared.redis.start();
    await shared.ledger.up();
    await procs.allReady();
    await eventually(async () => {
      const [{ n }] = await stack.ds.query(`SELECT count(*)::int AS n FROM outbox WHERE status IN ('pending', 'submitted')`);
      return n === 0;
    }, 60_000, "the outbox to drain");
    await indexedToHead(stack, 60_000);
    say("quiet");

    await expectEveryOperationCompleted(stack, api, lives, setupOps);
    await expectOnceOnChain(stack, p, lives);
    await expectBalancesConserved(stack, p, lives, deposits);
    await expectDatabaseEqualsReprojection(stack);
    await expectReconciliationClean(api, p, lives, dayAtStart);
    t.checked = Date.now();

    return {
      lifecycles: lives.length,
      financed: lives.filter((l) => l.bank).length,
      faults: Object.fromEntries(monkey.counts),
      monkeyLog: monkey.log,
      stats,
      unexpectedExits: procs.unexpectedExits,
      exitCauses: procs.exitCauses.reduce<Record<string, number>>((m, c) => ((m[c] = (m[c] ?? 0) + 1), m), {}),
      silentExits: procs.unexpectedExits.filter((_, i) => procs.exitCauses[i].endsWith(SILENT)),
      timings: Object.fromEntries(Object.entries(t).filter(([k]) => k !== "start").map(([k, v]) => [k, Math.round((v - t.start) / 100) / 10])),
    };
  } catch (e) {
    const unfinished = await stack.ds
      .query(
        `SELECT o.id::text, o.kind, o.status, o.attempts, o.error_code, round(extract(epoch FROM now() - o.updated_at))::int AS idle_s, l.signer, l.nonce::text, l.status AS tx_status, l.tx_hash
         FROM outbox o LEFT JOIN ledger_transactions l ON l.id = o.ledger_tx_id WHERE o.status <> 'mined' ORDER BY o.id LIMIT 40`,
      )
      .catch((x: Error) => x.message);
    const workers = [...procs.slots].filter(([s]) => s.startsWith("worker")).map(([, p]) => p);
    onFailureContext(
      `unfinished outbox rows: ${JSON.stringify(unfinished, null, 1)}\nworker job failures:\n${jobFailures(workers)}\n` +
        `processes: ${JSON.stringify([...procs.slots].map(([s, p]) => [s, p.child.pid, p.child.exitCode ?? p.child.signalCode ?? "running"]))}\n` +
      `monkey log:\n${monkey?.log.join("\n") ?? "(not started)"}\nunexpected exits:\n${procs.unexpectedExits.join("\n") || "(none)"}\nprocess output:\n${procs.outputs()}`,
    );
    throw e;
  } finally {
    await monkey?.stop().catch(() => undefined);
    await shared.redis.start().catch(() => undefined);
    await shared.ledger.up().catch(() => undefined);
    await procs.stopAll().catch(() => undefined);
    await stack.close().catch(() => undefined);
    rmSync(seeds.dir, { recursive: true, force: true });
  }
}
