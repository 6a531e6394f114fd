/**
 * Receivables: the supplier's certificates (register, detail with lineage, split, transfer) and the
 * core enterprise's confirmation queue, payables calendar and repayment authorization.
 */
import { lazy, type ComponentType } from "react";
import type { DomainModule } from "../../shared/module";

const lazyPage = <K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) =>
  lazy(() => load().then((m) => ({ default: m[name] })));

const CertificateListPage = lazyPage(() => import("./CertificateListPage"), "CertificateListPage");
const RegisterPage = lazyPage(() => import("./RegisterPage"), "RegisterPage");
const CertificateDetailPage = lazyPage(() => import("./CertificateDetailPage"), "CertificateDetailPage");
const ConfirmationsPage = lazyPage(() => import("./core/ConfirmationsPage"), "ConfirmationsPage");
const PayablesPage = lazyPage(() => import("./core/PayablesPage"), "PayablesPage");
const SupplierHome = lazyPage(() => import("./SupplierHome"), "SupplierHome");
const CoreHome = lazyPage(() => import("./core/CoreHome"), "CoreHome");

export const receivablesModule: DomainModule = {
  id: "receivables",
  routes: [
    { path: "receivables", element: <CertificateListPage /> },
    { path: "receivables/new", element: <RegisterPage /> },
    { path: "receivables/confirmations", element: <ConfirmationsPage /> },
    { path: "receivables/:id", element: <CertificateDetailPage /> },
    { path: "payables", element: <PayablesPage /> },
  ],
  nav: [
    { to: "/receivables", label: "receivables:nav.certificates", roles: ["supplier", "operator", "auditor"], order: 20 },
    { to: "/receivables/new", label: "receivables:nav.register", roles: ["supplier"], duties: ["clerk", "approver"], order: 21 },
    { to: "/receivables/confirmations", label: "receivables:nav.confirmations", roles: ["core_enterprise"], order: 22 },
    { to: "/payables", label: "receivables:nav.payables", roles: ["core_enterprise"], order: 23 },
  ],
  homes: [
    { role: "core_enterprise", Component: CoreHome },
    { role: "supplier", Component: SupplierHome },
  ],
};
