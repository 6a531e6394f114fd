import { ZeroHash } from "ethers";
import { Membership__factory, ReceivableLedger__factory, SettlementToken__factory } from "../../../../typechain-types";
import type { LedgerDeploymentRow } from "../ledger.entity";
import { attestedItem, type Attestor } from "../attestation";
import type { ConfirmedReceivable } from "../typed-data";

/** How one kind of business operation becomes a contract call. */
export interface OperationKind<P> {
  kind: string;
  /** Rows of this kind and signer that may share one transaction; 1 when the call takes one item. */
  maxBatch: number;
  /**
   * Items (certificates, ids) one transaction may carry, whatever the number of rows: a keeper's
   * row already holds a hundred ids, and merging fifty such rows made one call so large that its
   * simulation alone took the node tens of seconds.
   */
  maxItems: number;
  /** Items in one row's payload. */
  itemCount(payload: P): number;
  /**
   * The gas limit of a transaction carrying these payloads: a budget above what the call can use
   * (the gas benchmark's figures per item with a margin; gas costs nothing on this network), so
   * that no transaction needs an eth_estimateGas, a binary search of full executions, before it is
   * signed. test/contracts/gas-budgets.test.ts runs every kind at its largest and fails when a
   * budget is too small.
   */
  gas(payloads: P[]): bigint;
  encode(payloads: P[], opId: bigint, deployment: LedgerDeploymentRow, ctx?: EncodeContext): { to: string; data: string };
  /** The call needs the verifier's attestation of its items (`ctx.attest`): register and issue. */
  attested?: boolean;
}

/** What some calls need besides their payloads: who sends them, and the verifier's attestation. */
export interface EncodeContext {
  /** The transaction's signer (the caller on chain). */
  sender: string;
  attest?: Attestor;
}

const membership = Membership__factory.createInterface();
const ledger = ReceivableLedger__factory.createInterface();
const token = SettlementToken__factory.createInterface();

// ─── Payloads (what the outbox row stores; amounts as decimal strings) ──

export interface RegisterOrganizationPayload {
  orgId: string;
  roles: number;
  accounts: string[];
}
export interface SuspendOrganizationPayload {
  orgId: string;
  reason: string;
}
export interface OrganizationPayload {
  orgId: string;
}
export interface ReceivableItemPayload {
  counterparty: string;
  amount: string;
  maturity: string;
  invoicesRoot: string;
  invoiceKeys: string[];
}
export interface IdsPayload {
  ids: string[];
}
export interface ConfirmPayload {
  items: ConfirmedReceivable[];
}
export interface ConfirmBySigPayload {
  items: ConfirmedReceivable[];
  obligor: string;
  nonce: string;
  deadline: string;
  signature: string;
}
export interface RejectPayload {
  ids: string[];
  reason: string;
}
export interface SplitPayload {
  id: string;
  parts: { to: string; amount: string }[];
}
export interface TransferPayload {
  id: string;
  to: string;
}
export interface CreditLinePayload {
  obligor: string;
  limit: string;
}
export interface FinancePayload {
  /** As the holder signed them; `agreement` is the financing agreement's fingerprint (ZeroHash: none bound). */
  terms: { receivableId: string; bank: string; advance: string; due: string; recourse: boolean; agreement: string; nonce: string; deadline: string };
  signature: string;
}
/** A signed document's fingerprint (SM3 of its PDF, 0x + 64 hex) for a certificate: 1 the certificate, 2 a notice of assignment. */
export interface DocumentItemPayload {
  id: string;
  kind: 1 | 2;
  fingerprint: string;
}
export interface DocumentsPayload {
  items: DocumentItemPayload[];
}
export interface MintPayload {
  account: string;
  amount: string;
}
export interface ApprovePayload {
  spender: "ledger";
  amount: string;
}

export interface TokenApprovePayload {
  spender: string;
  amount: string;
}
export interface ReceivableItemsPayload {
  items: ReceivableItemPayload[];
}

