import type { Breakdown } from "./profile";
import type { Step } from "./scenario";

export const FRESH_SLOT_GAS = 22_100; // 20,000 zero → non-zero + 2,100 cold slot
export const UPDATE_GAS = 5_000; // 2,900 non-zero → non-zero + 2,100 cold slot
export const COLD_SLOAD = 2_100;
export const COLD_ACCOUNT = 2_600;
export const INTRINSIC_GAS = 21_000;
export const ECRECOVER_GAS = 3_000;
export const CLEAR_REFUND = 4_800; // non-zero → zero (EIP-3529)

/**
 * The storage slots a receivable's life must create, counted from the contracts: a certificate
 * record is three slots (LedgerTypes.Receivable), each invoice key one mapping slot, a financing
 * one lien slot. ERC-721 ownership is lazy (ReceivableRegistry._ownerOf), so no owner slot is
 * written unless the certificate changes hands; the holder's ERC-721 balance, the id counter,
 * the credit line and the token balances already exist in steady state (updates, not new slots).
 */
export const FRESH_SLOTS: { step: Step; slot: string }[] = [
  { step: "register", slot: "_receivables[id] slot 0: obligor, amount, status, flags" },
  { step: "register", slot: "_receivables[id] slot 1: creditor, maturity, tier, parentId" },
  { step: "register", slot: "_receivables[id] slot 2: invoicesRoot" },
  { step: "register", slot: "_invoiceReceivable[key]: one invoice key" },
  { step: "finance", slot: "_liens[id]: bank, due" },
];

/** Fresh slots × 22,100 per receivable, plus 21,000 per transaction shared by the batch. */
export function storageFloor(batch: number): number {
  return FRESH_SLOTS.length * FRESH_SLOT_GAS + (4 * INTRINSIC_GAS) / batch;
}

export interface FloorItem {
  effect: string;
  count: number;
  unit: number | null; // null when measured rather than priced
  gas: number;
  coldSlots: number; // distinct storage slots this item touches for the first time in its transaction
  inIssueList: boolean; // one of the effects the issue lists (the others are mandated too, but were not listed)
}

/**
 * What a single-item lifecycle with every step its own transaction must spend on effects the
 * design mandates, priced at the cheapest the EVM allows (every slot touched once, cold). It
 * leaves out all compute (ABI decoding, hashing, comparisons, memory) and every repeated access,
 * so real code necessarily costs more. Calldata and events are taken as measured.
 */
export interface RequiredEffectsFloor {
  items: FloorItem[];
  total: number;
  issueListTotal: number; // only the effects the issue lists
  coldSlots: number;
  coldAccounts: number;
}

export function requiredEffectsFloor(steps: Record<Step, Breakdown>): RequiredEffectsFloor {
  const all = Object.values(steps);
  const calldata = all.reduce((a, b) => a + b.calldata, 0);
  const logGas = all.reduce((a, b) => a + b.log, 0);
  const logCount = all.reduce((a, b) => a + b.counts.log, 0);
  const priced = (effect: string, count: number, unit: number, slotsEach = 0, inIssueList = true): FloorItem =>
    ({ effect, count, unit, gas: count * unit, coldSlots: count * slotsEach, inIssueList });
  const measured = (effect: string, count: number, gas: number): FloorItem =>
    ({ effect, count, unit: null, gas, coldSlots: 0, inIssueList: true });
  const items: FloorItem[] = [
    priced("intrinsic: one per transaction (register, confirm, finance, settle)", 4, INTRINSIC_GAS),
    measured("calldata of the four transactions, as ABI-encoded (measured)", 4, calldata),
    priced("fresh slots: record ×3 and invoice key at register, lien at finance", FRESH_SLOTS.length, FRESH_SLOT_GAS, 1),
    priced("status writes: record slot 0 at confirm, finance, settle (cold read + update)", 3, UPDATE_GAS, 1),
    priced("certificate id counter at register", 1, UPDATE_GAS, 1, false),
    priced("holder's ERC-721 balance at register", 1, UPDATE_GAS, 1, false),
    priced("operation-id bitmap word of each submitter (already non-zero)", 4, UPDATE_GAS, 1),
    priced("holder's signature-nonce bitmap word at finance", 1, UPDATE_GAS, 1),
    priced("ecrecover of the holder's FinanceTerms signature", 1, ECRECOVER_GAS, 0, false),
    priced("credit line: charge at finance, release at settle", 2, UPDATE_GAS, 1),
    priced("settlement-token balances: bank, supplier at finance; obligor, bank, supplier at settle", 5, UPDATE_GAS, 1),
    priced("token allowances read: bank's (advance), obligor's (repayment)", 2, COLD_SLOAD, 1, false),
    priced("record slot 1 read (maturity, holder) at finance and settle", 2, COLD_SLOAD, 1, false),
    priced("lien released at settle: cold read + clear (5,000) less the 4,800 refund", 1, UPDATE_GAS - CLEAR_REFUND, 1, false),
    priced("membership check of every party, one cold SLOAD each (2 + 1 + 2 + 3)", 8, COLD_SLOAD, 1),
    priced("obligor's delinquency count read at confirm (a delinquent obligor may not confirm)", 1, COLD_SLOAD, 1, false),
    priced("membership contract, first access in each transaction", 4, COLD_ACCOUNT),
    priced("settlement-token contract, first access at finance and settle", 2, COLD_ACCOUNT),
    measured(`events of the four transactions (${logCount} logs, measured)`, logCount, logGas),
  ];
  return {
    items,
    total: items.reduce((a, i) => a + i.gas, 0),
    issueListTotal: items.filter((i) => i.inIssueList).reduce((a, i) => a + i.gas, 0),
    coldSlots: items.reduce((a, i) => a + i.coldSlots, 0),
    coldAccounts: 4 + 2,
  };
}
