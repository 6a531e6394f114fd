/**
 * The chaos suite: receivable lifecycles (register against a verified invoice → confirm → financing
 * request → quote → acceptance → delivery-versus-payment → maturity → clearing) driven through the
 * public API by concurrent clients, while a seeded monkey SIGKILLs and restarts the workers, the
 * indexer and an API server, restarts Redis empty and takes the ledger node away for a while. After
 * each round: every accepted operation completed; no certificate financed or settled twice; token
 * balances conserved and equal to what the lifecycles imply; the database equal to a re-projection
 * of the chain; every bank's reconciliation report clean.
 *
 * Short form (CI, default): one round. Long form: CHAOS_MINUTES=N runs rounds for N minutes, each
 * on a fresh deployment (the ledger is reset between rounds: a round moves its clock days ahead,
 * and the platform signs deadlines by the wall clock). CHAOS_SEED replays a schedule; the seed is
 * printed when a round fails. CHAOS_LIFECYCLES sets the lifecycles per round.
 */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import hre from "hardhat";
import { controllableLedger, privateRedis } from "../faults/kit";
import { chaosSeed, Rng } from "./prng";
import { compiledBackend, removeCompiled } from "./build";
import { runRound, type RoundOptions, type RoundResult } from "./round";

const minutes = Number(process.env.CHAOS_MINUTES ?? 0);
const LONG = minutes > 0;
const seed = chaosSeed();

const ROUND: RoundOptions = {
  // 24 in CI (about 50 s here), every fault kind still struck: on this 2-core machine, loaded (load
  // average 8-15), 100 lifecycles took 160 s and 60 took 270 s; 20 took 33 s when it was quieter.
  // The long form runs 150 per round.
  lifecycles: Number(process.env.CHAOS_LIFECYCLES ?? (LONG ? 150 : 24)),
  clients: 12,
  suppliers: 6,
  financedShare: 0.8,
  gap: [1500, 3500],
};

describe(`chaos (seed ${seed}${LONG ? `, ${minutes} min` : ""})`, () => {
  let ledger: Awaited<ReturnType<typeof controllableLedger>>;
  let redis: Awaited<ReturnType<typeof privateRedis>>;

  beforeAll(async () => {
    compiledBackend();
    ledger = await controllableLedger();
    redis = await privateRedis();
  });
  afterAll(async () => {
    await ledger?.close();
    await redis?.kill();
    removeCompiled();
  });

  it(
    "keeps every lifecycle whole while processes, Redis and the ledger fail under it",
    async () => {
      const rng = new Rng(seed);
      const until = Date.now() + minutes * 60_000;
      const results: RoundResult[] = [];
      for (let round = 1; ; round++) {
        if (round > 1) await hre.network.provider.send("hardhat_reset", []);
        let context = "";
        const result = await runRound(rng.fork(round), ROUND, { ledger, redis }, (c) => (context = c)).catch((e: Error) => {
          e.message = `chaos round ${round} failed (replay with CHAOS_SEED=${seed}${LONG ? ` CHAOS_MINUTES=${minutes}` : ""}): ${e.message}\n${context}`;
          throw e;
        });
        results.push(result);
        console.log(
          `chaos round ${round} (seed ${seed}): ${result.lifecycles} lifecycles (${result.financed} financed), faults ${JSON.stringify(result.faults)}, ` +
            `client saw ${result.stats.networkErrors} network errors, ${result.stats.stuckKeys} stuck idempotency keys, ${result.stats.recovered} lookups after lost answers, ` +
            `5xx ${JSON.stringify(Object.fromEntries(result.stats.serverErrors))}; unexpected exits ${result.unexpectedExits.length} by cause ${JSON.stringify(result.exitCauses)}; timings (s) ${JSON.stringify(result.timings)}`,
        );
        if (!LONG || Date.now() > until) break;
      }
      expect(results.length).toBeGreaterThan(0);
      const causes = new Map<string, number>();
      for (const r of results) for (const [c, n] of Object.entries(r.exitCauses)) causes.set(c, (causes.get(c) ?? 0) + n);
      console.log(`chaos (seed ${seed}): ${results.length} round(s); exits nobody asked for, by cause: ${JSON.stringify(Object.fromEntries(causes))}`);
      // a process may die of something the platform did not foresee, but never without saying why
      expect(results.flatMap((r) => r.silentExits), "exits with no cause logged").toEqual([]);
    },
    // generous: the machine may be shared; a stalled round fails on its own, earlier, with its context
    LONG ? minutes * 60_000 + 900_000 : 900_000,
  );
});
