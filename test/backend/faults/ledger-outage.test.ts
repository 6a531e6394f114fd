/**
 * The ledger node goes away for a while (its JSON-RPC endpoint closed, open connections cut) and
 * comes back on the same address: operations accepted meanwhile complete once it returns.
 */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { Stack } from "../support/stack";
import { eventually } from "../support/http";
import { FAULT_ENV, allCompleted, controllableLedger, expectExactlyOnce, outboxStatuses, requestRegistration } from "./kit";

describe("ledger node down for a while", () => {
  let ledger: Awaited<ReturnType<typeof controllableLedger>>;
  let stack: Stack;

  beforeAll(async () => {
    ledger = await controllableLedger();
    // one job at a time: this file is about the outage, not about concurrent submissions
    stack = await Stack.start({ ledger, workers: 1, indexer: true, env: { ...FAULT_ENV, WORKER_CONCURRENCY: "1" } });
  });
  afterAll(async () => {
    await ledger?.up();
    await stack?.close();
  });

  it("accepts operations while the ledger is unreachable and completes them, once, when it returns", async () => {
    const before = await requestRegistration(stack);
    await allCompleted(stack, [before], 30_000, "a registration with the ledger up");

    await ledger.down();
    const during = await Promise.all(Array.from({ length: 4 }, () => requestRegistration(stack)));
    const health = stack.api.get("/health"); // answers after its checks' 2 s timeout

    // down for a while: the worker tried every operation more than once and could not reach the
    // node; the rows are still pending, nothing signed
    await eventually(
      async () => {
        const rows: { attempts: number }[] = await stack.ds.query(`SELECT attempts FROM outbox WHERE id = ANY($1::bigint[])`, [during.map((r) => r.outboxId)]);
        return rows.every((r) => r.attempts >= 2);
      },
      30_000,
      "the worker to retry every operation while the ledger is down",
    );
    expect(await outboxStatuses(stack, during.map((r) => r.outboxId))).toEqual(during.map(() => "pending"));
    const reported = await health;
    expect(reported.status).toBe(503);
    expect(JSON.stringify(reported.body)).toContain("ledger");

    await ledger.up();
    const all = [before, ...during];
    await allCompleted(stack, all, 60_000, "every operation to complete after the ledger returned");
    await expectExactlyOnce(stack, all);
  });
});
