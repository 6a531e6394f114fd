// A strict reader for the few DER shapes we take from untrusted callers (SM2 signatures, the
// outer frame of a certificate). Every length is checked against the bytes actually present.

/** Order of the SM2 recommended curve's base point (GB/T 32918.5). */
export const SM2_N = BigInt("0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123");

export interface Tlv {
  tag: number;
  /** Offset of the tag byte. */
  start: number;
  /** Offset of the first content byte. */
  body: number;
  /** Offset just past the content. */
  end: number;
}

/** One TLV at `at`, or null when the encoding is not minimal DER or runs past `limit`. */
export function readTlv(bytes: Uint8Array, at: number, limit = bytes.length): Tlv | null {
  if (at + 2 > limit) return null;
  const tag = bytes[at];
  if ((tag & 0x1f) === 0x1f) return null; // multi-byte tags never occur in what we read
  let length = bytes[at + 1];
  let body = at + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4 || body + count > limit) return null;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[body + i];
    body += count;
    // DER: long form only when needed, and without leading zero bytes.
    if (length < 0x80 || bytes[at + 2] === 0) return null;
  }
  const end = body + length;
  if (end > limit) return null;
  return { tag, start: at, body, end };
}

function readInteger(bytes: Uint8Array, at: number, limit: number): { value: bigint; end: number } | null {
  const tlv = readTlv(bytes, at, limit);
  if (!tlv || tlv.tag !== 0x02 || tlv.end === tlv.body) return null;
  const first = bytes[tlv.body];
  if (first & 0x80) return null; // negative
  if (first === 0 && tlv.end - tlv.body > 1 && !(bytes[tlv.body + 1] & 0x80)) return null; // not minimal
  let value = 0n;
  for (let i = tlv.body; i < tlv.end; i++) value = (value << 8n) | BigInt(bytes[i]);
  return { value, end: tlv.end };
}

/** `SEQUENCE { r INTEGER, s INTEGER }` with 1 ≤ r, s < n and nothing after it, else null. */
export function decodeSignature(bytes: Uint8Array): { r: bigint; s: bigint } | null {
  const seq = readTlv(bytes, 0);
  if (!seq || seq.tag !== 0x30 || seq.end !== bytes.length) return null;
  const r = readInteger(bytes, seq.body, seq.end);
  if (!r) return null;
  const s = readInteger(bytes, r.end, seq.end);
  if (!s || s.end !== seq.end) return null;
  if (r.value < 1n || r.value >= SM2_N || s.value < 1n || s.value >= SM2_N) return null;
  return { r: r.value, s: s.value };
}

function integerBytes(value: bigint): number[] {
  let hex = value.toString(16);
  if (hex.length % 2) hex = "0" + hex;
  const out = Array.from(Buffer.from(hex, "hex"));
  return out[0] & 0x80 ? [0, ...out] : out;
}

function lengthBytes(length: number): number[] {
  if (length < 0x80) return [length];
  const out: number[] = [];
  for (let l = length; l > 0; l = Math.floor(l / 256)) out.unshift(l % 256);
  return [0x80 | out.length, ...out];
}

export function encodeSignature(r: bigint, s: bigint): string {
  const ri = integerBytes(r);
  const si = integerBytes(s);
  const body = [0x02, ...lengthBytes(ri.length), ...ri, 0x02, ...lengthBytes(si.length), ...si];
  return Buffer.from([0x30, ...lengthBytes(body.length), ...body]).toString("hex");
}
