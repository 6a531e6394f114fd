import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * API keys look like `cf_<prefix>_<secret>`: the prefix (public, unique) finds the row, the
 * secret (256 bits) is checked against its SHA-256. A key with 256 bits of entropy needs no slow
 * hash; it is shown once and never stored in clear.
 */
export interface IssuedKey {
  key: string;
  prefix: string;
  secretHash: Buffer;
}

const PREFIX_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789";

export function issueApiKey(): IssuedKey {
  const prefix = Array.from(randomBytes(12), (b) => PREFIX_ALPHABET[b % PREFIX_ALPHABET.length]).join("");
  const secret = randomBytes(32).toString("base64url");
  return { key: `cf_${prefix}_${secret}`, prefix, secretHash: hashSecret(secret) };
}

export function parseApiKey(key: string): { prefix: string; secret: string } | null {
  const m = /^cf_([a-z2-9]{12})_([A-Za-z0-9_-]{43})$/.exec(key);
  return m ? { prefix: m[1], secret: m[2] } : null;
}

export function hashSecret(secret: string): Buffer {
  return createHash("sha256").update(secret).digest();
}

export function secretMatches(secret: string, hash: Buffer): boolean {
  const candidate = hashSecret(secret);
  return candidate.length === hash.length && timingSafeEqual(candidate, hash);
}
