/**
 * Where the pages of other domains meet the documents domain (a certificate's documents, the
 * signing dialog): modules may not import each other, so the shell hands the documents module's
 * components down through this context (app/Shell.tsx), and a page renders them by name. Both are
 * lazy: the signing key's code (SM2, 60 kB) loads only when a dialog opens.
 */
import { createContext, Suspense, useContext, type ComponentType, type ReactNode } from "react";
import type { Schemas } from "../api/client";

export type SignedDocument = Schemas["Document"];
export type SigningAct = SignedDocument["signers"][number]["act"];

/** A document by its id, or a quote's financing agreement (made on first ask). */
export type DocumentTarget = { documentId: string } | { quoteId: string };

export interface SignDialogProps {
  target: DocumentTarget;
  act: SigningAct;
  /** Closed without signing (Escape, the close button). */
  onClose: () => void;
  /** Signed: the document as it is now. */
  onSigned: (document: SignedDocument) => void;
}

export interface DocumentsParts {
  SignDialog: ComponentType<SignDialogProps>;
  /** The documents of one certificate (its ledger id), to read, download and sign. */
  CertificateDocuments: ComponentType<{ receivable: string }>;
}

const Parts = createContext<DocumentsParts | null>(null);

export function DocumentsPartsProvider({ parts, children }: { parts: DocumentsParts; children: ReactNode }) {
  return <Parts.Provider value={parts}>{children}</Parts.Provider>;
}

/** The signing dialog, open while rendered. */
export function SignDialog(props: SignDialogProps) {
  const parts = useContext(Parts);
  if (!parts) return null;
  return (
    <Suspense fallback={null}>
      <parts.SignDialog {...props} />
    </Suspense>
  );
}

export function CertificateDocuments({ receivable }: { receivable: string }) {
  const parts = useContext(Parts);
  if (!parts) return null;
  return (
    <Suspense fallback={null}>
      <parts.CertificateDocuments receivable={receivable} />
    </Suspense>
  );
}

/** The signer of an act who has not signed yet, if the act is this organization's (by its USCC). */
export function ownUnsigned(doc: SignedDocument, uscc: string, act?: SigningAct) {
  return doc.signers.find((s) => !s.signed && (act === undefined || s.act === act) && doc.parties.find((p) => p.role === s.role)?.uscc === uscc);
}
