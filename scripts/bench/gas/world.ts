import hre from "hardhat";
import { Wallet, keccak256, toUtf8Bytes, MaxUint256, type ContractTransactionResponse } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { BaselineReceivables__factory } from "../../../typechain-types/factories/contracts/test/BaselineReceivables__factory";
import type { Membership } from "../../../typechain-types/contracts/membership/Membership";
import type { SettlementToken } from "../../../typechain-types/contracts/settlement/SettlementToken";
import type { ReceivableLedger } from "../../../typechain-types/contracts/ReceivableLedger";
import type { BaselineReceivables } from "../../../typechain-types/contracts/test/BaselineReceivables";
import { MemberRole } from "../../../backend/src/ledger/roles";
import { invoiceKey } from "../../../backend/src/ledger/invoice-key";
import { deployLedger, DEFAULT_LEDGER_PARAMS, DEVELOPMENT_ISSUER_CAP } from "../../../backend/src/ledger/deploy";

// The gas benchmark's own world (test/contracts/fixtures.ts imports vitest, which refuses to be
// loaded through require(), what `hardhat run` compiles TypeScript to): the same deployment
// (deployLedger) and parameters, onboarded with the parties the benchmark needs.

export const DAY = 24n * 3600n;
export const YUAN = 100n; // fen per yuan
export const FACE = 1_000_000n * YUAN;
export const ADVANCE = 900_000n * YUAN;
export const DUE = 950_000n * YUAN;
const INITIAL_BALANCE = 10_000_000_000n * YUAN;
export const CREDIT_LIMIT = 1_000_000_000n * YUAN;

export const PARAMS = DEFAULT_LEDGER_PARAMS;

/**
 * Sequential ids as the platform allocates them (outbox ids for operations, a counter for
 * signature nonces). The contracts record both in bitmaps of 256 per account, so only the first
 * id an account uses in a word writes a fresh slot; `take` reports when that happens so the
 * benchmark can tell warm-up samples from steady-state ones.
 */
export class Sequence {
  private next: bigint;
  private readonly touched = new Set<string>();

  constructor(start: bigint) {
    this.next = start;
  }

  take(scope: string, account: string): { id: bigint; fresh: boolean } {
    const id = this.next++;
    const key = `${scope}:${account.toLowerCase()}:${id >> 8n}`;
    const fresh = !this.touched.has(key);
    this.touched.add(key);
    return { id, fresh };
  }
}

export interface World {
  membership: Membership;
  token: SettlementToken;
  ledger: ReceivableLedger;
  baseline: BaselineReceivables;
  ledgerAddress: string;
  baselineAddress: string;
  admin: HardhatEthersSigner;
  operator: HardhatEthersSigner;
  keeper: HardhatEthersSigner; // maturity keeper / relayer: no role at all
  core1: HardhatEthersSigner;
  core2: HardhatEthersSigner; // the obligor whose repayment authorization runs short
  supplierA: HardhatEthersSigner;
  supplierB: HardhatEthersSigner;
  supplierC: HardhatEthersSigner;
  bankA: HardhatEthersSigner;
  issuer: HardhatEthersSigner;
  chainId: bigint;
  ops: Sequence;
  nonces: Sequence;
}

export interface Sample {
  gas: bigint;
  hash: string;
  steady: boolean; // no operation-id or nonce bitmap word was touched for the first time
}

/** Sends a transaction, waits for it, and returns its gas. */
export async function exec(p: Promise<ContractTransactionResponse>, fresh: boolean[] = []): Promise<Sample> {
  const tx = await p;
  const receipt = await tx.wait();
  if (!receipt || receipt.status !== 1) throw new Error(`transaction ${tx.hash} failed`);
  return { gas: receipt.gasUsed, hash: tx.hash, steady: !fresh.some(Boolean) };
}

