import { mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withUsccCheck } from "../../backend/src/modules/onboarding/uscc";
import { CaRefused, CaUnavailable, type CertificateAuthority, type IssueRequest } from "../../backend/src/modules/documents/signing/ca";
import { decodeSignature, encodeSignature, SM2_N } from "../../backend/src/modules/documents/signing/der";
import { HttpCa } from "../../backend/src/modules/documents/signing/http-ca";
import { LocalCa } from "../../backend/src/modules/documents/signing/local-ca";
import { memoryCaStore } from "../../backend/src/modules/documents/signing/memory-ca-store";
import { attachSignatures, splitSigned, type FileSignature } from "../../backend/src/modules/documents/signing/signed-file";
import {
  enrolmentMessage,
  fingerprint,
  generateKeyPair,
  signingMessage,
  sm2Sign,
  sm2Verify,
} from "../../backend/src/modules/documents/signing/sm";
import { issueCertificate, parseCertificate, selfSignedRoot, verifyIssuedBy } from "../../backend/src/modules/documents/signing/x509";

const USCC = withUsccCheck("91500112MA8Q2595Y");
const LEDGER = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const DOC = fingerprint(Buffer.from("%PDF-1.7 a document"));

/**
 * Made with OpenSSL 3.0.19 (`openssl dgst -sm3 -sign k.pem -sigopt distid:1234567812345678`) over
 * the UTF-8 bytes of "hello openssl": the signature scheme, the Z value (SIGNER_ID) and the DER
 * agree with an independent implementation. Without the distid OpenSSL 3.0 hashes another Z, and
 * that signature must not verify here.
 */
const OPENSSL = {
  publicKey:
    "043c4a055a1016127f6ae33d4d44015a0da0b2bd0637cd343c8a5958be77207feb7bf77dba54c99795e7c8f2149017c4bcab300d4eb1ec2a8ead9c28f0c5a593cc",
  message: "hello openssl",
  withSignerId:
    "304402207520083cf9279df512510515136fded20f45dbbe160f16d89e30b12c46025e6b0220314b34991d641cfe63fb5844f4299afaa61db7aa24bce3611bc9378e05a850ef",
  withoutSignerId:
    "3045022100958716458b51c55370af2bc03a03a55d3ec1cc1afa4619ab6da7da2fbf3dde2b02206bc72d0d1860a6f45e034bced2fc197a899c608c0b8903e8cfa8de5cf853a966",
  /** `openssl req -x509 -key k.pem -sm3 -sigopt distid:1234567812345678 -subj "/CN=OpenSSL SM2 root"` */
  rootCertificate:
    "MIIBjDCCATGgAwIBAgIUJM9GKed9eVw3xpw72Ln0dimIS/4wCgYIKoEcz1UBg3UwGzEZMBcGA1UEAwwQT3BlblNTTCBTTTIgcm9vdDAeFw0yNjEyMDYyMjAzNTVaFw0zNjEyMDMyMjAzNTVaMBsxGTAXBgNVBAMMEE9wZW5TU0wgU00yIHJvb3QwWTATBgcqhkjOPQIBBggqgRzPVQGCLQNCAAQ8SgVaEBYSf2rjPU1EAVoNoLK9BjfNNDyKWVi+dyB/63v3fbpUyZeV58jyFJAXxLyrMA1Osewqjq2cKPDFpZPMo1MwUTAdBgNVHQ4EFgQUArHUd+xvRH7nqr470+jTN6RwLnIwHwYDVR0jBBgwFoAUArHUd+xvRH7nqr470+jTN6RwLnIwDwYDVR0TAQH/BAUwAwEB/zAKBggqgRzPVQGDdQNJADBGAiEAlDHNqCSqEAOC0eJw581dnKgVUuP5o32frV/X4iSGK60CIQC4rQsvWEfCoxBOrxiGOZkDcQmk8vYk1klTG9KiaRQAqA==",
  /** A P-256 ECDSA certificate (`openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256`). */
  p256Certificate:
    "MIIBczCCARmgAwIBAgIUY6AdXwt8f5S3HcQaiPhcnPeqZcswCgYIKoZIzj0EAwIwDzENMAsGA1UEAwwEcDI1NjAeFw0yNjEyMDYyMjAzNTVaFw0zNjEyMDMyMjAzNTVaMA8xDTALBgNVBAMMBHAyNTYwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAASqY5vYh/k8bCeUKClAQiLKqLUVBS2M6zdBpdcOgW+H3BVSXKtCXMIw8bqhadIRlC+QYSPUbuNCBgW1SQnJjnTIo1MwUTAdBgNVHQ4EFgQUe+NfVbRmZtVdt5iI/5Bd6zaxanMwHwYDVR0jBBgwFoAUe+NfVbRmZtVdt5iI/5Bd6zaxanMwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiAzjLmvuJXGahRzPEPsLABZixkVJMBSrDrWFV0FneqJ8QIhAPLfgesJVQQdFQFLk455nDVlQu2lB6HXXjBI6QJDPtN2",
};

