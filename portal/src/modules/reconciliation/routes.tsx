/**
 * The reconciliation domain: routes, navigation and home section. STUB — owned by the engineer building the
 * reconciliation pages; replace the placeholders with real pages in this folder (see app/module.ts).
 */
import type { DomainModule } from "../../app/module";
import { Placeholder } from "../../shared/Placeholder";

export const reconciliationModule: DomainModule = {
  id: "reconciliation",
  routes: [
    { path: "reconciliation", element: <Placeholder ns="reconciliation" title="page.report" /> },
  ],
  nav: [
    { to: "/reconciliation", label: "reconciliation:nav.report", roles: ["bank", "operator", "auditor"], order: 70 },
  ],
  homes: [],
};
