/**
 * The world the direct-ledger adversaries attack (issue 15, "Prove it"): every kind of member
 * holding a key of its own, and certificates in every state an attack can aim at, each with the
 * signatures and attestations that were really given for it, so that an attacker can replay them.
 */
import hre from "hardhat";
import { AbiCoder, ZeroAddress, keccak256, type AddressLike } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { AttestationStruct, ReceivableInputStruct } from "../../../typechain-types/contracts/ReceivableLedger";
import {
  deployWorld, loadFixture, nextOp, orgId, freshInvoice, attest, issue, issued, financed, signConfirm, signTerms,
  now, time, DAY, YUAN, DEFAULT_PARAMS, VERIFIER, type World,
} from "../fixtures";
import { MemberRole } from "../../../backend/src/ledger/roles";

/** The seller tax id freshInvoice() builds keys with: supplierA's, in the scene. */
export const SELLER_A = "91500000MA5U000001";
export const FACE = 1_000_000n * YUAN; // every certificate of the scene
/** bankB's line for core2: far below one certificate, for the credit-limit row. */
export const SMALL_LINE = 1_000n * YUAN;
export const MAX = (1n << 256n) - 1n;

export const ACCOUNTS = [
  "admin", "operator", "relayer", "core1", "core2", "supplierA", "supplierB", "supplierC", "bankA", "bankB", "auditor",
  "issuer", "outsider",
  "removed", // spare[0]: was supplierA's organization's second key; the operator removed it
  "susSupplier", "susCore", "susBank", "susIssuer", // spare[1..4]: one organization each, suspended
  "successor", // spare[5]: the pending default admin (a governance handover under way)
  "newHouse", // spare[6]: the clearing house governance scheduled (not yet due)
] as const;
export type Account = (typeof ACCOUNTS)[number];

export interface Scene {
  w: World;
  as: Record<Account, HardhatEthersSigner>;
  ledger: string; // the ledger's address (the clearing house)
  /**
   * Certificates: P Pending (supplierA → core1); C Confirmed (supplierA, core1); F Financed by
   * bankA (supplierA, core1, no recourse); Cc2 Confirmed (supplierB, core2), for bankB's small
   * line; Ps Pending (supplierA → susCore). Matured: O Overdue, financed by bankA with recourse,
   * default period over (supplierA, core2); Dd Defaulted, idem; Ou Overdue unfinanced (supplierB,
   * core2); M Confirmed and matured, never settled (supplierA, core1); X settled, its payout held
   * for `removed`; Xs settled, its payout held for susSupplier. Y Confirmed, held by `removed`;
   * Z Confirmed, held by susSupplier. Waiting for acceptance (签收): I Offered, issued by core1 to
   * supplierA; T Offered, supplierA's (owed by core1) offered to supplierC. core2 was delinquent
   * (O, Dd, Ou) and governance resumed it; no obligor is delinquent now.
   */
  ids: Record<"P" | "C" | "F" | "Cc2" | "Ps" | "O" | "Dd" | "Ou" | "M" | "X" | "Xs" | "Y" | "Z" | "I" | "T", bigint>;
  maturity: { C: bigint; M: bigint };
  /** When the offers of I and T expire. */
  expires: { I: bigint; T: bigint };
  /** What supplierA registered C with, and the verifier's attestation of it. */
  cItem: ReceivableInputStruct;
  cAttestation: AttestationStruct;
  /** C's invoice key written with the seller's USCC in lower case (not canonical). */
  cKeyLowerCase: string;
  /** A verifier's attestation of core1 issuing `core1Item` to supplierA, never used. */
  core1Item: ReceivableInputStruct;
  core1Attestation: AttestationStruct;
  /** core1's signed confirmation of C, already submitted (its nonce is spent). */
  usedConfirm: Awaited<ReturnType<typeof signConfirm>>;
  /** core1's signed confirmation of P and susCore's of Ps, not submitted. */
  pConfirm: Awaited<ReturnType<typeof signConfirm>>;
  psConfirm: Awaited<ReturnType<typeof signConfirm>>;
  /** supplierA's signed terms for C with bankA, not submitted. */
  cTerms: Awaited<ReturnType<typeof signTerms>>;
  /** Operation ids already executed by supplierA and bankB. */
  usedOp: { supplierA: bigint; bankB: bigint };
  /** When the scheduled raise of the issuer's cap, the clearing-house change and the admin handover fall due. */
  due: { issuerCap: bigint; clearingHouse: bigint; adminHandover: bigint };
  /** Everything the campaign must leave as it found it, read right after the scene was built. */
  before: LedgerState;
}

