/**
 * Receivables: certificates registered by suppliers or issued by core enterprises, confirmed,
 * rejected, cancelled, split and transferred, and their payment history (clearing_events, written
 * as the ledger clears them). (Implementation: receivables.creation.ts, receivables.changes.ts and
 * receivables.service.ts (reads) over receivables.repository.ts, receivables.rules.ts and policy.ts
 * (the decisions, pure), receivables.routes.ts, receivables.projections.ts, receivables.hooks.ts.)
 */
import { defineModule } from "../module";
import type { InvoicesApi } from "../invoices";
import { ReceivableEntity } from "./receivable.entity";
import { ReceivablesService } from "./receivables.service";
import { ReceivableCreation } from "./receivables.creation";
import { ReceivableChanges } from "./receivables.changes";
import { ReceivablesRepository } from "./receivables.repository";
import { receivablesRoutes } from "./receivables.routes";
import { receivablesProjections } from "./receivables.projections";
import { receivablesHooks } from "./receivables.hooks";

export const receivablesModule = defineModule({
  name: "receivables",
  needs: ["invoices"],
  tables: ["receivables", "clearing_events"],
  entities: [ReceivableEntity],
  services: ({ ds, outbox, keys, config, provider }, needs: { invoices: InvoicesApi }) => {
    const repo = new ReceivablesRepository(ds);
    const policy = { maxTenorDays: config.POLICY_MAX_TENOR_DAYS, maxTier: config.POLICY_MAX_TIER, minSplitAmount: config.POLICY_MIN_SPLIT_AMOUNT };
    const ledgerTime = async () => BigInt((await provider.getBlock("latest"))?.timestamp ?? Math.floor(Date.now() / 1000));
    const receivables = new ReceivablesService(ds, repo, needs.invoices.invoices);
    return {
      receivables,
      creation: new ReceivableCreation(ds, repo, outbox, needs.invoices.invoices, keys, policy, ledgerTime),
      changes: new ReceivableChanges(ds, repo, outbox, keys, policy, ledgerTime, receivables),
    };
  },
  routes: (routes, api) => receivablesRoutes(routes, api),
  projections: (p) => receivablesProjections(p),
  hooks: (hooks) => receivablesHooks(hooks),
});
export type ReceivablesApi = ReturnType<typeof receivablesModule.services>;

export { ReceivableEntity, CHAIN_STATUS, type ReceivableRow, type ReceivableStatus } from "./receivable.entity";
export { ReceivablesService, changeInProgress, type HolderChangeGuard } from "./receivables.service";
export { changeInFlightSql, recordOperation } from "./receivables.repository";
export { receivableView, outstanding } from "./receivables.views";
export { ReceivableView } from "./receivables.schemas";
