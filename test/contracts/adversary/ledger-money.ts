/** Adversary rows for the money side of ReceivableLedger: credit lines, financing, clearing, held payouts, policy. */
import { expect } from "vitest";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { ZeroHash } from "ethers";
import { nextOp, orgId, signTerms, DEFAULT_PARAMS, YUAN, CREDIT_LIMIT } from "../fixtures";
import { ReceivableStatus as S } from "../../../backend/src/ledger/roles";
import { FACE, MAX, SMALL_LINE, ledgerState, type Scene } from "./scene";
import {
  err, may, refuse, harmless, every, gate, inactive, missing, notOperator, SELF, CORE, BANK, type ContractRows, type Call,
  type Refusal,
} from "./table";

type Signer = HardhatEthersSigner;
const L = (s: Scene, who: Signer) => s.w.ledger.connect(who);
const ADVANCE = 900_000n * YUAN; // signTerms' defaults
const DUE = 950_000n * YUAN;
const addr = (name: keyof Scene["as"]) => (s: Scene) => s.as[name].address;
const id = (name: keyof Scene["ids"]) => (s: Scene) => s.ids[name];
const used = (bank: keyof Scene["as"], obligor: keyof Scene["as"]) => async (s: Scene) =>
  (await s.w.ledger.creditLine(s.as[bank].address, s.as[obligor].address)).used;
/** Every member kind gets `outcome`; the others (not members, removed, suspended) MemberInactive. */
const members = (outcome: Refusal) => every(inactive, { core: outcome, supplier: outcome, bank: outcome, issuer: outcome, auditor: outcome });

/**
 * `who` funds terms the holder really signed (so that only the bank's own mistake can fail the
 * batch, whatever the order of the ledger's checks): supplierA's terms for C naming `who`, changed by `t`.
 */
type Terms = { receivableId?: bigint; advance?: bigint; due?: bigint; holder?: Signer };
const financeSigned = (t: (s: Scene, who: Signer) => Terms = () => ({})): Call => async (s, who) => {
  const { holder = s.as.supplierA, ...terms } = t(s, who);
  const g = await signTerms(s.w, holder, { receivableId: s.ids.C, bank: who.address, ...terms });
  return L(s, who).finance([g.terms], [g.signature], nextOp());
};
const creditLine = (obligor: (s: Scene) => string, limit: bigint): Call => (s, who) => L(s, who).setCreditLine(obligor(s), limit, nextOp());
const settle = (ids: (s: Scene) => bigint[]): Call => (s, who) => L(s, who).settle(ids(s), nextOp());
const declare = (ids: (s: Scene) => bigint[]): Call => (s, who) => L(s, who).declareDefault(ids(s), nextOp());
const recourse = (ids: (s: Scene) => bigint[]): Call => (s, who) => L(s, who).claimRecourse(ids(s), nextOp());
const heldOf = (account: (s: Scene) => string): Call => (s, who) => L(s, who).withdrawHeldPayoutsOf(account(s));
const status = (idOf: (s: Scene) => bigint, is: S, expected: S) => err("ReceivableInvalidStatus", idOf, is, expected);
const params = (change: object) => ({ ...DEFAULT_PARAMS, ...change });
const setParams = (change: object): Call => (s, who) => L(s, who).setParams(params(change));
const paused = async (s: Scene) => {
  await (await L(s, s.as.operator).pause()).wait();
};
const REASON = orgId("hostile");
/** core1 let its matured M go unpaid past grace: the keeper settles it, M turns Overdue and core1 is delinquent. */
const core1Delinquent = async (s: Scene) => {
  await (await s.w.token.connect(s.as.core1).approve(s.ledger, 0n)).wait();
  await (await L(s, s.as.relayer).settle([s.ids.M], nextOp())).wait();
  expect(await s.w.ledger.delinquenciesOf(s.as.core1.address)).toBe(1n);
};

