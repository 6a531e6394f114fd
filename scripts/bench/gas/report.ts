import hre from "hardhat";
import type { Measurements } from "./bench";
import { BATCHES } from "./bench";
import { OPERATIONS, STEPS, type LifecycleRun, type Operation, type Step } from "./scenario";
import { BREAKDOWN_ROWS, type Breakdown } from "./profile";
import { DOCUMENT_BATCHES, DOCUMENT_KINDS, FINANCE_BEFORE_AGREEMENT, type DocumentKind } from "./documents";
import {
  COLD_ACCOUNT, COLD_SLOAD, FRESH_SLOTS, FRESH_SLOT_GAS, INTRINSIC_GAS,
  requiredEffectsFloor, storageFloor, type RequiredEffectsFloor,
} from "./floor";

/** From the issue: per-receivable lifecycle gas. */
export const TARGETS = { batch100: 180_000, singleTransactions: 320_000 };

const OPERATION_NOTES: Record<Operation, string> = {
  register: "4 fresh slots: record ×3, invoice key",
  issue: "as register, starts Offered: + the offer slot (receiver, expiry)",
  accept: "the supplier signs for (签收) an issued certificate: status write, offer cleared (refund)",
  refuse: "the supplier refuses (拒签) an issued certificate: Void, offer cleared (refund); invoice keys released lazily",
  acceptTransfer: "first change of hands: ERC-721 owner slot written (fresh), 2 balances, offer cleared (refund)",
  confirm: "obligor sends; status write",
  confirmBySig: "relayer sends the obligor's EIP-712 signature: + hash, ecrecover, nonce word",
  reject: "status write; invoice keys released lazily",
  cancel: "status write; invoice keys released lazily",
  split: "2 child records (2 fresh slots each), held by the splitter and offered to their suppliers (2 offer slots)",
  transferCertificate: "an offer: status write, offer slot (receiver, expiry); nothing moves until accepted",
  setCreditLine: "limit changed on an existing line",
  finance: "fresh lien slot, holder's signature, credit charge, advance bank → holder",
  settleFull: "repayment pulled; bank and holder paid; lien cleared (refund)",
  settlePartial: "fresh repayment slot; the short authorization drops to 0 (refund); the obligor paused: its count, the certificate's delinquency record (fresh)",
  repayOverdue: "rest collected; bank and holder paid; lien cleared (refund); one delinquency fewer",
  declareDefault: "status write; credit line released by the shortfall",
  claimRecourse: "shortfall pulled from the seller's allowance to the bank",
  resumeObligor: "governance lets the paused obligor issue and confirm again: count cleared (refund), resumption counted",
  tokenMint: "issuer mints to a member with a balance",
  tokenTransfer: "plain transfer between two members with balances",
};

const n = (x: bigint | number) => Number(x);
const fmt = (x: bigint | number) => Math.round(Number(x)).toLocaleString("en-US");
const ratio = (a: number, b: number) => (a / b).toFixed(2);
const pct = (a: number, b: number) => `${((a / b) * 100).toFixed(1)}%`;

function table(headers: string[], rows: (string | number)[][], align?: ("l" | "r")[]): string {
  const a = align ?? headers.map((_, i) => (i === 0 ? "l" : "r"));
  const line = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;
  return [line(headers), line(a.map((x) => (x === "l" ? ":--" : "--:"))), ...rows.map(line)].join("\n");
}

function stepsOf(run: LifecycleRun) {
  const out: Record<string, number> = {};
  for (const s of STEPS) out[s] = n(run.steps[s].gas);
  out.total = n(run.total);
  out.perReceivable = n(run.perReceivable);
  return out;
}

/** Plain state variables of the current layout that a lifecycle reads cold (checked against eth_getStorageAt). */
const STATE_VARIABLES: Record<string, string> = {
  "ReceivableLedger:0x6": "Pausable._paused",
  "ReceivableLedger:0xd": "_lastId",
  "ReceivableLedger:0xe": "_params",
  "SettlementToken:0x6": "_clearingHouse",
};
/** State variables the required-effects floor accounts for. */
const FLOOR_STATE_VARIABLES = new Set(["ReceivableLedger:0xd"]);

function namedSlots(slots: Record<string, number>, names: Record<string, string>) {
  const out: Record<string, number> = {};
  for (const [key, count] of Object.entries(slots)) {
    const [account, slot] = key.split(":");
    const where = `${names[account] ?? account}:${slot}`;
    out[STATE_VARIABLES[where] ? `${names[account] ?? account}.${STATE_VARIABLES[where]} (${slot})` : where] = count;
  }
  return out;
}