/** The payload each kind of operation stores: what `Outbox.add` takes for that kind. */
export interface OperationPayloads {
  "membership.registerOrganization": RegisterOrganizationPayload;
  "membership.suspend": SuspendOrganizationPayload;
  "membership.reinstate": OrganizationPayload;
  "token.mint": MintPayload;
  "token.burn": MintPayload;
  "token.approveLedger": ApprovePayload;
  "token.approve": TokenApprovePayload;
  "ledger.register": ReceivableItemsPayload;
  "ledger.issue": ReceivableItemsPayload;
  "ledger.confirm": ConfirmPayload;
  "ledger.confirmBySig": ConfirmBySigPayload;
  "ledger.reject": RejectPayload;
  "ledger.cancel": IdsPayload;
  "ledger.split": SplitPayload;
  "ledger.transfer": TransferPayload;
  /** The receiver accepts offered certificates (签收). */
  "ledger.accept": IdsPayload;
  /** The receiver refuses offered certificates (拒签), or their sender withdraws them, with a reason (bytes32). */
  "ledger.returnOffers": RejectPayload;
  /** Anyone (the platform's keeper) returns offers past their expiry or their certificate's maturity. */
  "ledger.expireOffers": IdsPayload;
  "ledger.setCreditLine": CreditLinePayload;
  "ledger.finance": FinancePayload;
  "ledger.settle": IdsPayload;
  "ledger.declareDefault": IdsPayload;
  "ledger.claimRecourse": IdsPayload;
  /** A party records the fingerprints of the documents it signed (docs/signed-documents.md). */
  "ledger.recordDocuments": DocumentsPayload;
}
export type OperationKindName = keyof OperationPayloads;

type Target = "membership" | "ledger" | "token";
const addressOf = (d: LedgerDeploymentRow, t: Target) => (t === "membership" ? d.membership : t === "ledger" ? d.ledger : d.settlementToken);

/** One item per call; `gas` its budget. */
const single = <K extends OperationKindName, P extends OperationPayloads[K] = OperationPayloads[K]>(
  kind: K,
  target: Target,
  gas: (p: P) => bigint,
  fn: (p: P, opId: bigint, d: LedgerDeploymentRow) => string,
): OperationKind<P> => ({
  kind,
  maxBatch: 1,
  maxItems: 1,
  itemCount: () => 1,
  gas: ([p]) => gas(p),
  encode: ([p], opId, d) => ({ to: addressOf(d, target), data: fn(p, opId, d) }),
});

/** Many rows' items concatenated into one call of a batch entry point; `gas` the budget of all items. */
const batched = <K extends OperationKindName, I, P extends OperationPayloads[K] = OperationPayloads[K]>(
  kind: K,
  max: number,
  items: (p: P) => I[],
  gas: (items: I[]) => bigint,
  fn: (items: I[], opId: bigint, ctx?: EncodeContext) => string,
): OperationKind<P> => ({
  kind,
  maxBatch: max,
  maxItems: max,
  itemCount: (p) => items(p).length,
  gas: (payloads) => gas(payloads.flatMap(items)),
  encode: (payloads, opId, d, ctx) => ({ to: d.ledger, data: fn(payloads.flatMap(items), opId, ctx) }),
});

const attested = <P>(op: OperationKind<P>): OperationKind<P> => ({ ...op, attested: true });

/**
 * The verifier's one signature over all the items of a register/issue call (not one per item: a
 * batch of fifty costs one signature on the worker and one ecrecover on chain). Signed when the
 * batch is formed, since only then is it known which rows share the call.
 */
function attestationOf(ctx: EncodeContext | undefined, issued: boolean, items: ReceivableItemPayload[]) {
  if (!ctx?.attest) throw new Error(`ledger.${issued ? "issue" : "register"} needs the verifier's attestation (EncodeContext.attest)`);
  return ctx.attest(issued, items.map((i) => attestedItem(ctx.sender, issued, i)));
}

