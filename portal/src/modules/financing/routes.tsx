/**
 * The financing domain: routes, navigation and home section. STUB — owned by the engineer building the
 * financing pages; replace the placeholders with real pages in this folder (see app/module.ts).
 */
import type { DomainModule } from "../../app/module";
import { Placeholder, PlaceholderSection } from "../../shared/Placeholder";

function BankHome() {
  return <PlaceholderSection ns="financing" title="home.bank" />;
}

export const financingModule: DomainModule = {
  id: "financing",
  routes: [
    { path: "financing", element: <Placeholder ns="financing" title="page.requests" /> },
    { path: "financing/credit-lines", element: <Placeholder ns="financing" title="page.creditLines" /> },
  ],
  nav: [
    { to: "/financing", label: "financing:nav.requests", roles: ["supplier", "bank", "operator", "auditor"], order: 40 },
    { to: "/financing/credit-lines", label: "financing:nav.creditLines", roles: ["bank", "core_enterprise", "operator", "auditor"], order: 41 },
  ],
  homes: [
    { role: "bank", Component: BankHome },
  ],
};
