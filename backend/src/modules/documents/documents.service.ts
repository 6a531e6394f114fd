import { ZeroHash } from "ethers";
import type { DataSource } from "typeorm";
import { AppError, conflict, notFound } from "../../shared/errors";
import { readsAll, type AuthContext } from "../../shared/http/auth";
import { inTransaction } from "../../shared/transaction";
import type { Outbox } from "../../ledger/outbox/outbox.service";
import type { PlatformKeys } from "../../ledger/platform-keys";
import { MissingGlyphError, renderDocument, type DocumentFacts } from "./render";
import { fingerprint as fingerprintOf, signingMessage, sm2Verify, type DocumentKind, type SigningAct } from "./signing/sm";
import { attachSignatures, type FileSignature } from "./signing/signed-file";
import { factsOf } from "./documents.facts";
import * as repo from "./documents.repository";
import type { DocumentRow, SignatureRow } from "./documents.repository";
import type { CertificatesService } from "./certificates.service";

/** Who signs a document, for which act: the organization is a position in the document's parties. */
export interface Signer {
  act: SigningAct;
  role: "obligor" | "holder" | "bank" | "supplier";
  party: number;
}

/** The signatures a document calls for. */
export function signersOf(doc: Pick<DocumentRow, "kind" | "occasion">): Signer[] {
  if (doc.kind === "agreement") return [{ act: "quote", role: "bank", party: 1 }, { act: "accept", role: "supplier", party: 0 }];
  if (doc.kind === "notice") return [{ act: "acknowledge", role: "obligor", party: 0 }];
  return doc.occasion === "confirm" ? [{ act: "confirm", role: "obligor", party: 0 }] : [{ act: "sign-for", role: "holder", party: 1 }];
}

/** The ledger's kinds of document records (`recordDocuments`): an agreement is bound in its funding's terms instead. */
const LEDGER_KIND: Partial<Record<DocumentKind, 1 | 2>> = { certificate: 1, notice: 2 };


export interface Rendered extends DocumentRow {
  fingerprint: string;
}

/**
 * The documents of the certificates' steps: made from the ledger's facts on first ask (the same
 * facts always give the same bytes), read by their parties, signed by their parties' approvers with
 * certificates of the consortium CA; certificates' and notices' signatures recorded on the ledger.
 */
export class DocumentsService {
  constructor(
    private readonly ds: DataSource,
    private readonly outbox: Outbox,
    private readonly keys: PlatformKeys,
    private readonly certificates: CertificatesService,
    private readonly portalUrl: string,
  ) {}

  /** The document if the caller may read it (its parties; auditors and the operator read all), else 404. */
  async visible(auth: AuthContext, id: string): Promise<DocumentRow> {
    const doc = await repo.documentById(this.ds.manager, id);
    if (!doc || !(readsAll(auth) || doc.parties.includes(auth.organization.id))) throw notFound("document", id);
    return doc;
  }

  /** Makes the document's PDF if it was not made yet; returns it with its fingerprint. */
  async render(doc: DocumentRow): Promise<Rendered> {
    if (doc.fingerprint) return doc as Rendered;
    const deployment = await this.keys.deployment(this.ds.manager);
    const facts = await factsOf(this.ds.manager, doc, deployment, this.portalUrl);
    const fingerprint = fingerprintOf(await printable(facts));
    if (await repo.saveRendering(this.ds.manager, doc.id, facts, fingerprint)) return { ...doc, fingerprint };
    // a concurrent rendering landed first (the same bytes, unless the facts changed in between)
    return { ...doc, fingerprint: (await repo.documentById(this.ds.manager, doc.id))!.fingerprint! };
  }

  /**
   * The PDF, made again from the facts it was first made from: the same bytes, which the fingerprint
   * checks (a renderer that no longer makes them must never hand out a document that differs from
   * the one signed and on the ledger).
   */
  private async bytesOf(doc: Rendered): Promise<Buffer> {
    const pdf = await renderDocument((await repo.factsOfDocument(this.ds.manager, doc.id))!);
    if (fingerprintOf(pdf) !== doc.fingerprint) throw new Error(`document ${doc.id}: its facts no longer render to its fingerprint ${doc.fingerprint}: the renderer or its font changed`);
    return pdf;
  }

  async pdf(auth: AuthContext, id: string, signed: boolean): Promise<{ doc: Rendered; pdf: Buffer }> {
    const doc = await this.render(await this.visible(auth, id));
    return { doc, pdf: signed ? await this.withSignatures(doc) : await this.bytesOf(doc) };
  }

