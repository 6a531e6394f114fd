/**
 * Financing: the supplier's requests, quotes side by side and acceptance, its financings followed
 * live until the funds arrive; the bank's requests to quote on, quote form and withdrawal, its
 * portfolio and credit lines.
 */
import { lazy, type ComponentType } from "react";
import type { DomainModule } from "../../shared/module";
import "./financing.css";

const lazyPage = <K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) =>
  lazy(() => load().then((m) => ({ default: m[name] })));

const RequestListPage = lazyPage(() => import("./RequestListPage"), "RequestListPage");
const RequestDetailPage = lazyPage(() => import("./RequestDetailPage"), "RequestDetailPage");
const FinancingListPage = lazyPage(() => import("./FinancingListPage"), "FinancingListPage");
const FinancingDetailPage = lazyPage(() => import("./FinancingDetailPage"), "FinancingDetailPage");
const CreditLinesPage = lazyPage(() => import("./CreditLinesPage"), "CreditLinesPage");
const SupplierFinancingHome = lazyPage(() => import("./homes"), "SupplierFinancingHome");
const BankHome = lazyPage(() => import("./homes"), "BankHome");

export const financingModule: DomainModule = {
  id: "financing",
  routes: [
    { path: "financing", element: <RequestListPage /> },
    { path: "financing/requests/:id", element: <RequestDetailPage /> },
    { path: "financing/financings", element: <FinancingListPage /> },
    { path: "financing/financings/:id", element: <FinancingDetailPage /> },
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
