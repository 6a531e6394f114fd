/**
 * Reconciliation: per-bank reports of on-chain state against the platform's records and the
 * bank's own statement. (Implementation: reconciliation.service.ts over reconciliation.repository.ts,
 * report.ts and report-checks.ts (the report, pure), bank-statements.ts, matching.ts,
 * statement-csv.ts, report-csv.ts, ledger-reader.ts, reconciliation.routes.ts; the bank's guide
 * in docs/reconciliation.md.)
 */
import { defineModule } from "../module";
import { ReconciliationService } from "./reconciliation.service";
import { reconciliationRoutes } from "./reconciliation.routes";
import { ledgerReader } from "./ledger-reader";

export const reconciliationModule = defineModule({
  name: "reconciliation",
  needs: [],
  tables: ["bank_statements"],
  services: ({ ds, keys, provider }) => ({
    reconciliation: new ReconciliationService(ds, ledgerReader(provider, async () => (await keys.deployment(ds.manager)).ledger)),
  }),
  routes: (routes, api) => reconciliationRoutes(routes, api.reconciliation),
});

export { ReconciliationService } from "./reconciliation.service";
export { type Report, type ReportEntry } from "./report";
export { type StatementSummary } from "./bank-statements";
export { reconciliationRoutes } from "./reconciliation.routes";
export { ledgerReader, type LedgerReader, type LiveCertificate } from "./ledger-reader";
export { MISMATCH_CODES, matchStatement, type Mismatch, type MismatchCode, type Movement } from "./matching";
export { parseStatement, STATEMENT_COLUMNS, MOVEMENT_TYPES, type StatementLine } from "./statement-csv";
export { reportCsv, REPORT_COLUMNS } from "./report-csv";
