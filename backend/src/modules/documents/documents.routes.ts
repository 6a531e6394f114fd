import { z, type ApiTag } from "../../shared/http/openapi";
import type { Routes } from "../../shared/http/route";
import { Id, Uuid } from "../../shared/http/schemas";
import { AppError } from "../../shared/errors";
import type { PlatformKeys } from "../../ledger/platform-keys";
import type { DataSource } from "typeorm";
import { signingMessage, type SigningAct } from "./signing/sm";
import { signersOf, type DocumentsService } from "./documents.service";
import type { CertificatesService, SigningCertificate } from "./certificates.service";
import type { DocumentRow, SignatureRow } from "./documents.repository";
import { organizations } from "./documents.repository";
import { verifyFile, type VerificationSource } from "./verification";
import { documentInfo } from "./render";
import { fingerprint } from "./signing/sm";
import { splitSigned } from "./signing/signed-file";

const TAG: ApiTag = {
  name: "Documents",
  description:
    "The documents of a certificate's steps — the certificate (应收账款电子凭证) when it is confirmed or signed for, the notice of assignment (应收账款转让通知书) to the obligor at each financing and transfer, the financing agreement (融资协议) of each quote — as PDFs made from the ledger's facts (the same facts give the same bytes), signed by the parties' approvers with their own SM2 keys, certified by the consortium's CA, and bound on the ledger (docs/signed-documents.md). Anyone can verify a file (`POST /v1/verify`).",
};

const ACTS = ["confirm", "sign-for", "quote", "accept", "acknowledge"] as const;
const KINDS = ["certificate", "notice", "agreement"] as const;
const Fingerprint = z.string().regex(/^0x[0-9a-f]{64}$/);
const ChainId = z
  .string()
  .regex(/^[1-9][0-9]{0,18}$/, "must be a certificate's id on the ledger (digits)")
  .refine((v) => !/^[0-9]{1,19}$/.test(v) || BigInt(v) <= 9_223_372_036_854_775_807n, "is beyond any certificate's id");
const Hex = (max: number) => z.string().regex(/^[0-9a-fA-F]+$/, "must be hex").max(max);

const SignatureView = z
  .object({
    act: z.enum(ACTS),
    signer: z.string(),
    organization: z.string(),
    uscc: z.string(),
    certificate: z.string().openapi({ description: "The signer's certificate serial (hex)." }),
    signature: z.string().openapi({ description: "SM2 signature, DER, hex." }),
    signedAt: z.string(),
    operationId: z.string().nullable().openapi({ description: "The ledger operation that records it (certificates and notices); null for an agreement (bound in its funding) or a member that records it with its own key." }),
  })
  .openapi("DocumentSignature");

const DocumentView = z
  .object({
    id: z.string().uuid(),
    kind: z.enum(KINDS),
    occasion: z.enum(["confirm", "sign-for", "financing", "transfer", "quote"]),
    receivableId: z.string().openapi({ description: "The certificate's id on the ledger." }),
    subject: z.string().openapi({ description: "The quote (an agreement), or the ledger event of the step (`transaction:logIndex`)." }),
    fingerprint: Fingerprint.nullable().openapi({ description: "SM3 of the PDF's bytes; null until the document is first opened (it is made then)." }),
    parties: z.array(z.object({ role: z.string(), organization: z.string(), uscc: z.string() })),
    signers: z.array(
      z.object({
        act: z.enum(ACTS),
        role: z.string(),
        organization: z.string(),
        signed: z.boolean(),
        message: z.string().nullable().openapi({ description: "What this act's signer signs (SM2 with SM3, signer id 1234567812345678): null until the document is made." }),
      }),
    ),
    signatures: z.array(SignatureView),
    createdAt: z.string(),
  })
  .openapi("Document");

const PARTY_ROLES = { certificate: ["obligor", "holder"], notice: ["obligor", "assignor", "assignee"], agreement: ["supplier", "bank"] } as const;

