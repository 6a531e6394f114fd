/**
 * Approvals (four-eyes): a clerk drafts an action, an approver of the same organization approves
 * (it runs then, as the approver) or rejects it. (Implementation: drafts.service.ts,
 * drafts.routes.ts, drafts.subjects.ts (what a draft touches, in names and figures),
 * draft-execution.ts, drafts.sweeper.ts; the withdrawn status in withdrawal.migration.ts.)
 */
import { defineModule } from "../module";
import { DraftsService } from "./drafts.service";
import { draftsRoutes } from "./drafts.routes";
import { DraftExecutionGuard } from "./draft-execution";
import { DraftsSweeper } from "./drafts.sweeper";
import { DraftSubjects } from "./drafts.subjects";
import { DraftWithdrawal1734350000000 } from "./withdrawal.migration";

export const approvalsModule = defineModule({
  name: "approvals",
  needs: [],
  tables: ["drafts"],
  subscribers: [DraftExecutionGuard],
  migrations: [DraftWithdrawal1734350000000],
  services: ({ ds, routes, keys }) => ({ drafts: new DraftsService(ds, routes, new DraftSubjects(ds, keys)) }),
  routes: (routes, api) => draftsRoutes(routes, api.drafts),
  loops: (_api, { ds, config, log }) => [new DraftsSweeper(ds, { intervalMs: config.OUTBOX_SWEEP_INTERVAL_MS, staleMs: config.DRAFT_EXECUTING_STALE_MS }, log)],
});

export { DraftsService } from "./drafts.service";
export { DraftsSweeper } from "./drafts.sweeper";
export { DraftExecutionGuard } from "./draft-execution";
export type ApprovalsApi = ReturnType<typeof approvalsModule.services>;
export type { DraftListener } from "./drafts.service";
