/**
 * Two worker processes on one queue, racing over many operations of one signer: the outbox row
 * locks and the per-signer nonce row must keep every operation single and the nonces gapless.
 */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { LEDGER_QUEUE, outboxJobId } from "../../../backend/src/shared/queue";
import { Stack } from "../support/stack";
import { FAULT_ENV, allCompleted, expectExactlyOnce, jobFailures, logLines, requestRegistration, spawnProc, type Proc } from "./kit";

const OPERATIONS = 40;

describe("two workers on one queue", () => {
  let stack: Stack;
  let workers: Proc[] = [];

  beforeAll(async () => {
    // an aggressive sweeper (see Stack: 300 ms interval, 1.5 s staleness) makes the workers collide more
    stack = await Stack.start({ workers: 0, indexer: true, env: FAULT_ENV });
    workers = [spawnProc(stack, "worker", { WORKER_CONCURRENCY: "4" }), spawnProc(stack, "worker", { WORKER_CONCURRENCY: "4" })];
    await Promise.all(workers.map((w) => w.ready()));
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await stack?.close();
  });

  it(`applies ${OPERATIONS} parallel onboardings exactly once each, with gapless nonces`, async () => {
    const regs = await Promise.all(Array.from({ length: OPERATIONS }, () => requestRegistration(stack, ["supplier"])));
    expect(new Set(regs.map((r) => r.outboxId)).size).toBe(OPERATIONS);

    // one worker taking them one at a time (WORKER_CONCURRENCY=1) completes 30 in about 5 s here
    await allCompleted(stack, regs, 30_000, `${OPERATIONS} registrations to complete`).catch(async (e) => {
      throw new Error(`${(e as Error).message}\njob failures:\n${jobFailures(workers)}\nunfinished:\n${JSON.stringify(await unfinished(stack))}`);
    });
    await expectExactlyOnce(stack, regs);

    // both processes took part (otherwise this would not test a race)
    const signedBy = workers.map((w) => logLines(w, "signed").length);
    expect(signedBy.every((n) => n > 0), `transactions signed per worker: ${signedBy}`).toBe(true);
    expect(signedBy.reduce((a, b) => a + b, 0)).toBe(OPERATIONS);
  });
});

/** Unfinished outbox rows with their transaction's nonce and the state of their job. */
async function unfinished(stack: Stack) {
  const rows: { id: string; status: string; attempts: number; nonce: string | null; tx: string | null }[] = await stack.ds.query(
    `SELECT o.id::text, o.status, o.attempts, l.nonce::text, l.status AS tx FROM outbox o LEFT JOIN ledger_transactions l ON l.id = o.ledger_tx_id
     WHERE o.status NOT IN ('mined', 'failed') ORDER BY l.nonce`,
  );
  const redis = new Redis(stack.config.REDIS_URL);
  const queue = new Queue(LEDGER_QUEUE, { connection: redis, prefix: stack.config.QUEUE_PREFIX });
  try {
    return await Promise.all(
      rows.map(async (r) => {
        const job = await queue.getJob(outboxJobId(r.id));
        return { ...r, job: job ? await job.getState() : "missing", jobAttempts: job?.attemptsMade, retryDelayMs: job?.delay };
      }),
    );
  } finally {
    await queue.close();
    redis.disconnect();
  }
}