export const LEDGER_MONEY: ContractRows = {
  setCreditLine: {
    what: "sets its line for core1 to 2^256-1",
    call: creditLine(addr("core1"), MAX),
    suspended: "susBank",
    kinds: gate(BANK, { bank: err("FinancingInvalidLimit", addr("core1"), MAX, 0n) }),
    rows: [
      refuse("bankB", "for address(0)", creditLine(() => "0x" + "00".repeat(20), 1n), err("MemberInactive", "0x" + "00".repeat(20))),
      refuse("bankB", "for a supplier", creditLine(addr("supplierA"), 1n), err("MemberRoleMissing", addr("supplierA"), CORE)),
      refuse("bankB", "for a suspended core enterprise", creditLine(addr("susCore"), 1n), err("MemberInactive", addr("susCore"))),
      refuse("bankB", "for a removed key", creditLine(addr("removed"), 1n), err("MemberInactive", addr("removed"))),
      refuse("bankB", "a limit of 2^128", creditLine(addr("core1"), 1n << 128n), err("FinancingInvalidLimit", addr("core1"), 1n << 128n, 0n)),
      refuse("bankA", "cuts core1's line to 0 under what F owes", creditLine(addr("core1"), 0n), err("FinancingInvalidLimit", addr("core1"), 0n, used("bankA", "core1"))),
      refuse("bankA", "cuts core2's line to 0 under what O owes", creditLine(addr("core2"), 0n), err("FinancingInvalidLimit", addr("core2"), 0n, used("bankA", "core2"))),
      refuse("bankB", "an operation id it already used", (s, who) => L(s, who).setCreditLine(s.as.core1.address, 1n, s.usedOp.bankB), err("OperationAlreadyExecuted", SELF, (s: Scene) => s.usedOp.bankB)),
      harmless("bankB", "sets its own line for core1 to 1 fen: bankA's line is its own", creditLine(addr("core1"), 1n), async (s) => {
        expect((await s.w.ledger.creditLine(s.as.bankA.address, s.as.core1.address)).limit).toBe(CREDIT_LIMIT);
        expect((await s.w.ledger.creditLine(s.as.bankB.address, s.as.core1.address)).limit).toBe(1n);
      }),
    ],
  },
  // The holder-side reasons (not Confirmed, matured, signer no longer the holder, nonce or deadline,
  // seller inactive) are left out here: financing is changing to skip those items instead of reverting.
  finance: {
    what: "funds supplierA's terms for C, which name bankA",
    call: (s, who) => L(s, who).finance([s.cTerms.terms], [s.cTerms.signature], nextOp()),
    suspended: "susBank",
    kinds: gate(BANK, { bank: err("FinancingNotBank", id("C"), addr("bankA"), SELF) }),
    rows: [
      refuse("supplierA", "funds its own C on terms naming itself as the bank", financeSigned(), missing(BANK)),
      refuse("bankB", "a certificate that does not exist (2^256-1)", financeSigned(() => ({ receivableId: MAX })), err("ReceivableNotFound", MAX)),
      refuse("bankB", "certificate 0", financeSigned(() => ({ receivableId: 0n })), err("ReceivableNotFound", 0n)),
      refuse("bankB", "an advance of 0", financeSigned(() => ({ advance: 0n })), err("FinancingInvalidAdvance", id("C"), 0n, DUE)),
      refuse("bankB", "an advance above the amount due", financeSigned(() => ({ advance: DUE, due: ADVANCE })), err("FinancingInvalidAdvance", id("C"), DUE, ADVANCE)),
      refuse("bankB", "an amount due one fen above the face amount", financeSigned(() => ({ due: FACE + 1n })), err("FinancingDueExceedsFace", id("C"), FACE + 1n, FACE)),
      refuse("bankB", "advance and due of 2^80", financeSigned(() => ({ advance: 1n << 80n, due: 1n << 80n })), err("FinancingDueExceedsFace", id("C"), 1n << 80n, FACE)),
      refuse("bankB", "advance and due of 2^256-1", financeSigned(() => ({ advance: MAX, due: MAX })), err("FinancingDueExceedsFace", id("C"), MAX, FACE)),
      refuse("bankB", "supplierB's Cc2, owed by core2, beyond bankB's 1,000-yuan line", financeSigned((s) => ({ receivableId: s.ids.Cc2, holder: s.as.supplierB })),
        err("FinancingCreditLimitExceeded", SELF, addr("core2"), DUE, SMALL_LINE)),
      refuse("bankB", "an empty batch", (s, who) => L(s, who).finance([], [], nextOp()), err("LedgerEmptyBatch")),
      refuse("bankB", "terms without their signature", async (s, who) => L(s, who).finance([s.cTerms.terms], [], nextOp()), err("LedgerLengthMismatch", 1n, 0n)),
      refuse("bankB", "one terms with two signatures", async (s, who) => L(s, who).finance([s.cTerms.terms], [s.cTerms.signature, s.cTerms.signature], nextOp()), err("LedgerLengthMismatch", 1n, 2n)),
      refuse("bankB", "its own signed terms for Cc2 followed by supplierA's terms naming bankA", async (s, who) => {
        const own = await signTerms(s.w, s.as.supplierB, { receivableId: s.ids.Cc2, bank: who.address, advance: 1n, due: 1n });
        return L(s, who).finance([own.terms, s.cTerms.terms], [own.signature, s.cTerms.signature], nextOp());
      }, err("FinancingNotBank", id("C"), addr("bankA"), SELF)),
      harmless("bankA", "funds supplierA's terms for I and T, which wait for their receivers: both skipped, nothing moves", async (s, who) => {
        const terms = [await signTerms(s.w, s.as.supplierA, { receivableId: s.ids.I, bank: who.address }), await signTerms(s.w, s.as.supplierA, { receivableId: s.ids.T, bank: who.address })];
        return L(s, who).finance(terms.map((t) => t.terms), terms.map((t) => t.signature), nextOp());
      }, async (s) => {
        expect(await ledgerState(s)).toEqual(s.before);
      }),
    ],
  },
  settle: {
    what: "settles a certificate that does not exist (2^256-1)",
    call: settle(() => [MAX]),
    suspended: "susCore",
    kinds: every(err("ReceivableNotFound", MAX)),
    rows: [
      refuse("outsider", "C before its maturity", settle((s) => [s.ids.C]), err("ClearingNotMatured", id("C"), (s: Scene) => s.maturity.C)),
      refuse("outsider", "certificate 0", settle(() => [0n]), err("ReceivableNotFound", 0n)),
      refuse("outsider", "an empty batch", settle(() => []), err("LedgerEmptyBatch")),
      refuse("susCore", "O followed by an id that does not exist", settle((s) => [s.ids.O, MAX]), err("ReceivableNotFound", MAX)),
      harmless("outsider", "Pending, Offered, Defaulted and Settled certificates, and O whose obligor allows nothing: skipped, nothing moves", settle((s) => [s.ids.P, s.ids.Ps, s.ids.I, s.ids.T, s.ids.Dd, s.ids.X, s.ids.Xs, s.ids.O]), async (s) => {
        expect(await ledgerState(s)).toEqual(s.before);
      }),
    ],
  },
  declareDefault: {
    what: "declares O (Overdue, financed by bankA, its default period over) defaulted",
    call: declare((s) => [s.ids.O]),
    suspended: "susBank",
    kinds: members(err("ClearingNotCreditor", id("O"), SELF)),
    rows: [
      refuse("supplierA", "the holder, on O that bankA financed", declare((s) => [s.ids.O]), err("ClearingNotCreditor", id("O"), SELF)),
      refuse("supplierA", "supplierB's unfinanced Ou", declare((s) => [s.ids.Ou]), err("ClearingNotCreditor", id("Ou"), SELF)),
      refuse("bankA", "a Confirmed certificate (C)", declare((s) => [s.ids.C]), status(id("C"), S.Confirmed, S.Overdue)),
      refuse("bankA", "a matured, unsettled Confirmed certificate (M)", declare((s) => [s.ids.M]), status(id("M"), S.Confirmed, S.Overdue)),
      refuse("bankA", "Dd, already Defaulted", declare((s) => [s.ids.Dd]), status(id("Dd"), S.Defaulted, S.Overdue)),
      refuse("bankA", "O followed by C", declare((s) => [s.ids.O, s.ids.C]), status(id("C"), S.Confirmed, S.Overdue)),
      refuse("bankA", "an id that does not exist (2^256-1)", declare(() => [MAX]), err("ReceivableNotFound", MAX)),
      refuse("bankA", "an empty batch", declare(() => []), err("LedgerEmptyBatch")),
    ],
  },
  claimRecourse: {
    what: "claims recourse on Dd (Defaulted, financed by bankA with recourse)",
    call: recourse((s) => [s.ids.Dd]),
    suspended: "susBank",
    kinds: gate(BANK, { bank: err("ClearingNotCreditor", id("Dd"), SELF) }),
    rows: [
      refuse("supplierA", "the seller claims against itself", recourse((s) => [s.ids.Dd]), missing(BANK)),
      refuse("bankA", "O, Overdue but not Defaulted", recourse((s) => [s.ids.O]), err("ClearingNoRecourse", id("O"))),
      refuse("bankA", "F, financed without recourse", recourse((s) => [s.ids.F]), err("ClearingNoRecourse", id("F"))),
      refuse("bankA", "C, never financed", recourse((s) => [s.ids.C]), err("ClearingNoRecourse", id("C"))),
      refuse("bankA", "an id that does not exist (2^256-1)", recourse(() => [MAX]), err("ReceivableNotFound", MAX)),
      refuse("bankA", "an empty batch", recourse(() => []), err("LedgerEmptyBatch")),
    ],
  },
  withdrawHeldPayouts: {
    what: "withdraws what is held for it",
    call: (s, who) => L(s, who).withdrawHeldPayouts(),
    suspended: "susSupplier", // X's payout is held for it
    kinds: every(err("ClearingNothingHeld", SELF), { removed: inactive, suspended: inactive }),
    rows: [refuse("supplierA", "the organization of the removed key, for itself", (s, who) => L(s, who).withdrawHeldPayouts(), err("ClearingNothingHeld", SELF))],
  },
  withdrawHeldPayoutsOf: {
    what: "collects what is held for the key removed from supplierA's organization",
    call: heldOf(addr("removed")),
    suspended: "susSupplier",
    kinds: members(err("ClearingNotSameOrganization", addr("removed"), SELF)),
    rows: [
      refuse("core1", "the obligor that paid it", heldOf(addr("removed")), err("ClearingNotSameOrganization", addr("removed"), SELF)),
      refuse("supplierB", "what is held for the suspended supplier", heldOf(addr("susSupplier")), err("ClearingNotSameOrganization", addr("susSupplier"), SELF)),
      refuse("supplierA", "what is held for the suspended supplier", heldOf(addr("susSupplier")), err("ClearingNotSameOrganization", addr("susSupplier"), SELF)),
      refuse("supplierB", "for address(0)", heldOf(() => "0x" + "00".repeat(20)), err("ClearingNothingHeld", "0x" + "00".repeat(20))),
      refuse("supplierB", "for itself", heldOf(addr("supplierB")), err("ClearingNothingHeld", SELF)),
    ],
  },
  setParams: {
    what: "sets grace and default periods to 0 (certificates would default in one block)",
    call: setParams({ gracePeriod: 0n, defaultPeriod: 0n }),
    suspended: "susSupplier",
    kinds: every(notOperator, { operator: err("LedgerInvalidParams") }),
    rows: [
      refuse("operator", "a maximum tenor of 0", setParams({ maxTenor: 0n }), err("LedgerInvalidParams")),
      refuse("operator", "a maximum tenor of 2^32-1 seconds", setParams({ maxTenor: (1n << 32n) - 1n }), err("LedgerInvalidParams")),
      refuse("operator", "a maximum tier of 0", setParams({ maxTier: 0n }), err("LedgerInvalidParams")),
      refuse("operator", "a minimum part of 0", setParams({ minPartAmount: 0n }), err("LedgerInvalidParams")),
      refuse("operator", "a grace period of 2^32-1 seconds", setParams({ gracePeriod: (1n << 32n) - 1n }), err("LedgerInvalidParams")),
      refuse("operator", "a default period of 2^32-1 seconds", setParams({ defaultPeriod: (1n << 32n) - 1n }), err("LedgerInvalidParams")),
      refuse("operator", "an acceptance period of 0 (every offer expired at once)", setParams({ acceptancePeriod: 0n }), err("LedgerInvalidParams")),
      refuse("operator", "an acceptance period of 2^32-1 seconds", setParams({ acceptancePeriod: (1n << 32n) - 1n }), err("LedgerInvalidParams")),
      refuse("operator", "a maximum tenor of 366 days and a second", setParams({ maxTenor: 366n * 86_400n + 1n }), err("LedgerInvalidParams")),
    ],
  },
  resumeObligor: {
    what: "resumes core1 with a reason",
    call: (s, who) => L(s, who).resumeObligor(s.as.core1.address, REASON),
    suspended: "susCore",
    kinds: every(err("LedgerUnauthorizedGovernor", SELF), { governance: may("resumes a delinquent obligor, recording why") }),
    rows: [
      refuse("core1", "resumes itself while delinquent (its matured M went unpaid past grace)", (s, who) => L(s, who).resumeObligor(who.address, REASON), err("LedgerUnauthorizedGovernor", SELF), core1Delinquent),
      refuse("operator", "resumes core1 while delinquent", (s, who) => L(s, who).resumeObligor(s.as.core1.address, REASON), err("LedgerUnauthorizedGovernor", SELF), core1Delinquent),
      refuse("successor", "the pending default admin, before the handover", (s, who) => L(s, who).resumeObligor(s.as.core1.address, REASON), err("LedgerUnauthorizedGovernor", SELF), core1Delinquent),
      refuse("admin", "without a reason", (s, who) => L(s, who).resumeObligor(s.as.core1.address, ZeroHash), err("LedgerReasonRequired"), core1Delinquent),
    ],
  },
  pause: {
    what: "pauses the ledger",
    call: (s, who) => L(s, who).pause(),
    suspended: "susSupplier",
    kinds: every(notOperator, { operator: may("pauses in an emergency, for at most 7 days") }),
  },
  unpause: {
    what: "unpauses the ledger (not paused)",
    call: (s, who) => L(s, who).unpause(),
    suspended: "susSupplier",
    kinds: every(notOperator, { operator: err("ExpectedPause") }),
    rows: [refuse("supplierA", "while the operator's pause runs", (s, who) => L(s, who).unpause(), notOperator, paused)],
  },
  extendPause: {
    what: "makes a pause last until 2^40-1 (not paused)",
    call: (s, who) => L(s, who).extendPause((1n << 40n) - 1n),
    suspended: "susSupplier",
    kinds: every(err("LedgerUnauthorizedGovernor", SELF), { governance: err("ExpectedPause") }),
    rows: [
      refuse("operator", "its own pause, to 2^40-1", (s, who) => L(s, who).extendPause((1n << 40n) - 1n), err("LedgerUnauthorizedGovernor", SELF), paused),
      refuse("admin", "to 2^256-1", (s, who) => L(s, who).extendPause(MAX), err("LedgerInvalidPauseEnd", MAX), paused),
      refuse("admin", "to 2^40 (beyond the stored range)", (s, who) => L(s, who).extendPause(1n << 40n), err("LedgerInvalidPauseEnd", 1n << 40n), paused),
      refuse("admin", "to time 0", (s, who) => L(s, who).extendPause(0n), err("LedgerInvalidPauseEnd", 0n), paused),
    ],
  },
};

