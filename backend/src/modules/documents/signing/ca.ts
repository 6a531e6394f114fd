/** What a person (or an ERP acting for one) asks the CA for: a certificate binding a key to them. */
export interface IssueRequest {
  personId: string;
  name: string;
  organization: string;
  uscc: string;
  /** Uncompressed SM2 public key, hex (04…). */
  publicKey: string;
  /** sm2Sign over enrolmentMessage({ personId, publicKey }): proof the caller holds the private key. */
  proof: string;
}

export interface Revocation {
  /** Certificate serial, lower-case hex without 0x or leading zeros. */
  serial: string;
  /** From this instant on the certificate's signatures are not accepted; earlier ones stand. */
  revokedAt: Date;
  reason: string;
}

/**
 * The consortium CA, behind an adapter: LocalCa for development, tests and the demo; HttpCa for a
 * licensed CA (docs/signing-ca.md).
 */
export interface CertificateAuthority {
  /** DER of the CA certificate every issued certificate chains to. */
  root(): Promise<Uint8Array>;
  /** Throws CaRefused when the request itself is unacceptable (bad proof, bad field). */
  issue(req: IssueRequest): Promise<{ serial: string; certificate: Uint8Array }>;
  revoke(serial: string, at: Date, reason: string): Promise<void>;
  revocations(): Promise<Revocation[]>;
}

/** The CA turned the request down; the message says why and may be shown to the person. */
export class CaRefused extends Error {
  override name = "CaRefused";
}

/** The CA could not be reached or answered something we cannot use; retrying may help. */
export class CaUnavailable extends Error {
  override name = "CaUnavailable";
}

/** Serials travel as hex; one spelling per serial so stores and lookups agree. */
export function normalizeSerial(serial: string): string {
  const s = serial.trim().toLowerCase().replace(/^0x/, "");
  if (!/^[0-9a-f]{1,40}$/.test(s)) throw new CaRefused(`not a certificate serial: ${serial}`);
  return BigInt("0x" + s).toString(16);
}