  /** The platform's signed copy of a document, for anyone who has its id (a QR code): verification is public. */
  async signedCopy(id: string): Promise<Buffer> {
    const found = await repo.documentById(this.ds.manager, id);
    if (!found) throw notFound("document", id);
    return this.withSignatures(await this.render(found));
  }

  private async withSignatures(doc: Rendered): Promise<Buffer> {
    return attachSignatures(await this.bytesOf(doc), fileSignatures(doc, await repo.signaturesOf(this.ds.manager, [doc.id])));
  }

  async list(auth: AuthContext, f: Omit<repo.ListFilter, "organizationId">): Promise<DocumentRow[]> {
    return repo.listDocuments(this.ds.manager, { ...f, organizationId: readsAll(auth) ? null : auth.organization.id });
  }

  signatures(ids: string[]): Promise<SignatureRow[]> {
    return repo.signaturesOf(this.ds.manager, ids);
  }

  /** The financing agreement of a quote (made on first ask), for the quote's bank and the request's supplier. */
  async agreementOfQuote(auth: AuthContext, quoteId: string): Promise<Rendered> {
    const doc = await repo.agreementOf(this.ds.manager, quoteId, readsAll(auth) ? null : auth.organization.id);
    if (!doc) throw notFound("quote", quoteId);
    return this.render(doc);
  }

  /**
   * The agreement's fingerprint an acceptance binds in its terms: a signed agreement's. An
   * organization that signs documents (one of its people holds a certificate) signs its part: the
   * bank a quote it made since, the supplier before it accepts. An agreement nobody signed (members
   * that sign no documents yet) binds nothing (zero): it is made when asked for, and the ledger
   * holds signed documents only. Nothing is written here: an acceptance the transaction refuses
   * changes nothing.
   */
  async forAcceptance(auth: AuthContext, quoteId: string): Promise<string> {
    const s = await repo.acceptanceSigning(this.ds.manager, quoteId, auth.organization.id);
    if (!s) return ZeroHash; // not the caller's request: the transaction answers 404
    if (s.bankSigns && !s.quoteSigned) {
      throw conflict("DOCUMENT.UNSIGNED", `${s.bank} has not signed the financing agreement of this quote yet; it can be accepted once the bank's approver has signed it.`, { documentId: s.documentId, act: "quote" });
    }
    if (s.supplierSigns && !s.acceptSigned) {
      throw conflict(
        "DOCUMENT.UNSIGNED",
        `Sign the financing agreement first (GET /v1/quotes/${quoteId}/agreement, then POST /v1/documents/{id}/signatures with act "accept"), then accept the quote.`,
        { documentId: s.documentId, act: "accept" },
      );
    }
    return s.quoteSigned || s.acceptSigned ? s.fingerprint! : ZeroHash;
  }

