/**
 * Financing: banks' credit lines to core enterprises, suppliers' requests for financing, banks'
 * quotes, acceptance, and the funding job (registry filings, then delivery versus payment on the
 * ledger). (Implementation: financing.services.ts builds credit-lines.service.ts,
 * requests.service.ts, acceptance.service.ts and funding.service.ts over financing.repository.ts;
 * the rules, pure, in financing.rules.ts and pricing.ts; financing.routes.ts,
 * financing.projections.ts; the credit line's term in credit-line-term.ts; a credit officer's view of a
 * request in dossier.service.ts, dossier.repository.ts and dossier.routes.ts.)
 */
import { defineModule } from "../module";
import type { StaleWork } from "../../ledger/outbox/sweeper";
import { ledgerTime } from "../../ledger/block-clock";
import type { InvoicesApi } from "../invoices";
import type { OnboardingApi } from "../onboarding";
import type { ReceivablesApi } from "../receivables";
import { CreditLineEntity, FinancingEntity, FinancingRequestEntity, QuoteEntity } from "./financing.entity";
import { createFinancingServices, refuseWhileFinancingRequested } from "./financing.services";
import { financingRoutes } from "./financing.routes";
import { financingHooks, financingProjections } from "./financing.projections";
import { ReasonablenessReview1733500000000 } from "./reasonableness-review.migration";
import { CreditLineTerm1734450000000 } from "./credit-line-term.migration";

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
  needs: ["onboarding", "invoices", "receivables"],
  tables: ["credit_lines", "financing_requests", "quotes", "financings"],
  entities: [CreditLineEntity, FinancingRequestEntity, QuoteEntity, FinancingEntity],
  migrations: [ReasonablenessReview1733500000000, CreditLineTerm1734450000000],
  services: ({ ds, outbox, vault, keys, queue, provider, log }, needs: { onboarding: OnboardingApi; invoices: InvoicesApi; receivables: ReceivablesApi }) => {
    // a certificate with an open financing request keeps its holder until the request ends
    needs.receivables.receivables.guardHolderChanges(refuseWhileFinancingRequested);
    const registry = needs.invoices.adapters.registry;
    const enqueueFunding = async (financingId: string) => {
      await queue.add("financing.fund", { financingId }, fundingJobId(financingId)).catch((e: Error) => log.warn({ financingId, err: e.message }, "could not enqueue funding; retry the acceptance"));
    };
    const services = createFinancingServices({ ds, outbox, vault, keys, registry, invoices: needs.invoices.invoices, enqueueFunding, log, ledgerNow: () => ledgerTime(provider) });
    // the supplier follows the funding of its financing (its certificate's ledger record) as the bank that sends it does
    needs.onboarding.onboarding.shareOperations("ledger.finance", async (auth, op) => op.aggregateId !== null && (await services.funding.sees(auth, op.aggregateId)));
    return { ...services, registry };
  },
  routes: (routes, api, http) => financingRoutes(routes, api, http.changes),
  projections: (p, api, { log }) => financingProjections(p, { registry: api.registry, log }),
  hooks: (hooks, api) => financingHooks(hooks, api.funding),
  jobs: (api) => ({ "financing.fund": async ({ financingId }) => api.funding.fund(financingId) }),
  stale: [unfunded as StaleWork],
});
export type FinancingApi = ReturnType<typeof financingModule.services>;
export type { RequestEvent, RequestListener } from "./requests.service";
export type { AgreementSource } from "./acceptance.service";
export { price } from "./pricing";
