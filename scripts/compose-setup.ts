/**
 * The one-shot `setup` / `besu-setup` service of docker-compose.yml, safe to run on every
 * `docker compose up` (api, worker and indexer start once it has exited 0):
 *
 *   1. `ops migrate`;
 *   2. `ops bootstrap`, accepting a database that is already bootstrapped (the command refuses to
 *      run twice; the operator's API key is printed by the first run only);
 *   3. `ops deploy`, unless the newest deployment recorded for this chain still has code on the
 *      ledger. The Hardhat development ledger keeps its state in memory, so after it restarts the
 *      contracts are deployed again; on Besu the chain persists and the deployment is kept.
 *
 * Uses only standard JSON-RPC (eth_chainId, eth_getCode), so it behaves the same on Hardhat and Besu.
 * Configuration is the backend's (backend/src/config/config.ts); `ops deploy` needs DEPLOYER_PRIVATE_KEY.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { loadConfig } from "../backend/src/config/config";
import { platformDataSource } from "../backend/src/platform";
import { LedgerGateway, activeDeployment } from "../backend/src/ledger/gateway";
import { REPO_ROOT } from "../backend/src/shared/paths";

// The ops CLI beside this script: compiled (dist/backend/src/ops/cli.js) when this script runs
// compiled (`node dist/scripts/compose-setup.js`, as in the image), through ts-node otherwise.
const OPS_CLI = __filename.endsWith(".ts")
  ? ["-r", "ts-node/register/transpile-only", join(__dirname, "../backend/src/ops/cli.ts")]
  : [join(__dirname, "../backend/src/ops/cli.js")];

/** Runs `npm run ops -- <args>` (without npm in between), echoing its output. */
function ops(args: string[]): { status: number; output: string } {
  console.log(`setup: ops ${args.join(" ")}`);
  const r = spawnSync(process.execPath, [...OPS_CLI, ...args], {
    cwd: REPO_ROOT,
    env: process.env,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (r.stdout) process.stdout.write(r.stdout);
  if (r.stderr) process.stderr.write(r.stderr);
  if (r.error) throw r.error;
  return { status: r.status ?? 1, output: `${r.stdout ?? ""}${r.stderr ?? ""}` };
}

/** True when the newest deployment recorded for the ledger's chain still has code there. */
async function deploymentIsLive(): Promise<boolean> {
  const config = loadConfig();
  const ds = platformDataSource({ url: config.DATABASE_URL, schema: config.DATABASE_SCHEMA, poolSize: 1, applicationName: "chainfactor-setup" });
  await ds.initialize();
  const gateway = await LedgerGateway.connect(config.LEDGER_RPC_URL, config.LEDGER_CHAIN_ID);
  try {
    const d = await activeDeployment(ds, gateway.chainId);
    if (!d) {
      console.log(`setup: no contracts recorded for chain ${gateway.chainId}`);
      return false;
    }
    const codes = await Promise.all([d.membership, d.settlementToken, d.ledger].map((a) => gateway.provider.getCode(a)));
    if (codes.every((c) => c !== "0x")) {
      console.log(`setup: contracts already deployed on chain ${gateway.chainId} (ledger ${d.ledger}); not deploying again`);
      return true;
    }
    console.log(`setup: the contracts recorded for chain ${gateway.chainId} are not on the ledger (a fresh development chain?)`);
    return false;
  } finally {
    gateway.destroy();
    await ds.destroy();
  }
}

async function main(): Promise<number> {
  if (ops(["migrate"]).status !== 0) return 1;
  const boot = ops(["bootstrap"]);
  if (boot.status !== 0) {
    if (!/already bootstrapped/.test(boot.output)) return 1;
    console.log("setup: the operator is already bootstrapped (its API key was printed by the first setup run)");
  }
  if (!(await deploymentIsLive()) && ops(["deploy"]).status !== 0) return 1;
  console.log("setup: done");
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    console.error(`setup: ${e.message}`);
    process.exit(1);
  },
);
