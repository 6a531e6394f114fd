import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import type { DataSource } from "typeorm";
import { loadConfig, type Config } from "../config/config";
import { migrate } from "../shared/db";
import { createLogger, type Logger } from "../shared/logger";
import { devPlatformChecks, preflight } from "../shared/preflight";
import { KeyVault } from "../ledger/key-vault";
import { LedgerGateway } from "../ledger/gateway";
import type { DeploymentRecord } from "../ledger/deploy";
import { type Running, platformDataSource } from "../platform";
import { startApi, startIndexer, startWorker } from "../processes";
import { bootstrap } from "./bootstrap";
import { deploy } from "./deploy";
import { DEFAULT_LEDGER_PARAMS } from "../ledger/deploy";
import { ReceivableLedger__factory } from "../../../typechain-types";

/** Hardhat's well-known account #0: development only. */
export const DEV_DEPLOYER = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

export interface DevPlatform {
  config: Config;
  log: Logger;
  apiUrl: string;
  ledgerUrl: string;
  operatorKey: string;
  /** The operator admin's invitation: choose a portal password with it (once). */
  operatorInvitation: string;
  deployment: DeploymentRecord;
  stop(): Promise<void>;
}

async function waitForRpc(url: string, node: ChildProcess, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (node.exitCode !== null || node.signalCode !== null) {
      throw new Error(`the development ledger (hardhat node on ${url}) stopped before it answered (exit ${node.exitCode ?? node.signalCode}; its output is above)`);
    }
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

/**
 * A complete development platform on this machine (Postgres and Redis must run): a Hardhat
 * JSON-RPC ledger (`hardhat node`, started here), a fresh database schema and Redis prefix
 * (`schema`, reset because the ledger starts empty too), migrations, the operator bootstrapped,
 * the contracts deployed, and the API, worker and indexer running in this process.
 */
export async function startDevPlatform(o: { schema: string; ledgerPort: string; env?: Record<string, string | undefined>; ledgerParams?: Partial<LedgerParams> }): Promise<DevPlatform> {
  const ledgerUrl = `http://127.0.0.1:${o.ledgerPort}`;
  const env = { ...process.env, ...(o.env ?? {}) };
  const config = loadConfig({
    ...env,
    LEDGER_RPC_URL: ledgerUrl,
    DATABASE_SCHEMA: env.DATABASE_SCHEMA ?? o.schema,
    QUEUE_PREFIX: env.QUEUE_PREFIX ?? o.schema,
    KEY_ENCRYPTION_KEY: env.KEY_ENCRYPTION_KEY ?? randomBytes(32).toString("base64"),
    DEPLOYER_PRIVATE_KEY: env.DEPLOYER_PRIVATE_KEY ?? DEV_DEPLOYER,
  });
  // everything it needs, before anything starts; the ledger is started here, so its port must be free
  await preflight(config, devPlatformChecks(o.ledgerPort));
  // hardhat's own CLI, not npx: killing npx would leave the node running
  const cli = require.resolve("hardhat/internal/cli/cli.js");
  const node: ChildProcess = spawn(process.execPath, [cli, "node", "--hostname", "127.0.0.1", "--port", o.ledgerPort], { stdio: ["ignore", "ignore", "inherit"] });
  const stopNode = () => {
    if (node.exitCode === null) node.kill("SIGTERM");
  };
  try {
    await waitForRpc(ledgerUrl, node);
    const log = createLogger(config.LOG_LEVEL, o.schema);
    const ds = platformDataSource({ url: config.DATABASE_URL, schema: config.DATABASE_SCHEMA, poolSize: 2, applicationName: `chainfactor-${o.schema}` });
    await ds.initialize();
    const { boot, deployment } = await freshPlatformData(ds, config, ledgerUrl, config.DEPLOYER_PRIVATE_KEY!, o.ledgerParams);
    await ds.destroy();

    const parts: Running[] = [];
    const api = await startApi(config, log.child({ process: "api" }));
    parts.push(api);
    parts.push(await startWorker(config, log.child({ process: "worker" })));
    parts.push(await startIndexer(config, log.child({ process: "indexer" })));
    return {
      config,
      log,
      apiUrl: `http://127.0.0.1:${api.port}`,
      ledgerUrl,
      operatorKey: boot.apiKey,
      operatorInvitation: boot.invitationToken,
      deployment,
      stop: async () => {
        for (const p of parts.reverse()) await p.close().catch(() => undefined);
        stopNode();
      },
    };
  } catch (e) {
    stopNode();
    throw e;
  }
}

type LedgerParams = typeof DEFAULT_LEDGER_PARAMS;

/**
 * A platform's data made afresh on an initialized data source: its schema dropped and migrated,
 * its queue keys removed, the operator bootstrapped and the contracts deployed on `ledgerUrl`;
 * with `ledgerParams`, the ledger's policy changed from the defaults by the operator (setParams,
 * before anything else runs), as governance would on a real network.
 */
export async function freshPlatformData(ds: DataSource, config: Config, ledgerUrl: string, deployerKey: string, ledgerParams?: Partial<LedgerParams>) {
  await ds.query(`DROP SCHEMA IF EXISTS "${config.DATABASE_SCHEMA}" CASCADE`);
  await migrate(ds);
  // one retry, not twenty with a stack trace each: a failed command says why, the preflight said where
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1 });
  redis.on("error", () => undefined);
  const stale = await redis.keys(`${config.QUEUE_PREFIX}:*`);
  if (stale.length) await redis.del(...stale);
  redis.disconnect();
  const vault = new KeyVault(config.KEY_ENCRYPTION_KEY);
  const boot = await bootstrap(ds, vault, {
    legalName: "ChainFactor Consortium Operator",
    uscc: "91500000MA5UCF0P0X",
    adminEmail: "operator@chainfactor.example",
    adminName: "Operator Admin",
  });
  const gateway = await LedgerGateway.connect(ledgerUrl);
  const deployment = await deploy(ds, vault, gateway, deployerKey, 3600n);
  if (ledgerParams) {
    const operator = await vault.signer(ds, deployment.operators[0], gateway.provider);
    await (await ReceivableLedger__factory.connect(deployment.ledger, operator).setParams({ ...DEFAULT_LEDGER_PARAMS, ...ledgerParams }, { maxFeePerGas: config.LEDGER_GAS_PRICE_WEI, maxPriorityFeePerGas: config.LEDGER_GAS_PRICE_WEI })).wait();
  }
  gateway.destroy();
  return { boot, deployment };
}