/**
 * Room for the storage a transaction may be the first to write, beyond what the benchmark's warm
 * figures include: an operation-id bitmap word, a signer's first balance or ERC-721 count, a
 * credit line's first charge (a fresh slot costs 22,100 gas). Per item, the budgets below already
 * count a fresh slot each item may need (a financing's random signature nonce uses a new bitmap
 * word nearly every time).
 */
const FRESH = 150_000;

/** A budget: `base` per transaction, `each` per item. */
const perItem = (base: number, each: number) => (n: number) => BigInt(base + each * n);
const flat = (gas: number) => () => BigInt(gas);

const ids = (p: IdsPayload) => p.ids.map(BigInt);

/** Every operation the outbox knows, by kind. */
export const OPERATIONS = new Map<string, OperationKind<never>>(
  [
    single("membership.registerOrganization", "membership", (p) => perItem(FRESH + 250_000, 100_000)(p.accounts.length), (p, opId) =>
      membership.encodeFunctionData("registerOrganization", [p.orgId, p.roles, p.accounts, opId]),
    ),
    single("membership.suspend", "membership", flat(FRESH + 120_000), (p, opId) =>
      membership.encodeFunctionData("suspend", [p.orgId, p.reason, opId]),
    ),
    single("membership.reinstate", "membership", flat(FRESH + 120_000), (p, opId) => membership.encodeFunctionData("reinstate", [p.orgId, opId])),

    single("token.mint", "token", flat(FRESH + 120_000), (p, opId) => token.encodeFunctionData("mint", [p.account, BigInt(p.amount), opId])),
    single("token.burn", "token", flat(FRESH + 120_000), (p, opId) => token.encodeFunctionData("burn", [p.account, BigInt(p.amount), opId])),
    // ERC-20 approve carries no operation id: setting an allowance twice is harmless
    single("token.approveLedger", "token", flat(FRESH + 100_000), (p, _opId, d) => token.encodeFunctionData("approve", [d.ledger, BigInt(p.amount)])),
    single("token.approve", "token", flat(FRESH + 100_000), (p) => token.encodeFunctionData("approve", [p.spender, BigInt(p.amount)])),

    attested(batched("ledger.register", 50, (p) => p.items, receivablesGas, (items, opId, ctx) =>
      ledger.encodeFunctionData("register", [items.map(receivableInput), attestationOf(ctx, false, items), opId]),
    )),
    attested(batched("ledger.issue", 50, (p) => p.items, receivablesGas, (items, opId, ctx) =>
      ledger.encodeFunctionData("issue", [items.map(receivableInput), attestationOf(ctx, true, items), opId]),
    )),
    // a confirmation names each certificate's facts (creditor, amount, maturity, root), which the ledger reads and compares: two more slots per item
    batched("ledger.confirm", 200, (p) => p.items, (all) => perItem(FRESH + 60_000, 20_000)(all.length), (all, opId) =>
      ledger.encodeFunctionData("confirm", [all.map(confirmItem), opId]),
    ),
    single("ledger.confirmBySig", "ledger", (p) => perItem(FRESH + 100_000, 22_000)(p.items.length), (p, opId) =>
      ledger.encodeFunctionData("confirmBySig", [p.items.map(confirmItem), p.obligor, BigInt(p.nonce), BigInt(p.deadline), p.signature, opId]),
    ),
    single("ledger.reject", "ledger", (p) => perItem(FRESH + 60_000, 12_000)(p.ids.length), (p, opId) => ledger.encodeFunctionData("reject", [p.ids.map(BigInt), p.reason, opId])),
    batched("ledger.cancel", 200, ids, (all) => perItem(FRESH + 60_000, 15_000)(all.length), (all, opId) => ledger.encodeFunctionData("cancel", [all, opId])),
    single("ledger.split", "ledger", (p) => perItem(FRESH + 80_000, 100_000)(p.parts.length), (p, opId) =>
      ledger.encodeFunctionData("split", [BigInt(p.id), p.parts.map((x) => ({ to: x.to, amount: BigInt(x.amount) })), opId]),
    ),
    single("ledger.transfer", "ledger", flat(FRESH + 150_000), (p, opId) => ledger.encodeFunctionData("transferCertificate", [p.to, BigInt(p.id), opId])),
    // an acceptance of a transfer or split part moves the certificate: an owner slot, two balances, three events
    batched("ledger.accept", 200, ids, (all) => perItem(FRESH + 60_000, 90_000)(all.length), (all, opId) => ledger.encodeFunctionData("accept", [all, opId])),
    single("ledger.returnOffers", "ledger", (p) => perItem(FRESH + 60_000, 30_000)(p.ids.length), (p, opId) => ledger.encodeFunctionData("returnOffers", [p.ids.map(BigInt), p.reason, opId])),
    batched("ledger.expireOffers", 200, ids, (all) => perItem(FRESH + 60_000, 30_000)(all.length), (all, opId) => ledger.encodeFunctionData("returnOffers", [all, ZeroHash, opId])),
    single("ledger.setCreditLine", "ledger", flat(FRESH + 100_000), (p, opId) =>
      ledger.encodeFunctionData("setCreditLine", [p.obligor, BigInt(p.limit), opId]),
    ),
    batched("ledger.finance", 50, (p) => [p], (all) => perItem(FRESH + 80_000, 110_000)(all.length), (all, opId) =>
      ledger.encodeFunctionData("finance", [
        all.map((f) => ({
          receivableId: BigInt(f.terms.receivableId),
          bank: f.terms.bank,
          advance: BigInt(f.terms.advance),
          due: BigInt(f.terms.due),
          recourse: f.terms.recourse,
          agreement: f.terms.agreement,
          nonce: BigInt(f.terms.nonce),
          deadline: BigInt(f.terms.deadline),
        })),
        all.map((f) => f.signature),
        opId,
      ]),
    ),
    batched("ledger.settle", 100, ids, (all) => perItem(FRESH + 100_000, 60_000)(all.length), (all, opId) => ledger.encodeFunctionData("settle", [all, opId])),
    batched("ledger.declareDefault", 100, ids, (all) => perItem(FRESH + 60_000, 30_000)(all.length), (all, opId) => ledger.encodeFunctionData("declareDefault", [all, opId])),
    batched("ledger.claimRecourse", 100, ids, (all) => perItem(FRESH + 80_000, 70_000)(all.length), (all, opId) => ledger.encodeFunctionData("claimRecourse", [all, opId])),
    // an event per item and no storage; the dearest item, a transferred certificate's holder, is
    // read through ownerOf (about 10,000 gas); the checks run in a linked library
    batched("ledger.recordDocuments", 200, (p) => p.items, (all) => perItem(FRESH + 60_000, 16_000)(all.length), (all, opId) =>
      ledger.encodeFunctionData("recordDocuments", [all.map((i) => ({ id: BigInt(i.id), kind: i.kind, fingerprint: i.fingerprint })), opId]),
    ),
  ].map((op) => [op.kind, op as OperationKind<never>]),
);

/** A receivable costs most by its fresh slots: the record, and one per invoice key. */
function receivablesGas(items: ReceivableItemPayload[]): bigint {
  const keys = items.reduce((n, i) => n + i.invoiceKeys.length, 0);
  return BigInt(FRESH + 60_000 + 140_000 * items.length + 40_000 * keys);
}

function confirmItem(i: ConfirmedReceivable) {
  return { id: BigInt(i.id), creditor: i.creditor, amount: BigInt(i.amount), maturity: BigInt(i.maturity), invoicesRoot: i.invoicesRoot };
}

function receivableInput(i: ReceivableItemPayload) {
  return { counterparty: i.counterparty, amount: BigInt(i.amount), maturity: BigInt(i.maturity), invoicesRoot: i.invoicesRoot, invoiceKeys: i.invoiceKeys };
}

export function operationKind(kind: string): OperationKind<unknown> {
  const op = OPERATIONS.get(kind);
  if (!op) throw new Error(`unknown outbox operation kind ${kind}`);
  return op as OperationKind<unknown>;
}
