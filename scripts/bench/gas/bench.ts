import hre from "hardhat";
import { deployWorld, type Sample, type World } from "./world";
import {
  OPERATIONS, STEPS, baselineLifecycle, ledgerLifecycle, operationsRound, steadily,
  type LifecycleRun, type Operation, type Step,
} from "./scenario";
import { profile, addBreakdowns, type Breakdown } from "./profile";
import { measureDocuments, type DocumentKind } from "./documents";

export const BATCHES = [1, 10, 100] as const;
const WARMUP_LIFECYCLES = 3;
const WARMUP_ROUNDS = 2;
const MEASURED_ROUNDS = 2;
const MAX_EXTRA_ROUNDS = 3;

export interface Measurements {
  lifecycle: Record<number, LifecycleRun>;
  lifecycleBySig: Record<number, LifecycleRun>;
  baseline: LifecycleRun;
  operations: Record<Operation, Sample>;
  operationSamples: Record<Operation, bigint[]>; // steady samples, in order
  /** recordDocuments: gas per call by kind and number of items. */
  documents: Record<DocumentKind, Record<number, Sample>>;
  breakdown: {
    ledger: Record<Step, Breakdown>;
    ledgerTotal: Breakdown;
    ledgerBatch10Total: Breakdown; // the batch-10 lifecycle, for the marginal cost of one more item
    baseline: Record<Step, Breakdown>;
    baselineTotal: Breakdown;
  };
  accountNames: Record<string, string>;
  warmup: { lifecycles: number; operationRounds: number; operationRoundsMeasured: number };
}

const log = (msg: string) => console.log(`[bench:gas] ${msg}`);

/** Every operation in steady state: the last sample of each that touched no fresh bitmap word. */
async function measureOperations(w: World, firstRound: number) {
  const steadySamples = {} as Record<Operation, Sample[]>;
  for (const name of Object.keys(OPERATIONS) as Operation[]) steadySamples[name] = [];
  let round = firstRound;
  const missing = () => (Object.keys(OPERATIONS) as Operation[]).filter((n) => steadySamples[n].length === 0);
  while (round < firstRound + MEASURED_ROUNDS || (missing().length > 0 && round < firstRound + MEASURED_ROUNDS + MAX_EXTRA_ROUNDS)) {
    const samples = await operationsRound(w, round++);
    for (const [name, s] of Object.entries(samples) as [Operation, Sample][]) if (s.steady) steadySamples[name].push(s);
  }
  if (missing().length > 0) throw new Error(`no steady-state sample for ${missing().join(", ")}`);
  const operations = {} as Record<Operation, Sample>;
  const operationSamples = {} as Record<Operation, bigint[]>;
  for (const name of Object.keys(OPERATIONS) as Operation[]) {
    operations[name] = steadySamples[name][steadySamples[name].length - 1];
    operationSamples[name] = steadySamples[name].map((s) => s.gas);
  }
  return { operations, operationSamples, rounds: round - firstRound };
}

async function profileRun(run: LifecycleRun) {
  const steps = {} as Record<Step, Breakdown>;
  for (const step of STEPS) steps[step] = await profile(run.steps[step].hash);
  return { steps, total: addBreakdowns(STEPS.map((s) => steps[s])) };
}

export async function measure(): Promise<Measurements> {
  log(`network ${hre.network.name}, hardfork ${(hre.network.config as { hardfork?: string }).hardfork ?? "default"}`);
  const w = await deployWorld();

  log("warm-up: lifecycles and operation rounds (first use of each bitmap word, balances, lines)");
  for (let i = 0; i < WARMUP_LIFECYCLES; i++) {
    await ledgerLifecycle(w, 1, "confirm");
    await ledgerLifecycle(w, 1, "confirmBySig");
    await baselineLifecycle(w);
  }
  for (let r = 0; r < WARMUP_ROUNDS; r++) await operationsRound(w, r);

  const lifecycle: Record<number, LifecycleRun> = {};
  const lifecycleBySig: Record<number, LifecycleRun> = {};
  for (const batch of BATCHES) {
    log(`lifecycle, batch ${batch}`);
    lifecycle[batch] = await steadily(() => ledgerLifecycle(w, batch, "confirm"));
    lifecycleBySig[batch] = await steadily(() => ledgerLifecycle(w, batch, "confirmBySig"));
  }
  log("baseline lifecycle");
  const baseline = await steadily(() => baselineLifecycle(w));

  log("single operations");
  const ops = await measureOperations(w, WARMUP_ROUNDS);

  log("signed documents: recordDocuments at 1, 10 and 100 items");
  const documents = await measureDocuments(w);

  log("opcode breakdown (debug_traceTransaction)");
  const ledgerProfile = await profileRun(lifecycle[1]);
  const batch10Profile = await profileRun(lifecycle[10]);
  const baselineProfile = await profileRun(baseline);

  return {
    lifecycle, lifecycleBySig, baseline,
    operations: ops.operations, operationSamples: ops.operationSamples, documents,
    breakdown: {
      ledger: ledgerProfile.steps, ledgerTotal: ledgerProfile.total, ledgerBatch10Total: batch10Profile.total,
      baseline: baselineProfile.steps, baselineTotal: baselineProfile.total,
    },
    accountNames: {
      [w.ledgerAddress.toLowerCase()]: "ReceivableLedger",
      [(await w.token.getAddress()).toLowerCase()]: "SettlementToken",
      [(await w.membership.getAddress()).toLowerCase()]: "Membership",
      [w.baselineAddress.toLowerCase()]: "BaselineReceivables",
    },
    warmup: { lifecycles: WARMUP_LIFECYCLES, operationRounds: WARMUP_ROUNDS, operationRoundsMeasured: ops.rounds },
  };
}
