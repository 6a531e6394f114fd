import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { Stack } from "./support/stack";
import { eventually } from "./support/http";
import { type Running } from "../../backend/src/platform";
import { startApi, startIndexer } from "../../backend/src/processes";
import { Api } from "./support/http";
import { Redis } from "ioredis";
import { JobQueue, outboxJobId } from "../../backend/src/shared/queue";
import { orgStatuses, outboxStatuses, requestRegistration, testLog } from "./faults/kit";

/**
 * An operation reads "mined" only once its block is projected, so a client that waits for "mined"
 * then reads its own write anywhere in the API (a bank quoting right after its credit line, say).
 */
describe("operation status: read-your-writes", () => {
  let stack: Stack;
  let indexer: Running | null = null;

  beforeAll(async () => {
    stack = await Stack.start({ workers: 1, indexer: false });
  });
  afterAll(async () => {
    await indexer?.close();
    await stack?.close();
  });

  it("stays submitted while the transaction is mined but not yet indexed, then reads mined with the change visible", async () => {
    const reg = await requestRegistration(stack);
    const op = { key: stack.operatorKey };
    await eventually(async () => (await outboxStatuses(stack, [reg.outboxId]))[0] === "mined", 30_000, "the receipt");
    const early = await stack.api.get(`/v1/operations/${reg.outboxId}`, op);
    expect(early.body.status).toBe("submitted");
    expect(early.body.txHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(await orgStatuses(stack, [reg.orgId])).not.toEqual(["active"]);

    indexer = await startIndexer(stack.config, testLog());
    await eventually(async () => (await stack.api.get(`/v1/operations/${reg.outboxId}`, op)).body.status === "mined", 30_000, "mined");
    expect((await stack.api.get(`/v1/organizations/${reg.orgId}`, op)).body.status).toBe("active");
    await indexer.close();
    indexer = null;
  });

  it("answers a read with Prefer: wait=N when the status changes, on any API server, instead of after N seconds", async () => {
    const other = await startApi(stack.config, testLog()); // a second API server: the notice reaches every one
    try {
      const reg = await requestRegistration(stack);
      const op = { key: stack.operatorKey };
      await eventually(async () => (await outboxStatuses(stack, [reg.outboxId]))[0] === "mined", 30_000, "the receipt");
      const sent = Date.now();
      const waiting = new Api(`http://127.0.0.1:${other.port}`).get(`/v1/operations/${reg.outboxId}`, { ...op, headers: { prefer: "wait=25" } });
      let answered = false;
      void waiting.then(() => (answered = true));
      await new Promise((r) => setTimeout(r, 1500));
      expect(answered, "answered before anything changed").toBe(false);
      indexer = await startIndexer(stack.config, testLog());
      const reply = await waiting;
      expect(reply.body.status).toBe("mined");
      expect(reply.headers.get("preference-applied")).toBe("wait=25");
      expect(Date.now() - sent, "answered when the indexer projected the block, not at the end of the wait").toBeLessThan(20_000);
      // a final status answers at once, not after the wait
      const again = Date.now();
      expect((await stack.api.get(`/v1/operations/${reg.outboxId}`, { ...op, headers: { prefer: "wait=30" } })).body.status).toBe("mined");
      expect(Date.now() - again, "a final status waits for nothing").toBeLessThan(15_000);
    } finally {
      await other.close();
    }
  });

  it("answers a waiting read when the worker records the receipt after the indexer has projected the block", async () => {
    indexer ??= await startIndexer(stack.config, testLog());
    const reg = await requestRegistration(stack);
    const op = { key: stack.operatorKey };
    await eventually(async () => (await stack.api.get(`/v1/operations/${reg.outboxId}`, op)).body.status === "mined", 30_000, "mined");
    // as a worker that died after the block was projected but before it recorded the receipt leaves it
    const [{ id: ltxId }] = await stack.ds.query(`SELECT ledger_tx_id::text AS id FROM outbox WHERE id = $1`, [reg.outboxId]);
    // (its updated_at ahead, so that this stack's sweeper does not bring the job back before the test does)
    await stack.ds.query(`UPDATE outbox SET status = 'submitted', updated_at = now() + interval '1 hour' WHERE id = $1`, [reg.outboxId]);
    await stack.ds.query(`UPDATE ledger_transactions SET status = 'sent' WHERE id = $1`, [ltxId]);
    expect((await stack.api.get(`/v1/operations/${reg.outboxId}`, op)).body.status).toBe("submitted");

    const sent = Date.now();
    const waiting = stack.api.get(`/v1/operations/${reg.outboxId}`, { ...op, headers: { prefer: "wait=25" } });
    let answered = false;
    void waiting.then(() => (answered = true));
    await new Promise((r) => setTimeout(r, 1500));
    expect(answered, "answered before anything changed").toBe(false);
    // the row's job comes back (as the sweeper would bring it) and records the receipt
    const redis = new Redis(stack.config.REDIS_URL, { maxRetriesPerRequest: null });
    const queue = new JobQueue(redis, stack.config.QUEUE_PREFIX);
    try {
      await queue.add("outbox.submit", { outboxId: reg.outboxId.toString() }, `${outboxJobId(reg.outboxId)}-again`);
      const reply = await waiting;
      expect(reply.body.status).toBe("mined");
      expect(Date.now() - sent, "answered when the worker recorded the receipt, not at the end of the wait").toBeLessThan(20_000);
    } finally {
      await queue.close();
      redis.disconnect();
    }
  });
});
