/** A tiny API client for tests: JSON in, status + parsed body + headers out. */
export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
  contentType: string;
}

export interface CallOptions {
  key?: string;
  idempotencyKey?: string;
  headers?: Record<string, string>;
  /** A raw body string, sent as-is (for malformed-input tests). */
  raw?: string;
}

export class Api {
  constructor(readonly baseUrl: string) {}

  async call<T = any>(method: string, path: string, body?: unknown, o: CallOptions = {}): Promise<Reply<T>> {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    if (o.key) headers.authorization = `Bearer ${o.key}`;
    if (o.idempotencyKey) headers["idempotency-key"] = o.idempotencyKey;
    const payload = o.raw ?? (body === undefined ? undefined : JSON.stringify(body));
    if (payload !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) headers["content-type"] = "application/json";
    const res = await fetch(this.baseUrl + path, { method, headers, body: payload });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed as T, headers: res.headers, contentType: res.headers.get("content-type") ?? "" };
  }

  get = <T = any>(path: string, o?: CallOptions) => this.call<T>("GET", path, undefined, o);
  post = <T = any>(path: string, body?: unknown, o?: CallOptions) => this.call<T>("POST", path, body ?? {}, o);
  delete = <T = any>(path: string, o?: CallOptions) => this.call<T>("DELETE", path, undefined, o);
}

/** Polls `probe` until it returns a truthy value (returned) or the timeout passes (throws). */
export async function eventually<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 15_000, what = "condition"): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
