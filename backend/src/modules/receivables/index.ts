/**
 * Receivables: certificates registered by suppliers or issued by core enterprises, confirmed,
 * rejected, cancelled, split and transferred, and their payment history (clearing_events, written
 * as the ledger clears them). (Implementation: receivables.service.ts, policy.ts,
 * receivables.routes.ts, receivables.projections.ts, receivables.hooks.ts, operations.ts.)
 */
import { defineModule } from "../module";
import type { InvoicesApi } from "../invoices";
import { ReceivableEntity } from "./receivable.entity";
import { ReceivablesService } from "./receivables.service";
import { receivablesRoutes } from "./receivables.routes";
import { receivablesProjections } from "./receivables.projections";
import { receivablesHooks } from "./receivables.hooks";

export const receivablesModule = defineModule({
  name: "receivables",
  needs: ["invoices"],
  tables: ["receivables", "clearing_events"],
  entities: [ReceivableEntity],
  services: ({ ds, outbox, keys, config, provider }, needs: { invoices: InvoicesApi }) => ({
    receivables: new ReceivablesService(
      ds,
      outbox,
      needs.invoices.invoices,
      keys,
      { maxTenorDays: config.POLICY_MAX_TENOR_DAYS, maxTier: config.POLICY_MAX_TIER, minSplitAmount: config.POLICY_MIN_SPLIT_AMOUNT },
      async () => BigInt((await provider.getBlock("latest"))?.timestamp ?? Math.floor(Date.now() / 1000)),
    ),
  }),
  routes: (routes, api) => receivablesRoutes(routes, api.receivables),
  projections: (p) => receivablesProjections(p),
  hooks: (hooks) => receivablesHooks(hooks),
});
export type ReceivablesApi = ReturnType<typeof receivablesModule.services>;

export { ReceivableEntity, CHAIN_STATUS, type ReceivableRow, type ReceivableStatus } from "./receivable.entity";
export { ReceivablesService, changeInFlightSql, changeInProgress, type HolderChangeGuard } from "./receivables.service";
export { recordOperation } from "./operations";
export { receivableView, outstanding } from "./receivables.views";
export { ReceivableView } from "./receivables.schemas";
