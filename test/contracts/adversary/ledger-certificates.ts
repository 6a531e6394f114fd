/** Adversary rows for the certificate side of ReceivableLedger: creation, confirmation, the holder's calls, acceptance, ERC-721. */
import { expect } from "vitest";
import { Wallet, ZeroAddress, ZeroHash, keccak256, toUtf8Bytes, type Interface } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ReceivableInputStruct, AttestationStruct } from "../../../typechain-types/contracts/ReceivableLedger";
import { nextOp, attest, signConfirm, confirmItems, orgId, time, now, DEFAULT_PARAMS, VERIFIER } from "../fixtures";
import { ReceivableStatus as S } from "../../../backend/src/ledger/roles";
import { FACE, MAX, fresh, type Scene } from "./scene";
import {
  err, may, refuse, harmless, every, gate, inactive, missing, ANY, SELF, CORE, SUPPLIER, type ContractRows, type Call,
} from "./table";

type Signer = HardhatEthersSigner;
const L = (s: Scene, who: Signer) => s.w.ledger.connect(who);
/** A key that is no verifier's, as a member signing attestations for itself would use. */
const ROGUE = new Wallet(keccak256(toUtf8Bytes("a member's own key, not a verifier's")));
const REASON = keccak256(toUtf8Bytes("hostile"));
const HALF = FACE / 2n;
const addr = (name: keyof Scene["as"]) => (s: Scene) => s.as[name].address;
const id = (name: keyof Scene["ids"]) => (s: Scene) => s.ids[name];

/** The caller registers what `make` gives: items, and an attestation (default: the verifier's of supplierA's C, valid until tomorrow). */
const registerAs = (make: (s: Scene, who: Signer) => Promise<[ReceivableInputStruct[], AttestationStruct?]>): Call => async (s, who) => {
  const [items, attestation] = await make(s, who);
  return L(s, who).register(items, attestation ?? s.cAttestation, nextOp());
};
/**
 * The caller registers one fresh item owed by core1, changed by `change`, under supplierA's attestation of C. The ledger
 * checks counterparty, amount, maturity and keys before the attestation's signature, so the refusal each row names
 * comes first (and if that check were missing, AttestationInvalid would show up instead and fail the row).
 */
const oneItem = (change: (s: Scene) => Partial<ReceivableInputStruct>) =>
  registerAs(async (s) => [[{ ...(await fresh(s.as.core1.address)).item, ...change(s) }]]);
/** The caller registers one fresh item (owed by core1), attested for it with `o` (another chain, contract, signer...). */
const attestedBy = (o: Parameters<typeof attest>[4] | ((s: Scene) => Parameters<typeof attest>[4])) =>
  registerAs(async (s, who) => {
    const { item } = await fresh(s.as.core1.address);
    return [[item], await attest(s.w.ledger, who, false, [item], typeof o === "function" ? o(s) : o)];
  });
/** The caller issues what `make` gives (default attestation: the verifier's of core1 issuing core1Item). */
const issueAs = (make: (s: Scene, who: Signer) => Promise<[ReceivableInputStruct[], AttestationStruct?]>): Call => async (s, who) => {
  const [items, attestation] = await make(s, who);
  return L(s, who).issue(items, attestation ?? s.core1Attestation, nextOp());
};
const issueOne = (change: (s: Scene) => Partial<ReceivableInputStruct>) =>
  issueAs(async (s) => [[{ ...(await fresh(s.as.supplierB.address)).item, ...change(s) }]]);

const confirmFacts = (ids: (s: Scene) => bigint[], change: (s: Scene) => object = () => ({})): Call => async (s, who) =>
  L(s, who).confirm((await confirmItems(s.w.ledger, ids(s))).map((i) => ({ ...i, ...change(s) })), nextOp());
type Sig = Awaited<ReturnType<typeof signConfirm>>;
/** `who` submits `sig` (over `items`, default the ones signed) in `obligor`'s name (default core1). */
const relay = (sig: (s: Scene) => Sig | Promise<Sig>, o: { items?: (s: Scene, sig: Sig) => object[]; obligor?: (s: Scene) => string; signature?: string } = {}): Call =>
  async (s, who) => {
    const g = await sig(s);
    const items = o.items ? o.items(s, g) : g.items;
    return L(s, who).confirmBySig(items as never, o.obligor ? o.obligor(s) : s.as.core1.address, g.nonce, g.deadline, o.signature ?? g.signature, nextOp());
  };

const split = (idOf: (s: Scene) => bigint, parts: (s: Scene) => { to: string; amount: bigint }[]): Call => (s, who) => L(s, who).split(idOf(s), parts(s), nextOp());
const halves = (to: (s: Scene) => string) => (s: Scene) => [{ to: to(s), amount: HALF }, { to: s.as.supplierA.address, amount: HALF }];
const transfer = (to: (s: Scene) => string, idOf: (s: Scene) => bigint): Call => (s, who) => L(s, who).transferCertificate(to(s), idOf(s), nextOp());
const notHolder = (idOf: (s: Scene) => bigint) => err("ReceivableNotHolder", idOf, SELF);
const status = (idOf: (s: Scene) => bigint, is: S, expected: S) => err("ReceivableInvalidStatus", idOf, is, expected);
/**
 * ERC-721's transfer and approval functions are `pure` now (they only refuse), so ethers would
 * merely eth_call them: the attacker sends each as a transaction.
 */
