// Gas benchmark: `npm run bench:gas`. Measures the receivable lifecycle at batch sizes 1, 10 and
// 100, every single operation, a plain per-item baseline and an opcode breakdown in one run on
// Hardhat's in-process network, and writes scripts/bench/results/gas.json and gas.md.
import fs from "node:fs";
import path from "node:path";
import { measure } from "./gas/bench";
import { buildJson, buildMarkdown } from "./gas/report";

const RESULTS = path.join(__dirname, "results");

async function main() {
  const started = Date.now();
  const measurements = await measure();
  const runtimeSeconds = Math.round((Date.now() - started) / 100) / 10;
  const json = buildJson(measurements, runtimeSeconds);
  fs.mkdirSync(RESULTS, { recursive: true });
  fs.writeFileSync(path.join(RESULTS, "gas.json"), `${JSON.stringify(json, null, 2)}\n`);
  fs.writeFileSync(path.join(RESULTS, "gas.md"), buildMarkdown(measurements, json));
  const t = json.targets;
  console.log(
    `[bench:gas] lifecycle per receivable: ${Object.entries(json.lifecycle).map(([k, v]) => `${k} ${v}`).join(", ")}; ` +
      `baseline ${json.baseline.lifecycle}`,
  );
  console.log(
    `[bench:gas] targets: batch 100 ${t.batch100.measured} ≤ ${t.batch100.limit} ${t.batch100.met ? "met" : "MISSED"}; ` +
      `batch 1 ${t.singleTransactions.measured} ≤ ${t.singleTransactions.limit} ${t.singleTransactions.met ? "met" : "MISSED"} ` +
      `(required-effects floor ${t.singleTransactions.requiredEffectsFloor})`,
  );
  console.log(`[bench:gas] wrote ${path.relative(process.cwd(), RESULTS)}/gas.json and gas.md in ${runtimeSeconds} s`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
