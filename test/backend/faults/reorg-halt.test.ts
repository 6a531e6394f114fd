/**
 * The chain disagrees with the indexer's checkpoint about a block it had treated as final (here:
 * the stored hash is tampered with, which the indexer cannot tell from a deep reorganisation). It
 * must halt loudly, in process and as a process, and project nothing.
 */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { Stack } from "../support/stack";
import { eventually } from "../support/http";
import { startIndexer } from "../../../backend/src/processes";
import { ReorgBeyondFinality } from "../../../backend/src/indexer/indexer";
import { FAULT_ENV, checkpoint, exitOf, indexedToHead, orgStatuses, outboxStatuses, requestRegistration, spawnProc, tail, testLog } from "./kit";

const FORGED_HASH = "0x" + "ab".repeat(32);

describe("indexer and a reorganisation beyond the finality depth", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await Stack.start({ workers: 1, indexer: false, env: FAULT_ENV });
  });
  afterAll(async () => stack?.close());

  it("halts with ReorgBeyondFinality (in process) and a non-zero exit (as a process), projecting nothing", async () => {
    // a healthy indexer catches up and stops
    const healthy = await startIndexer(stack.config, testLog());
    await indexedToHead(stack);
    await healthy.close();

    const cp = (await checkpoint(stack))!;
    await stack.ds.query(`UPDATE indexer_checkpoints SET block_hash = $1 WHERE name = 'main'`, [FORGED_HASH]);

    // new blocks to read: a registration mined on chain
    const reg = await requestRegistration(stack);
    await eventually(async () => (await outboxStatuses(stack, [reg.outboxId]))[0] === "mined", 30_000, "the registration to be mined");
    const [{ n: eventsBefore }] = await stack.ds.query(`SELECT count(*)::int AS n FROM chain_events`);

    // as a process (started first: it takes a few seconds to boot) and in process
    const child = spawnProc(stack, "indexer");
    const inProcess = await startIndexer(stack.config, testLog());
    const halted = await inProcess.done.then(
      () => null,
      (e: unknown) => e,
    );
    await inProcess.close();
    expect(halted).toBeInstanceOf(ReorgBeyondFinality);
    expect((halted as Error).message).toContain(`block ${cp.block}`);

    // the process exits on its own, with a failure status
    const exit = await exitOf(child, 40_000);
    expect(exit.code, tail(child.output())).not.toBe(0);
    expect(exit.code, tail(child.output())).not.toBeNull();
    expect(child.output()).toMatch(/"level":60.*reorganisation deeper than the finality depth/);

    // nothing projected, the checkpoint left as it was for an operator to look at
    expect((await stack.ds.query(`SELECT count(*)::int AS n FROM chain_events`))[0].n).toBe(eventsBefore);
    expect(await checkpoint(stack)).toEqual({ block: cp.block, hash: FORGED_HASH });
    expect(await orgStatuses(stack, [reg.orgId])).toEqual(["kyc_approved"]);
  });
});
