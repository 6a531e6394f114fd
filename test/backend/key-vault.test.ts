import { describe, it, expect } from "vitest";
import { randomBytes } from "node:crypto";
import { Wallet } from "ethers";
import { KeyVault } from "../../backend/src/ledger/key-vault";

const master = () => randomBytes(32).toString("base64");

describe(KeyVault.name, () => {
  it("seals and opens a key; the ciphertext hides it", () => {
    const vault = new KeyVault(master());
    const w = Wallet.createRandom();
    const sealed = vault.seal(w.privateKey, w.address);
    expect(sealed.ciphertext.toString("hex")).not.toContain(w.privateKey.slice(2));
    expect(vault.open({ ...sealed, address: w.address })).toBe(w.privateKey);
  });

  it("refuses a ciphertext moved to another address, tampered with, or sealed by an unknown master key", () => {
    const vault = new KeyVault(master());
    const w = Wallet.createRandom();
    const sealed = vault.seal(w.privateKey, w.address);
    expect(() => vault.open({ ...sealed, address: Wallet.createRandom().address })).toThrow();
    const flipped = Buffer.from(sealed.ciphertext);
    flipped[0] ^= 1;
    expect(() => vault.open({ ...sealed, ciphertext: flipped, address: w.address })).toThrow();
    expect(() => new KeyVault(master()).open({ ...sealed, address: w.address })).toThrow(/master key version/);
  });

  it("opens keys sealed under the previous master key during a rotation", () => {
    const old = master();
    const w = Wallet.createRandom();
    const sealed = new KeyVault(old).seal(w.privateKey, w.address);
    const rotating = new KeyVault(master(), old);
    expect(rotating.open({ ...sealed, address: w.address })).toBe(w.privateKey);
    const resealed = rotating.seal(w.privateKey, w.address);
    expect(resealed.keyVersion).toBe(rotating.currentVersion);
    expect(resealed.keyVersion).not.toBe(sealed.keyVersion);
  });
});
