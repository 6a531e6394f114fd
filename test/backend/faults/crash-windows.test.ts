/**
 * Crash windows: a real worker or indexer process is killed with SIGKILL (FAULT_INJECT) at the
 * worst moments of the outbox and of the indexer, then a fresh process takes over. Each operation
 * must reach the chain exactly once, with the bytes signed before the crash, and be projected once.
 */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import hre from "hardhat";
import { Stack } from "../support/stack";
import { eventually } from "../support/http";
import { type Running } from "../../../backend/src/platform";
import { startIndexer, startWorker } from "../../../backend/src/processes";
import {
  FAULT_ENV,
  allCompleted,
  checkpoint,
  exitOf,
  expectEventsMatchChain,
  expectExactlyOnce,
  indexedToHead,
  ledgerTransactions,
  orgStatuses,
  outboxStatuses,
  registrationTransactions,
  requestRegistration,
  spawnProc,
  tail,
  testLog,
  type Proc,
} from "./kit";

describe("crash windows (processes killed with SIGKILL)", () => {
  let stack: Stack;
  let indexer: Running | null = null;
  const procs: Proc[] = [];
  const spawn = (name: "worker" | "indexer", env: Record<string, string> = {}) => {
    const p = spawnProc(stack, name, env);
    procs.push(p);
    return p;
  };

  beforeAll(async () => {
    stack = await Stack.start({ workers: 0, indexer: false, env: FAULT_ENV });
    indexer = await startIndexer(stack.config, testLog());
  });
  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop()));
    await indexer?.close();
    await stack?.close();
  });

  for (const point of ["after-sign", "after-broadcast"] as const) {
    it(`a worker killed ${point} is recovered by another worker with the same signed bytes, applied once`, async () => {
      const before = (await ledgerTransactions(stack)).length;
      const faulty = spawn("worker", { FAULT_INJECT: point });
      const reg = await requestRegistration(stack);

      const death = await exitOf(faulty);
      expect(death.signal, tail(faulty.output())).toBe("SIGKILL");

      // the moment of death: one transaction signed and stored, the outbox row submitted
      const stored = await registrationTransactions(stack, reg.chainOrgId);
      expect(stored).toHaveLength(1);
      expect((await ledgerTransactions(stack)).length).toBe(before + 1);
      const atCrash = stored[0];
      expect(atCrash.status).toBe("signed"); // in both windows 'sent' was never recorded
      expect(await outboxStatuses(stack, [reg.outboxId])).toEqual(["submitted"]);
      const onChain = await hre.ethers.provider.getTransaction(atCrash.tx_hash);
      if (point === "after-sign") expect(onChain, "never broadcast before the crash").toBeNull();
      else expect(onChain?.blockNumber, "broadcast (and mined) before the crash").not.toBeNull();

      const successor = spawn("worker");
      await allCompleted(stack, [reg], 45_000, `the registration to complete after the ${point} crash`).catch((e) => {
        throw new Error(`${(e as Error).message}\nsuccessor output:\n${tail(successor.output())}`);
      });

      // the same transaction, never re-signed
      const after = await registrationTransactions(stack, reg.chainOrgId);
      expect(after).toHaveLength(1);
      expect(after[0]).toMatchObject({ id: atCrash.id, nonce: atCrash.nonce, raw_tx: atCrash.raw_tx, tx_hash: atCrash.tx_hash, status: "mined" });
      expect((await ledgerTransactions(stack)).length).toBe(before + 1);
      await expectExactlyOnce(stack, [reg]);
      await successor.stop();
    });
  }

  it("an indexer killed mid-transaction replays the chunk: every event stored and projected exactly once", async () => {
    // the in-process indexer has read everything so far (so the next new event is a registration's), then steps aside
    await indexedToHead(stack);
    await indexer!.close();
    indexer = null;
    const cpBefore = await checkpoint(stack);
    const [{ n: eventsBefore }] = await stack.ds.query(`SELECT count(*)::int AS n FROM chain_events`);

    // two registrations mined while no indexer runs
    const worker = await startWorker(stack.config, testLog());
    const regs = await Promise.all([requestRegistration(stack), requestRegistration(stack)]);
    await eventually(async () => (await outboxStatuses(stack, regs.map((r) => r.outboxId))).every((s) => s === "mined"), 30_000, "the registrations to be mined");
    await worker.close();

    const faulty = spawn("indexer", { FAULT_INJECT: "during-indexing" });
    const death = await exitOf(faulty);
    expect(death.signal, tail(faulty.output())).toBe("SIGKILL");
    // the chunk's transaction died with it: no event stored, nothing projected, checkpoint unmoved
    expect((await stack.ds.query(`SELECT count(*)::int AS n FROM chain_events`))[0].n).toBe(eventsBefore);
    expect(await checkpoint(stack)).toEqual(cpBefore);
    expect(await orgStatuses(stack, regs.map((r) => r.orgId))).toEqual(["kyc_approved", "kyc_approved"]);

    // restarted (here in process: what matters is the killed child's half-done transaction)
    indexer = await startIndexer(stack.config, testLog());
    await allCompleted(stack, regs, 45_000, "the restarted indexer to project both registrations");
    await indexedToHead(stack);
    await expectEventsMatchChain(stack);
    for (const r of regs) {
      const [{ n }] = await stack.ds.query(`SELECT count(*)::int AS n FROM chain_events WHERE name = 'OrganizationRegistered' AND args->>'orgId' = $1`, [
        r.chainOrgId,
      ]);
      expect(n, `OrganizationRegistered rows for ${r.chainOrgId}`).toBe(1);
      const [org] = await stack.ds.query(`SELECT status, chain_status FROM organizations WHERE id = $1`, [r.orgId]);
      expect(org).toEqual({ status: "active", chain_status: "registered" });
    }
    await expectExactlyOnce(stack, regs);
  });
});
