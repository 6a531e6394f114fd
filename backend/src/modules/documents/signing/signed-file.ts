import type { SigningAct } from "./sm";

export interface FileSignature {
  act: SigningAct;
  role: string;
  /** ISO 8601 instant. */
  signedAt: string;
  /** Base64 DER of the signer's certificate. */
  certificate: string;
  /** DER SM2 signature, hex. */
  signature: string;
  /** The fingerprint of the document it signs: a signature carried onto another file is named as such. */
  document?: string;
}

export interface SplitFile {
  /** The bytes the fingerprint is taken over: the file without the signature block. */
  document: Buffer;
  signatures: FileSignature[] | null;
  /**
   * Something that looks like a signature block was there but could not be read: the file was
   * damaged or tampered with. The document is then the whole file, never a guess at where the PDF
   * ends: bytes after a PDF's end may be an incremental update a reader would display, so leaving
   * them out of the fingerprint would check one text and show another.
   */
  malformed: boolean;
}

// The block after the PDF's %%EOF, byte for byte (docs/signed-documents.md):
//   "\n%ChainFactor-Signatures v1\n%" base64(JSON) "\n%%ChainFactor-End\n"
// The leading newline belongs to the block, so the document part is the PDF exactly as generated,
// whether or not the PDF ends with a newline.
const START = Buffer.from("\n%ChainFactor-Signatures v1\n%", "latin1");
const END = Buffer.from("\n%%ChainFactor-End", "latin1");
const MAX_SIGNATURES = 32;
const MAX_BLOCK_BYTES = 1024 * 1024;
const MAX_CERTIFICATE_BASE64 = 24 * 1024;
const ACTS: readonly SigningAct[] = ["confirm", "sign-for", "quote", "accept", "acknowledge"];
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

export function attachSignatures(pdf: Uint8Array, sigs: FileSignature[]): Buffer {
  const document = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength);
  if (splitSigned(document).signatures !== null || document.includes(START)) {
    throw new RangeError("the document already carries a signature block: attach to the bare document");
  }
  const list = sigs.map((s) => pick(s));
  if (list.length > MAX_SIGNATURES || list.some((s) => s === null)) throw new RangeError("malformed signature entry");
  const payload = Buffer.from(JSON.stringify(list), "utf8").toString("base64");
  return Buffer.concat([document, START, Buffer.from(payload, "latin1"), END, Buffer.from("\n", "latin1")]);
}

/** Reads a file from anyone: never throws, reads at most the last MAX_BLOCK_BYTES for the block. */
export function splitSigned(file: Uint8Array): SplitFile {
  if (!(file instanceof Uint8Array)) return { document: Buffer.alloc(0), signatures: null, malformed: true };
  const bytes = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  const whole = { document: bytes, signatures: null, malformed: false };
  // Tolerate a newline convention changed in transit after the end marker.
  let end = bytes.length;
  while (end > 0 && (bytes[end - 1] === 0x0a || bytes[end - 1] === 0x0d) && end > bytes.length - 2) end--;
  const tailFrom = Math.max(0, end - MAX_BLOCK_BYTES);
  const start = bytes.lastIndexOf(START, end);
  const endsWithMarker = end >= END.length && bytes.subarray(end - END.length, end).equals(END);
  if (start < tailFrom || start < 0) {
    return endsWithMarker ? { ...whole, malformed: true } : whole;
  }
  if (!endsWithMarker || end - END.length < start + START.length) return { ...whole, malformed: true };
  // A well-formed payload is one base64 line, so the block is three comment lines and nothing else.
  const signatures = readPayload(bytes.subarray(start + START.length, end - END.length).toString("latin1"));
  if (signatures === null) return { ...whole, malformed: true };
  return { document: bytes.subarray(0, start), signatures, malformed: false };
}

function readPayload(base64: string): FileSignature[] | null {
  if (!BASE64.test(base64) || base64.length % 4 !== 0) return null;
  let list: unknown;
  try {
    list = JSON.parse(Buffer.from(base64, "base64").toString("utf8"));
  } catch {
    return null;
  }
  if (!Array.isArray(list) || list.length > MAX_SIGNATURES) return null;
  const out: FileSignature[] = [];
  for (const item of list) {
    const s = pick(item);
    if (!s) return null;
    out.push(s);
  }
  return out;
}

/** The entry's known fields, checked for shape; null if any is missing or malformed. */
function pick(item: unknown): FileSignature | null {
  if (!item || typeof item !== "object" || Array.isArray(item)) return null;
  const { act, role, signedAt, certificate, signature, document } = item as Record<string, unknown>;
  if (typeof act !== "string" || !ACTS.includes(act as SigningAct)) return null;
  if (typeof role !== "string" || role.length === 0 || role.length > 100) return null;
  if (typeof signedAt !== "string" || !ISO_INSTANT.test(signedAt) || Number.isNaN(Date.parse(signedAt))) return null;
  if (typeof certificate !== "string" || certificate.length > MAX_CERTIFICATE_BASE64 || !BASE64.test(certificate)) return null;
  if (typeof signature !== "string" || !/^[0-9a-f]{2,160}$/.test(signature)) return null;
  if (document !== undefined && (typeof document !== "string" || !/^0x[0-9a-f]{64}$/.test(document))) return null;
  return { act: act as SigningAct, role, signedAt, certificate, signature, ...(document === undefined ? {} : { document }) };
}
