/**
 * Financing: banks' credit lines to core enterprises, suppliers' requests for financing, banks'
 * quotes, acceptance, and the funding job (registry filings, then delivery versus payment on the
 * ledger). (Implementation: financing.service.ts, pricing.ts, financing.routes.ts,
 * financing.projections.ts.)
 */
import { defineModule } from "../module";
import type { StaleWork } from "../../ledger/outbox/sweeper";
import { ledgerTime } from "../../ledger/block-clock";
import type { InvoicesApi } from "../invoices";
import type { ReceivablesApi } from "../receivables";
import { CreditLineEntity, FinancingEntity, FinancingRequestEntity, QuoteEntity } from "./financing.entity";
import { FinancingService, refuseWhileFinancingRequested } from "./financing.service";
import { financingRoutes } from "./financing.routes";
import { financingHooks, financingProjections } from "./financing.projections";

declare module "../../shared/queue" {
  interface JobPayloads {
    /** Registry checks, then the DvP of an accepted quote (job id = financing id). */
    "financing.fund": { financingId: string };
  }
}

export const fundingJobId = (financingId: string) => `funding-${financingId}`;

/** Accepted quotes whose funding nobody is carrying out. */
const unfunded: StaleWork<"financing.fund"> = {
  job: "financing.fund",
  stale: `SELECT id::text AS id FROM financings WHERE status = 'registry_check' AND updated_at < now() - ($1 || ' milliseconds')::interval ORDER BY accepted_at LIMIT $2`,
  jobId: fundingJobId,
  payload: (id) => ({ financingId: id }),
  touch: `UPDATE financings SET updated_at = now() WHERE id = $1`,
};

export const financingModule = defineModule({
  name: "financing",
  needs: ["invoices", "receivables"],
  tables: ["credit_lines", "financing_requests", "quotes", "financings"],
  entities: [CreditLineEntity, FinancingRequestEntity, QuoteEntity, FinancingEntity],
  services: ({ ds, outbox, vault, keys, queue, provider, log }, needs: { invoices: InvoicesApi; receivables: ReceivablesApi }) => {
    // a certificate with an open financing request keeps its holder until the request ends
    needs.receivables.receivables.guardHolderChanges(refuseWhileFinancingRequested);
    const registry = needs.invoices.adapters.registry;
    const financing = new FinancingService(ds, outbox, vault, keys, registry, needs.receivables.receivables, async (financingId) => {
      await queue.add("financing.fund", { financingId }, fundingJobId(financingId)).catch((e: Error) => log.warn({ financingId, err: e.message }, "could not enqueue funding; retry the acceptance"));
    }, log, () => ledgerTime(provider));
    return { financing, registry };
  },
  routes: (routes, api, http) => financingRoutes(routes, api.financing, http.changes),
  projections: (p, api, { log }) => financingProjections(p, { registry: api.registry, log }),
  hooks: (hooks, api) => financingHooks(hooks, api.financing),
  jobs: (api) => ({ "financing.fund": async ({ financingId }) => api.financing.fund(financingId) }),
  stale: [unfunded as StaleWork],
});
