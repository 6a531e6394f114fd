/** Four-eyes: the approvers' queue of drafts and the clerks' own drafts. */
import { lazy } from "react";
import type { DomainModule } from "../../shared/module";

const DraftQueuePage = lazy(() => import("./DraftQueuePage").then((m) => ({ default: m.DraftQueuePage })));
const MyDraftsPage = lazy(() => import("./MyDraftsPage").then((m) => ({ default: m.MyDraftsPage })));

export const approvalsModule: DomainModule = {
  id: "approvals",
  routes: [
    { path: "approvals", element: <DraftQueuePage /> },
    { path: "approvals/mine", element: <MyDraftsPage /> },
  ],
  nav: [
    { to: "/approvals", label: "approvals:nav.queue", duties: ["approver"], order: 5 },
    { to: "/approvals/mine", label: "approvals:nav.mine", duties: ["clerk"], order: 5 },
  ],
};