/** A fixed pseudo-random sequence, so a failing junk case can be replayed. */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

function enrolment(personId = "3f0c9a7e-8d1b-4c52-9a57-0f3e8c1d2b4a", key = generateKeyPair()): { key: ReturnType<typeof generateKeyPair>; req: IssueRequest } {
  return {
    key,
    req: {
      personId,
      name: "张三",
      organization: "重庆某某供应链管理有限公司",
      uscc: USCC,
      publicKey: key.publicKey,
      proof: sm2Sign(key.privateKey, enrolmentMessage({ personId, publicKey: key.publicKey })),
    },
  };
}

describe("SM2 and SM3", () => {
  it("hashes with SM3 as GB/T 32905 appendix A says", () => {
    expect(fingerprint(Buffer.from("abc"))).toBe("0x66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
    expect(fingerprint(Buffer.from("abcd".repeat(16)))).toBe("0xdebe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732");
  });

  it("verifies a signature OpenSSL made with the signer id, and not one made with another Z", () => {
    expect(sm2Verify(OPENSSL.publicKey, OPENSSL.message, OPENSSL.withSignerId)).toBe(true);
    expect(sm2Verify(OPENSSL.publicKey, OPENSSL.message + "!", OPENSSL.withSignerId)).toBe(false);
    expect(sm2Verify(OPENSSL.publicKey, OPENSSL.message, OPENSSL.withoutSignerId)).toBe(false);
  });

  it("signs and verifies; the signature does not cover another message or another key", () => {
    const key = generateKeyPair();
    expect(key.publicKey).toMatch(/^04[0-9a-f]{128}$/);
    expect(key.privateKey).toMatch(/^[0-9a-f]{64}$/);
    const message = signingMessage({ chainId: 31337, ledger: LEDGER, fingerprint: DOC, kind: "certificate", act: "confirm" });
    const signature = sm2Sign(key.privateKey, message);
    expect(decodeSignature(Buffer.from(signature, "hex")), "strict DER").not.toBeNull();
    expect(sm2Verify(key.publicKey, message, signature)).toBe(true);
    expect(sm2Verify(key.publicKey.toUpperCase(), message, signature.toUpperCase())).toBe(true);
    expect(sm2Verify(key.publicKey, message.replace("act: confirm", "act: sign-for"), signature)).toBe(false);
    expect(sm2Verify(key.publicKey, message.replace("chain: 31337", "chain: 1"), signature)).toBe(false);
    expect(sm2Verify(generateKeyPair().publicKey, message, signature)).toBe(false);
  });

  it("writes the signed message exactly as the design says, lower-casing the ledger", () => {
    expect(signingMessage({ chainId: 31337, ledger: LEDGER, fingerprint: DOC, kind: "notice", act: "acknowledge" })).toBe(
      "ChainFactor document signature v1\n" +
        "chain: 31337\n" +
        "ledger: 0x5fbdb2315678afecb367f032d93f642f64180aa3\n" +
        `document: ${DOC}\n` +
        "kind: notice\n" +
        "act: acknowledge",
    );
    expect(() => signingMessage({ chainId: 31337, ledger: "0x12", fingerprint: DOC, kind: "notice", act: "acknowledge" })).toThrow(RangeError);
    expect(() => signingMessage({ chainId: 31337, ledger: LEDGER, fingerprint: "0xabc", kind: "notice", act: "acknowledge" })).toThrow(RangeError);
    expect(enrolmentMessage({ personId: "p1", publicKey: "04AB" })).toBe("ChainFactor signing key v1\nperson: p1\npublic key: 04ab");
  });

  it("answers false, never throws, for junk keys and signatures", () => {
    const key = generateKeyPair();
    const message = "m";
    const good = sm2Sign(key.privateKey, message);
    const rs = decodeSignature(Buffer.from(good, "hex"))!;
    const junkSignatures = [
      "",
      "zz",
      "30",
      "3000",
      good + "00", // trailing byte
      good.slice(0, -2),
      "30" + "81" + good.slice(2, 4) + good.slice(4), // long-form length where short is due
      encodeSignature(rs.r, rs.s + SM2_N), // same s modulo n: must not be a second valid encoding
      encodeSignature(rs.r + SM2_N, rs.s),
      encodeSignature(0n, rs.s),
      "3006020100020100",
      "300702020001020101", // r encoded with a needless leading zero
      "3006020101020181", // s negative
      "ab".repeat(100000),
    ];
    for (const s of junkSignatures) expect(sm2Verify(key.publicKey, message, s), s.slice(0, 40)).toBe(false);
    const junkKeys = ["", "04", "04" + "00".repeat(64), "05" + key.publicKey.slice(2), key.publicKey.slice(0, -2) + "00", "02" + key.publicKey.slice(2, 66), "xyz"];
    for (const k of junkKeys) expect(sm2Verify(k, message, good), k.slice(0, 20)).toBe(false);
    expect(sm2Verify(undefined as unknown as string, message, good)).toBe(false);
    expect(sm2Verify(key.publicKey, message, null as unknown as string)).toBe(false);
    const random = prng(7);
    for (let i = 0; i < 200; i++) {
      const bytes = Buffer.from(good, "hex");
      bytes[Math.floor(random() * bytes.length)] ^= 1 + Math.floor(random() * 255);
      expect(sm2Verify(key.publicKey, message, bytes.toString("hex"))).toBe(false);
    }
  });
});

describe("SM2 certificates", () => {
  const ca = generateKeyPair();
  const root = selfSignedRoot({ name: "ChainFactor Consortium CA", ...ca, notBefore: new Date("2026-01-01T00:00:00Z"), notAfter: new Date("2046-01-01T00:00:00Z") });
  const person = generateKeyPair();
  const subject = { name: "张三", organization: "重庆某某供应链管理有限公司", uscc: USCC, personId: "3f0c9a7e-8d1b-4c52-9a57-0f3e8c1d2b4a" };
  const issue = (issuer = { certificate: root, privateKey: ca.privateKey }) =>
    issueCertificate({ serial: 0x8f01n, subject, publicKey: person.publicKey, notBefore: new Date("2026-12-06T08:00:00Z"), notAfter: new Date("2028-12-06T08:00:00Z"), issuer });

  it("issues a certificate that parses back to its subject, key, serial and validity and verifies against the CA key", () => {
    const cert = parseCertificate(issue());
    expect(cert).not.toBeNull();
    expect(cert!.serial).toBe("8f01");
    expect(cert!.subject).toEqual(subject);
    expect(cert!.issuerName).toBe("ChainFactor Consortium CA");
    expect(cert!.publicKey).toBe(person.publicKey);
    expect(cert!.notBefore.toISOString()).toBe("2026-12-06T08:00:00.000Z");
    expect(cert!.notAfter.toISOString()).toBe("2028-12-06T08:00:00.000Z");
    expect(verifyIssuedBy(cert!, ca.publicKey)).toBe(true);
    expect(verifyIssuedBy(cert!, person.publicKey)).toBe(false);
    const self = parseCertificate(root)!;
    expect(verifyIssuedBy(self, ca.publicKey)).toBe(true);
  });

  it("rejects a certificate another CA signed, even under the same CA name", () => {
    const other = generateKeyPair();
    const otherRoot = selfSignedRoot({ name: "ChainFactor Consortium CA", ...other, notBefore: new Date("2026-01-01"), notAfter: new Date("2046-01-01") });
    const cert = parseCertificate(issue({ certificate: otherRoot, privateKey: other.privateKey }))!;
    expect(cert.issuerName).toBe("ChainFactor Consortium CA");
    expect(verifyIssuedBy(cert, ca.publicKey)).toBe(false);
  });

  it("rejects a certificate whose signed part was changed", () => {
    const der = issue();
    const at = Buffer.from(der).indexOf(Buffer.from("张三", "utf8"));
    const changed = Uint8Array.from(der);
    changed[at + 2] ^= 0x01; // still UTF-8-ish, still parses, another name
    const cert = parseCertificate(changed);
    expect(cert, "the edit keeps the certificate well formed").not.toBeNull();
    expect(cert!.subject.name).not.toBe("张三");
    expect(verifyIssuedBy(cert!, ca.publicKey)).toBe(false);
  });

  it("reads an SM2 certificate made by OpenSSL and refuses a P-256 one", () => {
    const openssl = parseCertificate(Buffer.from(OPENSSL.rootCertificate, "base64"));
    expect(openssl?.subject.name).toBe("OpenSSL SM2 root");
    expect(openssl?.publicKey).toBe(OPENSSL.publicKey);
    expect(verifyIssuedBy(openssl!, OPENSSL.publicKey)).toBe(true);
    expect(parseCertificate(Buffer.from(OPENSSL.p256Certificate, "base64"))).toBeNull();
  });

  it("returns null, never throws, for junk certificates", () => {
    const der = issue();
    const cases: Uint8Array[] = [
      new Uint8Array(0),
      Buffer.from("30", "hex"),
      Buffer.from("3080", "hex"),
      der.slice(0, der.length - 1),
      Buffer.concat([der, Buffer.from([0])]),
      new Uint8Array(20_000).fill(0x30),
      Buffer.from("not a certificate"),
    ];
    for (const c of cases) expect(parseCertificate(c)).toBeNull();
    expect(parseCertificate("MIIB" as unknown as Uint8Array)).toBeNull();
    const random = prng(11);
    const original = parseCertificate(der)!;
    for (let i = 0; i < 300; i++) {
      const mutated = Uint8Array.from(der);
      const flips = 1 + Math.floor(random() * 3);
      for (let f = 0; f < flips; f++) mutated[Math.floor(random() * mutated.length)] ^= 1 + Math.floor(random() * 255);
      const parsed = parseCertificate(mutated); // must not throw
      // Whatever still verifies must carry exactly the signed content of the original.
      if (parsed && verifyIssuedBy(parsed, ca.publicKey)) {
        expect(Buffer.from(parsed.tbs).equals(Buffer.from(original.tbs))).toBe(true);
        expect(parsed.signature).toBe(original.signature);
      }
    }
  });
});

describe(LocalCa.name, () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "cf-ca-"));
  });

  it("makes its key file once, readable by its owner only, and keeps the same CA across restarts", async () => {
    const keyFile = join(dir, "restart.json");
    const first = new LocalCa({ keyFile, store: memoryCaStore() });
    const root = await first.root();
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    const again = new LocalCa({ keyFile, store: memoryCaStore() });
    expect(Buffer.from(await again.root()).equals(Buffer.from(root))).toBe(true);
    const stored = JSON.parse(await readFile(keyFile, "utf8"));
    const parsed = parseCertificate(root)!;
    expect(parsed.publicKey).toBe(stored.publicKey);
    expect(verifyIssuedBy(parsed, stored.publicKey)).toBe(true);
  });

  it("refuses to start from a damaged key file", async () => {
    const keyFile = join(dir, "damaged.json");
    await new LocalCa({ keyFile, store: memoryCaStore() }).root();
    const stored = JSON.parse(await readFile(keyFile, "utf8"));
    await writeFile(keyFile, JSON.stringify({ ...stored, privateKey: generateKeyPair().privateKey }));
    await expect(new LocalCa({ keyFile, store: memoryCaStore() }).root()).rejects.toThrow(/does not match|not the key/);
  });

  it("issues certificates that chain to its root, with increasing serials and its validity", async () => {
    const now = new Date("2026-12-06T09:30:00Z");
    const store = memoryCaStore(0x10n);
    const ca = new LocalCa({ keyFile: join(dir, "issue.json"), store, validityDays: 365, now: () => now });
    const rootKey = parseCertificate(await ca.root())!.publicKey;
    const a = await ca.issue(enrolment().req);
    const b = await ca.issue(enrolment("another-person").req);
    expect([a.serial, b.serial]).toEqual(["10", "11"]);
    expect(Buffer.from(store.issued.get("10")!).equals(Buffer.from(a.certificate))).toBe(true);
    const cert = parseCertificate(a.certificate)!;
    expect(cert.serial).toBe("10");
    expect(cert.subject.uscc).toBe(USCC);
    expect(verifyIssuedBy(cert, rootKey)).toBe(true);
    expect(cert.notBefore.toISOString()).toBe("2026-12-06T09:30:00.000Z");
    expect(cert.notAfter.toISOString()).toBe("2027-12-06T09:30:00.000Z");
  });

  it("refuses a request without a valid proof of possession, or with a bad USCC", async () => {
    const ca = new LocalCa({ keyFile: join(dir, "refuse.json"), store: memoryCaStore() });
    const { req } = enrolment();
    const someoneElse = generateKeyPair();
    const proofByOtherKey = sm2Sign(someoneElse.privateKey, enrolmentMessage({ personId: req.personId, publicKey: req.publicKey }));
    await expect(ca.issue({ ...req, proof: proofByOtherKey })).rejects.toThrow(CaRefused);
    // A proof made for another person cannot be replayed to get a certificate in this one's name.
    await expect(ca.issue({ ...req, personId: "someone-else" })).rejects.toThrow(/proof of possession/);
    await expect(ca.issue({ ...req, proof: "3006020101020101" })).rejects.toThrow(CaRefused);
    const wrongCheck = USCC.slice(0, 17) + (USCC[17] === "0" ? "1" : "0");
    await expect(ca.issue({ ...req, uscc: wrongCheck })).rejects.toThrow(/unified social credit code/);
    await expect(ca.issue({ ...req, name: "" })).rejects.toThrow(/name is required/);
    await expect(ca.issue(req)).resolves.toMatchObject({ serial: "1" });
  });

  it("lists a revocation with its time, and a second revocation does not move it", async () => {
    const ca = new LocalCa({ keyFile: join(dir, "revoke.json"), store: memoryCaStore() });
    const { serial } = await ca.issue(enrolment().req);
    const at = new Date("2026-12-06T10:00:00Z");
    await ca.revoke(serial, at, "key lost");
    await ca.revoke("0x0" + serial, new Date("2026-12-07T00:00:00Z"), "again");
    expect(await ca.revocations()).toEqual([{ serial, revokedAt: at, reason: "key lost" }]);
    await expect(ca.revoke("not-hex", at, "x")).rejects.toThrow(CaRefused);
  });
});

