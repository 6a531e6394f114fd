import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  Extension,
  Extensions,
  KeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  Name,
  RelativeDistinguishedName,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_keyUsage,
  id_ce_subjectKeyIdentifier,
} from "@peculiar/asn1-x509";
import { sm3 } from "sm-crypto-v2";
import { readTlv } from "./der";
import { fromHex, sm2Sign, sm2Verify, toHex } from "./sm";

export const OID_SM3_WITH_SM2 = "1.2.156.10197.1.501";
export const OID_SM2_CURVE = "1.2.156.10197.1.301";
const OID_EC_PUBLIC_KEY = "1.2.840.10045.2.1";
const OID_CN = "2.5.4.3";
const OID_O = "2.5.4.10";
const OID_OU = "2.5.4.11";
const OID_SERIAL_NUMBER = "2.5.4.5";
const OID_UID = "0.9.2342.19200300.100.1.1";
/** DER of OBJECT IDENTIFIER 1.2.156.10197.1.301, the parameters of an SM2 key. */
const SM2_CURVE_PARAMETERS = new Uint8Array([0x06, 0x08, 0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x82, 0x2d]);
/** Certificates are small; anything larger is not ours and is not worth parsing. */
const MAX_CERTIFICATE_BYTES = 16 * 1024;

export interface CertificateSubject {
  name: string;
  organization: string;
  uscc: string;
  personId: string;
}

export interface ParsedCertificate {
  /** Lower-case hex without leading zeros or 0x (the CA's serial form). */
  serial: string;
  subject: CertificateSubject;
  issuerName: string;
  publicKey: string;
  notBefore: Date;
  notAfter: Date;
  /** The signed part, exactly as it appears in the certificate. */
  tbs: Uint8Array;
  /** DER SM2 signature over `tbs`, hex. */
  signature: string;
}

export function issueCertificate(p: {
  serial: bigint;
  subject: CertificateSubject;
  publicKey: string;
  notBefore: Date;
  notAfter: Date;
  issuer: { certificate: Uint8Array; privateKey: string };
}): Uint8Array {
  const issuer = AsnConvert.parse(p.issuer.certificate, Certificate);
  const issuerKey = toHex(new Uint8Array(issuer.tbsCertificate.subjectPublicKeyInfo.subjectPublicKey));
  const subject = new Name([
    rdn(OID_CN, utf8(p.subject.name)),
    rdn(OID_O, utf8(p.subject.organization)),
    rdn(OID_OU, utf8(p.subject.uscc)),
    rdn(OID_SERIAL_NUMBER, new AttributeValue({ printableString: p.subject.uscc })),
    rdn(OID_UID, utf8(p.subject.personId)),
  ]);
  return sign(
    {
      serial: p.serial,
      issuer: issuer.tbsCertificate.subject,
      subject,
      publicKey: p.publicKey,
      notBefore: p.notBefore,
      notAfter: p.notAfter,
      extensions: [
        extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: false })),
        extension(
          id_ce_keyUsage,
          true,
          new KeyUsage(KeyUsageFlags.digitalSignature | KeyUsageFlags.nonRepudiation),
        ),
        extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyId(p.publicKey))),
        extension(
          id_ce_authorityKeyIdentifier,
          false,
          new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(keyId(issuerKey)) }),
        ),
      ],
    },
    p.issuer.privateKey,
  );
}

export function selfSignedRoot(p: {
  name: string;
  privateKey: string;
  publicKey: string;
  notBefore: Date;
  notAfter: Date;
}): Uint8Array {
  const name = new Name([rdn(OID_CN, utf8(p.name))]);
  return sign(
    {
      serial: 1n,
      issuer: name,
      subject: name,
      publicKey: p.publicKey,
      notBefore: p.notBefore,
      notAfter: p.notAfter,
      extensions: [
        extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: true })),
        extension(id_ce_keyUsage, true, new KeyUsage(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign)),
        extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyId(p.publicKey))),
      ],
    },
    p.privateKey,
  );
}

/**
 * Reads a certificate from an untrusted caller. Returns null for anything that is not a
 * well-formed X.509 SM2 certificate signed SM3withSM2; it does not check who signed it
 * (`verifyIssuedBy`) or when it is valid.
 */
