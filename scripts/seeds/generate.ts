import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { generateSeeds, summarize } from "./generator";
import { invoiceFiles } from "./invoice-files";
import { generateBenchSeeds } from "./bench";

/**
 * Writes the demo data to seeds/ (deterministic: re-running writes identical files).
 *
 *   npx ts-node --transpile-only scripts/seeds/generate.ts           write seeds/*.json
 *   npx ts-node --transpile-only scripts/seeds/generate.ts --check   fail if seeds/ differs from what the generator makes
 *   npx ts-node --transpile-only scripts/seeds/generate.ts --bench 5000 --out /tmp/bench-seeds
 *                                                                    the end-to-end benchmark's data set (see bench.ts)
 */
const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
};
const bench = arg("--bench");
if (bench !== undefined && !/^[1-9][0-9]*$/.test(bench)) throw new Error("--bench takes a number of invoices");
if (bench !== undefined && !arg("--out")) throw new Error("--bench needs --out <directory>: the committed seeds/ stay the demo's");
const dir = resolve(arg("--out") ?? resolve(__dirname, "../../seeds"));
const check = process.argv.includes("--check");
const seeds = bench === undefined ? generateSeeds() : generateBenchSeeds(Number(bench));
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
// the invoice files a demo supplier can upload (seeds/invoice-files/), made from the same seeds
if (bench === undefined) {
  const demo = seeds as ReturnType<typeof generateSeeds>;
  for (const [name, bytes] of Object.entries(invoiceFiles(demo["organizations.json"].organizations, demo["invoices.json"].invoices))) {
    const path = join(dir, "invoice-files", name);
    if (check) {
      if (!existsSync(path) || !readFileSync(path).equals(bytes)) {
        console.error(`${path} is not what the generator makes: run scripts/seeds/generate.ts`);
        stale++;
      }
    } else {
      mkdirSync(join(dir, "invoice-files"), { recursive: true });
      writeFileSync(path, bytes);
    }
  }
}
console.log(JSON.stringify(summarize(seeds), null, 2));
process.exit(stale ? 1 : 0);
