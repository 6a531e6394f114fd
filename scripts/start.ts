/**
 * `npm start`: a complete development platform on this machine (Postgres and Redis must be
 * running): a Hardhat JSON-RPC ledger on 127.0.0.1:8545, the contracts deployed, a fresh `dev`
 * database schema migrated, the operator bootstrapped (its API key is printed), and the API
 * (http://127.0.0.1:3000, docs at /docs), worker and indexer running in this process.
 * The development ledger starts empty every time, so the `dev` schema and `dev:` Redis keys are
 * reset too. Ctrl-C stops everything.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { loadConfig } from "../backend/src/config/config";
import { createDataSource, migrate } from "../backend/src/shared/db";
import { createLogger } from "../backend/src/shared/logger";
import { KeyVault } from "../backend/src/ledger/key-vault";
import { LedgerGateway } from "../backend/src/ledger/gateway";
import { bootstrap } from "../backend/src/ops/bootstrap";
import { deploy } from "../backend/src/ops/deploy";
import { startApi, startIndexer, startWorker } from "../backend/src/platform";

const LEDGER_PORT = process.env.LEDGER_PORT ?? "8545";
/** Hardhat's well-known account #0: development only. */
const DEV_DEPLOYER = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

async function waitForRpc(url: string, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }) });
      if (res.ok) return;
    } catch {
      /* not up yet */
    }
    if (Date.now() > until) throw new Error(`no JSON-RPC answer on ${url} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function main() {
  const ledgerUrl = `http://127.0.0.1:${LEDGER_PORT}`;
  const node = spawn("npx", ["hardhat", "node", "--hostname", "127.0.0.1", "--port", LEDGER_PORT], { stdio: ["ignore", "ignore", "inherit"] });
  await waitForRpc(ledgerUrl);
  const env = {
    ...process.env,
    LEDGER_RPC_URL: ledgerUrl,
    DATABASE_SCHEMA: process.env.DATABASE_SCHEMA ?? "dev",
    QUEUE_PREFIX: process.env.QUEUE_PREFIX ?? "dev",
    KEY_ENCRYPTION_KEY: process.env.KEY_ENCRYPTION_KEY ?? randomBytes(32).toString("base64"),
    DEPLOYER_PRIVATE_KEY: process.env.DEPLOYER_PRIVATE_KEY ?? DEV_DEPLOYER,
  };
  const config = loadConfig(env);
  const log = createLogger(config.LOG_LEVEL, "start");

  const ds = createDataSource({ url: config.DATABASE_URL, schema: config.DATABASE_SCHEMA, poolSize: 2, applicationName: "chainfactor-start" });
  await ds.initialize();
  await ds.query(`DROP SCHEMA IF EXISTS "${config.DATABASE_SCHEMA}" CASCADE`);
  await migrate(ds);
  const redis = new Redis(config.REDIS_URL);
  const stale = await redis.keys(`${config.QUEUE_PREFIX}:*`);
  if (stale.length) await redis.del(...stale);
  redis.disconnect();
  const vault = new KeyVault(config.KEY_ENCRYPTION_KEY);
  const boot = await bootstrap(ds, vault, { legalName: "ChainFactor Consortium Operator", uscc: "91500000MA5UCF0P0X", adminEmail: "operator@chainfactor.example", adminName: "Operator Admin" });
  const gateway = await LedgerGateway.connect(ledgerUrl);
  const deployment = await deploy(ds, vault, gateway, config.DEPLOYER_PRIVATE_KEY!, 3600n);
  gateway.destroy();
  await ds.destroy();

  const api = await startApi(config, log.child({ process: "api" }));
  const worker = await startWorker(config, log.child({ process: "worker" }));
  const indexer = await startIndexer(config, log.child({ process: "indexer" }));
  console.log(`
ChainFactor is running (development).
  API          http://127.0.0.1:${api.port}   docs http://127.0.0.1:${api.port}/docs
  ledger       ${ledgerUrl} (chain ${deployment.chainId}); ledger contract ${deployment.ledger}
  operator API key (this run only): ${boot.apiKey}
    curl -H "Authorization: Bearer ${boot.apiKey}" http://127.0.0.1:${api.port}/v1/me
Ctrl-C to stop.
`);
  const stop = async () => {
    await api.close().catch(() => undefined);
    await worker.close().catch(() => undefined);
    await indexer.close().catch(() => undefined);
    node.kill("SIGTERM");
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((e) => {
  console.error(`start: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