let invoiceSeq = 0;
export function freshInvoice(): { key: string; root: string } {
  const key = invoiceKey("91500000MA5U000001", `BENCH-${++invoiceSeq}`);
  return { key, root: keccak256(key) };
}

export async function now(): Promise<bigint> {
  const block = await hre.ethers.provider.getBlock("latest");
  return BigInt(block!.timestamp);
}

export async function increaseTo(timestamp: bigint): Promise<void> {
  await hre.network.provider.send("evm_setNextBlockTimestamp", [Number(timestamp)]);
  await hre.network.provider.send("evm_mine", []);
}

const orgId = (name: string) => keccak256(toUtf8Bytes(name));

/** Deploys membership, settlement token, ledger and baseline; onboards, funds and approves. */
/** The benchmark's verifier: attests every register and issue (VERIFIER_ROLE, granted at deployment). */
export const BENCH_VERIFIER = new Wallet(keccak256(toUtf8Bytes("chainfactor bench verifier")));

export async function deployWorld(): Promise<World> {
  const [admin, operator, keeper, core1, core2, supplierA, supplierB, supplierC, bankA, issuer] =
    await hre.ethers.getSigners();
  const ops = new Sequence(1n << 20n);
  const nonces = new Sequence(1n << 20n);
  const { membership, token, ledger } = await deployLedger(admin, {
    admin: admin.address,
    operators: [operator.address],
    verifiers: [BENCH_VERIFIER.address],
    adminDelay: 3n * DAY,
    defaultIssuerCap: DEVELOPMENT_ISSUER_CAP,
    params: PARAMS,
  });
  const baseline = await new BaselineReceivables__factory(admin).deploy(await token.getAddress());
  const ledgerAddress = await ledger.getAddress();
  const baselineAddress = await baseline.getAddress();

  const orgs: [string, number, HardhatEthersSigner][] = [
    ["core1", MemberRole.CoreEnterprise, core1],
    ["core2", MemberRole.CoreEnterprise, core2],
    ["supplierA", MemberRole.Supplier, supplierA],
    ["supplierB", MemberRole.Supplier, supplierB],
    ["supplierC", MemberRole.Supplier, supplierC],
    ["bankA", MemberRole.Bank, bankA],
    ["issuer", MemberRole.SettlementIssuer, issuer],
  ];
  for (const [name, role, signer] of orgs) {
    const op = ops.take("membership", operator.address);
    await exec(membership.connect(operator).registerOrganization(orgId(name), role, [signer.address], op.id));
  }
  for (const payer of [core1, core2, bankA, supplierA, supplierB]) {
    await exec(token.connect(issuer).mint(payer.address, INITIAL_BALANCE, ops.take("token", issuer.address).id));
    await exec(token.connect(payer).approve(ledgerAddress, MaxUint256));
  }
  for (const core of [core1, core2]) {
    await exec(ledger.connect(bankA).setCreditLine(core.address, CREDIT_LIMIT, ops.take("ledger", bankA.address).id));
  }
  // Baseline: the obligor and the bank authorize it once; the supplier authorizes the bank.
  await exec(token.connect(core1).approve(baselineAddress, MaxUint256));
  await exec(token.connect(bankA).approve(baselineAddress, MaxUint256));
  await exec(baseline.connect(supplierA).setApprovalForAll(bankA.address, true));
  // ...and holds a certificate it never finances, so escrowing the benchmarked ones never takes
  // its ERC-721 balance to zero (which would make every registration write a fresh balance slot).
  const kept = freshInvoice();
  const keptMaturity = (await now()) + 300n * DAY;
  await exec(baseline.connect(supplierA).register(core1.address, FACE, keptMaturity, kept.root, [kept.key]));

  const { chainId } = await hre.ethers.provider.getNetwork();
  return {
    membership, token, ledger, baseline, ledgerAddress, baselineAddress, admin, operator, keeper,
    core1, core2, supplierA, supplierB, supplierC, bankA, issuer, chainId, ops, nonces,
  };
}