export const scene = (): Promise<Scene> => loadFixture(buildScene);

async function buildScene(): Promise<Scene> {
  const w = await deployWorld();
  const [removed, susSupplier, susCore, susBank, susIssuer, successor, newHouse] = w.spare;
  const as = {
    admin: w.admin, operator: w.operator, relayer: w.relayer, core1: w.core1, core2: w.core2, supplierA: w.supplierA,
    supplierB: w.supplierB, supplierC: w.supplierC, bankA: w.bankA, bankB: w.bankB, auditor: w.auditor, issuer: w.issuer,
    outsider: w.outsider, removed, susSupplier, susCore, susBank, susIssuer, successor, newHouse,
  } satisfies Record<Account, HardhatEthersSigner>;
  const op = w.membership.connect(w.operator);
  const ledger = await w.ledger.getAddress();

  // ── the members that will lose their standing, while they still have it
  await op.addAccount(orgId("supplierA"), removed.address, nextOp());
  const suspendedOrgs: [string, number, HardhatEthersSigner][] = [
    ["susSupplier", MemberRole.Supplier, susSupplier], ["susCore", MemberRole.CoreEnterprise, susCore],
    ["susBank", MemberRole.Bank, susBank], ["susIssuer", MemberRole.SettlementIssuer, susIssuer],
  ];
  for (const [name, role, signer] of suspendedOrgs) await op.registerOrganization(orgId(name), role, [signer.address], nextOp());
  for (const who of [removed, susSupplier]) await w.token.connect(w.issuer).mint(who.address, 1_000n * YUAN, nextOp());
  await w.token.connect(susBank).approve(ledger, hre.ethers.MaxUint256);
  await w.ledger.connect(susBank).setCreditLine(w.core1.address, FACE, nextOp());
  await w.token.connect(w.supplierA).approve(w.bankB.address, 1_000n * YUAN);

  // ── certificates that mature in two days, and long ones for the accounts about to lose standing
  const soon = (await now()) + 2n * DAY;
  const later = (await now()) + 300n * DAY;
  const [O, Dd] = await issued(w, w.core2, w.supplierA, [{ maturity: soon }, { maturity: soon }]);
  const [Ou] = await issued(w, w.core2, w.supplierB, [{ maturity: soon }]);
  const [M] = await issued(w, w.core1, w.supplierA, [{ maturity: soon }]);
  const [X, Y] = await issued(w, w.core1, removed, [{ maturity: soon }, { maturity: later }]);
  const [Xs, Z] = await issued(w, w.core1, susSupplier, [{ maturity: soon }, { maturity: later }]);
  const { item: psItem } = await fresh(susCore.address);
  await w.ledger.connect(w.supplierA).register([psItem], await attest(w.ledger, w.supplierA, false, [psItem]), nextOp());
  const Ps = await w.ledger.lastReceivableId();
  for (const id of [O, Dd]) await financed(w, id, w.supplierA, w.bankA, { recourse: true });

  await op.removeAccount(removed.address, nextOp());
  for (const [name] of suspendedOrgs) await op.suspend(orgId(name), orgId("investigation"), nextOp());

  // ── maturity: core2 has withdrawn its repayment authorization; then the default period runs out
  await w.token.connect(w.core2).approve(ledger, 0n);
  await time.increaseTo(soon + BigInt(DEFAULT_PARAMS.gracePeriod));
  await w.ledger.connect(w.relayer).settle([O, Dd, Ou, X, Xs], nextOp());
  await time.increase(BigInt(DEFAULT_PARAMS.defaultPeriod) + 1n);
  await w.ledger.connect(w.bankA).declareDefault([Dd], nextOp());
  // O, Dd and Ou made core2 delinquent; governance resumed it after a restructuring, so that core2
  // can attack as any core enterprise would (the rows that need a delinquent obligor make one)
  await w.ledger.connect(w.admin).resumeObligor(w.core2.address, orgId("restructuring"));

  // ── today's certificates and the signatures given for them
  const { item: cItem, number: cNumber } = await fresh(w.core1.address);
  const cAttestation = await attest(w.ledger, w.supplierA, false, [cItem]);
  await w.ledger.connect(w.supplierA).register([cItem], cAttestation, nextOp());
  const C = await w.ledger.lastReceivableId();
  const usedConfirm = await signConfirm(w, w.core1, [C]);
  await w.ledger.connect(w.relayer).confirmBySig(usedConfirm.items, w.core1.address, usedConfirm.nonce, usedConfirm.deadline, usedConfirm.signature, nextOp());

  const usedOp = { supplierA: nextOp(), bankB: nextOp() };
  const { item: pItem } = await fresh(w.core1.address);
  await w.ledger.connect(w.supplierA).register([pItem], await attest(w.ledger, w.supplierA, false, [pItem]), usedOp.supplierA);
  const P = await w.ledger.lastReceivableId();
  const [F] = await issued(w, w.core1, w.supplierA);
  await financed(w, F);
  const [Cc2] = await issued(w, w.core2, w.supplierB);
  const [I] = await issue(w, w.core1, w.supplierA.address);
  const [T] = await issued(w, w.core1, w.supplierA);
  await w.ledger.connect(w.supplierA).transferCertificate(w.supplierC.address, T, nextOp());
  const expires = { I: (await w.ledger.offerOf(I)).expires, T: (await w.ledger.offerOf(T)).expires };
  await w.ledger.connect(w.bankB).setCreditLine(w.core2.address, SMALL_LINE, usedOp.bankB);

  const { item: core1Item } = await fresh(w.supplierA.address);
  const core1Attestation = await attest(w.ledger, w.core1, true, [core1Item]);
  const pConfirm = await signConfirm(w, w.core1, [P]);
  const psConfirm = await signConfirm(w, susCore, [Ps]);
  const cTerms = await signTerms(w, w.supplierA, { receivableId: C, bank: w.bankA.address });

  // ── governance acts under way: none may be applied before its delay
  await w.token.connect(w.admin).setIssuerCap(orgId("issuer"), 10n ** 18n);
  await w.token.connect(w.admin).setClearingHouse(newHouse.address);
  await w.membership.connect(w.admin).beginDefaultAdminTransfer(successor.address);
  const due = {
    issuerCap: (await w.token.issuerCap(orgId("issuer")))[3],
    clearingHouse: (await w.token.pendingClearingHouse())[1],
    adminHandover: (await w.membership.pendingDefaultAdmin())[1],
  };

  const partial: Omit<Scene, "before"> = {
    w, as, ledger,
    ids: { P, C, F, Cc2, Ps, O, Dd, Ou, M, X, Xs, Y, Z, I, T },
    maturity: { C: BigInt(cItem.maturity), M: soon },
    expires,
    cItem, cAttestation,
    cKeyLowerCase: keccak256(AbiCoder.defaultAbiCoder().encode(["string", "string"], [SELLER_A.toLowerCase(), cNumber])),
    core1Item, core1Attestation, usedConfirm, pConfirm, psConfirm, cTerms, usedOp, due,
  };
  return { ...partial, before: await ledgerState(partial) };
}

