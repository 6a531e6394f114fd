/** Settlement: the account (balance, repayment authorization), movements, withdrawals; deposits for the issuer. */
import { lazy, type ComponentType } from "react";
import type { DomainModule } from "../../shared/module";

const lazyPage = <K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) =>
  lazy(() => load().then((m) => ({ default: m[name] })));

const SettlementPage = lazyPage(() => import("./SettlementPage"), "SettlementPage");
const IssuerHome = lazyPage(() => import("./IssuerHome"), "IssuerHome");

export const settlementModule: DomainModule = {
  id: "settlement",
  routes: [{ path: "settlement", element: <SettlementPage /> }],
  nav: [
    { to: "/settlement", label: "settlement:nav.account", roles: ["supplier", "core_enterprise", "bank", "settlement_issuer", "operator", "auditor"], order: 50 },
  ],
  homes: [{ role: "settlement_issuer", Component: IssuerHome }],
};
