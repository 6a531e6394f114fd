import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { SigningKey, Wallet, type Provider } from "ethers";
import type { DataSource, EntityManager } from "typeorm";
import { LedgerKeyEntity, type LedgerKey } from "./ledger.entity";

/** Arbitrary bytes sealed by {@link KeyVault.sealBytes}: store all four fields. */
export interface SealedBytes {
  ciphertext: Buffer;
  iv: Buffer;
  authTag: Buffer;
  keyVersion: number;
}

/**
 * Custodial ledger keys, encrypted at rest with AES-256-GCM under a master key from
 * configuration. Each ciphertext records which master key sealed it (its version: the first four
 * bytes of the key's SHA-256), so the master key can be rotated: start the processes with the new
 * key as KEY_ENCRYPTION_KEY and the old one as KEY_ENCRYPTION_KEY_PREVIOUS, run
 * `npm run ops -- rotate-keys` to re-seal every key, then drop the previous one.
 * The key's address is bound into the ciphertext as associated data, so a ciphertext cannot be
 * moved to another row.
 */
export class KeyVault {
  private readonly keys = new Map<number, Buffer>();
  readonly currentVersion: number;

  constructor(masterKeyBase64: string, previousMasterKeyBase64?: string) {
    this.currentVersion = this.add(masterKeyBase64);
    if (previousMasterKeyBase64) this.add(previousMasterKeyBase64);
  }

  private add(base64: string): number {
    const key = Buffer.from(base64, "base64");
    if (key.length !== 32) throw new Error("a master key must be 32 bytes");
    const version = createHash("sha256").update(key).digest().readUInt16BE(0) & 0x7fff;
    this.keys.set(version, key);
    return version;
  }

  seal(privateKey: string, address: string): Pick<LedgerKey, "ciphertext" | "iv" | "authTag" | "keyVersion"> {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.keys.get(this.currentVersion)!, iv);
    cipher.setAAD(Buffer.from(address.toLowerCase()));
    const ciphertext = Buffer.concat([cipher.update(Buffer.from(privateKey.slice(2), "hex")), cipher.final()]);
    return { ciphertext, iv, authTag: cipher.getAuthTag(), keyVersion: this.currentVersion };
  }

  open(row: Pick<LedgerKey, "ciphertext" | "iv" | "authTag" | "keyVersion" | "address">): string {
    const key = this.keys.get(row.keyVersion);
    if (!key) throw new Error(`ledger key ${row.address} is sealed with master key version ${row.keyVersion}, which is not configured`);
    const decipher = createDecipheriv("aes-256-gcm", key, row.iv);
    decipher.setAAD(Buffer.from(row.address.toLowerCase()));
    decipher.setAuthTag(row.authTag);
    return "0x" + Buffer.concat([decipher.update(row.ciphertext), decipher.final()]).toString("hex");
  }

  /**
   * Seals arbitrary bytes (e.g. a webhook signing secret) under the current master key. `context`
   * is bound in as associated data (e.g. the owning row's id), so a ciphertext cannot be moved to
   * another row; give the same context to {@link openBytes}.
   */
  sealBytes(plaintext: Buffer, context: string): SealedBytes {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.keys.get(this.currentVersion)!, iv);
    cipher.setAAD(Buffer.from(context, "utf8"));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return { ciphertext, iv, authTag: cipher.getAuthTag(), keyVersion: this.currentVersion };
  }

  /** Opens what {@link sealBytes} sealed with the same `context`; throws if it was tampered with or moved. */
  openBytes(sealed: SealedBytes, context: string): Buffer {
    const key = this.keys.get(sealed.keyVersion);
    if (!key) throw new Error(`a secret (${context}) is sealed with master key version ${sealed.keyVersion}, which is not configured`);
    const decipher = createDecipheriv("aes-256-gcm", key, sealed.iv);
    decipher.setAAD(Buffer.from(context, "utf8"));
    decipher.setAuthTag(sealed.authTag);
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
  }

  /** Generates and stores a new key; returns its address. */
  async create(em: EntityManager, purpose: LedgerKey["purpose"], organizationId: string | null): Promise<string> {
    const wallet = Wallet.createRandom();
    await em.getRepository(LedgerKeyEntity).insert({
      organizationId,
      purpose,
      address: wallet.address,
      ...this.seal(wallet.privateKey, wallet.address),
    });
    return wallet.address;
  }

  /** A signer for a stored key. */
  async signer(ds: DataSource | EntityManager, address: string, provider?: Provider): Promise<Wallet> {
    return new Wallet(this.signingKeyOf(await ds.getRepository(LedgerKeyEntity).findOneBy({ address }), address), provider);
  }

  /**
   * The signing key of `row`, the stored key of `address` the caller has just read (null: none):
   * for signing a digest without a Wallet, whose construction derives the public key.
   */
  signingKeyOf(row: LedgerKey | null, address: string): SigningKey {
    if (!row || row.retiredAt) throw new Error(`no live custodial key for ${address}`);
    return new SigningKey(this.open(row));
  }

  /** Re-seals every key under the current master key; returns how many changed. */
  async rotate(ds: DataSource): Promise<number> {
    const repo = ds.getRepository(LedgerKeyEntity);
    let changed = 0;
    for (const row of await repo.find()) {
      if (row.keyVersion === this.currentVersion) continue;
      await repo.update({ id: row.id }, this.seal(this.open(row), row.address));
      changed++;
    }
    return changed;
  }
}