/** A breakdown as plain numbers with contract names instead of addresses. */
function named(b: Breakdown, names: Record<string, string>) {
  const computeByContract: Record<string, number> = {};
  for (const [a, g] of Object.entries(b.computeByAccount)) computeByContract[names[a] ?? a] = g;
  const { computeByAccount: _omit, coldStateVariables, ...rest } = b;
  return { ...rest, computeByContract, coldStateVariables: namedSlots(coldStateVariables, names) };
}

/** Cold reads of plain state variables the floor does not include, e.g. "Pausable._paused ×3". */
function extraStateVariables(b: Breakdown, names: Record<string, string>): string {
  const parts: string[] = [];
  for (const [key, count] of Object.entries(b.coldStateVariables)) {
    const [account, slot] = key.split(":");
    const where = `${names[account] ?? account}:${slot}`;
    if (FLOOR_STATE_VARIABLES.has(where)) continue;
    parts.push(`${names[account] ?? account}.${STATE_VARIABLES[where] ?? `slot ${slot}`} ×${count}`);
  }
  return parts.join(", ");
}

/** (batch 10 − batch 1) / 9: what one more receivable in a batch costs, by category. */
function marginal(b1: Breakdown, b10: Breakdown): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k] of BREAKDOWN_ROWS) out[k] = Math.round(((b10[k] as number) - (b1[k] as number)) / 9);
  out.gasUsed = Math.round((b10.gasUsed - b1.gasUsed) / 9);
  return out;
}

function versions() {
  const compiler = hre.config.solidity.compilers[0];
  let edr: string | undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    edr = require("@nomicfoundation/edr/package.json").version;
  } catch {
    edr = undefined;
  }
  return {
    solc: {
      version: compiler.version,
      viaIR: compiler.settings?.viaIR ?? false,
      optimizer: compiler.settings?.optimizer ?? {},
      evmVersion: compiler.settings?.evmVersion,
    },
    hardhat: {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      version: require("hardhat/package.json").version as string,
      edr,
      network: `${hre.network.name} (in-process)`,
      hardfork: (hre.network.config as { hardfork?: string }).hardfork,
      chainId: hre.network.config.chainId,
    },
  };
}

interface Analysis {
  perReceivable: Record<number, number>;
  perReceivableBySig: Record<number, number>;
  baseline: number;
  storage: Record<number, number>;
  required: RequiredEffectsFloor;
  gap: { effect: string; gas: number }[];
  freshObserved: Record<Step, number>;
}

function analyse(m: Measurements): Analysis {
  const perReceivable: Record<number, number> = {};
  const perReceivableBySig: Record<number, number> = {};
  const storage: Record<number, number> = {};
  for (const b of BATCHES) {
    perReceivable[b] = n(m.lifecycle[b].perReceivable);
    perReceivableBySig[b] = n(m.lifecycleBySig[b].perReceivable);
    storage[b] = storageFloor(b);
  }
  const required = requiredEffectsFloor(m.breakdown.ledger);
  const t = m.breakdown.ledgerTotal;
  const extraColdSlots = t.counts.coldSlots - required.coldSlots;
  const warmCalls = t.callOverhead - required.coldAccounts * COLD_ACCOUNT;
  const gap = [
    {
      effect: `${extraColdSlots} cold slot accesses beyond the floor's ${required.coldSlots}: ${extraStateVariables(t, m.accountNames)}`,
      gas: extraColdSlots * COLD_SLOAD,
    },
    { effect: `EXTCODESIZE of the signer (SignatureChecker's ERC-1271 branch), ${t.counts.accountAccessCold} cold`, gas: t.accountAccess },
    { effect: `warm re-reads of slots already read (${t.counts.sloadWarm} SLOADs)`, gas: t.sloadWarm },
    { effect: `re-writes of slots already written (${t.counts.sstoreRewrite} SSTOREs at 100)`, gas: t.sstoreRewrite },
    { effect: `call overhead beyond the ${required.coldAccounts} cold accounts: ${t.counts.callsWarm} warm calls, memory`, gas: warmCalls },
    { effect: "other compute: ABI coding, hashing, checks, memory, reentrancy lock", gas: t.otherCompute },
  ];
  const explained = gap.reduce((a, g) => a + g.gas, 0);
  const residual = t.gasUsed - required.total - explained;
  if (residual !== 0) gap.push({ effect: "not attributed (floor prices vs measured accesses)", gas: residual });
  const freshObserved = {} as Record<Step, number>;
  for (const s of STEPS) freshObserved[s] = m.breakdown.ledger[s].counts.sstoreNew;
  return { perReceivable, perReceivableBySig, baseline: n(m.baseline.perReceivable), storage, required, gap, freshObserved };
}

