import type { Signer } from "ethers";
import type { DataSource } from "typeorm";
import { LedgerDeploymentEntity, type LedgerDeploymentRow } from "./ledger.entity";
import {
  Membership__factory,
  ReceivableLedger__factory,
  Recovery__factory,
  DocumentRecords__factory,
  SettlementToken__factory,
  type Membership,
  type ReceivableLedger,
  type SettlementToken,
} from "../../../typechain-types";
import type { LedgerParamsStruct } from "../../../typechain-types/contracts/ReceivableLedger";

const DAY = 86_400n;

/** Policy defaults: China's 2025 rule caps receivable e-certificate tenors at one year. */
export const DEFAULT_LEDGER_PARAMS = {
  maxTenor: 365n * DAY,
  maxTier: 3n,
  minPartAmount: 100_00n, // 100 yuan
  gracePeriod: 3n * DAY,
  defaultPeriod: 30n * DAY,
  acceptancePeriod: 7n * DAY, // a supplier has a week to sign for (签收) an offered certificate
} satisfies LedgerParamsStruct;

/**
 * The development platform's (tests, demo, benchmarks) cap for every issuer: 10 trillion yuan,
 * far above what any scenario deposits, so that no governance step is needed there.
 */
export const DEVELOPMENT_ISSUER_CAP = 10n ** 15n;

export interface LedgerDeployment {
  membership: Membership;
  token: SettlementToken;
  ledger: ReceivableLedger;
}

export interface DeployOptions {
  /** Default admin (governance); hands over in two steps after `adminDelay` seconds. */
  admin: string;
  /** Accounts granted the operator role. */
  operators: string[];
  /** Accounts granted the verifier role (their attestations let certificates be registered and issued). */
  verifiers?: string[];
  adminDelay?: bigint;
  /**
   * What a settlement issuer organization may have outstanding until governance sets its own cap
   * (SettlementToken.setIssuerCap). Production deployments give 0: every issuer needs a governance act.
   */
  defaultIssuerCap: bigint;
  params?: LedgerParamsStruct;
  tokenName?: string;
  tokenSymbol?: string;
}

/**
 * Deploys membership, settlement token and ledger and wires them: the ledger becomes the token's
 * clearing house, the operators and verifiers get their roles. `deployer` must be the admin for the wiring
 * (granting roles and setting the clearing house are governance acts).
 */
export async function deployLedger(deployer: Signer, o: DeployOptions): Promise<LedgerDeployment> {
  const deployerAddress = await deployer.getAddress();
  if (deployerAddress.toLowerCase() !== o.admin.toLowerCase()) {
    throw new Error(`deployLedger: the deployer (${deployerAddress}) must be the admin (${o.admin}) to wire the contracts`);
  }
  const membership = await new Membership__factory(deployer).deploy(o.adminDelay ?? 2n * DAY, o.admin);
  const token = await new SettlementToken__factory(deployer).deploy(membership, o.tokenName ?? "Digital CNY (settlement)", o.tokenSymbol ?? "eCNY", o.defaultIssuerCap);
  const ledger = await deployReceivableLedger(deployer, await membership.getAddress(), await token.getAddress(), o.params ?? DEFAULT_LEDGER_PARAMS);
  // on a network that mines on a timer (Besu's block period) a contract is not there until its
  // block is: reading OPERATOR_ROLE before that answers 0x
  await Promise.all([membership.waitForDeployment(), token.waitForDeployment(), ledger.waitForDeployment()]);
  const operatorRole = await membership.OPERATOR_ROLE();
  for (const operator of o.operators) await (await membership.grantRole(operatorRole, operator)).wait();
  const verifierRole = await membership.VERIFIER_ROLE();
  for (const verifier of o.verifiers ?? []) await (await membership.grantRole(verifierRole, verifier)).wait();
  await (await token.setClearingHouse(ledger)).wait();
  return { membership, token, ledger };
}

/**
 * Deploys the ledger with the libraries it links (Recovery: default, recourse and held payouts;
 * DocumentRecords: the document fingerprints' checks), kept out of the ledger's bytecode by the
 * 24,576-byte limit.
 */
export async function deployReceivableLedger(deployer: Signer, membership: string, token: string, params: LedgerParamsStruct): Promise<ReceivableLedger> {
  const recovery = await new Recovery__factory(deployer).deploy();
  const documents = await new DocumentRecords__factory(deployer).deploy();
  await Promise.all([recovery.waitForDeployment(), documents.waitForDeployment()]);
  const libraries = {
    "contracts/clearing/Recovery.sol:Recovery": await recovery.getAddress(),
    "contracts/documents/DocumentRecords.sol:DocumentRecords": await documents.getAddress(),
  };
  return new ReceivableLedger__factory(libraries, deployer).deploy(membership, token, params);
}

/** Addresses of a deployment, as written to deployments/<network>.json. */
export interface DeploymentRecord {
  chainId: string;
  membership: string;
  settlementToken: string;
  ledger: string;
  admin: string;
  operators: string[];
  deployedAt: string;
  blockNumber: number;
}

/** Records a deployment's addresses, where every process reads them (the newest on a chain is live). */
export async function recordDeployment(ds: DataSource, d: Omit<LedgerDeploymentRow, "id" | "createdAt">): Promise<LedgerDeploymentRow> {
  return ds.getRepository(LedgerDeploymentEntity).save(d);
}