export function parseCertificate(der: Uint8Array): ParsedCertificate | null {
  try {
    if (!(der instanceof Uint8Array) || der.length > MAX_CERTIFICATE_BYTES) return null;
    const outer = readTlv(der, 0);
    if (!outer || outer.tag !== 0x30 || outer.end !== der.length) return null;
    const tbsTlv = readTlv(der, outer.body, outer.end);
    if (!tbsTlv || tbsTlv.tag !== 0x30) return null;
    const algTlv = readTlv(der, tbsTlv.end, outer.end);
    const sigTlv = algTlv && readTlv(der, algTlv.end, outer.end);
    // The signature BIT STRING must be whole bytes and the last thing in the certificate.
    if (!sigTlv || sigTlv.tag !== 0x03 || sigTlv.end !== outer.end || der[sigTlv.body] !== 0) return null;

    const cert = AsnConvert.parse(der, Certificate);
    const tbs = cert.tbsCertificate;
    if (tbs.version !== Version.v3) return null;
    if (cert.signatureAlgorithm.algorithm !== OID_SM3_WITH_SM2) return null;
    if (tbs.signature.algorithm !== OID_SM3_WITH_SM2) return null;
    const spki = tbs.subjectPublicKeyInfo;
    if (spki.algorithm.algorithm !== OID_EC_PUBLIC_KEY) return null;
    if (!spki.algorithm.parameters || !sameBytes(new Uint8Array(spki.algorithm.parameters), SM2_CURVE_PARAMETERS)) {
      return null;
    }
    const publicKey = toHex(new Uint8Array(spki.subjectPublicKey));
    if (!/^04[0-9a-f]{128}$/.test(publicKey)) return null;

    const serialBytes = new Uint8Array(tbs.serialNumber);
    if (serialBytes.length === 0 || serialBytes.length > 20 || serialBytes[0] & 0x80) return null;
    const serial = BigInt("0x" + toHex(serialBytes)).toString(16);

    const notBefore = tbs.validity.notBefore.getTime();
    const notAfter = tbs.validity.notAfter.getTime();
    if (Number.isNaN(notBefore.getTime()) || Number.isNaN(notAfter.getTime())) return null;

    return {
      serial,
      subject: {
        name: attribute(tbs.subject, OID_CN),
        organization: attribute(tbs.subject, OID_O),
        uscc: attribute(tbs.subject, OID_OU),
        personId: attribute(tbs.subject, OID_UID),
      },
      issuerName: attribute(tbs.issuer, OID_CN),
      publicKey,
      notBefore,
      notAfter,
      tbs: der.slice(tbsTlv.start, tbsTlv.end),
      signature: toHex(new Uint8Array(cert.signatureValue)),
    };
  } catch {
    return null;
  }
}

/** Whether the certificate's signature is the issuer key's over its TBS (SM3withSM2, SIGNER_ID). */
export function verifyIssuedBy(cert: ParsedCertificate, issuerPublicKey: string): boolean {
  return sm2Verify(issuerPublicKey, cert.tbs, cert.signature);
}

// ---------------------------------------------------------------------------------------------

interface Unsigned {
  serial: bigint;
  issuer: Name;
  subject: Name;
  publicKey: string;
  notBefore: Date;
  notAfter: Date;
  extensions: Extension[];
}

function sign(u: Unsigned, issuerPrivateKey: string): Uint8Array {
  if (u.serial <= 0n) throw new RangeError("certificate serial must be positive");
  if (!/^04[0-9a-f]{128}$/i.test(u.publicKey)) throw new RangeError("public key must be uncompressed SM2 hex");
  if (!(u.notBefore < u.notAfter)) throw new RangeError("notBefore must precede notAfter");
  const algorithm = new AlgorithmIdentifier({ algorithm: OID_SM3_WITH_SM2 });
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: serialBytes(u.serial),
    signature: algorithm,
    issuer: u.issuer,
    validity: new Validity({ notBefore: u.notBefore, notAfter: u.notAfter }),
    subject: u.subject,
    subjectPublicKeyInfo: new SubjectPublicKeyInfo({
      algorithm: new AlgorithmIdentifier({
        algorithm: OID_EC_PUBLIC_KEY,
        parameters: SM2_CURVE_PARAMETERS.slice().buffer,
      }),
      subjectPublicKey: fromHex(u.publicKey.toLowerCase()).slice().buffer,
    }),
    extensions: new Extensions(u.extensions),
  });
  const tbsDer = new Uint8Array(AsnConvert.serialize(tbs));
  const signature = sm2Sign(issuerPrivateKey, tbsDer);
  const cert = new Certificate({
    tbsCertificate: tbs,
    signatureAlgorithm: algorithm,
    signatureValue: fromHex(signature).slice().buffer,
  });
  return new Uint8Array(AsnConvert.serialize(cert));
}

function serialBytes(serial: bigint): ArrayBuffer {
  let hex = serial.toString(16);
  if (hex.length % 2) hex = "0" + hex;
  if (parseInt(hex.slice(0, 2), 16) & 0x80) hex = "00" + hex;
  return fromHex(hex).slice().buffer;
}

function utf8(value: string): AttributeValue {
  return new AttributeValue({ utf8String: value });
}

function rdn(type: string, value: AttributeValue): RelativeDistinguishedName {
  return new RelativeDistinguishedName([new AttributeTypeAndValue({ type, value })]);
}

function extension(extnID: string, critical: boolean, value: object): Extension {
  return new Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

/** RFC 5280 §4.2.1.2 leaves the method open; SM3 keeps the certificate free of SHA-1. */
function keyId(publicKey: string): Uint8Array {
  return fromHex(sm3(fromHex(publicKey.toLowerCase())).slice(0, 40));
}

function attribute(name: Name, type: string): string {
  for (const set of name) {
    for (const item of set) {
      if (item.type !== type) continue;
      const v = item.value;
      // A value of an unexpected ASN.1 type would come back as hex: treat it as absent.
      return v.utf8String ?? v.printableString ?? v.ia5String ?? "";
    }
  }
  return "";
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
