import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { generateSeeds, summarize } from "./generator";

/**
 * Writes the demo data to seeds/ (deterministic: re-running writes identical files).
 *
 *   npx ts-node --transpile-only scripts/seeds/generate.ts           write seeds/*.json
 *   npx ts-node --transpile-only scripts/seeds/generate.ts --check   fail if seeds/ differs from what the generator makes
 */
const dir = resolve(__dirname, "../../seeds");
const check = process.argv.includes("--check");
const seeds = generateSeeds();
let stale = 0;
for (const [name, content] of Object.entries(seeds)) {
  const path = join(dir, name);
  const text = JSON.stringify(content, null, 2) + "\n";
  if (check) {
    if (!existsSync(path) || readFileSync(path, "utf8") !== text) {
      console.error(`${path} is not what the generator makes: run scripts/seeds/generate.ts`);
      stale++;
    }
  } else {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path, text);
  }
}
console.log(JSON.stringify(summarize(seeds), null, 2));
process.exit(stale ? 1 : 0);
