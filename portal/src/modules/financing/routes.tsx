/**
 * Financing: the supplier's requests, quotes side by side and acceptance, its financings followed
 * live until the funds arrive; the bank's requests to quote on, quote form and withdrawal, its
 * portfolio and credit lines.
 */
import { lazy, type ComponentType } from "react";
import type { DomainModule } from "../../app/module";
import "./financing.css";

const lazyPage = <K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) =>
  lazy(() => load().then((m) => ({ default: m[name] })));

const RequestsPage = lazyPage(() => import("./RequestsPage"), "RequestsPage");
const RequestPage = lazyPage(() => import("./RequestPage"), "RequestPage");
const FinancingsPage = lazyPage(() => import("./FinancingsPage"), "FinancingsPage");
const FinancingPage = lazyPage(() => import("./FinancingPage"), "FinancingPage");
const CreditLinesPage = lazyPage(() => import("./CreditLinesPage"), "CreditLinesPage");
const SupplierFinancingHome = lazyPage(() => import("./homes"), "SupplierFinancingHome");
const BankHome = lazyPage(() => import("./homes"), "BankHome");

export const financingModule: DomainModule = {
  id: "financing",
  routes: [
    { path: "financing", element: <RequestsPage /> },
    { path: "financing/requests/:id", element: <RequestPage /> },
    { path: "financing/financings", element: <FinancingsPage /> },
    { path: "financing/financings/:id", element: <FinancingPage /> },
    { path: "financing/credit-lines", element: <CreditLinesPage /> },
  ],
  nav: [
    { to: "/financing", label: "financing:nav.requests", roles: ["supplier", "bank", "operator"], order: 40 },
    { to: "/financing/financings", label: "financing:nav.financings", roles: ["supplier", "bank", "operator"], order: 41 },
    { to: "/financing/credit-lines", label: "financing:nav.creditLines", roles: ["bank", "core_enterprise", "operator"], order: 42 },
  ],
  homes: [
    { role: "supplier", Component: SupplierFinancingHome },
    { role: "bank", Component: BankHome },
  ],
};
