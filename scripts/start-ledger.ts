/**
 * `npm start`: a development ledger on http://127.0.0.1:8545 (Hardhat's JSON-RPC node) with the
 * contracts deployed. Stops with Ctrl-C.
 */
import { spawn, spawnSync } from "node:child_process";

const PORT = process.env.LEDGER_PORT ?? "8545";
const URL = `http://127.0.0.1:${PORT}`;

async function waitForRpc(timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(URL, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      });
      if (res.ok) return;
    } catch {
      if (Date.now() > until) throw new Error(`no JSON-RPC answer on ${URL} after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

async function main() {
  const node = spawn("npx", ["hardhat", "node", "--hostname", "127.0.0.1", "--port", PORT], { stdio: ["ignore", "ignore", "inherit"] });
  const stop = () => node.kill("SIGTERM");
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  node.on("exit", (code) => process.exit(code ?? 0));
  await waitForRpc();
  const deploy = spawnSync("npx", ["hardhat", "run", "scripts/deploy.ts", "--network", "localhost"], {
    stdio: "inherit",
    env: { ...process.env, LEDGER_RPC_URL: URL },
  });
  if (deploy.status !== 0) {
    stop();
    throw new Error("deployment failed");
  }
  console.log(`development ledger running on ${URL} (chain id 31337); Ctrl-C to stop`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
