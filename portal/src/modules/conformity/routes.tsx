/**
 * Conformity (77号文 / 802号令): for the operator and the regulator (auditors), abnormal flows
 * (异常流转) and the regulator's hash-chained feed (监管报送) with its daily files; for them and the
 * settlement issuer, the payouts the ledger holds for parties that could not receive them (代持资金).
 * Read only, every page.
 */
import { lazy, type ComponentType } from "react";
import type { DomainModule } from "../../shared/module";

const lazyPage = <K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) =>
  lazy(() => load().then((m) => ({ default: m[name] })));

const AbnormalFlowsPage = lazyPage(() => import("./AbnormalFlowsPage"), "AbnormalFlowsPage");
const FeedPage = lazyPage(() => import("./FeedPage"), "FeedPage");
const HeldFundsPage = lazyPage(() => import("./HeldFundsPage"), "HeldFundsPage");
const HeldFundsHome = lazyPage(() => import("./HeldFundsHome"), "HeldFundsHome");

export const conformityModule: DomainModule = {
  id: "conformity",
  routes: [
    { path: "conformity/abnormal-flows", element: <AbnormalFlowsPage /> },
    { path: "conformity/feed", element: <FeedPage /> },
    { path: "conformity/held-funds", element: <HeldFundsPage /> },
  ],
  nav: [
    { to: "/conformity/abnormal-flows", label: "conformity:nav.abnormal", roles: ["operator", "auditor"], order: 84 },
    { to: "/conformity/feed", label: "conformity:nav.feed", roles: ["operator", "auditor"], order: 85 },
    { to: "/conformity/held-funds", label: "conformity:nav.held", roles: ["settlement_issuer", "operator", "auditor"], order: 86 },
  ],
  homes: [{ role: "settlement_issuer", Component: HeldFundsHome }],
};
