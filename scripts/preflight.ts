/**
 * `npm run demo` and `npm start` run this first (`preflight.ts demo|start`), so that a missing
 * PostgreSQL or Redis, or a port taken, is said in a line before minutes of compiling and
 * building, not after. The same checks run again where the platform starts (dev-platform.ts).
 * Loads only the configuration and the checks: it must start in a moment.
 */
import { randomBytes } from "node:crypto";
import { ConfigError, loadConfig } from "../backend/src/config/config";
import { devPlatformChecks, preflight, startFailureText } from "../backend/src/shared/preflight";

const name = process.argv[2] ?? "preflight";

async function main() {
  // the development platform makes up a key when none is set (dev-platform.ts); so does this
  const config = loadConfig({ ...process.env, KEY_ENCRYPTION_KEY: process.env.KEY_ENCRYPTION_KEY ?? randomBytes(32).toString("base64") });
  await preflight(config, devPlatformChecks(process.env.LEDGER_PORT ?? "8545"));
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(startFailureText(name, e));
    process.exit(e instanceof ConfigError ? 2 : 1);
  },
);
