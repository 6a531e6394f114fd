import hre from "hardhat";
import { expect } from "vitest";
import { Interface, Wallet, hexlify, keccak256, toUtf8Bytes, type ContractTransactionResponse, type Signer, type ErrorFragment, type AddressLike, type HDNodeWallet } from "ethers";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { Membership, ReceivableLedger, SettlementToken } from "../../typechain-types";
import type { ReceivableInputStruct, LedgerParamsStruct, FinanceTermsStruct, AttestationStruct, ConfirmItemStruct } from "../../typechain-types/contracts/ReceivableLedger";
import { invoiceKey } from "../../backend/src/ledger/invoice-key";
import { ledgerDomain, CONFIRM_TYPES, FINANCE_TERMS_TYPES, signAttestation } from "../../backend/src/ledger/typed-data";
import { MemberRole } from "../../backend/src/ledger/roles";
import { deployLedger, DEFAULT_LEDGER_PARAMS, DEVELOPMENT_ISSUER_CAP } from "../../backend/src/ledger/deploy";

export { time, loadFixture };
export const DAY = 24n * 3600n;
export const YUAN = 100n; // fen per yuan
export const ADMIN_DELAY = 3n * DAY;

export const DEFAULT_PARAMS: LedgerParamsStruct = DEFAULT_LEDGER_PARAMS;

/** Operation ids: unique per test run, as the platform's outbox ids would be. */
let lastOpId = 1000n;
export const nextOp = (): bigint => ++lastOpId;

let invoiceSeq = 0;
/** A fresh invoice key (and a root committing to it) for a seller. */
export function freshInvoice(sellerTaxId = "91500000MA5U000001"): { key: string; root: string; number: string } {
  const number = `INV-${++invoiceSeq}`;
  const key = invoiceKey(sellerTaxId, number);
  return { key, root: keccak256(key), number };
}

export const orgId = (name: string) => keccak256(toUtf8Bytes(name));

/** A document's fingerprint, as the platform's SM3 hash of a PDF would be (32 bytes): distinct per name. */
export const fingerprint = (name: string) => keccak256(toUtf8Bytes(`document ${name}`));
/** The financing agreement the terms of `signTerms` are bound to unless a test names another. */
export const AGREEMENT = fingerprint("financing agreement");

/** The verifier of every test world (VERIFIER_ROLE, granted at deployment): attests what the tests register and issue. */
export const VERIFIER = new Wallet(keccak256(toUtf8Bytes("chainfactor test verifier")));

type AttestableContract = { getAddress(): Promise<string>; runner?: unknown };
type Attestable = ReceivableInputStruct | Promise<ReceivableInputStruct>;

/**
 * The verifier's attestation of a `register` (issued false, `caller` the creditor) or `issue`
 * (issued true, `caller` the obligor) of `items` on `ledger`, by `verifier` (default
 * {@link VERIFIER}), valid until `deadline` (default: a day after the latest block).
 */
export async function attest(
  ledger: AttestableContract,
  caller: AddressLike,
  issued: boolean,
  items: ReceivableInputStruct[],
  o: { verifier?: Wallet | HDNodeWallet; deadline?: bigint; chainId?: bigint; contract?: string; signerAs?: string } = {},
): Promise<AttestationStruct> {
  const me = typeof caller === "string" ? caller : await (caller as Signer).getAddress();
  const deadline = o.deadline ?? (await now()) + DAY;
  const chainId = o.chainId ?? (await hre.ethers.provider.getNetwork()).chainId;
  const domain = ledgerDomain(chainId, o.contract ?? (await ledger.getAddress()));
  const attested = items.map((i) => ({
    obligor: issued ? me : String(i.counterparty),
    creditor: issued ? String(i.counterparty) : me,
    amount: BigInt(i.amount),
    maturity: BigInt(i.maturity),
    invoicesRoot: String(i.invoicesRoot),
    invoiceKeys: [...(i.invoiceKeys as string[])],
  }));
  const verifier = o.verifier ?? VERIFIER;
  return { verifier: o.signerAs ?? verifier.address, deadline, signature: signAttestation(verifier.signingKey, domain, issued, attested, deadline) };
}

