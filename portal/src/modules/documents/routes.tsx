/**
 * Signed documents (docs/signed-documents.md): the notices of assignment waiting for the obligor's
 * acknowledgment (回执), and the public verification page anyone opens without signing in (every
 * PDF's QR code leads to /verify/<id>). The signing dialog and a certificate's documents are
 * shown on other domains' pages through shared/signing.tsx (parts.ts).
 */
import { lazy } from "react";
import type { DomainModule } from "../../shared/module";

const NoticesPage = lazy(() => import("./NoticesPage").then((m) => ({ default: m.NoticesPage })));
const VerifyPage = lazy(() => import("./VerifyPage").then((m) => ({ default: m.VerifyPage })));

export const documentsModule: DomainModule = {
  id: "documents",
  publicRoutes: [
    { path: "/verify", element: <VerifyPage /> },
    { path: "/verify/:id", element: <VerifyPage /> },
  ],
  routes: [{ path: "documents/notices", element: <NoticesPage /> }],
  nav: [{ to: "/documents/notices", label: "documents:nav.notices", roles: ["core_enterprise", "bank"], order: 24 }],
};
