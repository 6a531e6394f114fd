/**
 * Approvals (four-eyes): a clerk drafts an action, an approver of the same organization approves
 * (it runs then, as the approver) or rejects it. (Implementation: drafts.service.ts,
 * drafts.routes.ts, draft-execution.ts, drafts.sweeper.ts.)
 */
import { defineModule } from "../module";
import { DraftsService } from "./drafts.service";
import { draftsRoutes } from "./drafts.routes";
import { DraftExecutionGuard } from "./draft-execution";
import { DraftsSweeper } from "./drafts.sweeper";

export const approvalsModule = defineModule({
  name: "approvals",
  needs: [],
  tables: ["drafts"],
  subscribers: [DraftExecutionGuard],
  services: ({ ds, routes }) => ({ drafts: new DraftsService(ds, routes) }),
  routes: (routes, api) => draftsRoutes(routes, api.drafts),
  loops: (_api, { ds, config, log }) => [new DraftsSweeper(ds, { intervalMs: config.OUTBOX_SWEEP_INTERVAL_MS, staleMs: config.DRAFT_EXECUTING_STALE_MS }, log)],
});

export { DraftsService } from "./drafts.service";
export { DraftsSweeper } from "./drafts.sweeper";
export { DraftExecutionGuard } from "./draft-execution";