/** `items` with the verifier's attestation, as the first two arguments of `register`/`issue`: `ledger.connect(s).register(...(await attested(ledger, s, false, ...(await attested(ledger, s, false, items)))), opId)`. */
export async function attested(
  ledger: AttestableContract,
  caller: AddressLike,
  issued: boolean,
  items: Attestable[],
): Promise<[ReceivableInputStruct[], AttestationStruct]> {
  const resolved = await Promise.all(items);
  return [resolved, await attest(ledger, caller, issued, resolved)];
}

/** Every party of the consortium used across the contract tests. */
export interface World {
  membership: Membership;
  token: SettlementToken;
  ledger: ReceivableLedger;
  admin: HardhatEthersSigner; // default admin (governance)
  operator: HardhatEthersSigner;
  relayer: HardhatEthersSigner; // holds no role at all
  core1: HardhatEthersSigner;
  core2: HardhatEthersSigner;
  supplierA: HardhatEthersSigner;
  supplierB: HardhatEthersSigner;
  supplierC: HardhatEthersSigner;
  bankA: HardhatEthersSigner;
  bankB: HardhatEthersSigner;
  auditor: HardhatEthersSigner;
  issuer: HardhatEthersSigner;
  outsider: HardhatEthersSigner;
  spare: HardhatEthersSigner[]; // unregistered accounts for tests that onboard more members
  chainId: bigint;
}

export const INITIAL_BALANCE = 10_000_000_000n * YUAN;
export const CREDIT_LIMIT = 1_000_000_000n * YUAN;

/** Deploys membership, token and ledger, and onboards and funds every party. */
export async function deployWorld(params: LedgerParamsStruct = DEFAULT_PARAMS): Promise<World> {
  const signers = await hre.ethers.getSigners();
  const [admin, operator, relayer, core1, core2, supplierA, supplierB, supplierC, bankA, bankB, auditor, issuer, outsider, ...spare] =
    signers;
  const { membership, token, ledger } = await deployLedger(admin, {
    admin: admin.address,
    operators: [operator.address],
    verifiers: [VERIFIER.address],
    adminDelay: ADMIN_DELAY,
    defaultIssuerCap: DEVELOPMENT_ISSUER_CAP,
    params,
  });

  const m = membership.connect(operator);
  const orgs: [string, number, HardhatEthersSigner][] = [
    ["core1", MemberRole.CoreEnterprise, core1],
    ["core2", MemberRole.CoreEnterprise, core2],
    ["supplierA", MemberRole.Supplier, supplierA],
    ["supplierB", MemberRole.Supplier, supplierB],
    ["supplierC", MemberRole.Supplier, supplierC],
    ["bankA", MemberRole.Bank, bankA],
    ["bankB", MemberRole.Bank, bankB],
    ["auditor", MemberRole.Auditor, auditor],
    ["issuer", MemberRole.SettlementIssuer, issuer],
  ];
  for (const [name, role, signer] of orgs) {
    await m.registerOrganization(orgId(name), role, [signer.address], nextOp());
  }
  const ledgerAddress = await ledger.getAddress();
  for (const payer of [core1, core2, bankA, bankB, supplierA, supplierB, supplierC]) {
    await token.connect(issuer).mint(payer.address, INITIAL_BALANCE, nextOp());
    await token.connect(payer).approve(ledgerAddress, hre.ethers.MaxUint256);
  }
  for (const bank of [bankA, bankB]) {
    for (const core of [core1, core2]) {
      await ledger.connect(bank).setCreditLine(core.address, CREDIT_LIMIT, nextOp());
    }
  }
  const { chainId } = await hre.ethers.provider.getNetwork();
  return {
    membership, token, ledger, admin, operator, relayer, core1, core2, supplierA, supplierB, supplierC,
    bankA, bankB, auditor, issuer, outsider, spare, chainId,
  };
}

