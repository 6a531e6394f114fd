import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it, expect, beforeAll } from "vitest";
import { verifyFile, type KnownDocument, type LedgerRecord, type VerificationSource } from "../../backend/src/modules/documents/verification";
import { LocalCa, memoryCaStore } from "../../backend/src/modules/documents/signing/local-ca";
import { enrolmentMessage, fingerprint, generateKeyPair, signingMessage, sm2Sign } from "../../backend/src/modules/documents/signing/sm";
import { attachSignatures } from "../../backend/src/modules/documents/signing/signed-file";

/**
 * The verdict of a file against what its issuer and the ledger hold, with the collaborators faked:
 * a ledger record counts only for its own certificate and kind of document, since any member may
 * record any fingerprint with its own key (recordDocuments), and a signed, recorded document is
 * valid.
 */
const USCC = "91500112MA8Q2595Y2";
const pdf = Buffer.from("%PDF-1.7\n% a notice of assignment\n%%EOF\n");
const doc: KnownDocument = {
  id: "d1",
  kind: "notice",
  receivableId: "7",
  subject: "0xabc:1",
  fingerprint: fingerprint(pdf),
  chainId: 31337,
  ledger: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
  signers: [{ act: "acknowledge", role: "obligor", name: "渝川汽车集团股份有限公司", uscc: USCC }],
};
const record = (over: Partial<LedgerRecord> = {}): LedgerRecord => ({ transaction: "0x01", block: "9", receivableId: "7", kind: "notice", by: "0xobligor", ...over });

describe("verifyFile", () => {
  let ca: LocalCa;
  let signed: Buffer;

  beforeAll(async () => {
    ca = new LocalCa({ keyFile: join(mkdtempSync(join(tmpdir(), "cf-verify-")), "ca.json"), store: memoryCaStore() });
    const key = generateKeyPair();
    const issued = await ca.issue({ personId: "p1", name: "王建国", organization: doc.signers[0].name, uscc: USCC, publicKey: key.publicKey, proof: sm2Sign(key.privateKey, enrolmentMessage({ personId: "p1", publicKey: key.publicKey })) });
    const signature = sm2Sign(key.privateKey, signingMessage({ chainId: doc.chainId, ledger: doc.ledger, fingerprint: doc.fingerprint, kind: doc.kind, act: "acknowledge" }));
    signed = attachSignatures(pdf, [{ act: "acknowledge", role: "obligor", signedAt: new Date().toISOString(), certificate: Buffer.from(issued.certificate).toString("base64"), signature }]);
  });

  const source = (records: LedgerRecord[]): VerificationSource => ({
    byFingerprint: async (f) => (f === doc.fingerprint ? doc : null),
    byInfo: async () => null,
    records: async () => records,
    signatures: async () => [],
    caRoot: () => ca.root(),
    revocations: () => ca.revocations(),
  });

  it("is valid once signed and recorded for its own certificate and kind", async () => {
    const r = await verifyFile(signed, source([record()]));
    expect([r.verdict, r.onLedger, r.problems, r.awaiting]).toEqual(["valid", true, [], []]);
    expect(r.signatures[0]).toMatchObject({ act: "acknowledge", signatureValid: true, certificateValid: true, problems: [] });
  });

  it("does not count a record of the same fingerprint for another certificate or as another kind of document", async () => {
    for (const other of [record({ receivableId: "8" }), record({ kind: "certificate" }), record({ kind: "agreement" })]) {
      const r = await verifyFile(signed, source([other]));
      expect([r.verdict, r.onLedger], JSON.stringify(other)).toEqual(["pending", false]);
    }
  });

  it("waits for the signature a document calls for, and names a file nobody issued", async () => {
    expect(await verifyFile(pdf, source([record()]))).toMatchObject({ verdict: "pending", awaiting: [{ act: "acknowledge", role: "obligor" }] });
    const unknown = await verifyFile(Buffer.from("%PDF-1.7\n%%EOF\n"), source([]));
    expect([unknown.verdict, unknown.problems.map((p) => p.code)]).toEqual(["invalid", ["UNKNOWN_DOCUMENT"]]);
  });
});
