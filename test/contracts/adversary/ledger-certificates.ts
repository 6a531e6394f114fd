/** Adversary rows for the certificate side of ReceivableLedger: creation, confirmation, the holder's calls, ERC-721. */
import { expect } from "vitest";
import { Wallet, ZeroAddress, ZeroHash, keccak256, toUtf8Bytes } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ReceivableInputStruct, AttestationStruct } from "../../../typechain-types/contracts/ReceivableLedger";
import { nextOp, attest, signConfirm, confirmItems, revertOf, now, DEFAULT_PARAMS, VERIFIER } from "../fixtures";
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
const transferFrom = (variant: "transferFrom" | "safeTransferFrom(address,address,uint256)" | "safeTransferFrom(address,address,uint256,bytes)") =>
  (from: (s: Scene, who: Signer) => string, to: (s: Scene, who: Signer) => string, idOf: (s: Scene) => bigint): Call => (s, who) => {
    const l = L(s, who);
    const args = [from(s, who), to(s, who), idOf(s)] as const;
    if (variant === "transferFrom") return l.transferFrom(...args);
    if (variant === "safeTransferFrom(address,address,uint256)") return l["safeTransferFrom(address,address,uint256)"](...args);
    return l["safeTransferFrom(address,address,uint256,bytes)"](...args, "0xdeadbeef");
  };