/** The standard world, snapshotted: each test starts from the same state in milliseconds. */
export async function world(): Promise<World> {
  return loadFixture(standardWorld);
}
async function standardWorld() {
  return deployWorld();
}

export async function now(): Promise<bigint> {
  return BigInt(await time.latest());
}

export interface Draft {
  counterparty: string;
  amount?: bigint;
  maturity?: bigint;
  keys?: string[];
  root?: string;
}

export async function input(d: Draft): Promise<ReceivableInputStruct> {
  const inv = freshInvoice();
  return {
    counterparty: d.counterparty,
    amount: d.amount ?? 1_000_000n * YUAN,
    maturity: d.maturity ?? (await now()) + 90n * DAY,
    invoicesRoot: d.root ?? inv.root,
    invoiceKeys: d.keys ?? [inv.key],
  };
}

/** Registers receivables of `supplier` owed by `obligor`; returns their ids. */
export async function register(w: World, supplier: Signer, obligor: string, drafts: Omit<Draft, "counterparty">[] = [{}]) {
  const items = await Promise.all(drafts.map((d) => input({ ...d, counterparty: obligor })));
  const first = await w.ledger.connect(supplier).register.staticCall(...(await attested(w.ledger, supplier, false, items)), 1n << 200n);
  await w.ledger.connect(supplier).register(...(await attested(w.ledger, supplier, false, items)), nextOp());
  return drafts.map((_, i) => first + BigInt(i));
}

/** Issues certificates from `obligor` to `supplier`, each Offered until the supplier accepts it (签收); returns their ids. */
export async function issue(w: World, obligor: Signer, supplier: string, drafts: Omit<Draft, "counterparty">[] = [{}]) {
  const items = await Promise.all(drafts.map((d) => input({ ...d, counterparty: supplier })));
  const first = await w.ledger.connect(obligor).issue.staticCall(...(await attested(w.ledger, obligor, true, items)), 1n << 200n);
  await w.ledger.connect(obligor).issue(...(await attested(w.ledger, obligor, true, items)), nextOp());
  return drafts.map((_, i) => first + BigInt(i));
}

/** `receiver` accepts (签收) the certificates offered to it. */
export async function accept(w: World, receiver: Signer, ids: bigint[]) {
  await (await w.ledger.connect(receiver).accept(ids, nextOp())).wait();
}

/** Issues certificates from `obligor` to `supplier`, which accepts them: Confirmed and held by it. Returns their ids. */
export async function issued(w: World, obligor: Signer, supplier: Signer, drafts: Omit<Draft, "counterparty">[] = [{}]) {
  const ids = await issue(w, obligor, await supplier.getAddress(), drafts);
  await accept(w, supplier, ids);
  return ids;
}

/** `from` offers certificate `id` to `to` (transferCertificate), and `to` accepts it. */
export async function transferred(w: World, from: Signer, to: Signer, id: bigint) {
  await (await w.ledger.connect(from).transferCertificate(await to.getAddress(), id, nextOp())).wait();
  await accept(w, to, [id]);
}

/**
 * `holder` splits `id` into `parts`; every part for another supplier is accepted by it, so all
 * parts end Confirmed with their recipients. Returns the parts' ids.
 */
export async function splitInto(w: World, holder: Signer, id: bigint, parts: { to: Signer; amount: bigint }[]) {
  const me = await holder.getAddress();
  const resolved = await Promise.all(parts.map(async (p) => ({ to: await p.to.getAddress(), amount: p.amount })));
  const first = await w.ledger.connect(holder).split.staticCall(id, resolved, 1n << 200n);
  await (await w.ledger.connect(holder).split(id, resolved, nextOp())).wait();
  const ids = parts.map((_, i) => first + BigInt(i));
  for (let i = 0; i < parts.length; i++) if (resolved[i].to !== me) await accept(w, parts[i].to, [ids[i]]);
  return ids;
}

