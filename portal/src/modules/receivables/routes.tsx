/**
 * Receivables: the supplier's certificates (register, detail with lineage, split, transfer), what
 * is offered to it (待签收: accept, refuse) and what it offered (withdraw); the core enterprise's
 * issuing (开立), confirmation queue, payables calendar and repayment authorization.
 */
import { lazy, type ComponentType } from "react";
import type { DomainModule } from "../../shared/module";
import { IncomingOfferCount } from "./offers/OfferCount";

const lazyPage = <K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) =>
  lazy(() => load().then((m) => ({ default: m[name] })));

const CertificateListPage = lazyPage(() => import("./CertificateListPage"), "CertificateListPage");
const RegisterPage = lazyPage(() => import("./RegisterPage"), "RegisterPage");
const CertificateDetailPage = lazyPage(() => import("./CertificateDetailPage"), "CertificateDetailPage");
const ConfirmationsPage = lazyPage(() => import("./core/ConfirmationsPage"), "ConfirmationsPage");
const PayablesPage = lazyPage(() => import("./core/PayablesPage"), "PayablesPage");
const SupplierHome = lazyPage(() => import("./SupplierHome"), "SupplierHome");
const CoreHome = lazyPage(() => import("./core/CoreHome"), "CoreHome");
const IncomingOffersPage = lazyPage(() => import("./offers/OffersPage"), "IncomingOffersPage");
const OutgoingOffersPage = lazyPage(() => import("./offers/OffersPage"), "OutgoingOffersPage");
const OffersHome = lazyPage(() => import("./offers/OffersHome"), "OffersHome");
const IssuePage = lazyPage(() => import("./core/IssuePage"), "IssuePage");

export const receivablesModule: DomainModule = {
  id: "receivables",
  routes: [
    { path: "receivables", element: <CertificateListPage /> },
    { path: "receivables/new", element: <RegisterPage /> },
    { path: "receivables/confirmations", element: <ConfirmationsPage /> },
    { path: "receivables/offers", element: <IncomingOffersPage /> },
    { path: "receivables/offers/sent", element: <OutgoingOffersPage /> },
    { path: "receivables/issue", element: <IssuePage /> },
    { path: "receivables/:id", element: <CertificateDetailPage /> },
    { path: "payables", element: <PayablesPage /> },
  ],
  nav: [
    { to: "/receivables/offers", label: "receivables:nav.offers", roles: ["supplier"], order: 19, Count: IncomingOfferCount },
    { to: "/receivables", label: "receivables:nav.certificates", roles: ["supplier", "operator", "auditor"], order: 20 },
    { to: "/receivables/new", label: "receivables:nav.register", roles: ["supplier"], duties: ["clerk", "approver"], order: 21 },
    { to: "/receivables/issue", label: "receivables:nav.issue", roles: ["core_enterprise"], order: 21 },
    { to: "/receivables/confirmations", label: "receivables:nav.confirmations", roles: ["core_enterprise"], order: 22 },
    { to: "/payables", label: "receivables:nav.payables", roles: ["core_enterprise"], order: 23 },
  ],
  homes: [
    { role: "core_enterprise", Component: CoreHome },
    { role: "supplier", Component: OffersHome },
    { role: "supplier", Component: SupplierHome },
  ],
};
