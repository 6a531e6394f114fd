/**
 * Query plans of the lookups on the lifecycle's path over a bulk-loaded history (the growth runs'
 * data, without a chain): `ts-node --transpile-only scripts/bench/e2e/explain.ts [certificates]`.
 * Prints EXPLAIN ANALYZE timings for each query, for the profile evidence in e2e.md.
 */
import { migrate } from "../../../backend/src/shared/db";
import { platformDataSource } from "../../../backend/src/platform";
import { loadHistory } from "./growth";

const QUERIES: [string, string][] = [
  ["indexer: ReceivableFinanced → financing funded", `UPDATE financings f SET status = 'funded', funded_at = now(), updated_at = now() FROM receivables r WHERE r.chain_id = 1000000000123 AND f.receivable_id = r.id AND f.status = 'submitting'`],
  ["quote: the bank's in-flight financings", `SELECT COALESCE(sum(due), 0)::text AS committed FROM financings WHERE bank_organization_id = (SELECT id FROM organizations WHERE legal_name = 'History bank 1') AND status IN ('registry_check', 'submitting') AND receivable_id IN (SELECT id FROM receivables WHERE obligor_organization_id = (SELECT id FROM organizations WHERE legal_name = 'History core 1'))`],
  ["sweeper: unfinished fundings", `SELECT id::text AS id FROM financings WHERE status = 'registry_check' AND updated_at < now() - ('15000' || ' milliseconds')::interval ORDER BY accepted_at LIMIT 500`],
  ["sweeper: unfinished verifications", `SELECT id::text AS id FROM invoices WHERE status IN ('received', 'verifying') AND updated_at < now() - ('15000' || ' milliseconds')::interval ORDER BY created_at LIMIT 500`],
  ["reject/cancel: free the invoices", `UPDATE invoices SET receivable_id = NULL, updated_at = now() WHERE receivable_id = (SELECT id FROM receivables WHERE chain_id = 1000000000123)`],
  ["keeper: due certificates", `SELECT r.id, r.chain_id FROM receivables r WHERE r.chain_id IS NOT NULL AND r.status IN ('confirmed', 'financed', 'overdue') AND r.maturity <= now() + interval '31 days' AND (r.settle_attempted_at IS NULL OR r.settle_attempted_at < now() - interval '60 seconds') AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.id = r.operation_id AND o.status IN ('pending', 'submitted')) ORDER BY r.obligor_organization_id, r.financing_bank_organization_id NULLS FIRST, r.holder_organization_id, r.chain_id LIMIT 2000`],
  ["indexer: ReceivableRegistered → match by invoice key", `UPDATE receivables SET chain_block = chain_block WHERE chain_id IS NULL AND invoice_keys @> ARRAY['0x' || md5('key5') || md5('key25')]::text[]`],
];

async function main() {
  const count = Number(process.argv[2] ?? "500000");
  const schema = "bench_explain";
  const ds = platformDataSource({ url: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres", schema, poolSize: 2, applicationName: "chainfactor-bench-explain" });
  await ds.initialize();
  await ds.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  const only = process.argv.includes("--without-new-indexes");
  if (only) {
    await ds.query(`CREATE SCHEMA "${schema}"`);
    await ds.runMigrations({ transaction: "each" });
    await ds.query(`DROP INDEX IF EXISTS financings_receivable, financings_in_flight, financings_registry_check, invoices_receivable, invoices_unverified, webhook_deliveries_pending`);
  } else await migrate(ds);
  await loadHistory(ds, count, (l) => console.log(l));
  for (const [name, sql] of QUERIES) {
    const qr = ds.createQueryRunner();
    await qr.startTransaction();
    const plan: { "QUERY PLAN": string }[] = await qr.query(`EXPLAIN (ANALYZE, BUFFERS OFF) ${sql}`);
    await qr.rollbackTransaction();
    await qr.release();
    const text = plan.map((p) => p["QUERY PLAN"]);
    const time = text.find((t) => t.startsWith("Execution Time"));
    console.log(`${name}: ${time}\n    ${text.filter((t) => /Scan/.test(t)).map((t) => t.trim().replace(/\s+\(cost.*?\)/, "")).join("\n    ")}`);
  }
  await ds.query(`DROP SCHEMA "${schema}" CASCADE`);
  await ds.destroy();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