/** Registers and confirms one receivable of 1,000,000 yuan (or `amount`). */
export async function confirmed(w: World, supplier = w.supplierA, obligor = w.core1, draft: Omit<Draft, "counterparty"> = {}) {
  const [id] = await register(w, supplier, obligor.address, [draft]);
  await w.ledger.connect(obligor).confirm(await confirmItems(w.ledger, [id]), nextOp());
  return id;
}

/**
 * What an obligor confirms about `ids`: each certificate's facts as the ledger records them (an id
 * that does not exist gets zeros, for tests that expect the ledger to refuse it).
 */
export async function confirmItems(ledger: Pick<ReceivableLedger, "receivable">, ids: bigint[]): Promise<ConfirmItemStruct[]> {
  return Promise.all(
    ids.map(async (id) => {
      try {
        const r = await ledger.receivable(id);
        return { id, creditor: r.creditor, amount: r.amount, maturity: r.maturity, invoicesRoot: r.invoicesRoot };
      } catch {
        return { id, creditor: "0x" + "00".repeat(20), amount: 0n, maturity: 0n, invoicesRoot: "0x" + "00".repeat(32) };
      }
    }),
  );
}

let nonceSeq = 1n;
export const nextNonce = (): bigint => ++nonceSeq;

export async function signConfirm(
  w: World,
  obligor: HardhatEthersSigner,
  ids: bigint[],
  opts: { nonce?: bigint; deadline?: bigint; chainId?: bigint; contract?: string; items?: ConfirmItemStruct[] } = {},
) {
  const nonce = opts.nonce ?? nextNonce();
  const deadline = opts.deadline ?? (await now()) + DAY;
  const domain = ledgerDomain(opts.chainId ?? w.chainId, opts.contract ?? (await w.ledger.getAddress()));
  const items = opts.items ?? (await confirmItems(w.ledger, ids));
  const signature = await obligor.signTypedData(domain, CONFIRM_TYPES, { items, nonce, deadline });
  return { nonce, deadline, signature, items };
}

export async function signTerms(
  w: World,
  holder: HardhatEthersSigner,
  t: Partial<FinanceTermsStruct> & { receivableId: bigint; bank: string },
  opts: { chainId?: bigint; contract?: string } = {},
) {
  const terms = {
    receivableId: t.receivableId,
    bank: t.bank,
    advance: BigInt(t.advance ?? 900_000n * YUAN),
    due: BigInt(t.due ?? 950_000n * YUAN),
    recourse: Boolean(t.recourse ?? false),
    agreement: hexlify(t.agreement ?? AGREEMENT),
    nonce: BigInt(t.nonce ?? nextNonce()),
    deadline: BigInt(t.deadline ?? (await now()) + DAY),
  };
  const domain = ledgerDomain(opts.chainId ?? w.chainId, opts.contract ?? (await w.ledger.getAddress()));
  const signature = await holder.signTypedData(domain, FINANCE_TERMS_TYPES, terms);
  return { terms, signature };
}

/** Finances `id` held by `holder` with `bank` on default or given terms. */
export async function financed(
  w: World,
  id: bigint,
  holder: HardhatEthersSigner = w.supplierA,
  bank: HardhatEthersSigner = w.bankA,
  t: Partial<FinanceTermsStruct> = {},
) {
  const { terms, signature } = await signTerms(w, holder, { ...t, receivableId: id, bank: bank.address });
  const skipped = await skipsOf(w, w.ledger.connect(bank).finance([terms], [signature], nextOp()));
  if (skipped.length) throw new Error(`the ledger skipped financing #${id}: ${skipped[0][1]}`);
  return terms;
}

