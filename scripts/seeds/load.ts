import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { loadSeeds } from "../../backend/src/ops/seed";

const USAGE = `Load the demo data of seeds/ into a running platform, through its API (idempotent).

  npx ts-node --transpile-only scripts/seeds/load.ts --operator-key cf_... [options]

  --api URL                    the API (default http://127.0.0.1:3000, or CHAINFACTOR_API_URL)
  --operator-key KEY           an operator API key (default CHAINFACTOR_OPERATOR_KEY)
  --scenario ID                only this scenario (cq-auto, gz-furniture); repeatable
  --invoices-per-supplier N    at most N invoices per supplier
  --keys-file PATH             API keys of earlier runs, reused so a re-run issues none
                               (default seeds/.keys.local.json; git-ignored; keep it secret)
  --wait SECONDS               wait until every invoice is verified or rejected, and compare with the seeds
  --out PATH                   write the result (organizations with their keys, invoices) as JSON
`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      api: { type: "string", default: process.env.CHAINFACTOR_API_URL ?? "http://127.0.0.1:3000" },
      "operator-key": { type: "string", default: process.env.CHAINFACTOR_OPERATOR_KEY },
      scenario: { type: "string", multiple: true },
      "invoices-per-supplier": { type: "string" },
      "keys-file": { type: "string", default: resolve(__dirname, "../../seeds/.keys.local.json") },
      wait: { type: "string" },
      out: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help || !values["operator-key"]) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const keysFile = values["keys-file"]!;
  const stored: Record<string, Record<string, string>> = existsSync(keysFile) ? JSON.parse(readFileSync(keysFile, "utf8")) : {};
  const result = await loadSeeds({
    baseUrl: values.api!,
    operatorKey: values["operator-key"]!,
    keys: stored[values.api!],
    subset: {
      scenarios: values.scenario,
      invoicesPerSupplier: values["invoices-per-supplier"] ? Number(values["invoices-per-supplier"]) : undefined,
    },
    waitForVerificationMs: values.wait ? Number(values.wait) * 1000 : undefined,
    log: (m) => console.log(m),
  });
  stored[values.api!] = Object.fromEntries(result.organizations.map((o) => [o.uscc, o.key]));
  writeFileSync(keysFile, JSON.stringify(stored, null, 2) + "\n", { mode: 0o600 });
  chmodSync(keysFile, 0o600);
  if (values.out) writeFileSync(values.out, JSON.stringify(result, null, 2) + "\n", { mode: 0o600 });
  console.log(`created: ${JSON.stringify(result.created)}; keys in ${keysFile}`);
  if (values.wait) {
    const wrong = result.invoices.items.filter((i) => (i.expected ?? null) !== (i.rejectionCode ?? null) || !["verified", "rejected"].includes(i.status ?? ""));
    console.log(`verification: ${result.invoices.items.length - wrong.length} of ${result.invoices.items.length} as the seeds expect`);
    for (const w of wrong.slice(0, 20)) console.log(`  ${w.invoiceCode ? `${w.invoiceCode} ` : ""}${w.invoiceNumber}: expected ${w.expected ?? "verified"}, got ${w.rejectionCode ?? w.status}`);
    return wrong.length ? 1 : 0;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    console.error(`seed load: ${e.message}`);
    process.exit(1);
  },
);