const sendAs = (s: Scene, who: Signer, fn: string, args: unknown[]) =>
  who.sendTransaction({ to: s.ledger, data: (s.w.ledger.interface as Interface).encodeFunctionData(fn, args) });
const transferFrom = (variant: "transferFrom" | "safeTransferFrom(address,address,uint256)" | "safeTransferFrom(address,address,uint256,bytes)") =>
  (from: (s: Scene, who: Signer) => string, to: (s: Scene, who: Signer) => string, idOf: (s: Scene) => bigint): Call => (s, who) => {
    const args = [from(s, who), to(s, who), idOf(s)];
    return sendAs(s, who, variant, variant.endsWith("bytes)") ? [...args, "0xdeadbeef"] : args);
  };
const fromA = (s: Scene) => s.as.supplierA.address;
const toB = (s: Scene) => s.as.supplierB.address;
/** Certificates move only by offer and acceptance: ERC-721's own transfers refuse everyone, whatever the arguments. */
const moves = (idOf: (s: Scene) => bigint) => err("CertificateMovesByOffer", idOf);
const tokenRows = (variant: Parameters<typeof transferFrom>[0]) => {
  const move = transferFrom(variant);
  return {
    what: "moves supplierA's certificate C to supplierB",
    call: move(fromA, toB, id("C")),
    suspended: "susSupplier" as const,
    kinds: every(moves(id("C"))),
    rows: [
      refuse("supplierA", "its own C to supplierB", move(fromA, toB, id("C")), moves(id("C"))),
      refuse("bankA", "takes the certificate it financed (F)", move(fromA, (_s, w) => w.address, id("F")), moves(id("F"))),
      refuse("supplierC", "takes T, offered to it, without accepting it", move(fromA, (_s, w) => w.address, id("T")), moves(id("T"))),
      refuse("supplierA", "I, issued to it and not yet accepted, to supplierB", move(fromA, toB, id("I")), moves(id("I"))),
      refuse("supplierA", "to address(0)", move(fromA, () => ZeroAddress, id("C")), moves(id("C"))),
      refuse("supplierA", "an id that does not exist (2^256-1)", move(fromA, toB, () => MAX), moves(() => MAX)),
      refuse("removed", "its own certificate Y", move(addr("removed"), fromA, id("Y")), moves(id("Y"))),
    ],
  };
};
const accept = (ids: (s: Scene) => bigint[], opId?: (s: Scene) => bigint): Call => (s, who) => L(s, who).accept(ids(s), opId ? opId(s) : nextOp());
const giveBack = (ids: (s: Scene) => bigint[], reason = REASON): Call => (s, who) => L(s, who).returnOffers(ids(s), reason, nextOp());
const notReturnable = (name: "I" | "T") => err("OfferNotReturnable", id(name), (s: Scene) => s.expires[name]);
/** core1 let its matured M go unpaid past grace: the keeper settles it, M turns Overdue and core1 is delinquent. */
const core1Delinquent = async (s: Scene) => {
  await (await s.w.token.connect(s.as.core1).approve(s.ledger, 0n)).wait();
  await (await L(s, s.as.relayer).settle([s.ids.M], nextOp())).wait();
  expect(await s.w.ledger.delinquenciesOf(s.as.core1.address)).toBe(1n);
};
const delinquent = (name: "core1") => err("ObligorDelinquent", addr(name), 1n);
const suspendOrg = (org: string) => async (s: Scene) => {
  await (await s.w.membership.connect(s.as.operator).suspend(orgId(org), REASON, nextOp())).wait();
};
const afterExpiry = (name: "I" | "T") => async (s: Scene) => {
  await time.increaseTo(s.expires[name]);
};

