/** Invoices: the supplier's list with verification results, uploads (one by form, files read by the API), and the correction of refused ones. */
import { lazy } from "react";
import type { DomainModule } from "../../shared/module";

const InvoicesPage = lazy(() => import("./InvoicesPage").then((m) => ({ default: m.InvoicesPage })));
const UploadPage = lazy(() => import("./UploadPage").then((m) => ({ default: m.UploadPage })));
const CorrectPage = lazy(() => import("./CorrectPage").then((m) => ({ default: m.CorrectPage })));

export const invoicesModule: DomainModule = {
  id: "invoices",
  routes: [
    { path: "invoices", element: <InvoicesPage /> },
    { path: "invoices/upload", element: <UploadPage /> },
    { path: "invoices/:id/correct", element: <CorrectPage /> },
  ],
  nav: [{ to: "/invoices", label: "invoices:nav.list", roles: ["supplier", "operator", "auditor"], order: 10 }],
};