/**
 * recordDocuments per call and per item, and what the agreement in FinanceTerms added to a
 * financing: this run's `finance` against the same benchmark before it (FINANCE_BEFORE_AGREEMENT).
 */
function documentsJson(m: Measurements) {
  const record = Object.fromEntries(
    (Object.keys(DOCUMENT_KINDS) as DocumentKind[]).map((k) => {
      const calls = m.documents[k];
      const [first, last] = [n(calls[1].gas), n(calls[100].gas)];
      return [k, {
        recordedBy: DOCUMENT_KINDS[k].by,
        perCall: Object.fromEntries(DOCUMENT_BATCHES.map((b) => [`items${b}`, n(calls[b].gas)])),
        perItemAt100: Math.round(last / 100),
        marginalPerItem: Math.round((last - first) / 99),
      }];
    }),
  ) as Record<DocumentKind, { recordedBy: string; perCall: Record<string, number>; perItemAt100: number; marginalPerItem: number }>;
  const after = {
    batch1: n(m.lifecycle[1].steps.finance.gas),
    batch10: Math.round(n(m.lifecycle[10].steps.finance.gas) / 10),
    batch100: Math.round(n(m.lifecycle[100].steps.finance.gas) / 100),
    single: n(m.operations.finance.gas),
  };
  const keys = Object.keys(after) as (keyof typeof after)[];
  return {
    recordDocuments: record,
    financePerItem: {
      beforeAgreement: FINANCE_BEFORE_AGREEMENT,
      withAgreement: after,
      added: Object.fromEntries(keys.map((k) => [k, after[k] - FINANCE_BEFORE_AGREEMENT[k]])) as Record<keyof typeof after, number>,
    },
  };
}

export function buildJson(m: Measurements, runtimeSeconds: number) {
  const a = analyse(m);
  const v = versions();
  const byBatch = <T>(f: (b: number) => T) => Object.fromEntries(BATCHES.map((b) => [`batch${b}`, f(b)]));
  const operations = Object.fromEntries((Object.keys(OPERATIONS) as Operation[]).map((k) => [k, n(m.operations[k].gas)]));
  const single = a.perReceivable[1];
  return {
    measuredAt: new Date().toISOString(),
    command: "npm run bench:gas",
    runtimeSeconds,
    ...v,
    method: {
      gas: "receipt gasUsed (after refunds), every figure from one run on one chain",
      steadyState:
        "operation ids and signature nonces are allocated sequentially; warm-up lifecycles and operation rounds run first, and a sample counts only if no operation-id or nonce bitmap word was used for the first time by its account",
      warmup: m.warmup,
    },
    lifecycle: byBatch((b) => a.perReceivable[b]),
    lifecycleSteps: byBatch((b) => stepsOf(m.lifecycle[b])),
    lifecycleConfirmBySig: byBatch((b) => a.perReceivableBySig[b]),
    lifecycleConfirmBySigSteps: byBatch((b) => stepsOf(m.lifecycleBySig[b])),
    baseline: {
      lifecycle: a.baseline,
      steps: stepsOf(m.baseline),
      ledgerOverBaseline: byBatch((b) => Number(ratio(a.perReceivable[b], a.baseline))),
    },
    operations,
    operationLabels: OPERATIONS,
    operationSteadySamples: Object.fromEntries(
      (Object.keys(OPERATIONS) as Operation[]).map((k) => [k, m.operationSamples[k].map(Number)]),
    ),
    documents: documentsJson(m),
    floor: {
      freshSlotGas: FRESH_SLOT_GAS,
      intrinsicPerTx: INTRINSIC_GAS,
      freshSlots: FRESH_SLOTS,
      freshSlotsPerLifecycle: FRESH_SLOTS.length,
      freshSlotsObservedBatch1: a.freshObserved,
      storage: byBatch((b) => a.storage[b]),
      measuredOverStorageFloor: byBatch((b) => Number(ratio(a.perReceivable[b], a.storage[b]))),
      requiredEffectsBatch1: {
        items: a.required.items,
        total: a.required.total,
        issueListTotal: a.required.issueListTotal,
        measured: single,
        measuredOverFloor: Number(ratio(single, a.required.total)),
        gapToMeasured: a.gap,
      },
    },
    breakdown: {
      method: "debug_traceTransaction {disableMemory, disableStorage}; calls charged their own overhead only",
      ledgerBatch1: {
        ...Object.fromEntries(STEPS.map((s) => [s, named(m.breakdown.ledger[s], m.accountNames)])),
        total: named(m.breakdown.ledgerTotal, m.accountNames),
      },
      ledgerMarginalPerItem: marginal(m.breakdown.ledgerTotal, m.breakdown.ledgerBatch10Total),
      baselineBatch1: {
        ...Object.fromEntries(STEPS.map((s) => [s, named(m.breakdown.baseline[s], m.accountNames)])),
        total: named(m.breakdown.baselineTotal, m.accountNames),
      },
    },
    targets: {
      batch100: {
        limit: TARGETS.batch100,
        measured: a.perReceivable[100],
        met: a.perReceivable[100] <= TARGETS.batch100,
        margin: TARGETS.batch100 - a.perReceivable[100],
      },
      singleTransactions: {
        limit: TARGETS.singleTransactions,
        measured: single,
        met: single <= TARGETS.singleTransactions,
        margin: TARGETS.singleTransactions - single,
        requiredEffectsFloor: a.required.total,
        requiredEffectsFloorIssueListOnly: a.required.issueListTotal,
        reachableWithoutRemovingMandatedEffects: a.required.total <= TARGETS.singleTransactions,
      },
    },
  };
}

