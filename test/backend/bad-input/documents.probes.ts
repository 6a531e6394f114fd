import { expect } from "vitest";
import { enrolmentMessage, generateKeyPair, sm2Sign } from "../../../backend/src/modules/documents";
import { rawRequest } from "../support/openapi-probe";
import type { BadInputProbe, ProbeTable } from "./probe";
import type { BadInput } from "./world";

/**
 * Signed documents: supplier A reads the certificate document of its A1; core A (A1's obligor)
 * signs, enrols and revokes (see documentsWorld); anyone verifies. Another tenant's ids are
 * supplier B's B1 document and its agreement, and core A's certificate to supplier A.
 */
const probes: BadInputProbe[] = [
  { endpoint: "GET /v1/documents", context: ({ w }) => ({ key: w.A.adminKey, query: { kind: "certificate", receivable: w.docs.read.receivableChainId, awaiting: undefined, limit: "10", before: undefined } }) },
  { endpoint: "GET /v1/documents/{id}", context: ({ w }) => ({ key: w.A.adminKey, path: { id: w.docs.read.id }, foreign: { id: w.docs.foreign } }) },
  { endpoint: "GET /v1/documents/{id}/pdf", context: ({ w }) => ({ key: w.A.adminKey, path: { id: w.docs.read.id }, query: { signed: "true" }, foreign: { id: w.docs.foreign } }) },
  {
    endpoint: "POST /v1/documents/{id}/signatures",
    context: ({ w }) => ({
      key: w.biz.m.coreA.key,
      path: { id: w.docs.toSign },
      body: () => ({ act: "confirm", certificate: w.docs.serials[0], signature: w.docs.signature }),
      // supplier A is no party to supplier B's certificate
      foreign: { id: w.docs.foreign },
    }),
  },
  { endpoint: "GET /v1/quotes/{id}/agreement", context: ({ w }) => ({ key: w.A.adminKey, path: { id: w.docs.agreement }, foreign: { id: w.docs.foreignAgreement } }) },
  {
    endpoint: "POST /v1/signing/certificates",
    context: ({ w }) => ({
      key: w.biz.m.coreA.key,
      // a key pair of the caller's system, and its proof of possession for core A's admin
      body: () => {
        const k = generateKeyPair();
        return { publicKey: k.publicKey, proof: sm2Sign(k.privateKey, enrolmentMessage({ personId: w.docs.signerId, publicKey: k.publicKey })) };
      },
    }),
  },
  { endpoint: "GET /v1/signing/certificates", context: ({ w }) => ({ key: w.biz.m.coreA.key, query: { person: undefined } }) },
  {
    endpoint: "POST /v1/signing/certificates/{serial}/revocation",
    context: ({ w }) => ({
      key: w.biz.m.coreA.key,
      path: { serial: w.docs.serials[1] },
      hostilePath: { serial: w.docs.serials[2] },
      body: () => ({ reason: "key lost with its laptop" }),
      // core A's signing certificate is none of supplier A's business
      foreign: { serial: w.docs.serials[0] },
      exists: (serial) => w.docs.serials.includes(serial.toLowerCase()),
    }),
  },
  { endpoint: "GET /v1/signing/ca", context: () => ({ key: "", public: true }) },
  { endpoint: "POST /v1/verify", context: ({ w }) => ({ key: "", public: true, body: () => ({ content: w.docs.signedCopy }) }) },
  { endpoint: "POST /v1/verify/issued", context: ({ w }) => ({ key: "", public: true, body: () => ({ content: w.docs.signedCopy }) }) },
  { endpoint: "GET /v1/verify/documents/{id}", context: ({ w }) => ({ key: "", public: true, path: { id: w.docs.read.id } }) },
];

export const documents: ProbeTable = { tag: "Documents", probes };

/**
 * A file is anyone's to send: one whose information dictionary claims a certificate id beyond the
 * ledger's range (the reader takes up to 30 digits; the ids are 64-bit) is answered with its
 * report, as any unknown document is, never with a 500.
 */
export async function claimBeyondLedgerIds({ stack }: BadInput) {
  const forged = [
    "%PDF-1.4",
    "1 0 obj",
    `<< /CFKind (certificate) /CFReceivable (${"9".repeat(20)}) /CFChain (31337) /CFLedger (0x${"0".repeat(40)}) /CFSubject (0x${"a".repeat(64)}:1) >>`,
    "endobj",
    "trailer << /Info 1 0 R >>",
    "%%EOF",
  ].join("\n");
  const r = await rawRequest(stack.apiPort, { method: "POST", path: "/v1/verify", headers: { "content-type": "application/json" }, body: JSON.stringify({ content: Buffer.from(forged).toString("base64") }) });
  expect(r.status, r.text.slice(0, 300)).toBe(200);
  expect(r.body.verdict).toBe("invalid");
}
