/**
 * The audit domain: routes, navigation and home section. STUB — owned by the engineer building the
 * audit pages; replace the placeholders with real pages in this folder (see app/module.ts).
 */
import type { DomainModule } from "../../app/module";
import { Placeholder, PlaceholderSection } from "../../shared/Placeholder";

function AuditorHome() {
  return <PlaceholderSection ns="audit" title="home.auditor" />;
}

export const auditModule: DomainModule = {
  id: "audit",
  routes: [
    { path: "audit", element: <Placeholder ns="audit" title="page.history" /> },
  ],
  nav: [
    { to: "/audit", label: "audit:nav.history", roles: ["auditor", "operator"], order: 80 },
  ],
  homes: [
    { role: "auditor", Component: AuditorHome },
  ],
};