async function viewsOf(ds: DataSource, keys: PlatformKeys, docs: DocumentRow[], signatures: SignatureRow[]) {
  const orgs = await organizations(ds.manager, [...new Set(docs.flatMap((d) => d.parties))]);
  const deployment = docs.some((d) => d.fingerprint) ? await keys.deployment(ds.manager) : null;
  return docs.map((d) => {
    const mine = signatures.filter((s) => s.documentId === d.id);
    return {
      id: d.id,
      kind: d.kind,
      occasion: d.occasion,
      receivableId: d.receivableChainId,
      subject: d.subject,
      fingerprint: d.fingerprint,
      parties: d.parties.map((p, i) => ({ role: PARTY_ROLES[d.kind][i] ?? "", organization: orgs.get(p)?.name ?? "", uscc: orgs.get(p)?.uscc ?? "" })),
      signers: signersOf(d).map((s) => ({
        act: s.act,
        role: s.role,
        organization: orgs.get(d.parties[s.party])?.name ?? "",
        signed: mine.some((x) => x.act === s.act),
        message: d.fingerprint && deployment ? signingMessage({ chainId: Number(deployment.chainId), ledger: deployment.ledger, fingerprint: d.fingerprint, kind: d.kind, act: s.act }) : null,
      })),
      signatures: mine.map((s) => ({
        act: s.act,
        signer: s.signerName,
        organization: s.organizationName,
        uscc: s.uscc,
        certificate: s.certificateSerial,
        signature: s.signature,
        signedAt: new Date(s.signedAt).toISOString(),
        operationId: s.operationId,
      })),
      createdAt: new Date(d.createdAt).toISOString(),
    };
  });
}

const CertificateView = z
  .object({
    serial: z.string(),
    publicKey: z.string(),
    certificate: z.string().openapi({ description: "X.509, DER, base64." }),
    notBefore: z.string(),
    notAfter: z.string(),
    revokedAt: z.string().nullable(),
    revocationReason: z.string().nullable(),
  })
  .openapi("SigningCertificate");

const certificateView = (c: SigningCertificate) => ({
  serial: c.serial,
  publicKey: c.publicKey,
  certificate: Buffer.from(c.der).toString("base64"),
  notBefore: c.notBefore.toISOString(),
  notAfter: c.notAfter.toISOString(),
  revokedAt: c.revokedAt?.toISOString() ?? null,
  revocationReason: c.revocationReason,
});

/** A document is tens of KiB; base64 of this much fits the default request body limit (1 MB). */
const VERIFY_MAX_BYTES = 700 * 1024;
const VerifyBody = z.object({ content: z.string().min(4).max(Math.ceil((VERIFY_MAX_BYTES * 4) / 3) + 4).regex(/^[A-Za-z0-9+/]+={0,2}$/, "must be base64") }).strict();

function fileOf(content: string): Buffer {
  const file = Buffer.from(content, "base64");
  if (file.length > VERIFY_MAX_BYTES) throw new AppError("DOCUMENT.TOO_LARGE", 413, `The file is ${Math.ceil(file.length / 1024)} KiB; a document is at most ${VERIFY_MAX_BYTES / 1024} KiB.`);
  return file;
}

