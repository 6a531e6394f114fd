/**
 * `npx ts-node --transpile-only scripts/demo-check.ts [API URL]` while `npm run demo` keeps the
 * platform running: signs in as the demo's people, lists the work waiting for each, and finances a
 * certificate from request to funds. Exit 1 if any of it is missing or fails.
 */
import { checkDemo } from "../backend/src/ops/demo/check";

async function main() {
  const url = process.argv[2] ?? "http://127.0.0.1:3000";
  const findings = await checkDemo(url, {
    coreApprover: "approver@shuneng-power-battery-technology.demo",
    bankApprover: "approver@rongcheng-bank.demo",
    quotedSupplier: "approver@chongqing-zhonghe-automotive-lighting.demo",
    offeredSupplier: "approver@chongqing-shujin-precision-stamping.demo",
    operator: "operator@chainfactor.example",
    financingSupplier: "approver@chongqing-xinhang-automotive-electronics.demo",
  });
  for (const f of findings) console.log(`${f.ok ? "OK  " : "FAIL"} ${f.who}: ${f.found}`);
  process.exit(findings.every((f) => f.ok) ? 0 : 1);
}

main().catch((e: Error) => {
  console.error(`demo check failed: ${e.message}`);
  process.exit(1);
});
