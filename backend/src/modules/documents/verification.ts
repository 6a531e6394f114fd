import { documentInfo, type DocumentInfo } from "./render";
import type { Revocation } from "./signing/ca";
import { fingerprint as fingerprintOf, signingMessage, sm2Verify, type DocumentKind, type SigningAct } from "./signing/sm";
import { splitSigned, type FileSignature } from "./signing/signed-file";
import { parseCertificate, verifyIssuedBy } from "./signing/x509";

/** A document as its issuer knows it: what it is, on which ledger, and who signs it for what. */
export interface KnownDocument {
  id: string;
  kind: DocumentKind;
  receivableId: string;
  subject: string;
  fingerprint: string;
  chainId: number;
  ledger: string;
  /** The organizations that sign it, by act. */
  signers: { act: SigningAct; role: string; name: string; uscc: string }[];
}

/** A ledger record of a fingerprint. */
export interface LedgerRecord {
  transaction: string;
  block: string;
  receivableId: string;
  kind: string;
  by: string;
}

/** Where a verification finds what the file does not carry (the platform's API, the ledger itself, the CA). */
export interface VerificationSource {
  /** The document with this fingerprint, if its issuer knows one. */
  byFingerprint(fingerprint: string): Promise<KnownDocument | null>;
  /** The document a file says it is (its information dictionary), whatever its bytes. */
  byInfo(info: DocumentInfo): Promise<KnownDocument | null>;
  /** The ledger's records of this fingerprint. */
  records(fingerprint: string, doc: KnownDocument): Promise<LedgerRecord[]>;
  /** The signatures of a document, when the file carries none. */
  signatures(doc: KnownDocument): Promise<FileSignature[]>;
  caRoot(): Promise<Uint8Array>;
  revocations(): Promise<Revocation[]>;
}

export type ProblemCode =
  | "CHANGED"
  | "UNKNOWN_DOCUMENT"
  | "SIGNATURES_MALFORMED"
  | "SIGNATURE_OTHER_DOCUMENT"
  | "SIGNATURE_INVALID"
  | "SIGNATURE_WRONG_ACT"
  | "WRONG_ORGANIZATION"
  | "CERTIFICATE_UNKNOWN_ISSUER"
  | "CERTIFICATE_REVOKED"
  | "CERTIFICATE_EXPIRED"
  | "CERTIFICATE_MALFORMED";

export interface Problem {
  code: ProblemCode;
  message: string;
}

export interface SignatureReport {
  act: string;
  role: string;
  signer: { name: string; organization: string; uscc: string; serial: string } | null;
  signedAt: string;
  /** The signature is the certificate's key's, over this document, for this act. */
  signatureValid: boolean;
  /** The certificate chains to the CA and was valid (issued, not expired, not revoked) when it signed. */
  certificateValid: boolean;
  problems: Problem[];
}

export interface VerificationReport {
  /** valid: every check passed and every signature it calls for is there; pending: nothing failed, but a signature or the ledger record is still to come. */
  verdict: "valid" | "pending" | "invalid";
  fingerprint: string;
  document: Omit<KnownDocument, "signers" | "fingerprint"> | null;
  /** Whether the ledger holds this fingerprint for this certificate, and where. */
  onLedger: boolean;
  ledger: LedgerRecord[];
  signatures: SignatureReport[];
  awaiting: { act: string; role: string; organization: string }[];
  problems: Problem[];
}

const MAX_SIGNATURES = 16;

