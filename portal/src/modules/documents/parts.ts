/** The documents module's parts other domains' pages show (shared/signing.tsx), loaded when first shown. */
import { lazy } from "react";
import type { DocumentsParts } from "../../shared/signing";

export const documentsParts: DocumentsParts = {
  SignDialog: lazy(() => import("./SignDocument")),
  CertificateDocuments: lazy(() => import("./CertificateDocuments")),
};
