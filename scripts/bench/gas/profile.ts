import hre from "hardhat";
import { getBytes } from "ethers";

/**
 * Opcode-level gas breakdown of one transaction from `debug_traceTransaction`.
 *
 * A CALL-family step's gasCost includes the gas forwarded to the callee, so a call is charged
 * only its own overhead: gas before the call, minus gas right after it returns at the same
 * depth, minus what the callee consumed (its first step's gas minus what was left after its
 * last step). The callee's own steps are then classified like any other.
 */
export interface Breakdown {
  gasUsed: number; // receipt, after refunds
  intrinsic: number; // 21,000 per transaction
  calldata: number; // 16 per non-zero byte, 4 per zero byte
  sstoreNew: number; // zero → non-zero (20,000 + 2,100 cold)
  sstoreUpdate: number; // every other SSTORE (2,900 + 2,100 cold, 100 when dirty or unchanged)
  sstoreRewrite: number; // the part of sstoreUpdate that rewrote a slot already written or unchanged (100 each)
  sloadCold: number;
  sloadWarm: number;
  log: number;
  callOverhead: number; // own cost of CALL/STATICCALL/DELEGATECALL: account access (2,600 cold / 100 warm), memory
  accountAccess: number; // EXTCODESIZE / EXTCODEHASH / BALANCE on other accounts
  ecrecover: number; // the precompile's 3,000
  otherCompute: number; // everything else: ABI decoding, hashing, checks, memory, transient storage
  refund: number; // negative: SSTORE refunds granted at the end
  computeByAccount: Record<string, number>; // otherCompute by the account whose storage the code ran on
  coldStateVariables: Record<string, number>; // "account:slot" → cold accesses, for plain (non-mapping) slots
  counts: {
    sstoreNew: number;
    sstoreUpdate: number;
    sstoreRewrite: number;
    sloadCold: number;
    sloadWarm: number;
    log: number;
    callsCold: number;
    callsWarm: number;
    accountAccessCold: number;
    ecrecover: number;
    calldataBytes: number;
    calldataZeroBytes: number;
    coldSlots: number; // SLOADs and SSTOREs that paid the 2,100 cold-slot surcharge
  };
}

interface StructLog {
  op: string;
  gas: number;
  gasCost: number;
  depth: number;
  stack?: string[];
}

const CALLS = new Set(["CALL", "CALLCODE", "DELEGATECALL", "STATICCALL"]);
const ACCOUNT_OPS = new Set(["EXTCODESIZE", "EXTCODEHASH", "EXTCODECOPY", "BALANCE"]);
const ECRECOVER = 1n;
const ECRECOVER_GAS = 3000;

export function calldataCost(data: string): { gas: number; bytes: number; zero: number } {
  const bytes = getBytes(data);
  const zero = bytes.filter((b) => b === 0).length;
  return { gas: zero * 4 + (bytes.length - zero) * 16, bytes: bytes.length, zero };
}