export function buildMarkdown(m: Measurements, json: ReturnType<typeof buildJson>): string {
  const a = analyse(m);
  const v = versions();
  const t100 = json.targets.batch100;
  const t1 = json.targets.singleTransactions;
  const out: string[] = [];
  const p = (...paragraphs: string[]) => {
    for (const para of paragraphs) out.push(para, "");
  };

  p(
    "# Gas benchmark",
    `Generated by \`npm run bench:gas\` (\`scripts/bench/gas.ts\`) at ${json.measuredAt} in ${json.runtimeSeconds} s. ` +
      "Do not edit by hand: rerun the command.",
    `It deploys Membership, SettlementToken, ReceivableLedger and the plain per-item baseline ` +
      "(`contracts/test/BaselineReceivables.sol`) to Hardhat's in-process network " +
      `(Hardhat ${v.hardhat.version}, hardfork ${v.hardhat.hardfork}), compiled with solc ${v.solc.version} ` +
      `(viaIR ${v.solc.viaIR}, optimizer ${JSON.stringify(v.solc.optimizer)}, evm ${v.solc.evmVersion}), ` +
      "and measures everything in that one run, so the figures compare as ratios. Gas is the receipt's " +
      "`gasUsed` (after refunds). One supplier, one obligor and one bank per batch; confirmation by the " +
      "obligor with `confirm(ids)` unless stated; settlement by a keeper account that holds no role.",
  );
  p(
    "**Steady state.** The platform allocates operation ids (outbox ids) and signature nonces " +
      "sequentially, and the contracts record both in bitmaps of 256 per account, so only the first id an " +
      "account uses in each 256-id word writes a fresh slot (+17,100 gas); afterwards the word is " +
      "already non-zero. The benchmark therefore first runs " +
      `${m.warmup.lifecycles} warm-up lifecycles of each kind and ${m.warmup.operationRounds} rounds of every operation ` +
      "(which also gives every party a token balance, an ERC-721 balance and a credit line, as in production), " +
      "then measures later ones, and keeps a sample only if none of its operation-id or nonce words was used " +
      "by its account for the first time (repeating the measurement otherwise). The baseline supplier keeps " +
      "one unfinanced certificate so that escrowing the benchmarked ones never takes its ERC-721 balance to zero. " +
      "Block times follow the wall clock, so a rerun may differ by a calldata byte or two (12 gas each) where a " +
      "maturity or deadline happens to contain a zero byte.",
  );

  p("## Targets");
  p(
    table(
      ["target (gas per receivable, whole life)", "limit", "measured", "status"],
      [
        ["batches of 100", fmt(t100.limit), fmt(t100.measured), t100.met ? `met (${fmt(t100.margin)} to spare)` : `missed by ${fmt(-t100.margin)}`],
        [
          "every step its own transaction (batch 1)",
          fmt(t1.limit),
          fmt(t1.measured),
          t1.met ? `met (${fmt(t1.margin)} to spare)` : `**missed by ${fmt(-t1.margin)}**`,
        ],
      ],
    ),
  );
  p(
    `The single-transaction target is ${t1.reachableWithoutRemovingMandatedEffects ? "" : "**not** "}reachable ` +
      `without removing mandated effects: the effects the design requires cost at least ${fmt(a.required.total)} gas ` +
      `when every step is its own transaction (see "Required-effects floor" below), ` +
      (t1.reachableWithoutRemovingMandatedEffects
        ? `which is below ${fmt(t1.limit)}.`
        : `${fmt(a.required.total - t1.limit)} more than the ${fmt(t1.limit)} target before a single instruction of ` +
          `compute. The contracts spend ${fmt(t1.measured - a.required.total)} gas above that floor ` +
          `(${pct(t1.measured - a.required.total, t1.measured)} of the total).`),
  );

  p("## Lifecycle gas per receivable", "register + confirm + finance + settle, gas summed over the transactions ÷ receivables.");
  const rows: (string | number)[][] = BATCHES.map((b) => {
    const r = m.lifecycle[b];
    return [
      `ledger, batch ${b}`,
      ...STEPS.map((s) => fmt(n(r.steps[s].gas) / b)),
      `**${fmt(a.perReceivable[b])}**`,
      fmt(a.perReceivableBySig[b]),
      fmt(a.storage[b]),
      ratio(a.perReceivable[b], a.storage[b]),
      ratio(a.perReceivable[b], a.baseline),
    ];
  });
  rows.push([
    "baseline (per item, 4 txs)",
    ...STEPS.map((s) => fmt(m.baseline.steps[s].gas)),
    `**${fmt(a.baseline)}**`,
    "–",
    fmt(a.storage[1]),
    ratio(a.baseline, a.storage[1]),
    "1.00",
  ]);
  p(
    table(
      ["", ...STEPS.map((s) => `${s} / item`), "lifecycle", "with confirmBySig", "storage floor", "÷ floor", "÷ baseline"],
      rows,
    ),
  );
  p(
    "*with confirmBySig*: the obligor signs one EIP-712 `ConfirmReceivables` for the whole batch and the keeper " +
      "submits it. The baseline has no batching, so its per-item figure is the same at any batch size; it uses " +
      "the same settlement token (whose transfers check both parties' membership) but no membership checks, " +
      "operation ids or signatures of its own, and escrows the certificate by ERC-721 transfer.",
  );

  p(
    "## Storage floor",
    `A receivable's life must create ${FRESH_SLOTS.length} storage slots (counted from the contracts, and ` +
      "confirmed by the fresh-slot SSTOREs in the trace of the batch-1 lifecycle: " +
      STEPS.map((s) => `${s} ${a.freshObserved[s]}`).join(", ") +
      "). ERC-721 ownership is lazy (`ReceivableRegistry._ownerOf`), so no owner slot is written unless the " +
      "certificate changes hands; the holder's ERC-721 balance, the id counter, credit lines and token balances " +
      "exist already in steady state and are updates, not new slots. The baseline writes " +
      `${m.breakdown.baselineTotal.counts.sstoreNew} (a six-slot record, the ERC-721 owner, the invoice key, ` +
      "a four-slot financing record).",
  );
  p(table(["step", "fresh slot"], FRESH_SLOTS.map((f) => [f.step, `\`${f.slot}\``]), ["l", "l"]));
  p(
    `Floor per receivable = ${FRESH_SLOTS.length} × ${fmt(FRESH_SLOT_GAS)} (20,000 for the new slot + 2,100 cold access) ` +
      `+ 4 × ${fmt(INTRINSIC_GAS)} intrinsic ÷ batch size = ` +
      BATCHES.map((b) => `${fmt(a.storage[b])} at batch ${b}`).join(", ") +
      `. The contracts come within **${ratio(a.perReceivable[100], a.storage[100])}×** of it at batch 100 ` +
      `and **${ratio(a.perReceivable[1], a.storage[1])}×** at batch 1 (baseline: ${ratio(a.baseline, a.storage[1])}×).`,
  );

  p(
    "## Required-effects floor (batch 1, every step its own transaction)",
    "What the design mandates, each priced at the least the EVM charges for it (every slot touched once, " +
      "cold; no compute, no repeated access). Calldata and events are taken as measured. A party's membership " +
      "check is one cold SLOAD in Membership; the Membership contract itself is a cold account once per " +
      "transaction, not once per party. Not counted although the contracts do them: the pause flag, the ledger " +
      "parameters (tenor check), ERC-1271 support, the reentrancy lock.",
  );
  p(
    table(
      ["effect", "listed in the issue", "count", "unit", "gas"],
      [
        ...a.required.items.map((i) => [
          i.effect, i.inIssueList ? "yes" : "no", i.count, i.unit === null ? "measured" : fmt(i.unit), fmt(i.gas),
        ]),
        ["**floor**", "", "", "", `**${fmt(a.required.total)}**`],
        ["floor of the issue's list only", "", "", "", fmt(a.required.issueListTotal)],
        ["measured lifecycle", "", "", "", fmt(t1.measured)],
        ["target", "", "", "", fmt(t1.limit)],
      ],
      ["l", "l", "r", "r", "r"],
    ),
  );
  p(
    `Even the issue's own list of required effects comes to ${fmt(a.required.issueListTotal)} gas ` +
      `(${a.required.issueListTotal > t1.limit ? "above" : "below"} ${fmt(t1.limit)}). ` +
      "EIP-2930 access lists would lower every cold access by 100 gas (about 4,700 per lifecycle, in the floor " +
      "as in the measurement); that does not change the conclusion. Only dropping mandated effects (a " +
      "transaction, an operation id, membership checks, events) or merging steps (e.g. the obligor issuing the " +
      "certificate instead of register + confirm) would bring a lifecycle under 320,000.",
  );
  p(
    `Measured ÷ floor = ${ratio(t1.measured, a.required.total)}. The ${fmt(t1.measured - a.required.total)} gas ` +
      "between them, from the breakdown below:",
  );
  p(table(["above the floor", "gas"], a.gap.map((g) => [g.effect, fmt(g.gas)]), ["l", "r"]));

  const cols = [...STEPS, "total"] as const;
  const ledgerCols: Breakdown[] = [...STEPS.map((s) => m.breakdown.ledger[s]), m.breakdown.ledgerTotal];
  const marg = json.breakdown.ledgerMarginalPerItem;
  p(
    "## Where the gas goes: opcode breakdown",
    "The four transactions of the steady-state batch-1 lifecycle, traced with `debug_traceTransaction` " +
      "(`disableMemory`, `disableStorage`). A CALL/STATICCALL is charged only its own overhead (gas before the " +
      "call − gas after it returns − what the callee's steps consumed); the callee's steps are classified like " +
      "the caller's. Calldata is priced from the transaction data (16 per non-zero byte, 4 per zero byte). " +
      "The cold-slot surcharge (2,100) lands on whichever opcode touches a slot first, usually an SLOAD before " +
      "the SSTORE. *+1 item* is the marginal cost of one more receivable in a batch, (batch 10 − batch 1) ÷ 9.",
  );
  p(
    table(
      ["gas", ...cols, "+1 item", "baseline total"],
      [
        ...BREAKDOWN_ROWS.map(([k, label]) => [
          label,
          ...ledgerCols.map((b) => fmt(b[k] as number)),
          fmt(marg[k]),
          fmt(m.breakdown.baselineTotal[k] as number),
        ]),
        ["**gasUsed**", ...ledgerCols.map((b) => `**${fmt(b.gasUsed)}**`), `**${fmt(marg.gasUsed)}**`, `**${fmt(m.breakdown.baselineTotal.gasUsed)}**`],
      ],
    ),
  );
  const c = (b: Breakdown) => b.counts;
  p(
    table(
      ["counts", ...cols, "baseline total"],
      (
        [
          ["fresh slots", (b: Breakdown) => c(b).sstoreNew],
          ["slot updates", (b: Breakdown) => c(b).sstoreUpdate - c(b).sstoreRewrite],
          ["slot re-writes (100)", (b: Breakdown) => c(b).sstoreRewrite],
          ["cold SLOADs", (b: Breakdown) => c(b).sloadCold],
          ["warm SLOADs", (b: Breakdown) => c(b).sloadWarm],
          ["events", (b: Breakdown) => c(b).log],
          ["calls to cold accounts", (b: Breakdown) => c(b).callsCold],
          ["calls to warm accounts", (b: Breakdown) => c(b).callsWarm],
          ["calldata bytes (zero)", (b: Breakdown) => `${c(b).calldataBytes} (${c(b).calldataZeroBytes})`],
        ] as [string, (b: Breakdown) => number | string][]
      ).map(([label, f]) => [label, ...ledgerCols.map(f), f(m.breakdown.baselineTotal)]),
    ),
  );
  const byContract = json.breakdown.ledgerBatch1.total.computeByContract;
  p(
    "Other compute by contract (batch-1 lifecycle): " +
      Object.entries(byContract).map(([k, g]) => `${k} ${fmt(g)}`).join(", ") + ".",
  );

  p("## Single operations", "Steady state, one item per call, each on its own certificate(s).");
  p(
    table(
      ["operation", "gas", "what it writes"],
      (Object.keys(OPERATIONS) as Operation[]).map((k) => [OPERATIONS[k], fmt(m.operations[k].gas), OPERATION_NOTES[k]]),
      ["l", "r", "l"],
    ),
  );
  p(
    "The partial settlement, overdue repayment, default and recourse run on a second obligor whose repayment " +
      "authorization (allowance) covers 400,000 of the 950,000 yuan due: the settlement becomes Overdue after the " +
      "grace period; repayment follows once the authorization is raised; default is declared after the default " +
      "period and the bank recovers the shortfall from the supplier (financed with recourse).",
  );

  const d = json.documents;
  p(
    "## Signed documents",
    "`recordDocuments` records the SM3 fingerprints of the documents a certificate's parties signed " +
      "(docs/signed-documents.md): an event per item and no storage beyond the operation id. Steady state, on " +
      "Confirmed certificates of one obligor; the checks run in the linked library DocumentRecords (a delegatecall " +
      "per transaction, the library a cold account).",
  );
  p(
    table(
      ["kind, recorded by", ...DOCUMENT_BATCHES.map((b) => `${b} item${b === 1 ? "" : "s"} / call`), "per item at 100", "+1 item"],
      (Object.keys(DOCUMENT_KINDS) as DocumentKind[]).map((k) => [
        `${k} (${DOCUMENT_KINDS[k].kind}), ${d.recordDocuments[k].recordedBy}`,
        ...DOCUMENT_BATCHES.map((b) => fmt(d.recordDocuments[k].perCall[`items${b}`])),
        fmt(d.recordDocuments[k].perItemAt100),
        fmt(d.recordDocuments[k].marginalPerItem),
      ]),
      ["l", "r", "r", "r", "r", "r"],
    ),
  );
  const f = d.financePerItem;
  p(
    "The financing agreement is bound in the holder-signed `FinanceTerms` (`bytes32 agreement`) and carried to " +
      "`ReceivableFinanced`: one more word of calldata, of the signed struct's hash and of event data per financing. " +
      "*before*: the same benchmark on the contracts before it (commit 127a14a); *after*: this run.",
  );
  p(
    table(
      ["finance, gas per item", "batch 1 (lifecycle)", "batch 10", "batch 100", "single operation"],
      [
        ["before (no agreement)", fmt(f.beforeAgreement.batch1), fmt(f.beforeAgreement.batch10), fmt(f.beforeAgreement.batch100), fmt(f.beforeAgreement.single)],
        ["after (agreement bound)", fmt(f.withAgreement.batch1), fmt(f.withAgreement.batch10), fmt(f.withAgreement.batch100), fmt(f.withAgreement.single)],
        ["added", fmt(f.added.batch1), fmt(f.added.batch10), fmt(f.added.batch100), fmt(f.added.single)],
      ],
      ["l", "r", "r", "r", "r"],
    ),
  );
  const r = d.recordDocuments;
  const alone = f.added.batch1 + r.certificate.perCall.items1 + r.notice.perCall.items1;
  const batched = f.added.batch100 + r.certificate.perItemAt100 + r.notice.perItemAt100;
  p(
    `**Per lifecycle**, when people sign all three documents (the agreement bound in the funding, the certificate ` +
      `and the notice's acknowledgment recorded): ${fmt(alone)} gas with each record in a transaction of its own, ` +
      `${fmt(batched)} when the outbox carries them in batches of 100 (the signed agreement alone, bound in its ` +
      `financing: ${fmt(f.added.batch1)} / ${fmt(f.added.batch100)}).`,
  );
  return `${out.join("\n").trimEnd()}\n`;
}
