/**
 * Redis dies mid-run and comes back empty (nothing persisted): the API keeps accepting work into
 * the outbox, and once Redis is back the sweeper re-enqueues whatever the queue forgot. Runs on a
 * private redis-server: the shared one on 6379 serves other test files.
 */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { Stack } from "../support/stack";
import { FAULT_ENV, allCompleted, expectExactlyOnce, outboxStatuses, privateRedis, requestRegistration } from "./kit";

describe("Redis restarted mid-run", () => {
  let redis: Awaited<ReturnType<typeof privateRedis>>;
  let stack: Stack;

  beforeAll(async () => {
    redis = await privateRedis();
    // one job at a time: this file is about the queue's memory, not about concurrent submissions
    stack = await Stack.start({ workers: 1, indexer: true, env: { ...FAULT_ENV, REDIS_URL: redis.url, WORKER_CONCURRENCY: "1" } });
  });
  afterAll(async () => {
    await redis?.start().catch(() => undefined); // (if a failure left it down) the stack's cleanup deletes its keys
    await stack?.close();
    await redis?.kill();
  });

  it("accepts operations while Redis is down and completes everything, once, after it returns empty", async () => {
    const before = await Promise.all(Array.from({ length: 6 }, () => requestRegistration(stack)));

    await redis.kill();
    // the premise: some of them were still queued or running when the queue vanished
    const unfinishedAtKill = (await outboxStatuses(stack, before.map((r) => r.outboxId))).filter((s) => s !== "mined").length;
    expect(unfinishedAtKill, "operations unfinished when Redis died").toBeGreaterThan(0);
    const during = [];
    for (let i = 0; i < 6; i++) during.push(await requestRegistration(stack)); // each answered 202 (checked inside)
    // accepted into the outbox; nobody can have picked them up without a queue
    expect(await outboxStatuses(stack, during.map((r) => r.outboxId))).toEqual(during.map(() => "pending"));

    await redis.start();

    const all = [...before, ...during];
    await allCompleted(stack, all, 60_000, "every operation to complete after Redis returned");
    await expectExactlyOnce(stack, all);
  });
});