/** A receivable of FACE owed by (or, issued, to) `counterparty` on a fresh invoice of supplierA's, maturing in 90 days. */
export async function fresh(counterparty: AddressLike): Promise<{ item: ReceivableInputStruct; number: string }> {
  const inv = freshInvoice(SELLER_A);
  const maturity = (await now()) + 90n * DAY;
  return { item: { counterparty: String(counterparty), amount: FACE, maturity, invoicesRoot: inv.root, invoiceKeys: [inv.key] }, number: inv.number };
}

// ─── The state the campaign must leave unchanged ─────────────────────────

export type LedgerState = Record<string, unknown>;

const ORGS = ["core1", "core2", "supplierA", "supplierB", "supplierC", "bankA", "bankB", "auditor", "issuer", "susSupplier", "susCore", "susBank", "susIssuer"];
const BANKS: Account[] = ["bankA", "bankB", "susBank"];
const CORES: Account[] = ["core1", "core2", "susCore"];

/**
 * Settlement-token balances, allowances to the ledger and issuer caps; every certificate's record,
 * holder, lien and repayments; credit lines; held payouts; invoice keys; signature nonces;
 * members, their roles and organizations; governance roles and schedules; ledger policy.
 */
export async function ledgerState(s: Omit<Scene, "before">): Promise<LedgerState> {
  const { w, as } = s;
  const all = [...ACCOUNTS.map((a) => as[a].address), s.ledger, ZeroAddress];
  const last = await w.ledger.lastReceivableId();
  const ids = Array.from({ length: Number(last) }, (_, i) => BigInt(i + 1));
  const [verifierRole, operatorRole] = [await w.membership.VERIFIER_ROLE(), await w.membership.OPERATOR_ROLE()];
  const cert = async (id: bigint) => [
    [...(await w.ledger.receivable(id))], await w.ledger.ownerOf(id), [...(await w.ledger.lienOf(id))],
    [...(await w.ledger.repaymentOf(id))], await w.ledger.outstandingOf(id), [...(await w.ledger.offerOf(id))],
  ];
  const account = async (a: string) => [
    await w.token.balanceOf(a), await w.token.allowance(a, s.ledger), await w.ledger.heldPayouts(a),
    a === ZeroAddress ? 0n : await w.ledger.balanceOf(a),
    await w.membership.activeRoles(a), await w.membership.organizationOf(a), await w.membership.formerOrganizationOf(a),
    await w.membership.hasRole(operatorRole, a), await w.membership.hasRole(verifierRole, a), await w.membership.isGovernor(a),
  ];
  const nonces = [
    [as.core1.address, s.usedConfirm.nonce], [as.core1.address, s.pConfirm.nonce], [as.susCore.address, s.psConfirm.nonce],
    [as.supplierA.address, s.cTerms.terms.nonce],
  ] as const;
  return {
    accounts: Object.fromEntries(await Promise.all(all.map(async (a) => [a, await account(a)]))),
    certificates: await Promise.all(ids.map(cert)),
    lastReceivableId: last,
    supplierAAllowsBankB: await w.token.allowance(as.supplierA.address, as.bankB.address),
    creditLines: await Promise.all(BANKS.flatMap((b) => CORES.map(async (c) => [b, c, [...(await w.ledger.creditLine(as[b].address, as[c].address))]]))),
    delinquencies: await Promise.all(CORES.map(async (c) => [c, await w.ledger.delinquenciesOf(as[c].address)])),
    invoiceKeys: await Promise.all([s.cItem, s.core1Item].map(async (i) => w.ledger.receivableOfInvoice(String(i.invoiceKeys[0])))),
    noncesUsed: await Promise.all(nonces.map(([a, n]) => w.ledger.nonceUsed(a, n))),
    organizations: await Promise.all(ORGS.map(async (o) => { const r = await w.membership.organization(orgId(o)); return [o, r.roles, r.suspended, [...r.accounts]]; })),
    governance: [
      await w.membership.defaultAdmin(), [...(await w.membership.pendingDefaultAdmin())], await w.membership.defaultAdminDelay(),
      await w.membership.isVerifier(VERIFIER.address),
    ],
    token: [
      await w.token.totalSupply(), await w.token.clearingHouse(), [...(await w.token.pendingClearingHouse())],
      [...(await w.token.issuerCap(orgId("issuer")))], [...(await w.token.issuerCap(orgId("susIssuer")))],
    ],
    ledger: [[...(await w.ledger.params())], await w.ledger.paused(), await w.ledger.pauseEnds()],
  };
}
