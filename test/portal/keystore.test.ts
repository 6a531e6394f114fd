/**
 * The browser keystore, run in Node: WebCrypto is global in Node 20; localStorage is a Map-backed
 * stand-in. The backend's sm2Verify checks what the portal signs, so both sides agree on the
 * scheme (SM3, signer id, strict DER).
 */
import { beforeEach, describe, expect, it } from "vitest";
import { enrolmentMessage, sm2Verify } from "../../backend/src/modules/documents/signing/sm";
import { createKey, forgetKey, hasKey, publicKeyOf, signWith, WrongPassphrase } from "../../portal/src/modules/documents/keystore";

const store = new Map<string, string>();
const localStorageStandIn = {
  getItem: (k: string) => store.get(k) ?? null,
  setItem: (k: string, v: string) => void store.set(k, String(v)),
  removeItem: (k: string) => void store.delete(k),
  clear: () => store.clear(),
  key: (i: number) => [...store.keys()][i] ?? null,
  get length() {
    return store.size;
  },
};
Object.defineProperty(globalThis, "localStorage", { value: localStorageStandIn, configurable: true });

const PERSON = "3f0c9a7e-8d1b-4c52-9a57-0f3e8c1d2b4a";
const PASSPHRASE = "correct horse battery";

describe("the portal's signing keystore", () => {
  beforeEach(() => store.clear());

  it("creates a key, keeps only ciphertext in storage, and signs what the backend verifies", async () => {
    expect(hasKey(PERSON)).toBe(false);
    const { publicKey } = await createKey(PERSON, PASSPHRASE);
    expect(publicKey).toMatch(/^04[0-9a-f]{128}$/);
    expect(hasKey(PERSON)).toBe(true);
    expect(publicKeyOf(PERSON)).toBe(publicKey);

    const stored = JSON.parse(store.get(`chainfactor.signing-key.${PERSON}`)!);
    expect(stored.kdf).toMatchObject({ name: "PBKDF2", hash: "SHA-256" });
    expect(stored.kdf.iterations).toBeGreaterThanOrEqual(210_000);
    expect(stored.cipher.name).toBe("AES-GCM");
    expect(Object.keys(stored).sort()).toEqual(["cipher", "kdf", "publicKey", "v"]);
    expect(JSON.stringify({ ...stored, publicKey: null })).not.toMatch(/[0-9a-f]{64}/); // no private key in clear

    const message = enrolmentMessage({ personId: PERSON, publicKey });
    const signature = await signWith(PERSON, PASSPHRASE, message);
    expect(sm2Verify(publicKey, message, signature)).toBe(true);
    expect(sm2Verify(publicKey, message + " ", signature)).toBe(false);
  });

  it("refuses a wrong passphrase with WrongPassphrase", async () => {
    await createKey(PERSON, PASSPHRASE);
    await expect(signWith(PERSON, PASSPHRASE + "x", "m")).rejects.toBeInstanceOf(WrongPassphrase);
  });

  it("does not open a key copied into another person's entry", async () => {
    await createKey(PERSON, PASSPHRASE);
    store.set("chainfactor.signing-key.intruder", store.get(`chainfactor.signing-key.${PERSON}`)!);
    await expect(signWith("intruder", PASSPHRASE, "m")).rejects.toBeInstanceOf(WrongPassphrase);
  });

  it("will not replace an existing key, forgets one on request, and refuses a short passphrase", async () => {
    const first = await createKey(PERSON, PASSPHRASE);
    await expect(createKey(PERSON, PASSPHRASE)).rejects.toThrow(/already holds/);
    expect(publicKeyOf(PERSON)).toBe(first.publicKey);
    forgetKey(PERSON);
    expect(hasKey(PERSON)).toBe(false);
    expect(publicKeyOf(PERSON)).toBeNull();
    await expect(signWith(PERSON, PASSPHRASE, "m")).rejects.toThrow(/no signing key/);
    await expect(createKey(PERSON, "short")).rejects.toThrow(RangeError);
  });

  it("treats a damaged or weakened stored entry as no key", async () => {
    await createKey(PERSON, PASSPHRASE);
    const stored = JSON.parse(store.get(`chainfactor.signing-key.${PERSON}`)!);
    store.set(`chainfactor.signing-key.${PERSON}`, JSON.stringify({ ...stored, kdf: { ...stored.kdf, iterations: 1000 } }));
    expect(hasKey(PERSON)).toBe(false);
    store.set(`chainfactor.signing-key.${PERSON}`, "{not json");
    expect(hasKey(PERSON)).toBe(false);
  });
});
