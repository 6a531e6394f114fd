/**
 * `npm start`: the whole development platform on this machine (Postgres and Redis must be
 * running): a Hardhat ledger on 127.0.0.1:8545, the contracts deployed, a fresh `dev` schema, the
 * operator bootstrapped (its API key is printed), and the API (http://127.0.0.1:3000, docs at
 * /docs), worker and indexer in this process. The ledger starts empty every time, so the `dev`
 * schema and `dev:` Redis keys are reset too. Ctrl-C stops everything.
 */
import { startDevPlatform } from "../backend/src/ops/dev-platform";
import { ConfigError } from "../backend/src/config/config";
import { startFailureText } from "../backend/src/shared/preflight";

async function main() {
  const platform = await startDevPlatform({ schema: "dev", ledgerPort: process.env.LEDGER_PORT ?? "8545" });
  console.log(`
ChainFactor is running (development).
  API          ${platform.apiUrl}   docs ${platform.apiUrl}/docs
  ledger       ${platform.ledgerUrl} (chain ${platform.deployment.chainId}); ledger contract ${platform.deployment.ledger}
  operator API key (this run only): ${platform.operatorKey}
    curl -H "Authorization: Bearer ${platform.operatorKey}" ${platform.apiUrl}/v1/me
Ctrl-C to stop.
`);
  const stop = () => platform.stop().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((e: unknown) => {
  // PostgreSQL or Redis not running, a port taken: one line each, what and where, no stack
  console.error(startFailureText("start", e));
  process.exit(e instanceof ConfigError ? 2 : 1);
});