/** Checks a file against its issuer's record, the ledger and the CA; every failure is named. */
export async function verifyFile(file: Uint8Array, source: VerificationSource): Promise<VerificationReport> {
  const { document: bytes, signatures: carried, malformed } = splitSigned(file);
  const fingerprint = fingerprintOf(bytes);
  const problems: Problem[] = [];
  if (malformed) problems.push({ code: "SIGNATURES_MALFORMED", message: "The file's signature block cannot be read; its signatures are not counted." });
  const doc = await source.byFingerprint(fingerprint);
  if (!doc) {
    const info = documentInfo(bytes);
    const genuine = info ? await source.byInfo(info) : null;
    problems.push(
      genuine
        ? { code: "CHANGED", message: `The file has been changed: it says it is the ${genuine.kind} of certificate ${genuine.receivableId}, whose fingerprint is ${genuine.fingerprint}, and its own is ${fingerprint}.` }
        : { code: "UNKNOWN_DOCUMENT", message: `No document with fingerprint ${fingerprint} was issued by this platform, and the file names none that was.` },
    );
    return { verdict: "invalid", fingerprint, document: null, onLedger: false, ledger: [], signatures: [], awaiting: [], problems };
  }
  const ledger = await source.records(fingerprint, doc);
  // a record counts for this certificate and this kind of document only: a member may record any
  // fingerprint with its own key (recordDocuments), but never as another certificate's or kind's
  const onLedger = ledger.some((r) => r.receivableId === doc.receivableId && r.kind === doc.kind);
  const sigs = (carried ?? (await source.signatures(doc))).slice(0, MAX_SIGNATURES);
  const [root, revocations] = await Promise.all([source.caRoot(), source.revocations()]);
  const rootCert = parseCertificate(root);
  const reports = sigs.map((s) => checkSignature(s, doc, rootCert?.publicKey ?? "", revocations));
  const signedActs = new Set(reports.filter((r) => r.problems.length === 0).map((r) => r.act));
  const awaiting = doc.signers.filter((s) => !signedActs.has(s.act)).map((s) => ({ act: s.act, role: s.role, organization: s.name }));
  // not on the ledger yet is no failure: an agreement reaches it with its funding, a certificate or
  // a notice with its signature's record (the verdict stays pending until then)
  const failed = problems.length > 0 || reports.some((r) => r.problems.length > 0);
  const verdict = failed ? "invalid" : awaiting.length || !onLedger ? "pending" : "valid";
  const { signers: _signers, fingerprint: _fp, ...described } = doc;
  return { verdict, fingerprint, document: described, onLedger, ledger, signatures: reports, awaiting, problems };
}

function checkSignature(s: FileSignature, doc: KnownDocument, rootKey: string, revocations: Revocation[]): SignatureReport {
  const problems: Problem[] = [];
  const cert = parseCertificate(Buffer.from(s.certificate ?? "", "base64"));
  const report: SignatureReport = { act: s.act, role: s.role, signer: null, signedAt: s.signedAt, signatureValid: false, certificateValid: false, problems };
  if (!cert) {
    problems.push({ code: "CERTIFICATE_MALFORMED", message: "The signature's certificate cannot be read." });
    return report;
  }
  report.signer = { name: cert.subject.name, organization: cert.subject.organization, uscc: cert.subject.uscc, serial: cert.serial };
  const expected = doc.signers.find((x) => x.act === s.act);
  const message = (fingerprint: string) => signingMessage({ chainId: doc.chainId, ledger: doc.ledger, fingerprint, kind: doc.kind, act: s.act });
  if (!expected) {
    problems.push({ code: "SIGNATURE_WRONG_ACT", message: `A ${doc.kind} is not signed for "${s.act}".` });
  } else if (sm2Verify(cert.publicKey, message(doc.fingerprint), s.signature)) {
    report.signatureValid = true;
  } else if (s.document && s.document !== doc.fingerprint && sm2Verify(cert.publicKey, message(s.document), s.signature)) {
    problems.push({ code: "SIGNATURE_OTHER_DOCUMENT", message: `${cert.subject.name}'s signature is over another document (fingerprint ${s.document}), not this one.` });
  } else {
    problems.push({ code: "SIGNATURE_INVALID", message: `${cert.subject.name}'s signature does not verify for this document and the act "${s.act}".` });
  }
  if (expected && cert.subject.uscc !== expected.uscc) {
    problems.push({ code: "WRONG_ORGANIZATION", message: `The ${expected.role} (${expected.name}, ${expected.uscc}) signs for "${s.act}", but the signer's certificate is ${cert.subject.organization}'s (${cert.subject.uscc}).` });
  }
  const at = new Date(s.signedAt);
  const issued = rootKey !== "" && verifyIssuedBy(cert, rootKey);
  const revoked = revocations.find((r) => r.serial === cert.serial);
  if (!issued) problems.push({ code: "CERTIFICATE_UNKNOWN_ISSUER", message: `Certificate ${cert.serial} was not issued by the consortium's CA.` });
  if (revoked && !(new Date(revoked.revokedAt) > at)) {
    problems.push({ code: "CERTIFICATE_REVOKED", message: `Certificate ${cert.serial} was revoked at ${new Date(revoked.revokedAt).toISOString()}, before this signature (${s.signedAt}).` });
  }
  if (Number.isNaN(at.getTime()) || at < cert.notBefore || at > cert.notAfter) {
    problems.push({ code: "CERTIFICATE_EXPIRED", message: `Certificate ${cert.serial} was not valid at the signing time ${s.signedAt} (valid ${cert.notBefore.toISOString()} to ${cert.notAfter.toISOString()}).` });
  }
  report.certificateValid = issued && !problems.some((p) => p.code.startsWith("CERTIFICATE_"));
  return report;
}
