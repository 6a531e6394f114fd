import { createHmac, timingSafeEqual } from "node:crypto";

/** The header carrying the signature of a delivery. */
export const SIGNATURE_HEADER = "ChainFactor-Signature";
/** How far a receiver should accept the signed timestamp from its own clock. */
export const DEFAULT_TOLERANCE_S = 300;

/**
 * Signs a webhook body: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
 *
 * How an integrator verifies a delivery (see docs/webhooks.md for a complete snippet):
 * 1. take the raw request body, byte for byte, before any JSON parsing;
 * 2. split the `ChainFactor-Signature` header on `,` into `t=...` and one or more `v1=...`;
 * 3. compute HMAC-SHA256 with the subscription's secret (the whole `whsec_...` string, as UTF-8)
 *    over `t + "." + body`, hex-encoded;
 * 4. accept if it equals any `v1` value (compare in constant time) and `t` is within five
 *    minutes of the receiver's clock (a replayed old delivery fails this);
 * 5. deduplicate on the payload's `id` (the event) or the `ChainFactor-Delivery` header: a
 *    delivery may arrive more than once (at-least-once).
 */
export function signatureHeader(secret: string, body: string, timestamp: number): string {
  return `t=${timestamp},v1=${hmacHex(secret, timestamp, body)}`;
}

function hmacHex(secret: string, timestamp: number | string, body: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`, "utf8").digest("hex");
}

/** Verifies a signature header as a receiver would (exported for tests and integrators' reference). */
export function verifySignature(secret: string, body: string, header: string | null | undefined, now = Date.now(), toleranceS = DEFAULT_TOLERANCE_S): boolean {
  if (!header) return false;
  const parts = header.split(",").map((p) => p.trim().split("="));
  const t = parts.find(([k]) => k === "t")?.[1];
  const signatures = parts.filter(([k]) => k === "v1").map(([, v]) => v ?? "");
  if (!t || !/^[0-9]{1,12}$/.test(t) || signatures.length === 0) return false;
  if (Math.abs(Math.floor(now / 1000) - Number(t)) > toleranceS) return false;
  const expected = Buffer.from(hmacHex(secret, t, body), "hex");
  return signatures.some((s) => /^[0-9a-f]{64}$/.test(s) && timingSafeEqual(Buffer.from(s, "hex"), expected));
}
