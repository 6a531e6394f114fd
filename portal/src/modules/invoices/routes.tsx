/** Invoices: the supplier's list with verification results, and uploads (one by form, many by file). */
import { lazy } from "react";
import type { DomainModule } from "../../shared/module";

const InvoicesPage = lazy(() => import("./InvoicesPage").then((m) => ({ default: m.InvoicesPage })));
const UploadPage = lazy(() => import("./UploadPage").then((m) => ({ default: m.UploadPage })));

export const invoicesModule: DomainModule = {
  id: "invoices",
  routes: [
    { path: "invoices", element: <InvoicesPage /> },
    { path: "invoices/upload", element: <UploadPage /> },
  ],
  nav: [{ to: "/invoices", label: "invoices:nav.list", roles: ["supplier", "operator", "auditor"], order: 10 }],
};
