/**
 * The settlement domain: routes, navigation and home section. STUB — owned by the engineer building the
 * settlement pages; replace the placeholders with real pages in this folder (see app/module.ts).
 */
import type { DomainModule } from "../../app/module";
import { Placeholder, PlaceholderSection } from "../../shared/Placeholder";

function IssuerHome() {
  return <PlaceholderSection ns="settlement" title="home.issuer" />;
}

export const settlementModule: DomainModule = {
  id: "settlement",
  routes: [
    { path: "settlement", element: <Placeholder ns="settlement" title="page.account" /> },
  ],
  nav: [
    { to: "/settlement", label: "settlement:nav.account", roles: ["supplier", "core_enterprise", "bank", "settlement_issuer", "operator", "auditor"], order: 50 },
  ],
  homes: [
    { role: "settlement_issuer", Component: IssuerHome },
  ],
};
