/**
 * Clearing: the maturity keeper collects what is due (a repeating job), and creditors declare
 * defaults and claim recourse. A certificate's payment history is the receivables module's
 * (clearing_events). (Implementation: keeper.ts, clearing.service.ts over clearing.repository.ts,
 * clearing.routes.ts.)
 */
import { defineModule } from "../module";
import type { ReceivablesApi } from "../receivables";
import { ClearingService } from "./clearing.service";
import { MaturityKeeper } from "./keeper";
import { clearingRoutes } from "./clearing.routes";

declare module "../../shared/queue" {
  interface JobPayloads {
    /** Settle what is due (repeatable). */
    "clearing.keeper": Record<string, never>;
  }
}

export const clearingModule = defineModule({
  name: "clearing",
  needs: ["receivables"],
  tables: [],
  services: ({ ds, outbox, keys, provider, config, log }, needs: { receivables: ReceivablesApi }) => ({
    clearing: new ClearingService(ds, outbox, needs.receivables.receivables),
    keeper: new MaturityKeeper(ds, provider, outbox, keys, { batchSize: config.KEEPER_BATCH_SIZE, retryMs: config.KEEPER_RETRY_MS }, log),
  }),
  routes: (routes, api) => clearingRoutes(routes, api.clearing),
  jobs: (api) => ({ "clearing.keeper": async () => api.keeper.run() }),
  schedules: (config) => [{ job: "clearing.keeper", everyMs: config.KEEPER_INTERVAL_MS }],
});