export const LEDGER_CERTIFICATES: ContractRows = {
  register: {
    what: "registers C's live invoice key for 50 times its amount, with supplierA's attestation of C",
    call: registerAs(async (s) => [[{ ...s.cItem, amount: 50n * FACE }]]),
    suspended: "susSupplier",
    kinds: gate(SUPPLIER, { supplier: err("ReceivableDuplicateInvoice", (s: Scene) => s.cItem.invoiceKeys[0], id("C")) }),
    rows: [
      refuse("supplierB", "a fresh invoice under supplierA's attestation", oneItem(() => ({})), err("AttestationInvalid", VERIFIER.address)),
      refuse("supplierB", "C's invoice keyed with the seller's USCC in lower case", registerAs(async (s) => [[{ ...s.cItem, invoiceKeys: [s.cKeyLowerCase] }]]), err("AttestationInvalid", VERIFIER.address)),
      refuse("supplierB", "an attestation signed by its own key", attestedBy({ verifier: ROGUE }), err("AttestationNotVerifier", ROGUE.address)),
      refuse("supplierB", "its own address as the verifier", registerAs(async (s, who) => [[(await fresh(s.as.core1.address)).item], { ...s.cAttestation, verifier: who.address }]), err("AttestationNotVerifier", SELF)),
      refuse("supplierB", "the verifier's address over its own key's signature", attestedBy({ verifier: ROGUE, signerAs: VERIFIER.address }), err("AttestationInvalid", VERIFIER.address)),
      refuse("supplierB", "an attestation for another chain", attestedBy((s) => ({ chainId: s.w.chainId + 1n })), err("AttestationInvalid", VERIFIER.address)),
      refuse("supplierB", "an attestation for another contract", attestedBy((s) => ({ contract: s.w.token.target as string })), err("AttestationInvalid", VERIFIER.address)),
      refuse("supplierB", "an expired attestation", registerAs(async (s, who) => { const { item } = await fresh(s.as.core1.address); return [[item], await attest(s.w.ledger, who, false, [item], { deadline: (await now()) - 1n })]; }), err("AttestationExpired", ANY, ANY)),
      refuse("supplierB", "an empty signature", registerAs(async (s) => [[(await fresh(s.as.core1.address)).item], { ...s.cAttestation, signature: "0x" }]), err("AttestationInvalid", VERIFIER.address)),
      refuse("supplierB", "owed by address(0)", oneItem(() => ({ counterparty: ZeroAddress })), err("MemberInactive", ZeroAddress)),
      refuse("supplierB", "owed by a bank", oneItem((s) => ({ counterparty: s.as.bankB.address })), err("MemberRoleMissing", addr("bankB"), CORE)),
      refuse("supplierB", "owed by a suspended core enterprise", oneItem((s) => ({ counterparty: s.as.susCore.address })), err("MemberInactive", addr("susCore"))),
      refuse("supplierB", "owed by a removed key", oneItem((s) => ({ counterparty: s.as.removed.address })), err("MemberInactive", addr("removed"))),
      refuse("supplierB", "owed by itself", oneItem((s) => ({ counterparty: s.as.supplierB.address })), err("MemberRoleMissing", SELF, CORE)),
      refuse("supplierB", "an amount of 0", oneItem(() => ({ amount: 0n })), err("ReceivableAmountOutOfRange", 0n)),
      refuse("supplierB", "an amount of 2^80", oneItem(() => ({ amount: 1n << 80n })), err("ReceivableAmountOutOfRange", 1n << 80n)),
      refuse("supplierB", "an amount of 2^256-1", oneItem(() => ({ amount: MAX })), err("ReceivableAmountOutOfRange", MAX)),
      refuse("supplierB", "maturing at time 0", oneItem(() => ({ maturity: 0n })), err("ReceivableMaturityInPast", 0n, ANY)),
      refuse("supplierB", "maturing at 2^256-1", oneItem(() => ({ maturity: MAX })), err("ReceivableTenorTooLong", MAX, ANY)),
      refuse("supplierB", "maturing in the year 36812 (2^40)", oneItem(() => ({ maturity: 1n << 40n })), err("ReceivableTenorTooLong", 1n << 40n, ANY)),
      refuse("supplierB", "no invoice key", oneItem(() => ({ invoiceKeys: [] })), err("ReceivableNoInvoices")),
      refuse("supplierB", "a zero invoice root", oneItem(() => ({ invoicesRoot: ZeroHash })), err("ReceivableNoInvoices")),
      refuse("supplierB", "an empty batch", registerAs(async () => [[]]), err("LedgerEmptyBatch")),
      refuse("supplierB", "one invoice key twice in a batch", registerAs(async (s) => { const { item } = await fresh(s.as.core1.address); return [[item, item]]; }),
        err("ReceivableDuplicateInvoice", ANY, async (s: Scene) => (await s.w.ledger.lastReceivableId()) + 1n)),
      refuse("supplierA", "an operation id it already used", async (s, who) => L(s, who).register([(await fresh(s.as.core1.address)).item], s.cAttestation, s.usedOp.supplierA), err("OperationAlreadyExecuted", SELF, (s: Scene) => s.usedOp.supplierA)),
    ],
  },
  issue: {
    what: "issues to supplierB on C's live invoice key for 50 times its amount, with the verifier's attestation of one of core1's issues",
    call: issueAs(async (s) => [[{ ...s.cItem, counterparty: s.as.supplierB.address, amount: 50n * FACE }]]),
    suspended: "susCore",
    kinds: gate(CORE, { core: err("ReceivableDuplicateInvoice", (s: Scene) => s.cItem.invoiceKeys[0], id("C")) }),
    rows: [
      refuse("core2", "core1's attested issue as its own", issueAs(async (s) => [[s.core1Item]]), err("AttestationInvalid", VERIFIER.address)),
      refuse("core2", "supplierA's attested registration turned into an issue", issueAs(async (s) => {
        const { item } = await fresh(s.as.core2.address);
        return [[{ ...item, counterparty: s.as.supplierA.address }], await attest(s.w.ledger, s.as.supplierA, false, [item])];
      }), err("AttestationInvalid", VERIFIER.address)),
      refuse("core2", "made-up invoices attested by its own key", issueAs(async (s, who) => { const { item } = await fresh(s.as.supplierB.address); return [[item], await attest(s.w.ledger, who, true, [item], { verifier: ROGUE })]; }), err("AttestationNotVerifier", ROGUE.address)),
      refuse("core2", "an attestation for another chain", issueAs(async (s, who) => { const { item } = await fresh(s.as.supplierB.address); return [[item], await attest(s.w.ledger, who, true, [item], { chainId: s.w.chainId + 1n })]; }), err("AttestationInvalid", VERIFIER.address)),
      refuse("core2", "to address(0)", issueOne(() => ({ counterparty: ZeroAddress })), err("MemberInactive", ZeroAddress)),
      refuse("core2", "to a bank", issueOne((s) => ({ counterparty: s.as.bankB.address })), err("MemberRoleMissing", addr("bankB"), SUPPLIER)),
      refuse("core2", "to a core enterprise", issueOne((s) => ({ counterparty: s.as.core1.address })), err("MemberRoleMissing", addr("core1"), SUPPLIER)),
      refuse("core2", "to a suspended supplier", issueOne((s) => ({ counterparty: s.as.susSupplier.address })), err("MemberInactive", addr("susSupplier"))),
      refuse("core2", "to a removed key", issueOne((s) => ({ counterparty: s.as.removed.address })), err("MemberInactive", addr("removed"))),
      refuse("core2", "an amount of 2^256-1", issueOne(() => ({ amount: MAX })), err("ReceivableAmountOutOfRange", MAX)),
      refuse("core2", "maturing at 2^256-1", issueOne(() => ({ maturity: MAX })), err("ReceivableTenorTooLong", MAX, ANY)),
      refuse("core2", "maturing in the past", issueOne(() => ({ maturity: 1n })), err("ReceivableMaturityInPast", 1n, ANY)),
      refuse("core2", "an empty batch", issueAs(async () => [[]]), err("LedgerEmptyBatch")),
      refuse("core1", "its own attested issue while delinquent (its matured M went unpaid past grace)", issueAs(async (s) => [[s.core1Item]]), delinquent("core1"), core1Delinquent),
    ],
  },
  confirm: {
    what: "confirms P (supplierA's, owed by core1) with its exact facts",
    call: confirmFacts((s) => [s.ids.P]),
    suspended: "susCore",
    kinds: gate(CORE, { core: err("ReceivableNotObligor", id("P"), SELF) }),
    rows: [
      refuse("supplierA", "confirms its own P", confirmFacts((s) => [s.ids.P]), missing(CORE)),
      refuse("core1", "P's facts with 50 times the amount", confirmFacts((s) => [s.ids.P], () => ({ amount: 50n * FACE })), err("ConfirmationMismatch", id("P"))),
      refuse("core1", "P's facts with supplierB as creditor", confirmFacts((s) => [s.ids.P], (s) => ({ creditor: s.as.supplierB.address })), err("ConfirmationMismatch", id("P"))),
      refuse("core1", "P's facts under C's id", confirmFacts((s) => [s.ids.P], (s) => ({ id: s.ids.C })), status(id("C"), S.Confirmed, S.Pending)),
      refuse("core1", "P twice in one batch", confirmFacts((s) => [s.ids.P, s.ids.P]), status(id("P"), S.Confirmed, S.Pending)),
      refuse("core1", "a Defaulted certificate", confirmFacts((s) => [s.ids.Dd]), status(id("Dd"), S.Defaulted, S.Pending)),
      refuse("core1", "Ps, owed by the suspended core enterprise", confirmFacts((s) => [s.ids.Ps]), err("ReceivableNotObligor", id("Ps"), SELF)),
      refuse("core1", "an id that does not exist (2^256-1)", confirmFacts(() => [MAX]), err("ReceivableNotFound", MAX)),
      refuse("core1", "id 0", confirmFacts(() => [0n]), err("ReceivableNotFound", 0n)),
      refuse("core1", "an empty batch", confirmFacts(() => []), err("LedgerEmptyBatch")),
      refuse("core1", "P while delinquent (its matured M went unpaid past grace)", confirmFacts((s) => [s.ids.P]), delinquent("core1"), core1Delinquent),
      refuse("core1", "I, offered to supplierA: an issued certificate is the supplier's to accept, not the obligor's to confirm", confirmFacts((s) => [s.ids.I]), status(id("I"), S.Offered, S.Pending)),
    ],
  },
  confirmBySig: {
    what: "submits a confirmation of P it signed itself, in core1's name",
    call: async (s, who) => relay(() => signConfirm(s.w, who, [s.ids.P]))(s, who),
    suspended: "susCore",
    kinds: every(err("SignatureInvalid", addr("core1"))),
    rows: [
      refuse("core2", "its own signature, in its own name", async (s, who) => relay(() => signConfirm(s.w, who, [s.ids.P]), { obligor: () => who.address })(s, who), err("ReceivableNotObligor", id("P"), SELF)),
      refuse("supplierA", "its own signature of P, in core1's name", async (s, who) => relay(() => signConfirm(s.w, who, [s.ids.P]))(s, who), err("SignatureInvalid", addr("core1"))),
      refuse("outsider", "core1's signature for another chain", relay((s) => signConfirm(s.w, s.as.core1, [s.ids.P], { chainId: s.w.chainId + 1n })), err("SignatureInvalid", addr("core1"))),
      refuse("outsider", "core1's signature for another contract", relay((s) => signConfirm(s.w, s.as.core1, [s.ids.P], { contract: s.w.token.target as string })), err("SignatureInvalid", addr("core1"))),
      refuse("outsider", "core1's spent signature of C, replayed", relay((s) => s.usedConfirm), err("SignatureNonceUsed", addr("core1"), (s: Scene) => s.usedConfirm.nonce)),
      refuse("outsider", "core1's signature of P with 50 times the amount", relay((s) => s.pConfirm, { items: (_s, g) => g.items.map((i) => ({ ...i, amount: 50n * FACE })) }), err("SignatureInvalid", addr("core1"))),
      refuse("outsider", "core1's signature of P over Ps's facts", relay((s) => s.pConfirm, { items: (s) => [{ ...s.pConfirm.items[0], id: s.ids.Ps }] }), err("SignatureInvalid", addr("core1"))),
      refuse("outsider", "core1's signature, expired", relay(async (s) => signConfirm(s.w, s.as.core1, [s.ids.P], { deadline: (await now()) - 1n })), err("SignatureExpired", ANY, ANY)),
      refuse("outsider", "core1's signature in the name of address(0)", relay((s) => s.pConfirm, { obligor: () => ZeroAddress }), err("SignatureInvalid", ZeroAddress)),
      refuse("outsider", "65 zero bytes as core1's signature", relay((s) => s.pConfirm, { signature: "0x" + "00".repeat(65) }), err("SignatureInvalid", addr("core1"))),
      refuse("outsider", "an empty signature", relay((s) => s.pConfirm, { signature: "0x" }), err("SignatureInvalid", addr("core1"))),
      refuse("outsider", "core1's signature of P with another nonce", async (s, who) => L(s, who).confirmBySig(s.pConfirm.items, s.as.core1.address, s.pConfirm.nonce + 1n, s.pConfirm.deadline, s.pConfirm.signature, nextOp()), err("SignatureInvalid", addr("core1"))),
      refuse("outsider", "the suspended core enterprise's signature of Ps", relay((s) => s.psConfirm, { obligor: (s) => s.as.susCore.address }), err("MemberInactive", addr("susCore"))),
      refuse("outsider", "core1's signature of an empty batch", relay((s) => signConfirm(s.w, s.as.core1, [])), err("LedgerEmptyBatch")),
      refuse("outsider", "core1's signature of P, while core1 is delinquent", relay((s) => s.pConfirm), delinquent("core1"), core1Delinquent),
    ],
  },
  reject: {
    what: "rejects P (owed by core1)",
    call: (s, who) => L(s, who).reject([s.ids.P], REASON, nextOp()),
    suspended: "susCore",
    kinds: gate(CORE, { core: err("ReceivableNotObligor", id("P"), SELF) }),
    rows: [
      refuse("supplierA", "rejects its own P", (s, who) => L(s, who).reject([s.ids.P], REASON, nextOp()), missing(CORE)),
      refuse("core1", "a Confirmed certificate (C)", (s, who) => L(s, who).reject([s.ids.C], REASON, nextOp()), status(id("C"), S.Confirmed, S.Pending)),
      refuse("core1", "a Financed certificate (F)", (s, who) => L(s, who).reject([s.ids.F], REASON, nextOp()), status(id("F"), S.Financed, S.Pending)),
      refuse("core1", "Ps, owed by the suspended core enterprise", (s, who) => L(s, who).reject([s.ids.Ps], REASON, nextOp()), err("ReceivableNotObligor", id("Ps"), SELF)),
      refuse("core1", "P twice in one batch", (s, who) => L(s, who).reject([s.ids.P, s.ids.P], REASON, nextOp()), status(id("P"), S.Rejected, S.Pending)),
      refuse("core1", "an id that does not exist (2^256-1)", (s, who) => L(s, who).reject([MAX], REASON, nextOp()), err("ReceivableNotFound", MAX)),
      refuse("core1", "an empty batch", (s, who) => L(s, who).reject([], REASON, nextOp()), err("LedgerEmptyBatch")),
    ],
  },
  cancel: {
    what: "cancels P (held by supplierA)",
    call: (s, who) => L(s, who).cancel([s.ids.P], nextOp()),
    suspended: "susSupplier",
    kinds: gate(SUPPLIER, { core: notHolder(id("P")), supplier: notHolder(id("P")), bank: notHolder(id("P")), issuer: notHolder(id("P")), auditor: notHolder(id("P")) }),
    rows: [
      refuse("core1", "its obligor cancels P", (s, who) => L(s, who).cancel([s.ids.P], nextOp()), notHolder(id("P"))),
      refuse("supplierA", "a Confirmed certificate (C)", (s, who) => L(s, who).cancel([s.ids.C], nextOp()), status(id("C"), S.Confirmed, S.Pending)),
      refuse("supplierA", "a Financed certificate (F)", (s, who) => L(s, who).cancel([s.ids.F], nextOp()), status(id("F"), S.Financed, S.Pending)),
      refuse("supplierA", "an Overdue certificate (O)", (s, who) => L(s, who).cancel([s.ids.O], nextOp()), status(id("O"), S.Overdue, S.Pending)),
      refuse("supplierA", "an id that does not exist (2^256-1)", (s, who) => L(s, who).cancel([MAX], nextOp()), err("ReceivableNotFound", MAX)),
      refuse("supplierA", "id 0", (s, who) => L(s, who).cancel([0n], nextOp()), err("ReceivableNotFound", 0n)),
      refuse("supplierA", "an empty batch", (s, who) => L(s, who).cancel([], nextOp()), err("LedgerEmptyBatch")),
    ],
  },
  split: {
    what: "splits C (supplierA's) in halves for supplierB and supplierA",
    call: split(id("C"), halves(toB)),
    suspended: "susSupplier",
    kinds: gate(SUPPLIER, { core: notHolder(id("C")), supplier: notHolder(id("C")), bank: notHolder(id("C")), issuer: notHolder(id("C")), auditor: notHolder(id("C")) }),
    rows: [
      refuse("bankA", "the certificate it financed (F)", split(id("F"), halves(toB)), status(id("F"), S.Financed, S.Confirmed)),
      refuse("supplierA", "its Financed F", split(id("F"), halves(toB)), status(id("F"), S.Financed, S.Confirmed)),
      refuse("supplierA", "its Pending P", split(id("P"), halves(toB)), status(id("P"), S.Pending, S.Confirmed)),
      refuse("supplierA", "its matured M", split(id("M"), halves(toB)), err("ReceivableMatured", id("M"), (s: Scene) => s.maturity.M)),
      refuse("supplierA", "T, which it offered to supplierC", split(id("T"), halves(toB)), status(id("T"), S.Offered, S.Confirmed)),
      refuse("supplierC", "T, offered to it and not yet accepted", split(id("T"), halves(toB)), status(id("T"), S.Offered, S.Confirmed)),
      refuse("supplierA", "I, issued to it and not yet accepted", split(id("I"), halves(toB)), status(id("I"), S.Offered, S.Confirmed)),
      refuse("supplierA", "an id that does not exist (2^256-1)", split(() => MAX, halves(toB)), err("ReceivableNotFound", MAX)),
      refuse("supplierA", "the certificate Y of its organization's removed key", split(id("Y"), halves(toB)), notHolder(id("Y"))),
      refuse("removed", "its own certificate Y", split(id("Y"), halves(toB)), inactive),
      refuse("susSupplier", "its own certificate Z", split(id("Z"), halves(toB)), inactive),
      refuse("supplierA", "parts of 2^256-1 and its amount (overflowing the sum)", split(id("C"), (s) => [{ to: s.as.supplierB.address, amount: MAX }, { to: s.as.supplierA.address, amount: FACE }]), err("Panic", 0x11n)),
      refuse("supplierA", "parts of 2^80 + its amount and 2^256 - 2^80 (their sum wraps to its amount)", split(id("C"), (s) => [{ to: s.as.supplierB.address, amount: (1n << 80n) + FACE }, { to: s.as.supplierA.address, amount: (1n << 256n) - (1n << 80n) }]), err("Panic", 0x11n)),
      refuse("supplierA", "parts adding up to twice its amount", split(id("C"), (s) => [{ to: s.as.supplierB.address, amount: FACE }, { to: s.as.supplierA.address, amount: FACE }]), err("SplitAmountMismatch", id("C"), FACE, 2n * FACE)),
      refuse("supplierA", "a part of 0", split(id("C"), (s) => [{ to: s.as.supplierB.address, amount: 0n }, { to: s.as.supplierA.address, amount: FACE }]), err("SplitPartTooSmall", 0n, DEFAULT_PARAMS.minPartAmount)),
      refuse("supplierA", "one part", split(id("C"), (s) => [{ to: s.as.supplierB.address, amount: FACE }]), err("SplitTooFewParts", 1n)),
      refuse("supplierA", "no part", split(id("C"), () => []), err("SplitTooFewParts", 0n)),
      refuse("supplierA", "a part for address(0)", split(id("C"), halves(() => ZeroAddress)), err("MemberInactive", ZeroAddress)),
      refuse("supplierA", "a part for a bank", split(id("C"), halves(addr("bankB"))), err("MemberRoleMissing", addr("bankB"), SUPPLIER)),
      refuse("supplierA", "a part for a suspended supplier", split(id("C"), halves(addr("susSupplier"))), err("MemberInactive", addr("susSupplier"))),
      refuse("supplierA", "a part for a removed key", split(id("C"), halves(addr("removed"))), err("MemberInactive", addr("removed"))),
      refuse("supplierA", "a part for a non-member", split(id("C"), halves(addr("outsider"))), err("MemberInactive", addr("outsider"))),
      refuse("supplierA", "an operation id it already used", (s, who) => L(s, who).split(s.ids.C, halves(toB)(s), s.usedOp.supplierA), err("OperationAlreadyExecuted", SELF, (s: Scene) => s.usedOp.supplierA)),
    ],
  },
  transferCertificate: {
    what: "offers C (supplierA's) to itself",
    call: (s, who) => L(s, who).transferCertificate(who.address, s.ids.C, nextOp()),
    suspended: "susSupplier",
    kinds: every(notHolder(id("C")), { outsider: inactive, removed: inactive, suspended: inactive, operator: inactive, governance: inactive }),
    rows: [
      refuse("bankA", "takes the certificate it financed (F)", (s, who) => L(s, who).transferCertificate(who.address, s.ids.F, nextOp()), status(id("F"), S.Financed, S.Confirmed)),
      refuse("supplierA", "its Financed F", transfer(toB, id("F")), status(id("F"), S.Financed, S.Confirmed)),
      refuse("supplierA", "its Pending P", transfer(toB, id("P")), status(id("P"), S.Pending, S.Confirmed)),
      refuse("supplierA", "its Overdue O", transfer(toB, id("O")), status(id("O"), S.Overdue, S.Confirmed)),
      refuse("supplierA", "its matured M", transfer(toB, id("M")), err("ReceivableMatured", id("M"), (s: Scene) => s.maturity.M)),
      refuse("supplierA", "T again, to supplierB, while supplierC has not answered", transfer(toB, id("T")), status(id("T"), S.Offered, S.Confirmed)),
      refuse("supplierC", "T, offered to it and not yet accepted, on to supplierB", transfer(toB, id("T")), status(id("T"), S.Offered, S.Confirmed)),
      refuse("supplierA", "I, issued to it and not yet accepted", transfer(toB, id("I")), status(id("I"), S.Offered, S.Confirmed)),
      refuse("supplierA", "C to itself", transfer(fromA, id("C")), err("CertificateSelfTransfer", id("C"))),
      refuse("supplierA", "to address(0)", transfer(() => ZeroAddress, id("C")), err("MemberInactive", ZeroAddress)),
      refuse("supplierA", "to a bank", transfer(addr("bankB"), id("C")), err("MemberRoleMissing", addr("bankB"), SUPPLIER)),
      refuse("supplierA", "to a non-member", transfer(addr("outsider"), id("C")), err("MemberInactive", addr("outsider"))),
      refuse("supplierA", "to a suspended supplier", transfer(addr("susSupplier"), id("C")), err("MemberInactive", addr("susSupplier"))),
      refuse("supplierA", "to a removed key", transfer(addr("removed"), id("C")), err("MemberInactive", addr("removed"))),
      refuse("supplierA", "to the ledger itself", transfer((s) => s.ledger, id("C")), err("MemberInactive", (s: Scene) => s.ledger)),
      refuse("supplierA", "to the operator", transfer(addr("operator"), id("C")), err("MemberInactive", addr("operator"))),
      refuse("supplierA", "an id that does not exist (2^256-1)", transfer(toB, () => MAX), err("ReceivableNotFound", MAX)),
      refuse("supplierA", "the certificate Y of its organization's removed key", transfer(toB, id("Y")), notHolder(id("Y"))),
      refuse("removed", "its own certificate Y", transfer(fromA, id("Y")), inactive),
      refuse("susSupplier", "its own certificate Z", transfer(fromA, id("Z")), inactive),
      refuse("supplierA", "an operation id it already used", (s, who) => L(s, who).transferCertificate(s.as.supplierB.address, s.ids.C, s.usedOp.supplierA), err("OperationAlreadyExecuted", SELF, (s: Scene) => s.usedOp.supplierA)),
    ],
  },
  accept: {
    what: "accepts I (issued by core1, waiting for supplierA's acceptance)",
    call: accept((s) => [s.ids.I]),
    suspended: "susSupplier",
    kinds: gate(SUPPLIER, { supplier: err("OfferNotReceiver", id("I"), SELF) }),
    rows: [
      refuse("supplierB", "T, offered to supplierC", accept((s) => [s.ids.T]), err("OfferNotReceiver", id("T"), SELF)),
      refuse("supplierA", "T, its own offer to supplierC", accept((s) => [s.ids.T]), err("OfferNotReceiver", id("T"), SELF)),
      refuse("core1", "I, its own issue, in its supplier's stead", accept((s) => [s.ids.I]), missing(SUPPLIER)),
      refuse("supplierC", "I and T together (I is not offered to it)", accept((s) => [s.ids.T, s.ids.I]), err("OfferNotReceiver", id("I"), SELF)),
      refuse("supplierC", "T twice in one batch", accept((s) => [s.ids.T, s.ids.T]), status(id("T"), S.Confirmed, S.Offered)),
      refuse("supplierA", "C, Confirmed and offered to no one", accept((s) => [s.ids.C]), status(id("C"), S.Confirmed, S.Offered)),
      refuse("supplierA", "a Pending certificate (P)", accept((s) => [s.ids.P]), status(id("P"), S.Pending, S.Offered)),
      refuse("supplierA", "an id that does not exist (2^256-1)", accept(() => [MAX]), err("ReceivableNotFound", MAX)),
      refuse("supplierA", "id 0", accept(() => [0n]), err("ReceivableNotFound", 0n)),
      refuse("supplierA", "an empty batch", accept(() => []), err("LedgerEmptyBatch")),
      refuse("supplierA", "I after its acceptance period", accept((s) => [s.ids.I]), err("OfferExpired", id("I"), (s: Scene) => s.expires.I), afterExpiry("I")),
      refuse("supplierC", "T once its sender's organization is suspended", accept((s) => [s.ids.T]), err("MemberInactive", addr("supplierA")), suspendOrg("supplierA")),
      refuse("supplierA", "I while its own organization is suspended", accept((s) => [s.ids.I]), inactive, suspendOrg("supplierA")),
      refuse("removed", "I, offered to its former organization's other key", accept((s) => [s.ids.I]), inactive),
      refuse("supplierA", "an operation id it already used", accept((s) => [s.ids.I], (s) => s.usedOp.supplierA), err("OperationAlreadyExecuted", SELF, (s: Scene) => s.usedOp.supplierA)),
    ],
  },
  returnOffers: {
    what: "returns I (issued by core1 to supplierA) before it expires",
    call: giveBack((s) => [s.ids.I]),
    suspended: "susSupplier",
    kinds: every(notReturnable("I")),
    rows: [
      refuse("core2", "withdraws core1's issue I", giveBack((s) => [s.ids.I]), notReturnable("I")),
      refuse("supplierB", "refuses T, offered to supplierC", giveBack((s) => [s.ids.T]), notReturnable("T")),
      refuse("core1", "withdraws T, a transfer between suppliers of a certificate it owes", giveBack((s) => [s.ids.T]), notReturnable("T")),
      refuse("supplierC", "T, then I (only T is its to refuse)", giveBack((s) => [s.ids.T, s.ids.I]), notReturnable("I")),
      refuse("supplierA", "T twice in one batch", giveBack((s) => [s.ids.T, s.ids.T]), status(id("T"), S.Confirmed, S.Offered)),
      refuse("supplierA", "C, Confirmed and offered to no one", giveBack((s) => [s.ids.C]), status(id("C"), S.Confirmed, S.Offered)),
      refuse("core1", "a Pending certificate it owes (P)", giveBack((s) => [s.ids.P]), status(id("P"), S.Pending, S.Offered)),
      refuse("supplierA", "an id that does not exist (2^256-1)", giveBack(() => [MAX]), err("ReceivableNotFound", MAX)),
      refuse("supplierA", "an empty batch", giveBack(() => []), err("LedgerEmptyBatch")),
      refuse("supplierA", "refuses I while its organization is suspended", giveBack((s) => [s.ids.I]), inactive, suspendOrg("supplierA")),
      refuse("core1", "withdraws I while its organization is suspended", giveBack((s) => [s.ids.I]), inactive, suspendOrg("core1")),
      refuse("supplierA", "withdraws T while its organization is suspended", giveBack((s) => [s.ids.T]), inactive, suspendOrg("supplierA")),
      refuse("removed", "refuses I, offered to its former organization's other key", giveBack((s) => [s.ids.I]), notReturnable("I")),
      {
        ...harmless("outsider", "returns I once it expired: I is Void, no other certificate changes", giveBack((s) => [s.ids.I], ZeroHash), async (s) => {
          expect((await s.w.ledger.receivable(s.ids.I)).status).toBe(BigInt(S.Void));
          expect((await s.w.ledger.offerOf(s.ids.I)).to).toBe(ZeroAddress);
          const before = s.before.certificates as unknown[][];
          for (const x of Object.values(s.ids).filter((x) => x !== s.ids.I)) {
            expect([...(await s.w.ledger.receivable(x))], `#${x}`).toEqual(before[Number(x) - 1][0]);
          }
        }),
        prep: afterExpiry("I"),
      },
    ],
  },
  transferFrom: tokenRows("transferFrom"),
  "safeTransferFrom(address,address,uint256)": tokenRows("safeTransferFrom(address,address,uint256)"),
  "safeTransferFrom(address,address,uint256,bytes)": tokenRows("safeTransferFrom(address,address,uint256,bytes)"),
  approve: {
    what: "approves itself for C (supplierA's)",
    call: (s, who) => sendAs(s, who, "approve", [who.address, s.ids.C]),
    suspended: "susSupplier",
    kinds: every(moves(id("C"))),
    rows: [
      refuse("supplierA", "approves supplierB for its own C", (s, who) => sendAs(s, who, "approve", [s.as.supplierB.address, s.ids.C]), moves(id("C"))),
      refuse("bankA", "approves itself for the certificate it financed (F)", (s, who) => sendAs(s, who, "approve", [who.address, s.ids.F]), moves(id("F"))),
      refuse("supplierA", "an id that does not exist (2^256-1)", (s, who) => sendAs(s, who, "approve", [s.as.supplierB.address, MAX]), moves(() => MAX)),
      refuse("removed", "approves supplierA for its own Y", (s, who) => sendAs(s, who, "approve", [s.as.supplierA.address, s.ids.Y]), moves(id("Y"))),
    ],
  },
  setApprovalForAll: {
    what: "names address(0) its operator",
    call: (s, who) => sendAs(s, who, "setApprovalForAll", [ZeroAddress, true]),
    suspended: "susSupplier",
    kinds: every(err("CertificateMovesByOffer", 0n)),
    rows: [refuse("supplierA", "names supplierB operator of its certificates", (s, who) => sendAs(s, who, "setApprovalForAll", [s.as.supplierB.address, true]), err("CertificateMovesByOffer", 0n))],
  },
  invalidateNonces: {
    what: "(no hostile form: an account revokes only its own nonces)",
    call: (s, who) => L(s, who).invalidateNonces(0n, MAX),
    suspended: "susSupplier",
    kinds: every(may("revokes its own signatures")),
    rows: [
      harmless("outsider", "sets every bit of the word holding core1's unused nonce, and of word 2^256-1: core1's signature still confirms P", (s, who) => L(s, who).invalidateNonces(s.pConfirm.nonce >> 8n, MAX), async (s, who) => {
        await (await L(s, who).invalidateNonces(MAX, MAX)).wait();
        expect(await s.w.ledger.nonceUsed(s.as.core1.address, s.pConfirm.nonce)).toBe(false);
        expect(await s.w.ledger.nonceUsed(s.as.supplierA.address, s.cTerms.terms.nonce)).toBe(false);
        const g = s.pConfirm;
        await (await L(s, s.as.relayer).confirmBySig(g.items, s.as.core1.address, g.nonce, g.deadline, g.signature, nextOp())).wait();
        expect((await s.w.ledger.receivable(s.ids.P)).status).toBe(BigInt(S.Confirmed));
      }),
      harmless("bankB", "sets every bit of the word holding supplierA's unused terms nonce: bankA can still fund them", (s, who) => L(s, who).invalidateNonces(s.cTerms.terms.nonce >> 8n, MAX), async (s) => {
        await (await L(s, s.as.bankA).finance([s.cTerms.terms], [s.cTerms.signature], nextOp())).wait();
        expect((await s.w.ledger.lienOf(s.ids.C)).bank).toBe(s.as.bankA.address);
      }),
    ],
  },
};
