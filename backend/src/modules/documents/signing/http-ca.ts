import { CaRefused, CaUnavailable, normalizeSerial, type CertificateAuthority, type IssueRequest, type Revocation } from "./ca";
import { parseCertificate } from "./x509";

/** Answers larger than this are not a CA talking to us. */
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/**
 * A licensed CA (or a gateway in front of one) speaking the interface of docs/signing-ca.md.
 * Everything it returns is checked before use: a certificate must parse and carry the key asked for.
 */
export class HttpCa implements CertificateAuthority {
  private readonly baseUrl: string;
  private readonly token: string;
  private readonly timeoutMs: number;
  private readonly fetchFn: typeof fetch;

  constructor(options: { baseUrl: string; token: string; timeoutMs?: number; fetch?: typeof fetch }) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.token = options.token;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.fetchFn = options.fetch ?? fetch;
  }

  async root(): Promise<Uint8Array> {
    const body = await this.call("GET", "/root");
    const der = base64Field(body, "certificate");
    if (!parseCertificate(der)) throw new CaUnavailable("the CA's root certificate is not an SM2 X.509 certificate");
    return der;
  }

  async issue(req: IssueRequest): Promise<{ serial: string; certificate: Uint8Array }> {
    const body = await this.call("POST", "/certificates", {
      personId: req.personId,
      name: req.name,
      organization: req.organization,
      uscc: req.uscc,
      publicKey: req.publicKey.toLowerCase(),
      proof: req.proof,
    });
    const certificate = base64Field(body, "certificate");
    const parsed = parseCertificate(certificate);
    if (!parsed) throw new CaUnavailable("the CA returned something that is not an SM2 X.509 certificate");
    if (parsed.publicKey !== req.publicKey.toLowerCase() || parsed.subject.personId !== req.personId) {
      throw new CaUnavailable("the CA returned a certificate for another key or person");
    }
    return { serial: parsed.serial, certificate };
  }

  async revoke(serial: string, at: Date, reason: string): Promise<void> {
    await this.call("POST", "/revocations", { serial: normalizeSerial(serial), revokedAt: at.toISOString(), reason });
  }

  async revocations(): Promise<Revocation[]> {
    const body = await this.call("GET", "/revocations");
    const list = (body as { revocations?: unknown }).revocations;
    if (!Array.isArray(list)) throw new CaUnavailable("the CA's revocation list is not a list");
    return list.map((r: unknown) => {
      const { serial, revokedAt, reason } = (r ?? {}) as Record<string, unknown>;
      const when = typeof revokedAt === "string" ? new Date(revokedAt) : new Date(NaN);
      if (typeof serial !== "string" || Number.isNaN(when.getTime())) throw new CaUnavailable("the CA's revocation list has a malformed entry");
      return { serial: normalizeSerial(serial), revokedAt: when, reason: typeof reason === "string" ? reason : "" };
    });
  }

  private async call(method: "GET" | "POST", path: string, payload?: unknown): Promise<unknown> {
    let res: Response;
    try {
      res = await this.fetchFn(this.baseUrl + path, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          accept: "application/json",
          ...(payload === undefined ? {} : { "content-type": "application/json" }),
        },
        body: payload === undefined ? undefined : JSON.stringify(payload),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      throw new CaUnavailable(`CA ${method} ${path}: ${(e as Error).message}`);
    }
    const text = await res.text();
    if (text.length > MAX_RESPONSE_BYTES) throw new CaUnavailable(`CA ${method} ${path}: response too large`);
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // A non-JSON body is reported below with the status.
    }
    if (res.ok) {
      if (method === "GET" || path === "/certificates") {
        if (body === null || typeof body !== "object") throw new CaUnavailable(`CA ${method} ${path}: answer is not JSON`);
      }
      return body;
    }
    const message = typeof (body as { message?: unknown } | null)?.message === "string" ? (body as { message: string }).message : text.slice(0, 200);
    // 4xx other than auth is the CA judging the request; auth and 5xx are our or its trouble.
    if (res.status >= 400 && res.status < 500 && res.status !== 401 && res.status !== 403 && res.status !== 429) {
      throw new CaRefused(message || `refused (${res.status})`);
    }
    throw new CaUnavailable(`CA ${method} ${path}: ${res.status} ${message}`);
  }
}

function base64Field(body: unknown, field: string): Uint8Array {
  const v = (body as Record<string, unknown>)[field];
  if (typeof v !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) throw new CaUnavailable(`CA answer lacks base64 ${field}`);
  return new Uint8Array(Buffer.from(v, "base64"));
}
