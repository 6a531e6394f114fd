/**
 * The person's SM2 signing key, kept in this browser only (docs/signed-documents.md): generated
 * here, stored in localStorage encrypted under their passphrase (PBKDF2-SHA-256 → AES-GCM-256,
 * WebCrypto), decrypted only for the moment of a signature. The platform only ever sees the public
 * key and signatures. Import this module lazily (from the signing dialog): the SM2 code should not
 * weigh on the entry chunk.
 */
import { sm2 } from "sm-crypto-v2";

/** GM/T 0009's default signer id; the backend's SIGNER_ID (signing/sm.ts) must be the same. */
const SIGNER_ID = "1234567812345678";
const STORAGE_PREFIX = "chainfactor.signing-key.";
/** OWASP's 2023 figure for PBKDF2-HMAC-SHA256; stored with each key so it can be raised later. */
const ITERATIONS = 600_000;
const MIN_ITERATIONS = 210_000;
const MIN_PASSPHRASE = 8;

/** The passphrase does not open the stored key. */
export class WrongPassphrase extends Error {
  override name = "WrongPassphrase";
  constructor() {
    super("the passphrase does not open this browser's signing key");
  }
}

/** No usable key for the person in this browser (never created, forgotten, or damaged). */
export class NoSigningKey extends Error {
  override name = "NoSigningKey";
}

interface StoredKey {
  v: 1;
  publicKey: string;
  kdf: { name: "PBKDF2"; hash: "SHA-256"; iterations: number; salt: string };
  cipher: { name: "AES-GCM"; iv: string; data: string };
}

export async function createKey(personId: string, passphrase: string): Promise<{ publicKey: string }> {
  if (passphrase.length < MIN_PASSPHRASE) throw new RangeError(`the passphrase must have at least ${MIN_PASSPHRASE} characters`);
  // Replacing a key silently would orphan its certificate: forgetting one is a separate, explicit act.
  if (hasKey(personId)) throw new Error("this browser already holds a signing key for this person");
  const { privateKey, publicKey: rawPublic } = sm2.generateKeyPairHex();
  const publicKey = rawPublic.toLowerCase();
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = await deriveKey(passphrase, salt, ITERATIONS);
  const data = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: context(personId, publicKey) },
    key,
    utf8(privateKey.padStart(64, "0")),
  );
  const stored: StoredKey = {
    v: 1,
    publicKey,
    kdf: { name: "PBKDF2", hash: "SHA-256", iterations: ITERATIONS, salt: toBase64(salt) },
    cipher: { name: "AES-GCM", iv: toBase64(iv), data: toBase64(new Uint8Array(data)) },
  };
  localStorage.setItem(STORAGE_PREFIX + personId, JSON.stringify(stored));
  return { publicKey };
}

export function hasKey(personId: string): boolean {
  return read(personId) !== null;
}

export function publicKeyOf(personId: string): string | null {
  return read(personId)?.publicKey ?? null;
}

/** A DER SM2 signature (hex) over the message's UTF-8 bytes, with SM3 and the default signer id. */
export async function signWith(personId: string, passphrase: string, message: string): Promise<string> {
  const stored = read(personId);
  if (!stored) throw new NoSigningKey("this browser holds no signing key for this person");
  const key = await deriveKey(passphrase, fromBase64(stored.kdf.salt), stored.kdf.iterations);
  let plain: ArrayBuffer;
  try {
    plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: fromBase64(stored.cipher.iv), additionalData: context(personId, stored.publicKey) },
      key,
      fromBase64(stored.cipher.data),
    );
  } catch {
    throw new WrongPassphrase();
  }
  const privateKey = new TextDecoder().decode(plain);
  if (!/^[0-9a-f]{64}$/.test(privateKey) || sm2.getPublicKeyFromPrivateKey(privateKey).toLowerCase() !== stored.publicKey) {
    throw new NoSigningKey("the stored signing key is damaged");
  }
  const raw = sm2.doSignature(message, privateKey, { hash: true, userId: SIGNER_ID, publicKey: stored.publicKey });
  return derSignature(raw.slice(0, 64), raw.slice(64));
}

export function forgetKey(personId: string): void {
  localStorage.removeItem(STORAGE_PREFIX + personId);
}

// ---------------------------------------------------------------------------------------------

function read(personId: string): StoredKey | null {
  const text = localStorage.getItem(STORAGE_PREFIX + personId);
  if (!text) return null;
  try {
    const s = JSON.parse(text) as StoredKey;
    const ok =
      s.v === 1 &&
      typeof s.publicKey === "string" &&
      /^04[0-9a-f]{128}$/.test(s.publicKey) &&
      s.kdf?.name === "PBKDF2" &&
      s.kdf.hash === "SHA-256" &&
      Number.isInteger(s.kdf.iterations) &&
      s.kdf.iterations >= MIN_ITERATIONS &&
      typeof s.kdf.salt === "string" &&
      s.cipher?.name === "AES-GCM" &&
      typeof s.cipher.iv === "string" &&
      typeof s.cipher.data === "string";
    return ok ? s : null;
  } catch {
    return null;
  }
}

async function deriveKey(passphrase: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey("raw", utf8(passphrase), "PBKDF2", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    material,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

/** Binds the ciphertext to its person and public key: a blob copied to another entry will not open. */
function context(personId: string, publicKey: string): Uint8Array<ArrayBuffer> {
  return utf8(`chainfactor.signing-key.v1\n${personId}\n${publicKey}`);
}

/** SEQUENCE { r INTEGER, s INTEGER }, minimal DER (the backend rejects anything looser). */
function derSignature(rHex: string, sHex: string): string {
  const int = (hex: string) => {
    let h = hex.replace(/^(00)+/, "");
    if (h.length % 2) h = "0" + h;
    if (parseInt(h.slice(0, 2), 16) >= 0x80) h = "00" + h;
    return "02" + (h.length / 2).toString(16).padStart(2, "0") + h;
  };
  const body = int(rHex) + int(sHex);
  return "30" + (body.length / 2).toString(16).padStart(2, "0") + body;
}

function utf8(text: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(text) as Uint8Array<ArrayBuffer>;
}

function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