  /**
   * An approver signs a document for one act with its own certificate: the signature (SM2 over the
   * signing message of this document, deployment and act) is checked and kept; a certificate's or
   * a notice's is then recorded on the ledger by the organization's key.
   */
  async sign(auth: AuthContext, id: string, body: { act: SigningAct; certificate: string; signature: string }) {
    const doc = await this.render(await this.visible(auth, id));
    const signer = signersOf(doc).find((s) => s.act === body.act);
    if (!signer) {
      throw new AppError("DOCUMENT.WRONG_ACT", 422, `A ${doc.kind} is signed for ${signersOf(doc).map((s) => `"${s.act}"`).join(" or ")}, not "${body.act}".`, [{ field: "body.act", message: "is not an act of this document" }]);
    }
    if (doc.parties[signer.party] !== auth.organization.id) {
      throw new AppError("DOCUMENT.NOT_SIGNER", 403, `The ${signer.role} signs this ${doc.kind} for "${body.act}", and your organization is not its ${signer.role}.`);
    }
    const cert = await this.certificates.bySerial(body.certificate);
    if (!cert || cert.userId !== auth.user.id || cert.organizationId !== auth.organization.id) {
      throw new AppError("SIGNATURE.UNKNOWN_CERTIFICATE", 422, `Certificate ${body.certificate} is not one of yours; enrol your key (POST /v1/signing/certificates) and sign with it.`, [{ field: "body.certificate", message: "is not a certificate of yours" }]);
    }
    const now = new Date();
    if (cert.revokedAt) throw new AppError("SIGNATURE.CERTIFICATE_REVOKED", 422, `Certificate ${cert.serial} was revoked at ${cert.revokedAt.toISOString()}; enrol a new key.`);
    if (now < cert.notBefore || now > cert.notAfter) throw new AppError("SIGNATURE.CERTIFICATE_EXPIRED", 422, `Certificate ${cert.serial} is valid from ${cert.notBefore.toISOString()} to ${cert.notAfter.toISOString()}; enrol a new key.`);
    const deployment = await this.keys.deployment(this.ds.manager);
    const message = signingMessage({ chainId: Number(deployment.chainId), ledger: deployment.ledger, fingerprint: doc.fingerprint, kind: doc.kind, act: body.act });
    if (!sm2Verify(cert.publicKey, message, body.signature)) {
      throw new AppError("SIGNATURE.INVALID", 422, `The signature is not your certificate's signature of this document (fingerprint ${doc.fingerprint}) for "${body.act}": sign the signing message of GET /v1/documents/${doc.id}.`, [{ field: "body.signature", message: "does not verify for this document and act" }]);
    }
    return inTransaction(this.ds, async (em) => {
      // the certificate is read again under a lock a revocation waits for (and waits on): a
      // signature is either made before its certificate's revocation or refused
      if (!(await repo.lockCertificateUnrevoked(em, cert.serial))) throw new AppError("SIGNATURE.CERTIFICATE_REVOKED", 422, `Certificate ${cert.serial} was revoked just now; enrol a new key.`);
      if (doc.kind === "agreement") await requireQuoteOpen(em, doc.subject);
      const made = await repo.insertSignature(em, { documentId: doc.id, act: body.act, organizationId: auth.organization.id, userId: auth.user.id, certificateSerial: cert.serial, signature: body.signature });
      if (!made) throw conflict("DOCUMENT.ALREADY_SIGNED", `This ${doc.kind} is signed for "${body.act}" already; a signature is made once.`, { documentId: doc.id, act: body.act });
      const kind = LEDGER_KIND[doc.kind];
      let operation: { id: bigint } | null = null;
      const org = auth.organization;
      if (kind && org.keyCustody === "custodial" && org.ledgerAddress) {
        operation = await this.outbox.add(em, {
          kind: "ledger.recordDocuments",
          signer: org.ledgerAddress,
          payload: { items: [{ id: doc.receivableChainId, kind, fingerprint: doc.fingerprint }] },
          organizationId: auth.organization.id,
          aggregateId: doc.receivableId,
        });
        await repo.setSignatureOperation(em, made.id, operation.id);
      }
      return { document: doc, signatureId: made.id, signedAt: made.signedAt, operationId: operation?.id.toString() ?? null, recordYourself: kind !== undefined && operation === null };
    });
  }
}

/** The PDF of these facts; a name the bundled font cannot print is refused rather than signed with a gap in it. */
async function printable(facts: DocumentFacts): Promise<Buffer> {
  try {
    return await renderDocument(facts);
  } catch (e) {
    if (!(e instanceof MissingGlyphError)) throw e;
    throw new AppError("DOCUMENT.UNPRINTABLE", 422, `The document cannot be made: ${e.message} (the documents' font holds the GB 2312 characters). Ask the operator to extend the font; until then this step is done without its document.`);
  }
}

async function requireQuoteOpen(em: Pick<DataSource, "query">, quoteId: string): Promise<void> {
  const rows: { status: string }[] = await em.query(`SELECT status FROM quotes WHERE id = $1 FOR SHARE`, [quoteId]);
  if (rows[0]?.status !== "open") throw conflict("QUOTE.NOT_OPEN", `The quote is ${rows[0]?.status ?? "gone"}: its agreement is signed while the quote is open.`);
}

/** A document's signatures as a signed file carries them. */
export function fileSignatures(doc: Pick<DocumentRow, "kind" | "occasion" | "fingerprint">, rows: SignatureRow[]): FileSignature[] {
  const roles = new Map(signersOf(doc).map((s) => [s.act, s.role]));
  return rows.map((s) => ({
    act: s.act,
    role: roles.get(s.act) ?? "",
    signedAt: new Date(s.signedAt).toISOString(),
    certificate: Buffer.from(s.der).toString("base64"),
    signature: s.signature,
    ...(doc.fingerprint ? { document: doc.fingerprint } : {}),
  }));
}
