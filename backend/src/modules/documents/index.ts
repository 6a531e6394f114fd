/**
 * Documents: the certificate (应收账款电子凭证), the notice of assignment (应收账款转让通知书) and the
 * financing agreement (融资协议) as PDFs made from the ledger's facts, signed by the parties'
 * approvers with their own SM2 keys certified by the consortium CA, bound on the ledger, and
 * verifiable by anyone (docs/signed-documents.md). (Implementation: render/ makes the PDFs;
 * signing/ holds SM2/SM3, X.509, the CA adapters and the signed-file format; documents.service.ts
 * signs and binds, over documents.repository.ts and documents.facts.ts; certificates.service.ts
 * enrols keys; verification.ts checks a file, verification.source.ts with the platform's records;
 * documents.projections.ts; documents.routes.ts.)
 */
import { defineModule } from "../module";
import type { FinancingApi } from "../financing";
import { SignedDocuments1734500000000 } from "./documents.migration";
import { DocumentsService } from "./documents.service";
import { CertificatesService, certificateAuthority } from "./certificates.service";
import { documentProjections } from "./documents.projections";
import { documentsRoutes } from "./documents.routes";
import { platformSource } from "./verification.source";

export const documentsModule = defineModule({
  name: "documents",
  needs: ["financing"],
  tables: ["documents", "document_signatures", "signing_certificates", "document_anchors"],
  migrations: [SignedDocuments1734500000000],
  services: ({ ds, outbox, keys, config }, needs: { financing: FinancingApi }) => {
    const ca = certificateAuthority(config, ds);
    const certificates = new CertificatesService(ds, ca);
    const documents = new DocumentsService(ds, outbox, keys, certificates, config.PORTAL_URL);
    // every acceptance binds its quote's agreement in the terms the holder signs
    needs.financing.acceptance.useAgreements({ forAcceptance: (auth, quoteId) => documents.forAcceptance(auth, quoteId) });
    return { ds, keys, documents, certificates, source: platformSource(ds, keys, ca) };
  },
  routes: (routes, api) => documentsRoutes(routes, api),
  projections: (p) => documentProjections(p),
});
export type DocumentsApi = ReturnType<typeof documentsModule.services>;

export { verifyFile, type VerificationSource, type VerificationReport, type KnownDocument, type LedgerRecord } from "./verification";
export { documentInfo } from "./render";
export { fingerprint, signingMessage, sm2Sign, sm2Verify, generateKeyPair, enrolmentMessage } from "./signing/sm";
export { splitSigned, attachSignatures } from "./signing/signed-file";
