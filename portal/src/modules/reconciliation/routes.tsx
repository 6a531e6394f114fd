/** Reconciliation: statements uploaded by banks and each day's report with its mismatches. */
import { lazy } from "react";
import type { DomainModule } from "../../shared/module";

const ReconciliationPage = lazy(() => import("./ReconciliationPage").then((m) => ({ default: m.ReconciliationPage })));

export const reconciliationModule: DomainModule = {
  id: "reconciliation",
  routes: [{ path: "reconciliation", element: <ReconciliationPage /> }],
  nav: [{ to: "/reconciliation", label: "reconciliation:nav.report", roles: ["bank", "operator", "auditor"], order: 70 }],
  homes: [],
};