export function documentsRoutes(routes: Routes, d: { ds: DataSource; keys: PlatformKeys; documents: DocumentsService; certificates: CertificatesService; source: VerificationSource }): void {
  const { ds, keys, documents, certificates } = d;
  const one = async (doc: DocumentRow) => (await viewsOf(ds, keys, [doc], await documents.signatures([doc.id])))[0];

  routes.add({
    method: "get",
    path: "/v1/documents",
    operationId: "documents.list",
    summary: "Documents your organization is a party to, newest first (auditors and the operator: all)",
    description:
      "Filter by `kind`, by certificate (`receivable`, its ledger id), and `awaiting` an act's signature (e.g. `kind=notice&awaiting=acknowledge`: the notices of assignment the obligor has not acknowledged yet — a bank's unacknowledged notices). Page with `limit` and `before`.",
    tag: TAG,
    query: z
      .object({
        kind: z.enum(KINDS).optional(),
        receivable: ChainId.optional(),
        awaiting: z.enum(ACTS).optional(),
        limit: z.coerce.number().int().min(1).max(100).default(50),
        before: Uuid.optional(),
      })
      .strict(),
    status: 200,
    response: z.object({ items: z.array(DocumentView), next: z.string().nullable() }),
    handler: async ({ auth, query }) => {
      const docs = await documents.list(auth, { kind: query.kind, receivableChainId: query.receivable, awaiting: query.awaiting, limit: query.limit, before: query.before });
      const items = await viewsOf(ds, keys, docs, await documents.signatures(docs.map((x) => x.id)));
      return { items, next: docs.length === query.limit ? docs[docs.length - 1].id : null };
    },
  });

  routes.add({
    method: "get",
    path: "/v1/documents/:id",
    operationId: "documents.get",
    summary: "A document: its parties, fingerprint, who signs it for what (with the exact message to sign), and its signatures",
    description: "Makes the document on first ask. For the parties of the document; auditors and the operator read all.",
    tag: TAG,
    params: Id,
    status: 200,
    response: DocumentView,
    handler: async ({ auth, params }) => one(await documents.render(await documents.visible(auth, params.id))),
  });

  routes.add({
    method: "get",
    path: "/v1/documents/:id/pdf",
    operationId: "documents.getPdf",
    summary: "The document's PDF; with `signed=true`, followed by its signatures (the signed copy anyone can verify)",
    description: "application/pdf. The bare PDF's SM3 is the document's fingerprint. The signed copy appends a comment block after `%%EOF` with each signature and its certificate (docs/signed-documents.md); PDF readers ignore it.",
    tag: TAG,
    params: Id,
    query: z.object({ signed: z.enum(["true", "false"]).default("false") }).strict(),
    status: 200,
    handler: async ({ auth, params, query, res }) => {
      const { doc, pdf } = await documents.pdf(auth, params.id, query.signed === "true");
      const name = `${doc.kind}-${doc.receivableChainId}-${doc.id.slice(0, 8)}${query.signed === "true" ? "-signed" : ""}.pdf`;
      res.status(200).type("application/pdf").set("Content-Disposition", `attachment; filename="${name}"`).send(pdf);
      return undefined;
    },
  });

  routes.add({
    method: "post",
    path: "/v1/documents/:id/signatures",
    operationId: "documents.sign",
    summary: "Sign a document for an act (确权, 签收, a quote, an acceptance, the notice's 回执) with your own SM2 certificate",
    description:
      "An approver of the organization the act belongs to sends the SM2 signature (DER, hex) of the act's `message` (GET /v1/documents/{id}) made with the private key of its certificate (`certificate`: serial). The platform checks it and keeps it; a certificate's or a notice's signature is then recorded on the ledger by the organization's key (`operationId`; a member that keeps its own key records it itself: `recordDocuments`). A signature is made once per act: a second is 409. A clerk cannot sign, nor draft a signature.",
    tag: TAG,
    roles: ["core_enterprise", "supplier", "bank"],
    inPerson: true,
    params: Id,
    body: z
      .object({
        act: z.enum(ACTS),
        certificate: z.string().regex(/^[0-9a-fA-F]{1,40}$/, "must be a certificate serial (hex)"),
        signature: Hex(200).min(16),
      })
      .strict(),
    status: 201,
    response: z.object({ document: DocumentView, operationId: z.string().nullable(), recordYourself: z.boolean() }),
    handler: async ({ auth, params, body }) => {
      const signed = await documents.sign(auth, params.id, { act: body.act as SigningAct, certificate: body.certificate.toLowerCase(), signature: body.signature.toLowerCase() });
      return { document: await one(signed.document), operationId: signed.operationId, recordYourself: signed.recordYourself };
    },
  });

  routes.add({
    method: "get",
    path: "/v1/quotes/:id/agreement",
    operationId: "documents.getAgreement",
    summary: "The financing agreement (融资协议) of a quote, made on first ask",
    description: "For the quote's bank and the request's supplier. The bank's approver signs it for `quote`, the supplier's for `accept` (POST /v1/documents/{id}/signatures); an organization whose people hold signing certificates must have signed before the quote is accepted.",
    tag: TAG,
    params: Id,
    status: 200,
    response: DocumentView,
    handler: async ({ auth, params }) => one(await documents.agreementOfQuote(auth, params.id)),
  });

  routes.add({
    method: "post",
    path: "/v1/signing/certificates",
    operationId: "documents.enrolKey",
    summary: "Enrol your signing key: the consortium CA certifies its public key for you and your organization",
    description:
      "An approver sends the public key (SM2, uncompressed, hex) of a key pair it made — in the browser, or in its own system: the private key never reaches the platform — and `proof`, its SM2 signature of `ChainFactor signing key v1\\nperson: <your person id>\\npublic key: <hex>`. The answer is the X.509 certificate (SM3withSM2) binding the key to your name, organization and USCC.",
    tag: TAG,
    roles: ["core_enterprise", "supplier", "bank"],
    inPerson: true,
    body: z.object({ publicKey: z.string().regex(/^04[0-9a-fA-F]{128}$/, "must be an uncompressed SM2 public key: 04 and 128 hex digits"), proof: Hex(200).min(16) }).strict(),
    status: 201,
    response: CertificateView,
    handler: async ({ auth, body }) => certificateView(await certificates.enrol(auth, body.publicKey.toLowerCase(), body.proof.toLowerCase())),
  });

  routes.add({
    method: "get",
    path: "/v1/signing/certificates",
    operationId: "documents.listCertificates",
    summary: "Your signing certificates, newest first (an admin: a person's of your organization, with `person`)",
    description: "Revoked ones included, with the time of revocation.",
    tag: TAG,
    query: z.object({ person: Uuid.optional() }).strict(),
    status: 200,
    response: z.object({ items: z.array(CertificateView) }),
    handler: async ({ auth, query }) => ({ items: (await certificates.list(auth, query.person)).map(certificateView) }),
  });

  routes.add({
    method: "post",
    path: "/v1/signing/certificates/:serial/revocation",
    operationId: "documents.revokeCertificate",
    summary: "Revoke a signing certificate from now on (a lost key or passphrase, a person who left)",
    description: "Its holder, or an admin of its organization. Signatures made before stay valid; none made after are.",
    tag: TAG,
    anyDuty: true,
    params: z.object({ serial: z.string().regex(/^[0-9a-fA-F]{1,40}$/, "must be a certificate serial (hex)") }).strict(),
    body: z.object({ reason: z.string().trim().min(2).max(200) }).strict(),
    status: 200,
    response: CertificateView,
    handler: async ({ auth, params, body }) => certificateView(await certificates.revoke(auth, params.serial.toLowerCase(), body.reason)),
  });

  routes.addPublic({
    method: "get",
    path: "/v1/signing/ca",
    operationId: "documents.getCa",
    summary: "The consortium CA's certificate and its revocations (public)",
    description: "What a verifier checks signers' certificates against.",
    tag: TAG,
    status: 200,
    response: z.object({ certificate: z.string(), revocations: z.array(z.object({ serial: z.string(), revokedAt: z.string(), reason: z.string() })) }),
    handler: async () => ({
      certificate: Buffer.from(await certificates.ca.root()).toString("base64"),
      revocations: (await certificates.ca.revocations()).map((r) => ({ serial: r.serial, revokedAt: new Date(r.revokedAt).toISOString(), reason: r.reason })),
    }),
  });

  const Report = z
    .object({
      verdict: z.enum(["valid", "pending", "invalid"]),
      fingerprint: z.string(),
      document: z.object({ id: z.string(), kind: z.enum(KINDS), receivableId: z.string(), subject: z.string(), chainId: z.number(), ledger: z.string() }).nullable(),
      onLedger: z.boolean(),
      ledger: z.array(z.object({ transaction: z.string(), block: z.string(), receivableId: z.string(), kind: z.string(), by: z.string() })),
      signatures: z.array(
        z.object({
          act: z.string(),
          role: z.string(),
          signer: z.object({ name: z.string(), organization: z.string(), uscc: z.string(), serial: z.string() }).nullable(),
          signedAt: z.string(),
          signatureValid: z.boolean(),
          certificateValid: z.boolean(),
          problems: z.array(z.object({ code: z.string(), message: z.string() })),
        }),
      ),
      awaiting: z.array(z.object({ act: z.string(), role: z.string(), organization: z.string() })),
      problems: z.array(z.object({ code: z.string(), message: z.string() })),
    })
    .openapi("VerificationReport");

  routes.addPublic({
    method: "post",
    path: "/v1/verify",
    operationId: "documents.verify",
    summary: "Verify a document file (public): is it the platform's, on the ledger, signed by whom, each signature and certificate valid?",
    description:
      "Send the PDF (bare or signed copy) base64 in `content` (at most 700 KiB of file). The answer names each failure: CHANGED (the file differs from the document it says it is), UNKNOWN_DOCUMENT, SIGNATURE_OTHER_DOCUMENT, SIGNATURE_INVALID, WRONG_ORGANIZATION, CERTIFICATE_REVOKED (before the signing), CERTIFICATE_EXPIRED, CERTIFICATE_UNKNOWN_ISSUER. `npm run verify -- file.pdf` checks the ledger itself.",
    tag: TAG,
    body: VerifyBody,
    status: 200,
    response: Report,
    handler: async ({ body }) => verifyFile(fileOf(body.content), d.source),
  });

  const Known = z
    .object({
      id: z.string(),
      kind: z.enum(KINDS),
      receivableId: z.string(),
      subject: z.string(),
      fingerprint: z.string(),
      chainId: z.number(),
      ledger: z.string(),
      signers: z.array(z.object({ act: z.enum(ACTS), role: z.string(), name: z.string(), uscc: z.string() })),
    })
    .openapi("IssuedDocument");

  routes.addPublic({
    method: "post",
    path: "/v1/verify/issued",
    operationId: "documents.findIssued",
    summary: "What the platform issued of a file (public): the document with its bytes and its signatures, or the fingerprint of the one it says it is",
    description:
      "For verifiers that check the ledger themselves (`npm run verify`). Send the file (bare or signed copy) base64 in `content`: the answer is the document with these bytes (its parties as signers) and its signatures, or, for a file whose bytes were issued by nobody, only the kind, certificate and fingerprint of the document its information dictionary names. Nothing is told of a document without its file.",
    tag: TAG,
    body: VerifyBody,
    status: 200,
    response: z.object({
      document: Known.nullable(),
      claimed: z.object({ kind: z.enum(KINDS), receivableId: z.string(), fingerprint: z.string() }).nullable(),
      signatures: z.array(z.object({ act: z.string(), role: z.string(), signedAt: z.string(), certificate: z.string(), signature: z.string(), document: z.string().optional() })),
    }),
    handler: async ({ body }) => {
      const { document: bytes } = splitSigned(fileOf(body.content));
      const document = await d.source.byFingerprint(fingerprint(bytes));
      if (document) return { document, claimed: null, signatures: await d.source.signatures(document) };
      const info = documentInfo(bytes);
      const claimed = info ? await d.source.byInfo(info) : null;
      return { document: null, claimed: claimed && { kind: claimed.kind, receivableId: claimed.receivableId, fingerprint: claimed.fingerprint }, signatures: [] };
    },
  });

  routes.addPublic({
    method: "get",
    path: "/v1/verify/documents/:id",
    operationId: "documents.verifyIssued",
    summary: "Verify a document the platform issued, by the id its QR code carries (public)",
    description: "The same report as POST /v1/verify, for the platform's own copy with its signatures: what a scanned QR code shows. Upload the file you hold to check that it is this document.",
    tag: TAG,
    params: Id,
    status: 200,
    response: Report,
    handler: async ({ params }) => verifyFile(await documents.signedCopy(params.id), d.source),
  });
}
