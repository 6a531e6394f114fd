import { createHash, getHashes } from "node:crypto";
import { sm2, sm3 } from "sm-crypto-v2";
import { decodeSignature, encodeSignature } from "./der";

/** GM/T 0009's default signer id: every ChainFactor signature and certificate uses it. */
export const SIGNER_ID = "1234567812345678";

export type DocumentKind = "certificate" | "notice" | "agreement";
export type SigningAct = "confirm" | "sign-for" | "quote" | "accept" | "acknowledge";

const HEX = /^[0-9a-f]*$/;
const PUBLIC_KEY = /^04[0-9a-f]{128}$/;
const PRIVATE_KEY = /^[0-9a-f]{64}$/;
const FINGERPRINT = /^0x[0-9a-f]{64}$/;
const LEDGER = /^0x[0-9a-f]{40}$/;

/** Node's SM3 (OpenSSL's: a third of JavaScript's time on a document), where its OpenSSL has it. */
const nativeSm3 = getHashes().includes("sm3");

/** SM3 of a document's bytes, in the form the ledger and the wire carry. */
export function fingerprint(bytes: Uint8Array): string {
  return "0x" + (nativeSm3 ? createHash("sm3").update(bytes).digest("hex") : sm3(bytes).toLowerCase());
}

/** The text a person signs for one act on one document of one deployment (docs/signed-documents.md). */
export function signingMessage(m: {
  chainId: number;
  ledger: string;
  fingerprint: string;
  kind: DocumentKind;
  act: SigningAct;
}): string {
  const ledger = m.ledger.toLowerCase();
  const print = m.fingerprint.toLowerCase();
  // A malformed field would make a message nobody can reproduce from the ledger: refuse it here.
  if (!Number.isSafeInteger(m.chainId) || m.chainId <= 0) throw new RangeError(`bad chain id ${m.chainId}`);
  if (!LEDGER.test(ledger)) throw new RangeError(`bad ledger address ${m.ledger}`);
  if (!FINGERPRINT.test(print)) throw new RangeError(`bad fingerprint ${m.fingerprint}`);
  return [
    "ChainFactor document signature v1",
    `chain: ${m.chainId}`,
    `ledger: ${ledger}`,
    `document: ${print}`,
    `kind: ${m.kind}`,
    `act: ${m.act}`,
  ].join("\n");
}

/** What a key's holder signs to prove possession when asking the CA for a certificate. */
export function enrolmentMessage(m: { personId: string; publicKey: string }): string {
  return `ChainFactor signing key v1\nperson: ${m.personId}\npublic key: ${m.publicKey.toLowerCase()}`;
}

export function generateKeyPair(): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = sm2.generateKeyPairHex();
  return { privateKey: privateKey.padStart(64, "0"), publicKey: publicKey.toLowerCase() };
}

export function publicKeyOf(privateKey: string): string {
  return sm2.getPublicKeyFromPrivateKey(privateKey).toLowerCase();
}

/** DER signature (hex) over the message's UTF-8 bytes: SM3(Z || M) with Z from SIGNER_ID. */
export function sm2Sign(privateKey: string, message: string | Uint8Array): string {
  const key = privateKey.toLowerCase();
  if (!PRIVATE_KEY.test(key)) throw new RangeError("private key must be 64 hex digits");
  const raw = sm2.doSignature(message, key, { hash: true, userId: SIGNER_ID, publicKey: publicKeyOf(key) });
  return encodeSignature(BigInt("0x" + raw.slice(0, 64)), BigInt("0x" + raw.slice(64)));
}

/**
 * Checks a signature from an untrusted caller: anything malformed (key off the curve, signature
 * not strict DER, r or s out of range) is simply invalid, never an exception.
 */
export function sm2Verify(publicKey: string, message: string | Uint8Array, signature: string): boolean {
  try {
    const key = typeof publicKey === "string" ? publicKey.toLowerCase() : "";
    const sig = typeof signature === "string" ? signature.toLowerCase() : "";
    if (!PUBLIC_KEY.test(key) || !HEX.test(sig) || sig.length % 2 !== 0 || sig.length > 2 * 80) return false;
    if (!sm2.verifyPublicKey(key)) return false;
    const rs = decodeSignature(fromHex(sig));
    if (!rs) return false;
    const raw = rs.r.toString(16).padStart(64, "0") + rs.s.toString(16).padStart(64, "0");
    return sm2.doVerifySignature(message, raw, key, { hash: true, userId: SIGNER_ID });
  } catch {
    return false;
  }
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

export function fromHex(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex, "hex"));
}