export async function profile(hash: string): Promise<Breakdown> {
  const provider = hre.ethers.provider;
  const [tx, receipt] = await Promise.all([provider.getTransaction(hash), provider.getTransactionReceipt(hash)]);
  if (!tx || !receipt) throw new Error(`unknown transaction ${hash}`);
  const trace = (await hre.network.provider.send("debug_traceTransaction", [
    hash,
    { disableMemory: true, disableStorage: true },
  ])) as { structLogs: StructLog[] };
  const logs = trace.structLogs;
  const cd = calldataCost(tx.data);
  const b: Breakdown = {
    gasUsed: Number(receipt.gasUsed), intrinsic: 21000, calldata: cd.gas,
    sstoreNew: 0, sstoreUpdate: 0, sstoreRewrite: 0, sloadCold: 0, sloadWarm: 0, log: 0, callOverhead: 0,
    accountAccess: 0, ecrecover: 0, otherCompute: 0, refund: 0, computeByAccount: {}, coldStateVariables: {},
    counts: {
      sstoreNew: 0, sstoreUpdate: 0, sstoreRewrite: 0, sloadCold: 0, sloadWarm: 0, log: 0, callsCold: 0, callsWarm: 0,
      accountAccessCold: 0, ecrecover: 0, calldataBytes: cd.bytes, calldataZeroBytes: cd.zero,
      coldSlots: 0,
    },
  };
  if (Number(tx.gasLimit) - logs[0].gas !== b.intrinsic + b.calldata) {
    throw new Error(`intrinsic gas of ${hash} is not 21000 + calldata: check the calldata rule for this hardfork`);
  }

  // index of the next step at the same depth (where a call returns to)
  const resume = new Array<number>(logs.length).fill(-1);
  const open: number[] = [];
  for (let i = 0; i < logs.length; i++) {
    while (open.length && logs[open[open.length - 1]].depth >= logs[i].depth) resume[open.pop()!] = i;
    open.push(i);
  }

  const accounts: string[] = [tx.to!.toLowerCase()]; // storage context by depth
  const compute = (i: number, gas: number) => {
    const account = accounts[logs[i].depth - 1];
    b.otherCompute += gas;
    b.computeByAccount[account] = (b.computeByAccount[account] ?? 0) + gas;
  };
  const coldSlot = (i: number) => {
    b.counts.coldSlots++;
    const stack = logs[i].stack!;
    const slot = BigInt(`0x${stack[stack.length - 1]}`);
    if (slot < 1n << 32n) {
      const key = `${accounts[logs[i].depth - 1]}:0x${slot.toString(16)}`;
      b.coldStateVariables[key] = (b.coldStateVariables[key] ?? 0) + 1;
    }
  };
  for (let i = 0; i < logs.length; i++) {
    const step = logs[i];
    const op = step.op;
    accounts.length = step.depth;
    if (CALLS.has(op)) {
      const stack = step.stack!;
      const target = BigInt(`0x${stack[stack.length - 2]}`);
      accounts[step.depth] = op === "DELEGATECALL" || op === "CALLCODE"
        ? accounts[step.depth - 1]
        : `0x${target.toString(16).padStart(40, "0")}`;
      const j = resume[i];
      if (j < 0) throw new Error(`call at step ${i} of ${hash} never returns`);
      const spent = step.gas - logs[j].gas;
      if (j > i + 1 && logs[i + 1].depth === step.depth + 1) {
        const last = logs[j - 1]; // the callee's final step (nested calls have returned by then)
        const calleeUsed = logs[i + 1].gas - (last.gas - last.gasCost);
        const own = spent - calleeUsed;
        b.callOverhead += own;
        if (own >= 2600) b.counts.callsCold++;
        else b.counts.callsWarm++;
      } else {
        // no code ran: a precompile (or an account without code)
        if (target === ECRECOVER) {
          b.ecrecover += ECRECOVER_GAS;
          b.counts.ecrecover++;
          b.callOverhead += spent - ECRECOVER_GAS;
          b.counts.callsWarm++; // precompiles are always warm
        } else {
          compute(i, spent);
        }
      }
    } else if (op === "SSTORE") {
      if ([22100, 5000, 2200].includes(step.gasCost)) coldSlot(i);
      if (step.gasCost >= 20000) {
        b.sstoreNew += step.gasCost;
        b.counts.sstoreNew++;
      } else {
        b.sstoreUpdate += step.gasCost;
        b.counts.sstoreUpdate++;
        if (step.gasCost <= 100) {
          b.sstoreRewrite += step.gasCost;
          b.counts.sstoreRewrite++;
        }
      }
    } else if (op === "SLOAD") {
      if (step.gasCost >= 2100) {
        coldSlot(i);
        b.sloadCold += step.gasCost;
        b.counts.sloadCold++;
      } else {
        b.sloadWarm += step.gasCost;
        b.counts.sloadWarm++;
      }
    } else if (op.startsWith("LOG")) {
      b.log += step.gasCost;
      b.counts.log++;
    } else if (ACCOUNT_OPS.has(op)) {
      b.accountAccess += step.gasCost;
      if (step.gasCost >= 2600) b.counts.accountAccessCold++;
    } else {
      compute(i, step.gasCost);
    }
  }

  const top = logs.filter((l) => l.depth === 1);
  const end = top[top.length - 1];
  const execution = logs[0].gas - (end.gas - end.gasCost);
  const attributed = b.sstoreNew + b.sstoreUpdate + b.sloadCold + b.sloadWarm + b.log + b.callOverhead
    + b.accountAccess + b.ecrecover + b.otherCompute;
  if (attributed !== execution) {
    throw new Error(`breakdown of ${hash} attributes ${attributed} gas but execution used ${execution}`);
  }
  b.refund = b.gasUsed - (b.intrinsic + b.calldata + execution);
  if (b.refund > 0) throw new Error(`breakdown of ${hash}: receipt gas exceeds intrinsic + execution`);
  return b;
}

/** Element-wise sum of breakdowns (e.g. the four transactions of one lifecycle). */
export function addBreakdowns(parts: Breakdown[]): Breakdown {
  const total = JSON.parse(JSON.stringify(parts[0])) as Breakdown;
  for (const p of parts.slice(1)) {
    for (const k of Object.keys(p) as (keyof Breakdown)[]) {
      if (k === "counts") {
        for (const c of Object.keys(p.counts) as (keyof Breakdown["counts"])[]) total.counts[c] += p.counts[c];
      } else if (k === "computeByAccount" || k === "coldStateVariables") {
        for (const [a, g] of Object.entries(p[k])) total[k][a] = (total[k][a] ?? 0) + g;
      } else {
        (total[k] as number) += p[k] as number;
      }
    }
  }
  return total;
}

export type BreakdownRow = Exclude<keyof Breakdown, "counts" | "computeByAccount" | "coldStateVariables" | "sstoreRewrite">;
export const BREAKDOWN_ROWS: [BreakdownRow, string][] = [
  ["intrinsic", "intrinsic (21,000 per tx)"],
  ["calldata", "calldata (16 / non-zero byte, 4 / zero byte)"],
  ["sstoreNew", "SSTORE new slot"],
  ["sstoreUpdate", "SSTORE update"],
  ["sloadCold", "SLOAD cold"],
  ["sloadWarm", "SLOAD warm"],
  ["log", "LOG (events)"],
  ["callOverhead", "external call overhead"],
  ["accountAccess", "EXTCODESIZE etc. on other accounts"],
  ["ecrecover", "ecrecover precompile"],
  ["otherCompute", "other compute"],
  ["refund", "SSTORE refund"],
];