describe(HttpCa.name, () => {
  const token = "test-token-" + Math.random().toString(36).slice(2);
  let server: Server;
  let base: string;
  let local: LocalCa;
  /** When set, the server answers POST /certificates with this certificate instead of LocalCa's. */
  let substitute: Uint8Array | null = null;

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), "cf-httpca-"));
    local = new LocalCa({ keyFile: join(dir, "ca.json"), store: memoryCaStore() });
    server = createServer((req, res) => void serveCa(local, token, req, res, () => substitute));
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ca/v1/`;
  });
  afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

  it("fetches the root, issues, revokes and lists revocations over HTTP", async () => {
    const ca = new HttpCa({ baseUrl: base, token });
    expect(Buffer.from(await ca.root()).equals(Buffer.from(await local.root()))).toBe(true);
    const { key, req } = enrolment();
    const issued = await ca.issue(req);
    const cert = parseCertificate(issued.certificate)!;
    expect(cert.serial).toBe(issued.serial);
    expect(cert.publicKey).toBe(key.publicKey);
    expect(verifyIssuedBy(cert, parseCertificate(await ca.root())!.publicKey)).toBe(true);
    const at = new Date("2026-12-06T11:00:00.123Z");
    await ca.revoke(issued.serial, at, "left the company");
    expect(await ca.revocations()).toEqual([{ serial: issued.serial, revokedAt: at, reason: "left the company" }]);
  });

  it("turns the CA's refusal into CaRefused with its message", async () => {
    const ca = new HttpCa({ baseUrl: base, token });
    const { req } = enrolment();
    const err = await ca.issue({ ...req, personId: "not-the-one-proven" }).catch((e) => e);
    expect(err).toBeInstanceOf(CaRefused);
    expect(err.message).toMatch(/proof of possession/);
  });

  it("treats a wrong token, an unreachable CA and a certificate for another key as unavailable, not as refusal", async () => {
    await expect(new HttpCa({ baseUrl: base, token: "wrong" }).root()).rejects.toThrow(CaUnavailable);
    await expect(new HttpCa({ baseUrl: "http://127.0.0.1:1/", token, timeoutMs: 2000 }).root()).rejects.toThrow(CaUnavailable);
    substitute = (await local.issue(enrolment().req)).certificate;
    try {
      await expect(new HttpCa({ baseUrl: base, token }).issue(enrolment().req)).rejects.toThrow(/another key or person/);
    } finally {
      substitute = null;
    }
  });
});

/** The HTTP interface of docs/signing-ca.md in front of a CertificateAuthority. */
async function serveCa(ca: CertificateAuthority, token: string, req: IncomingMessage, res: ServerResponse, substitute: () => Uint8Array | null) {
  const send = (status: number, body?: unknown) => {
    res.writeHead(status, body === undefined ? {} : { "content-type": "application/json" });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };
  try {
    if (req.headers.authorization !== `Bearer ${token}`) return send(401, { code: "UNAUTHORIZED", message: "bad token" });
    let raw = "";
    for await (const chunk of req) raw += chunk;
    const body = raw ? JSON.parse(raw) : null;
    const route = `${req.method} ${req.url}`;
    if (route === "GET /ca/v1/root") return send(200, { certificate: Buffer.from(await ca.root()).toString("base64") });
    if (route === "POST /ca/v1/certificates") {
      const issued = await ca.issue(body);
      const certificate = substitute() ?? issued.certificate;
      return send(201, { serial: issued.serial, certificate: Buffer.from(certificate).toString("base64") });
    }
    if (route === "POST /ca/v1/revocations") {
      await ca.revoke(body.serial, new Date(body.revokedAt), body.reason);
      return send(204);
    }
    if (route === "GET /ca/v1/revocations") {
      const list = await ca.revocations();
      return send(200, { revocations: list.map((r) => ({ ...r, revokedAt: r.revokedAt.toISOString() })) });
    }
    return send(404, { code: "NOT_FOUND", message: route });
  } catch (e) {
    if (e instanceof CaRefused) return send(422, { code: "REFUSED", message: e.message });
    return send(500, { code: "INTERNAL", message: String(e) });
  }
}

describe("the signed file", () => {
  const pdf = Buffer.from("%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n", "latin1");
  const key = generateKeyPair();
  const entry = (act: FileSignature["act"], role: string): FileSignature => ({
    act,
    role,
    signedAt: "2026-12-06T10:00:00.000Z",
    certificate: Buffer.from("certificate DER").toString("base64"),
    signature: sm2Sign(key.privateKey, signingMessage({ chainId: 31337, ledger: LEDGER, fingerprint: fingerprint(pdf), kind: "agreement", act })),
  });
  const sigs = [entry("quote", "bank"), entry("accept", "supplier")];

  it("round-trips: the document part is the PDF byte for byte, and the signatures come back", () => {
    const file = attachSignatures(pdf, sigs);
    expect(file.subarray(0, pdf.length).equals(pdf)).toBe(true);
    expect(file.toString("latin1", pdf.length)).toMatch(/^\n%ChainFactor-Signatures v1\n%[A-Za-z0-9+/=]+\n%%ChainFactor-End\n$/);
    const split = splitSigned(file);
    expect(split.malformed).toBe(false);
    expect(split.document.equals(pdf)).toBe(true);
    expect(fingerprint(split.document)).toBe(fingerprint(pdf));
    expect(split.signatures).toEqual(sigs);
    const noNewline = pdf.subarray(0, pdf.length - 1);
    expect(splitSigned(attachSignatures(noNewline, sigs)).document.equals(noNewline)).toBe(true);
    expect(splitSigned(Buffer.from(file.toString("latin1").replace(/\n$/, "\r\n"), "latin1")).signatures).toEqual(sigs);
  });

  it("a changed byte in the document changes its fingerprint; the block still reads", () => {
    const file = attachSignatures(pdf, sigs);
    file[12] ^= 0x20;
    const split = splitSigned(file);
    expect(split.signatures).toEqual(sigs);
    expect(fingerprint(split.document)).not.toBe(fingerprint(pdf));
    const message = signingMessage({ chainId: 31337, ledger: LEDGER, fingerprint: fingerprint(split.document), kind: "agreement", act: "quote" });
    expect(sm2Verify(key.publicKey, message, split.signatures![0].signature)).toBe(false);
  });

  it("reads a bare PDF as a document without signatures", () => {
    expect(splitSigned(pdf)).toEqual({ document: pdf, signatures: null, malformed: false });
    expect(splitSigned(new Uint8Array(0)).signatures).toBeNull();
  });

  it("flags a damaged block as malformed and takes the whole file as the document", () => {
    const file = attachSignatures(pdf, sigs);
    const text = file.toString("latin1");
    const damaged = [
      file.subarray(0, file.length - 5), // end marker cut
      Buffer.from(text.replace(/%[A-Za-z0-9+/=]+\n%%ChainFactor-End/, "%!!notbase64\n%%ChainFactor-End"), "latin1"),
      Buffer.concat([pdf, Buffer.from(`\n%ChainFactor-Signatures v1\n%${Buffer.from("{}").toString("base64")}\n%%ChainFactor-End\n`)]),
      Buffer.concat([pdf, Buffer.from(`\n%ChainFactor-Signatures v1\n%${Buffer.from(JSON.stringify([{ ...sigs[0], act: "steal" }])).toString("base64")}\n%%ChainFactor-End\n`)]),
      Buffer.concat([pdf, Buffer.from(`\n%ChainFactor-Signatures v1\n%${Buffer.from(JSON.stringify([{ ...sigs[0], signedAt: "yesterday" }])).toString("base64")}\n%%ChainFactor-End\n`)]),
    ];
    for (const d of damaged) {
      const split = splitSigned(d);
      expect(split.malformed).toBe(true);
      expect(split.signatures).toBeNull();
      expect(split.document.equals(d), "the whole file: its fingerprint will not be the ledger's").toBe(true);
    }
    // Content appended after the block (an incremental update a PDF reader would show) is not cut off.
    const appended = Buffer.concat([file, Buffer.from("5 0 obj (changed) endobj\n%%EOF\n")]);
    expect(splitSigned(appended)).toMatchObject({ signatures: null, malformed: true });
    expect(fingerprint(splitSigned(appended).document)).toBe(fingerprint(appended));
    const endOnly = Buffer.concat([pdf, Buffer.from("\n%%ChainFactor-End\n")]);
    expect(splitSigned(endOnly)).toMatchObject({ signatures: null, malformed: true });
  });

  it("never throws on junk and refuses to sign twice over a block", () => {
    const file = attachSignatures(pdf, sigs);
    const random = prng(3);
    for (let i = 0; i < 500; i++) {
      const mutated = Buffer.from(file);
      mutated[pdf.length + Math.floor(random() * (mutated.length - pdf.length))] = Math.floor(random() * 256);
      const split = splitSigned(mutated);
      expect(split.signatures === null || Array.isArray(split.signatures)).toBe(true);
    }
    expect(() => attachSignatures(file, sigs)).toThrow(/already carries/);
    expect(() => attachSignatures(pdf, [{ ...sigs[0], signature: "not hex" }])).toThrow(RangeError);
  });
});
