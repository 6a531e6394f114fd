import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Wallet } from "ethers";
import type { DataSource } from "typeorm";
import type { KeyVault } from "../ledger/key-vault";
import type { LedgerGateway } from "../ledger/gateway";
import { deployLedger, recordDeployment, DEVELOPMENT_ISSUER_CAP, type DeploymentRecord } from "../ledger/deploy";
import { operatorKeyAddress } from "../ledger/platform-keys";
import { verifierKeyAddress } from "../ledger/attestation";
import { REPO_ROOT } from "../shared/paths";

/**
 * Deploys the contracts with the deployer key (which becomes their default admin; the development
 * platform, on Hardhat: every settlement issuer may mint up to DEVELOPMENT_ISSUER_CAP), grants the
 * platform's operator key OPERATOR_ROLE and its verifier key VERIFIER_ROLE, and records the addresses in Postgres (where every
 * process reads them) and in deployments/<chain id>.json.
 */
export async function deploy(ds: DataSource, vault: KeyVault, gateway: LedgerGateway, deployerKey: string, adminDelay: bigint) {
  const deployer = new Wallet(deployerKey, gateway.provider);
  const [{ id: operatorOrg } = { id: null }] = await ds.query(`SELECT id FROM organizations WHERE 'operator' = ANY(roles) LIMIT 1`);
  const operator = await operatorKeyAddress(ds.manager, vault, operatorOrg);
  // the platform's invoice verifier: governance (the deployer, as default admin) grants it VERIFIER_ROLE
  const verifier = await verifierKeyAddress(ds.manager, vault);
  const { membership, token, ledger } = await deployLedger(deployer, { admin: deployer.address, operators: [operator], verifiers: [verifier], adminDelay, defaultIssuerCap: DEVELOPMENT_ISSUER_CAP });
  const deployedBlock = BigInt((await membership.deploymentTransaction()!.wait())!.blockNumber);
  const row = await recordDeployment(ds, {
    chainId: gateway.chainId,
    membership: await membership.getAddress(),
    settlementToken: await token.getAddress(),
    ledger: await ledger.getAddress(),
    admin: deployer.address,
    deployedBlock,
  });
  const record: DeploymentRecord = {
    chainId: gateway.chainId.toString(),
    membership: row.membership,
    settlementToken: row.settlementToken,
    ledger: row.ledger,
    admin: row.admin,
    operators: [operator],
    deployedAt: new Date().toISOString(),
    blockNumber: Number(deployedBlock),
  };
  const dir = join(REPO_ROOT, "deployments");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `chain-${record.chainId}.json`), JSON.stringify(record, null, 2) + "\n");
  return record;
}