const fromA = (s: Scene) => s.as.supplierA.address;
const toB = (s: Scene) => s.as.supplierB.address;
const tokenRows = (variant: Parameters<typeof transferFrom>[0]) => {
  const move = transferFrom(variant);
  return {
    what: "moves supplierA's certificate C to supplierB",
    call: move(fromA, toB, id("C")),
    suspended: "susSupplier" as const,
    kinds: gate(SUPPLIER, {
      core: err("ERC721InsufficientApproval", SELF, id("C")), supplier: err("ERC721InsufficientApproval", SELF, id("C")),
      bank: err("ERC721InsufficientApproval", SELF, id("C")), issuer: err("ERC721InsufficientApproval", SELF, id("C")),
      auditor: err("ERC721InsufficientApproval", SELF, id("C")),
    }),
    rows: [
      refuse("bankA", "takes the certificate it financed (F)", move(fromA, (_s, w) => w.address, id("F")), err("CertificateNotTransferable", id("F"), S.Financed)),
      refuse("supplierB", "names itself as the sender of C", move((_s, w) => w.address, toB, id("C")), err("ERC721InsufficientApproval", SELF, id("C"))),
      refuse("supplierA", "names supplierB as the sender of its own C", move(toB, fromA, id("C")), err("ERC721IncorrectOwner", addr("supplierB"), id("C"), addr("supplierA"))),
      refuse("supplierA", "to address(0)", move(fromA, () => ZeroAddress, id("C")), err("ERC721InvalidReceiver", ZeroAddress)),
      refuse("supplierA", "an id that does not exist (2^256-1)", move(fromA, toB, () => MAX), err("CertificateNotTransferable", MAX, S.None)),
      refuse("removed", "its own certificate Y", move(addr("removed"), fromA, id("Y")), inactive),
      refuse("supplierA", "the certificate Y of its organization's removed key", move(addr("removed"), fromA, id("Y")), err("ERC721InsufficientApproval", SELF, id("Y"))),
    ],
  };
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
    what: "transfers C (supplierA's) to itself",
    call: (s, who) => L(s, who).transferCertificate(who.address, s.ids.C, nextOp()),
    suspended: "susSupplier",
    kinds: every(notHolder(id("C"))),
    rows: [
      refuse("bankA", "takes the certificate it financed (F)", (s, who) => L(s, who).transferCertificate(who.address, s.ids.F, nextOp()), notHolder(id("F"))),
      refuse("supplierA", "its Financed F", transfer(toB, id("F")), err("CertificateNotTransferable", id("F"), S.Financed)),
      refuse("supplierA", "its Pending P", transfer(toB, id("P")), err("CertificateNotTransferable", id("P"), S.Pending)),
      refuse("supplierA", "its Overdue O", transfer(toB, id("O")), err("CertificateNotTransferable", id("O"), S.Overdue)),
      refuse("supplierA", "its matured M", transfer(toB, id("M")), err("ReceivableMatured", id("M"), (s: Scene) => s.maturity.M)),
      refuse("supplierA", "to address(0)", transfer(() => ZeroAddress, id("C")), err("ERC721InvalidReceiver", ZeroAddress)),
      refuse("supplierA", "to a bank", transfer(addr("bankB"), id("C")), err("MemberRoleMissing", addr("bankB"), SUPPLIER)),
      refuse("supplierA", "to a non-member", transfer(addr("outsider"), id("C")), err("MemberInactive", addr("outsider"))),
      refuse("supplierA", "to a suspended supplier", transfer(addr("susSupplier"), id("C")), err("MemberInactive", addr("susSupplier"))),
      refuse("supplierA", "to a removed key", transfer(addr("removed"), id("C")), err("MemberInactive", addr("removed"))),
      refuse("supplierA", "to the ledger itself", transfer((s) => s.ledger, id("C")), err("MemberInactive", (s: Scene) => s.ledger)),
      refuse("supplierA", "an id that does not exist (2^256-1)", transfer(toB, () => MAX), err("ReceivableNotHolder", MAX, SELF)),
      refuse("supplierA", "the certificate Y of its organization's removed key", transfer(toB, id("Y")), notHolder(id("Y"))),
      refuse("removed", "its own certificate Y", transfer(fromA, id("Y")), inactive),
      refuse("susSupplier", "its own certificate Z", transfer(fromA, id("Z")), inactive),
      refuse("supplierA", "an operation id it already used", (s, who) => L(s, who).transferCertificate(s.as.supplierB.address, s.ids.C, s.usedOp.supplierA), err("OperationAlreadyExecuted", SELF, (s: Scene) => s.usedOp.supplierA)),
    ],
  },
  transferFrom: tokenRows("transferFrom"),
  "safeTransferFrom(address,address,uint256)": tokenRows("safeTransferFrom(address,address,uint256)"),
  "safeTransferFrom(address,address,uint256,bytes)": tokenRows("safeTransferFrom(address,address,uint256,bytes)"),
  approve: {
    what: "approves itself for C (supplierA's)",
    call: (s, who) => L(s, who).approve(who.address, s.ids.C),
    suspended: "susSupplier",
    kinds: every(err("ERC721InvalidApprover", SELF)),
    rows: [
      refuse("bankA", "approves itself for the certificate it financed (F)", (s, who) => L(s, who).approve(who.address, s.ids.F), err("ERC721InvalidApprover", SELF)),
      refuse("supplierA", "an id that does not exist (2^256-1)", (s, who) => L(s, who).approve(s.as.supplierB.address, MAX), err("ERC721NonexistentToken", MAX)),
      harmless("removed", "approves supplierA for its own Y: the approval moves nothing", (s, who) => L(s, who).approve(s.as.supplierA.address, s.ids.Y), async (s) => {
        const got = await revertOf(L(s, s.as.supplierA).transferFrom(s.as.removed.address, s.as.supplierA.address, s.ids.Y));
        expect(got).toEqual({ name: "MemberInactive", args: [s.as.removed.address] });
      }),
    ],
  },
  setApprovalForAll: {
    what: "names address(0) its operator",
    call: (s, who) => L(s, who).setApprovalForAll(ZeroAddress, true),
    suspended: "susSupplier",
    kinds: every(err("ERC721InvalidOperator", ZeroAddress)),
    rows: [
      harmless("supplierB", "names supplierC operator of its own certificates: nothing of supplierA's", (s, who) => L(s, who).setApprovalForAll(s.as.supplierC.address, true), async (s) => {
        const got = await revertOf(L(s, s.as.supplierC).transferFrom(s.as.supplierA.address, s.as.supplierC.address, s.ids.C));
        expect(got).toEqual({ name: "ERC721InsufficientApproval", args: [s.as.supplierC.address, s.ids.C] });
      }),
    ],
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
