/**
 * The clearing domain: routes, navigation and home section. STUB — owned by the engineer building the
 * clearing pages; replace the placeholders with real pages in this folder (see app/module.ts).
 */
import type { DomainModule } from "../../app/module";
import { Placeholder, PlaceholderSection } from "../../shared/Placeholder";

function OperatorHome() {
  return <PlaceholderSection ns="clearing" title="home.operator" />;
}

export const clearingModule: DomainModule = {
  id: "clearing",
  routes: [
    { path: "clearing", element: <Placeholder ns="clearing" title="page.clearing" /> },
  ],
  nav: [
    { to: "/clearing", label: "clearing:nav.clearing", roles: ["bank", "operator", "auditor"], order: 60 },
  ],
  homes: [
    { role: "operator", Component: OperatorHome },
  ],
};
