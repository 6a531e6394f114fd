import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { usccProblem } from "../../onboarding";
import { CaRefused, normalizeSerial, type CertificateAuthority, type IssueRequest, type Revocation } from "./ca";
import { enrolmentMessage, generateKeyPair, publicKeyOf, sm2Verify } from "./sm";
import { issueCertificate, parseCertificate, selfSignedRoot, verifyIssuedBy } from "./x509";

export { memoryCaStore } from "./memory-ca-store";

export interface CaStore {
  nextSerial(): Promise<bigint>;
  saveIssued(serial: string, der: Uint8Array): Promise<void>;
  saveRevocation(r: Revocation): Promise<void>;
  revocations(): Promise<Revocation[]>;
}

interface CaKey {
  privateKey: string;
  publicKey: string;
  certificate: Uint8Array;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const ROOT_YEARS = 20;
const MAX_FIELD = 200;

/**
 * The consortium CA run by the platform itself, for development, tests and the demo. Its key sits
 * in a file (CA_KEY_FILE) made at first use; a production deployment uses a licensed CA instead.
 */
export class LocalCa implements CertificateAuthority {
  private key: Promise<CaKey> | null = null;
  private readonly keyFile: string;
  private readonly store: CaStore;
  private readonly validityDays: number;
  private readonly now: () => Date;

  constructor(options: { keyFile: string; store: CaStore; validityDays?: number; now?: () => Date }) {
    this.keyFile = options.keyFile;
    this.store = options.store;
    this.validityDays = options.validityDays ?? 730;
    this.now = options.now ?? (() => new Date());
    if (!Number.isInteger(this.validityDays) || this.validityDays < 1) throw new RangeError("validityDays must be a positive integer");
  }

  async root(): Promise<Uint8Array> {
    return (await this.caKey()).certificate.slice();
  }

  async issue(req: IssueRequest): Promise<{ serial: string; certificate: Uint8Array }> {
    checkRequest(req);
    const publicKey = req.publicKey.toLowerCase();
    if (!sm2Verify(publicKey, enrolmentMessage({ personId: req.personId, publicKey }), req.proof)) {
      throw new CaRefused("the proof of possession does not verify with the public key");
    }
    const key = await this.caKey();
    const root = parseCertificate(key.certificate)!;
    const notBefore = this.now();
    const end = new Date(notBefore.getTime() + this.validityDays * DAY_MS);
    // A certificate must not outlive the CA certificate it chains to.
    const notAfter = end < root.notAfter ? end : root.notAfter;
    if (!(notBefore < notAfter)) throw new CaRefused("the CA certificate has expired");
    const serialNumber = await this.store.nextSerial();
    const certificate = issueCertificate({
      serial: serialNumber,
      subject: { name: req.name.trim(), organization: req.organization.trim(), uscc: req.uscc.trim().toUpperCase(), personId: req.personId },
      publicKey,
      notBefore,
      notAfter,
      issuer: { certificate: key.certificate, privateKey: key.privateKey },
    });
    const serial = serialNumber.toString(16);
    await this.store.saveIssued(serial, certificate);
    return { serial, certificate };
  }

  async revoke(serial: string, at: Date, reason: string): Promise<void> {
    if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw new CaRefused("revocation time is not a date");
    await this.store.saveRevocation({ serial: normalizeSerial(serial), revokedAt: at, reason: reason.slice(0, MAX_FIELD) });
  }

  async revocations(): Promise<Revocation[]> {
    const list = await this.store.revocations();
    return list.sort((a, b) => a.revokedAt.getTime() - b.revokedAt.getTime());
  }

  private caKey(): Promise<CaKey> {
    this.key ??= this.loadOrCreate().catch((e) => {
      this.key = null;
      throw e;
    });
    return this.key;
  }

  private async loadOrCreate(): Promise<CaKey> {
    let text: string;
    try {
      text = await readFile(this.keyFile, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      const created = this.createKey();
      const json = JSON.stringify({
        privateKey: created.privateKey,
        publicKey: created.publicKey,
        certificate: Buffer.from(created.certificate).toString("base64"),
      });
      try {
        // wx: two processes starting together must not each write a different CA.
        await mkdir(dirname(this.keyFile), { recursive: true, mode: 0o700 });
        await writeFile(this.keyFile, json + "\n", { mode: 0o600, flag: "wx" });
        return created;
      } catch (w) {
        if ((w as NodeJS.ErrnoException).code !== "EEXIST") throw w;
        text = await readFile(this.keyFile, "utf8");
      }
    }
    return parseKeyFile(text, this.keyFile);
  }

  private createKey(): CaKey {
    const { privateKey, publicKey } = generateKeyPair();
    const notBefore = this.now();
    const notAfter = new Date(notBefore);
    notAfter.setUTCFullYear(notAfter.getUTCFullYear() + ROOT_YEARS);
    const certificate = selfSignedRoot({ name: "ChainFactor Consortium CA (local)", privateKey, publicKey, notBefore, notAfter });
    return { privateKey, publicKey, certificate };
  }
}

/** A damaged key file must stop the CA, not let it issue certificates nobody can chain. */
function parseKeyFile(text: string, file: string): CaKey {
  const bad = (why: string) => new Error(`CA key file ${file}: ${why}`);
  let raw: { privateKey?: unknown; publicKey?: unknown; certificate?: unknown };
  try {
    raw = JSON.parse(text);
  } catch {
    throw bad("not JSON");
  }
  if (typeof raw.privateKey !== "string" || !/^[0-9a-f]{64}$/i.test(raw.privateKey)) throw bad("privateKey must be 64 hex digits");
  if (typeof raw.certificate !== "string") throw bad("certificate must be base64 DER");
  const privateKey = raw.privateKey.toLowerCase();
  const publicKey = publicKeyOf(privateKey);
  if (typeof raw.publicKey === "string" && raw.publicKey.toLowerCase() !== publicKey) throw bad("publicKey does not match privateKey");
  const certificate = new Uint8Array(Buffer.from(raw.certificate, "base64"));
  const parsed = parseCertificate(certificate);
  if (!parsed) throw bad("certificate is not an SM2 X.509 certificate");
  if (parsed.publicKey !== publicKey || !verifyIssuedBy(parsed, publicKey)) throw bad("certificate is not the key's self-signed certificate");
  return { privateKey, publicKey, certificate };
}

function checkRequest(req: IssueRequest): void {
  const fields = ["personId", "name", "organization", "uscc", "publicKey", "proof"] as const;
  for (const f of fields) {
    const v = (req as unknown as Record<string, unknown>)[f];
    if (typeof v !== "string" || v.trim() === "") throw new CaRefused(`${f} is required`);
    if (v.length > MAX_FIELD) throw new CaRefused(`${f} is longer than ${MAX_FIELD} characters`);
  }
  if (!/^04[0-9a-f]{128}$/i.test(req.publicKey)) throw new CaRefused("publicKey must be an uncompressed SM2 public key (04 + 128 hex)");
  const problem = usccProblem(req.uscc.trim().toUpperCase());
  if (problem) throw new CaRefused(`uscc is not a valid unified social credit code: ${problem}`);
}
