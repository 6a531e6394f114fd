/**
 * `npm run demo [-- --exit]`: on a machine with Postgres and Redis, starts the development
 * platform (ledger, database, API, worker, indexer), loads the two seed scenarios and plays them
 * through the public HTTP API, then prints a summary. Leaves the API running unless --exit.
 */
import { startDevPlatform } from "../backend/src/ops/dev-platform";
import { rmSync } from "node:fs";
import { runDemo, DEMO_STEPS, DEMO_GRACE_S } from "../backend/src/ops/demo/scenario";
import { showFeed } from "../backend/src/ops/demo/feed";
import { summarize } from "../backend/src/ops/demo/summary";
import { ApiClient } from "../backend/src/ops/demo/client";
import { leaveWorkWaiting, type WorkWaiting } from "../backend/src/ops/demo/waiting";
import { createDemoPeople, DEMO_PASSWORD, type DemoLogin } from "../backend/src/ops/demo/people";
import { ConfigError } from "../backend/src/config/config";
import { startFailureText } from "../backend/src/shared/preflight";

/**
 * Moves the development ledger's clock forward to `unixSeconds` (the next block's time; Hardhat keeps
 * counting from it): Hardhat-only JSON-RPC, which is why it lives here and not in backend/.
 */
async function advanceLedgerTo(ledgerUrl: string, unixSeconds: number) {
  for (const [method, params] of [["evm_setNextBlockTimestamp", [unixSeconds]], ["evm_mine", []]] as const) {
    const res = await fetch(ledgerUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
    const body = (await res.json()) as { error?: { message: string } };
    if (body.error) throw new Error(`${method}: ${body.error.message}`);
  }
}

async function main() {
  const exit = process.argv.includes("--exit");
  const started = Date.now();
  console.log("ChainFactor demo: starting the development platform (ledger, database, API, worker, indexer)…");
  // the regulator's feed of this run only: a feed of an earlier run's ledger would not verify against this one
  const feedDir = process.env.FEED_DIR ?? "var/demo-feed";
  rmSync(feedDir, { recursive: true, force: true });
  const platform = await startDevPlatform({ schema: "demo", ledgerPort: process.env.LEDGER_PORT ?? "8545", env: { LOG_LEVEL: process.env.LOG_LEVEL ?? "warn", KEEPER_INTERVAL_MS: "500", KEEPER_RETRY_MS: "2000", FEED_DIR: feedDir }, ledgerParams: { gracePeriod: BigInt(DEMO_GRACE_S) } }).catch(
    (e: unknown): never => {
      // PostgreSQL or Redis not running, a port taken, the configuration invalid: say which, no stack
      console.error(startFailureText("demo", e));
      process.exit(e instanceof ConfigError ? 2 : 1);
    },
  );
  try {
    const result = await runDemo({
      apiUrl: platform.apiUrl,
      operatorKey: platform.operatorKey,
      advanceLedgerTo: (unixSeconds) => advanceLedgerTo(platform.ledgerUrl, unixSeconds),
      log: (l) => console.log(l),
    });
    console.log(`\n[${DEMO_STEPS}/${DEMO_STEPS}] The regulator's feed: the day's files delivered, verified against the ledger, and a tampered copy caught`);
    result.feed = await showFeed(platform.config, platform.ledgerUrl, (l) => console.log(l));
    console.log("\n[+] People for the portal: one per duty in every organization");
    const logins = await createDemoPeople({
      api: new ApiClient(platform.apiUrl),
      operatorKey: platform.operatorKey,
      operatorInvitation: platform.operatorInvitation,
      organizations: result.organizations,
      log: (l) => console.log(l),
    });
    console.log("\n[+] Work waiting for every role, and a financing signed now by people signed in");
    const { waiting } = await leaveWorkWaiting({ api: new ApiClient(platform.apiUrl), operatorKey: platform.operatorKey, result, logins, log: (l) => console.log(l), documentsDir: "var/demo-documents" });
    const drift = await ledgerDrift(platform.ledgerUrl);
    console.log(`\n── Summary (${Math.round((Date.now() - started) / 1000)} s) ──────────────────────────────\n${summarize(result)}`);
    console.log(`\n── Portal: ${platform.apiUrl}/portal/ ──────────────────────────────\n${loginTable(logins)}`);
    console.log(`\n── Waiting for them (the ledger's clock is ${drift} the platform's) ──────────────────────────────\n${waitingTable(waiting)}`);
  } catch (e) {
    console.error(`\ndemo failed: ${(e as Error).message}`);
    await platform.stop();
    process.exit(1);
  }
  if (exit) {
    await platform.stop();
    process.exit(0);
  }
  console.log(`\nThe platform keeps running: portal ${platform.apiUrl}/portal/ (password ${DEMO_PASSWORD}), API ${platform.apiUrl}, docs ${platform.apiUrl}/docs, operator key ${platform.operatorKey}. Ctrl-C to stop.`);
  const stop = () => platform.stop().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

/** The demo's logins, one line per organization: its three people (approver, clerk, viewer). */
function loginTable(logins: DemoLogin[]): string {
  const width = Math.max(...logins.map((l) => l.organization.length));
  const lines = logins.map((l) => `  ${l.organization.padEnd(width)}  ${[l.emails.approver, l.emails.clerk, l.emails.viewer].map((e) => e ?? "-").join("  ")}`);
  return [`Sign in with any of these (password for all: ${DEMO_PASSWORD}); columns: approver (also the admin), clerk, viewer.`, ...lines].join("\n");
}

/** What waits for whom: one block per person. */
function waitingTable(waiting: WorkWaiting[]): string {
  return waiting.map((w) => [`  ${w.email} (${w.organization})`, ...w.items.map((i) => `      · ${i}`)].join("\n")).join("\n");
}

/** How far the ledger's clock is from this machine's, in words. */
async function ledgerDrift(ledgerUrl: string): Promise<string> {
  const res = await fetch(ledgerUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_getBlockByNumber", params: ["latest", false] }) });
  const block = ((await res.json()) as { result: { timestamp: string } }).result;
  const ahead = Number(BigInt(block.timestamp)) - Math.floor(Date.now() / 1000);
  const h = Math.floor(Math.abs(ahead) / 3600);
  const m = Math.floor((Math.abs(ahead) % 3600) / 60);
  return `${h} h ${m} min ${ahead >= 0 ? "ahead of" : "behind"}`;
}

void main();
