import { lookup } from "node:dns/promises";
import { isIP } from "node:net";

/**
 * Where webhooks may be sent. In production: https only, never to a loopback, private,
 * link-local or otherwise internal address (checked when subscribing and again, after DNS
 * resolution, before each delivery), so a subscription cannot make the platform probe its own
 * network. Elsewhere (development, test) plain http to 127.0.0.1 / localhost / [::1] is also
 * allowed, for local receivers.
 */
export const isProduction = () => process.env.NODE_ENV === "production";

const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** Why `raw` cannot be a webhook URL, or null if it can. */
export function webhookUrlProblem(raw: string, production = isProduction()): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "must be an absolute URL, e.g. https://erp.example.com/chainfactor/webhooks";
  }
  if (url.username || url.password) return "must not contain credentials (user:password@); authenticate deliveries by their signature";
  if (url.hash) return "must not contain a fragment (#...)";
  const host = url.hostname.toLowerCase();
  if (url.protocol === "http:") {
    if (production) return "must use https";
    if (!LOCAL_HOSTS.has(host)) return "must use https (plain http is allowed only to 127.0.0.1, localhost or [::1] outside production)";
    return null;
  }
  if (url.protocol !== "https:") return "must use https";
  if (production) {
    if (host === "localhost" || host.endsWith(".localhost") || host.endsWith(".internal") || host.endsWith(".local")) return "must be a public host, not a local one";
    const literal = host.startsWith("[") ? host.slice(1, -1) : host;
    if (isIP(literal) && isInternalAddress(literal)) return "must be a public address, not a loopback, private or link-local one";
  }
  return null;
}

/** In production, the host's addresses must all be public right before a delivery (DNS may have changed). */
export async function deliveryTargetProblem(raw: string, production = isProduction()): Promise<string | null> {
  const problem = webhookUrlProblem(raw, production);
  if (problem || !production) return problem;
  const host = new URL(raw).hostname.replace(/^\[|\]$/g, "");
  const addresses = isIP(host) ? [{ address: host }] : await lookup(host, { all: true, verbatim: true });
  const internal = addresses.find((a) => isInternalAddress(a.address));
  return internal ? `the host resolves to ${internal.address}, an internal address` : null;
}

/** Loopback, private, carrier-grade NAT, link-local, multicast, unspecified, or such an IPv4 address mapped into (or compatible with) IPv6. */
export function isInternalAddress(ip: string): boolean {
  if (isIP(ip) === 4) {
    const [a, b] = ip.split(".").map(Number);
    return (
      a === 0 || a === 10 || a === 127 || a >= 224 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 198 && (b === 18 || b === 19))
    );
  }
  const v6 = ip.toLowerCase();
  const mapped = /^::(?:ffff:)?(\d+\.\d+\.\d+\.\d+)$/.exec(v6);
  if (mapped) return isInternalAddress(mapped[1]);
  // the same written in hex, as the URL parser writes it: [::ffff:10.0.0.1] becomes [::ffff:a00:1]
  const hex = /^::(?:ffff:)?([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(v6);
  if (hex) {
    const [hi, lo] = [parseInt(hex[1], 16), parseInt(hex[2], 16)];
    return isInternalAddress(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
  }
  return v6 === "::" || v6 === "::1" || /^f[cd]/.test(v6) || /^fe[89ab]/.test(v6) || v6.startsWith("ff");
}