/** The `finance` transaction of `bank` for terms `holder` signed (see `financed`). */
export async function financeTx(
  w: World,
  id: bigint,
  holder: HardhatEthersSigner = w.supplierA,
  bank: HardhatEthersSigner = w.bankA,
  t: Partial<FinanceTermsStruct> = {},
): Promise<ContractTransactionResponse> {
  const { terms, signature } = await signTerms(w, holder, { ...t, receivableId: id, bank: bank.address });
  return w.ledger.connect(bank).finance([terms], [signature], nextOp());
}

/** The terms a `finance` transaction skipped: [certificate id, the error's name] per FinancingSkipped, in order. */
export async function skipsOf(w: World, tx: Promise<ContractTransactionResponse>): Promise<[bigint, string][]> {
  const receipt = await (await tx).wait();
  const ledger = (await w.ledger.getAddress()).toLowerCase();
  return receipt!.logs
    .filter((l) => l.address.toLowerCase() === ledger)
    .map((l) => w.ledger.interface.parseLog(l))
    .filter((e) => e?.name === "FinancingSkipped")
    .map((e) => [e!.args.id as bigint, allErrors.getError(e!.args.reason as string)?.name ?? String(e!.args.reason)]);
}

/** The ledger's events of a mined transaction, in order: [name, args as an array]. */
export async function eventsOf(w: World, tx: Promise<ContractTransactionResponse> | ContractTransactionResponse): Promise<[string, unknown[]][]> {
  const receipt = await (await tx).wait();
  const ledger = (await w.ledger.getAddress()).toLowerCase();
  return receipt!.logs
    .filter((l) => l.address.toLowerCase() === ledger)
    .map((l) => w.ledger.interface.parseLog(l))
    .filter((e) => e !== null)
    .map((e) => [e!.name, [...e!.args]]);
}

/** Asserts that a `finance` transaction was mined and skipped exactly these terms, with these reasons. */
export async function expectSkipped(w: World, tx: Promise<ContractTransactionResponse>, expected: [bigint, string][]) {
  expect(await skipsOf(w, tx)).toEqual(expected);
}

// ─── Errors ────────────────────────────────────────────────────────────

/** Every custom error of every compiled contract, to decode reverts bubbling through calls. */
const allErrors: Interface = (() => {
  const seen = new Map<string, ErrorFragment>();
  for (const name of ["ReceivableLedger", "Membership", "SettlementToken"]) {
    for (const f of hre.artifacts.readArtifactSync(name).abi.filter((x: { type: string }) => x.type === "error")) {
      const frag = Interface.from([f]).fragments[0] as ErrorFragment;
      seen.set(frag.selector, frag);
    }
  }
  return new Interface([...seen.values()]);
})();

/** Finds revert data in an ethers or Hardhat error, however deeply it is nested. */
function revertData(e: unknown, depth = 0): string | undefined {
  if (depth > 6 || !e || typeof e !== "object") return undefined;
  const o = e as Record<string, unknown>;
  if (typeof o.data === "string" && o.data.startsWith("0x")) return o.data;
  for (const next of [o.data, o.error, o.info, o.cause]) {
    const found = revertData(next, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** Decoded custom error of a failed call or transaction. */
export async function revertOf(p: Promise<unknown>): Promise<{ name: string; args: unknown[] }> {
  try {
    await p;
  } catch (e) {
    const data = revertData(e);
    if (!data) throw e;
    const parsed = allErrors.parseError(data);
    if (!parsed) throw new Error(`undecodable revert data ${data}`);
    return { name: parsed.name, args: [...parsed.args] };
  }
  throw new Error("expected a revert, but the call succeeded");
}

/** Asserts that `p` reverts with custom error `name` (and, if given, exactly `args`). */
export async function expectRevert(p: Promise<unknown>, name: string, args?: unknown[]) {
  const got = await revertOf(p);
  expect(got.name).toBe(name);
  if (args) expect(got.args.map(norm)).toEqual(args.map(norm));
}

const norm = (v: unknown): unknown =>
  typeof v === "number" ? BigInt(v) : typeof v === "string" && v.startsWith("0x") ? v.toLowerCase() : v;
