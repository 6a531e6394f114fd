/**
 * Deploys and wires the ledger contracts on the selected network and records their addresses in
 * deployments/<network>.json.
 *
 *   npx hardhat run scripts/deploy.ts --network localhost
 *
 * The first configured account deploys and becomes the default admin. Operators come from
 * OPERATOR_ADDRESSES (comma-separated); on development networks the second account is used.
 * DEFAULT_ISSUER_CAP (minor units, default 0) is what a settlement issuer may have outstanding
 * before governance sets its own cap: with 0, onboarding an issuer mints nothing until governance
 * acts (SettlementToken.setIssuerCap, effective two days later).
 * Invoice verifiers (VERIFIER_ROLE) come from VERIFIER_ADDRESSES (comma-separated); the
 * platform's own verifier key is made and granted by `npm run ops -- deploy`.
 */
import hre from "hardhat";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { deployLedger, type DeploymentRecord } from "../backend/src/ledger/deploy";

async function main() {
  const [deployer, devOperator] = await hre.ethers.getSigners();
  const operators = (process.env.OPERATOR_ADDRESSES ?? devOperator?.address ?? "").split(",").map((a) => a.trim()).filter(Boolean);
  if (operators.length === 0) throw new Error("set OPERATOR_ADDRESSES to the operator account(s)");
  const adminDelay = BigInt(process.env.ADMIN_DELAY_SECONDS ?? 2 * 86_400);
  const defaultIssuerCap = BigInt(process.env.DEFAULT_ISSUER_CAP ?? 0);
  // the invoice verifiers whose attestations register and issue need (VERIFIER_ROLE, a governance grant)
  const verifiers = (process.env.VERIFIER_ADDRESSES ?? "").split(",").map((a) => a.trim()).filter(Boolean);
  const { membership, token, ledger } = await deployLedger(deployer, { admin: deployer.address, operators, verifiers, adminDelay, defaultIssuerCap });
  const { chainId } = await hre.ethers.provider.getNetwork();
  const record: DeploymentRecord = {
    chainId: chainId.toString(),
    membership: await membership.getAddress(),
    settlementToken: await token.getAddress(),
    ledger: await ledger.getAddress(),
    admin: deployer.address,
    operators,
    deployedAt: new Date().toISOString(),
    blockNumber: await hre.ethers.provider.getBlockNumber(),
  };
  const dir = join(__dirname, "..", "deployments");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${hre.network.name}.json`);
  writeFileSync(file, JSON.stringify(record, null, 2) + "\n");
  console.log(`ledger deployed on chain ${record.chainId}: ledger ${record.ledger}, membership ${record.membership}, token ${record.settlementToken} → ${file}`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
