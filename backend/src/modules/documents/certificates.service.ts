import type { DataSource } from "typeorm";
import { AppError, notFound } from "../../shared/errors";
import { inTransaction } from "../../shared/transaction";
import { rowsOf } from "../../shared/db-types";
import type { AuthContext } from "../../shared/http/auth";
import type { Config } from "../../config/config";
import { CaRefused, type CertificateAuthority, type Revocation } from "./signing/ca";
import { LocalCa, type CaStore } from "./signing/local-ca";
import { HttpCa } from "./signing/http-ca";
import { parseCertificate } from "./signing/x509";

/** A person's signing certificate as the platform keeps it (public parts only). */
export interface SigningCertificate {
  serial: string;
  userId: string;
  organizationId: string;
  publicKey: string;
  der: Buffer;
  notBefore: Date;
  notAfter: Date;
  revokedAt: Date | null;
  revocationReason: string | null;
  createdAt: Date;
}

const COLUMNS = `serial, user_id AS "userId", organization_id AS "organizationId", public_key AS "publicKey", der, not_before AS "notBefore",
  not_after AS "notAfter", revoked_at AS "revokedAt", revocation_reason AS "revocationReason", created_at AS "createdAt"`;

/** The local CA's bookkeeping in Postgres: serials from a sequence, revocations on the certificate's row. */
export function postgresCaStore(ds: DataSource): CaStore {
  return {
    nextSerial: async () => BigInt((await ds.query(`SELECT nextval('signing_certificate_serials')::text AS n`))[0].n),
    // the certificates service writes the row (with its person) once the CA has answered
    saveIssued: async () => undefined,
    saveRevocation: async (r) => {
      await ds.query(`UPDATE signing_certificates SET revoked_at = $2, revocation_reason = $3 WHERE serial = $1 AND revoked_at IS NULL`, [r.serial, r.revokedAt, r.reason]);
    },
    revocations: async () =>
      (await ds.query(`SELECT serial, revoked_at AS "revokedAt", revocation_reason AS reason FROM signing_certificates WHERE revoked_at IS NOT NULL ORDER BY revoked_at`)) as Revocation[],
  };
}

export function certificateAuthority(config: Pick<Config, "CA_URL" | "CA_TOKEN" | "CA_KEY_FILE">, ds: DataSource): CertificateAuthority {
  return config.CA_URL ? new HttpCa({ baseUrl: config.CA_URL, token: config.CA_TOKEN ?? "" }) : new LocalCa({ keyFile: config.CA_KEY_FILE, store: postgresCaStore(ds) });
}

/**
 * People's signing certificates: an approver enrols the public key of a key pair it made (in the
 * browser, or in its own system) with a proof of possession, and the consortium CA certifies it
 * for the person and the organization (USCC). Private keys never reach the platform.
 */
export class CertificatesService {
  constructor(
    private readonly ds: DataSource,
    readonly ca: CertificateAuthority,
  ) {}

  async enrol(auth: AuthContext, publicKey: string, proof: string): Promise<SigningCertificate> {
    if (auth.organization.status !== "active") throw new AppError("ORGANIZATION.NOT_ACTIVE", 409, `${auth.organization.legalName} is ${auth.organization.status}, not an active member.`);
    let issued: { serial: string; certificate: Uint8Array };
    try {
      issued = await this.ca.issue({ personId: auth.user.id, name: auth.user.name, organization: auth.organization.legalName, uscc: auth.organization.uscc, publicKey, proof });
    } catch (e) {
      if (e instanceof CaRefused) throw new AppError("SIGNING.ENROLMENT_REFUSED", 422, `The CA refused the key: ${e.message}`);
      throw e;
    }
    const parsed = parseCertificate(issued.certificate);
    if (!parsed) throw new Error(`the CA answered serial ${issued.serial} with a certificate that does not parse`);
    const rows: SigningCertificate[] = await this.ds.query(
      `INSERT INTO signing_certificates (serial, user_id, organization_id, public_key, der, not_before, not_after) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
      [parsed.serial, auth.user.id, auth.organization.id, parsed.publicKey, Buffer.from(issued.certificate), parsed.notBefore, parsed.notAfter],
    );
    return rows[0];
  }

  /** The caller's own certificates, newest first; an admin (or an auditor, the operator) may list a person's of its organization. */
  async list(auth: AuthContext, userId?: string): Promise<SigningCertificate[]> {
    const person = userId ?? auth.user.id;
    if (person !== auth.user.id && auth.user.role !== "admin") throw notFound("person", person);
    return this.ds.query(`SELECT ${COLUMNS} FROM signing_certificates WHERE user_id = $1 AND organization_id = $2 ORDER BY created_at DESC`, [person, auth.organization.id]);
  }

  async bySerial(serial: string): Promise<SigningCertificate | null> {
    const rows: SigningCertificate[] = await this.ds.query(`SELECT ${COLUMNS} FROM signing_certificates WHERE serial = $1`, [serial]);
    return rows[0] ?? null;
  }

  /**
   * Revokes a certificate from now on: its holder (a lost key or passphrase) or an admin of its
   * organization (a person who left). Signatures made before stay valid; none made after are.
   */
  async revoke(auth: AuthContext, serial: string, reason: string): Promise<SigningCertificate> {
    const c = await this.bySerial(serial);
    if (!c || c.organizationId !== auth.organization.id || (c.userId !== auth.user.id && auth.user.role !== "admin")) throw notFound("signing certificate", serial);
    if (c.revokedAt) throw new AppError("SIGNING.ALREADY_REVOKED", 409, `Certificate ${serial} was revoked at ${c.revokedAt.toISOString()}.`);
    // the time is taken under the row's lock, which a signature in progress holds: every signature
    // it let in is dated before it, and none is let in after (DocumentsService.sign)
    const revokedAt = await inTransaction(this.ds, async (em) => {
      // the lock first, then the time: an UPDATE that waits for a row lock keeps the values it
      // computed before waiting, so clock_timestamp() in it could predate a signature it let in
      await em.query(`SELECT 1 FROM signing_certificates WHERE serial = $1 FOR UPDATE`, [serial]);
      const rows = rowsOf<{ revoked_at: Date }>(
        await em.query(`UPDATE signing_certificates SET revoked_at = clock_timestamp(), revocation_reason = $2 WHERE serial = $1 AND revoked_at IS NULL RETURNING revoked_at`, [serial, reason]),
      );
      if (!rows.length) throw new AppError("SIGNING.ALREADY_REVOKED", 409, `Certificate ${serial} was revoked just now.`);
      return rows[0].revoked_at;
    });
    // the CA publishes it (the local CA's own record is this row, already written)
    await this.ca.revoke(serial, revokedAt, reason);
    return (await this.bySerial(serial))!;
  }
}
