/** The auditor's read-only pages: organizations, certificates with their on-chain history, financings, invoices. */
import { lazy, type ComponentType } from "react";
import type { DomainModule } from "../../shared/module";
import "./audit.css";

const lazyPage = <K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) =>
  lazy(() => load().then((m) => ({ default: m[name] })));

const OrganizationsAuditPage = lazyPage(() => import("./AuditPages"), "OrganizationsAuditPage");
const CertificatesAuditPage = lazyPage(() => import("./AuditPages"), "CertificatesAuditPage");
const CertificateAuditPage = lazyPage(() => import("./AuditPages"), "CertificateAuditPage");
const FinancingsAuditPage = lazyPage(() => import("./AuditPages"), "FinancingsAuditPage");
const InvoicesAuditPage = lazyPage(() => import("./AuditPages"), "InvoicesAuditPage");
const AuditorHome = lazyPage(() => import("./AuditorHome"), "AuditorHome");

export const auditModule: DomainModule = {
  id: "audit",
  routes: [
    { path: "audit", element: <OrganizationsAuditPage /> },
    { path: "audit/certificates", element: <CertificatesAuditPage /> },
    { path: "audit/certificates/:id", element: <CertificateAuditPage /> },
    { path: "audit/financings", element: <FinancingsAuditPage /> },
    { path: "audit/invoices", element: <InvoicesAuditPage /> },
  ],
  nav: [
    { to: "/audit", label: "audit:nav.history", roles: ["auditor", "operator"], order: 80 },
  ],
  homes: [{ role: "auditor", Component: AuditorHome }],
};
