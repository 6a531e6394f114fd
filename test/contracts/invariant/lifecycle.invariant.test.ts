import { describe, it, afterAll } from "vitest";
import fc from "fast-check";
import { commandArb, seed } from "./commands";
import { freshRun, checkInvariants, stats } from "./harness";

/**
 * Model-based test of the whole receivable lifecycle. Random sequences of register, issue,
 * confirm (direct, and by signature through a relayer), reject, cancel, split, transfer offers
 * (transferCertificate; ERC-721 transfers and approvals, which always refuse), acceptance and
 * return of offers (签收, 拒签, withdrawal, expiry), finance, credit-line changes, funding
 * (allowances, deposits, withdrawals), settle (which pauses and resumes delinquent obligors),
 * governance resuming an obligor, time, declareDefault, claimRecourse, withdrawal of held
 * payouts, suspension, pause and replayed operation ids, by two core enterprises, three
 * suppliers and two banks, starting from a seeded ledger (./commands.ts, `seed`).
 *
 * The model (./model.ts) predicts every transaction's outcome: success with its clearing events,
 * or the exact custom error and arguments. After every step the DESIGN.md invariants are checked
 * on the chain's state, and the chain is compared with the model (./harness.ts).
 *
 * Environment:
 *   INVARIANT_RUNS=2000        sequences (default 60 in npm test; npm run test:invariants:long)
 *   INVARIANT_MAX_COMMANDS=25  longest sequence
 *   INVARIANT_SEED=<seed> INVARIANT_PATH=<path> INVARIANT_REPLAY=<replayPath>
 *                             replay the counterexample fast-check reported (replayPath is in the
 *                             /*replayPath="..."*\/ comment after the commands)
 *   INVARIANT_NO_SHRINK=1      stop at the first failure without shrinking
 *   INVARIANT_STATS=1          print how often each command outcome, state edge and clearing rule occurred
 *   INVARIANT_TRACE=1          print every sequence's steps
 */
const RUNS = Number(process.env.INVARIANT_RUNS ?? 60);
const MAX_COMMANDS = Number(process.env.INVARIANT_MAX_COMMANDS ?? 25);
const SEED = process.env.INVARIANT_SEED === undefined ? undefined : Number(process.env.INVARIANT_SEED);
const PATH = process.env.INVARIANT_PATH;
const REPLAY = process.env.INVARIANT_REPLAY;

if (process.env.INVARIANT_STATS === "1") afterAll(() => console.log(`command outcomes, edges and rules:\n${stats.report()}`));

describe("ReceivableLedger lifecycle (model-based)", () => {
  it(`keeps every invariant over ${RUNS} random sequences`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands([commandArb], { maxCommands: MAX_COMMANDS, size: "max", replayPath: REPLAY }), async (cmds) => {
        let run: Awaited<ReturnType<typeof freshRun>> | undefined;
        await fc.asyncModelRun(async () => (run = await freshRun(seed)), cmds);
        const trace = () => run!.real.trace.map((t, i) => `  ${i + 1}. ${t}`).join("\n");
        if (process.env.INVARIANT_TRACE === "1") console.log(trace());
        // what steps read only for open certificates, now for every certificate
        await checkInvariants(run!.model, run!.real, "the last step (full check)", true).catch((e: Error) => {
          e.message += `\ntrace:\n${trace()}`;
          throw e;
        });
      }),
      { numRuns: RUNS, seed: SEED, path: PATH, endOnFailure: process.env.INVARIANT_NO_SHRINK === "1" },
    );
  }, Math.max(120_000, RUNS * 3_000));
});
