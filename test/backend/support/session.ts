import type { Reply } from "./http";

/**
 * A person's browser as the API sees it: cookies kept between requests (name=value only), the
 * CSRF token sent back on every change, a same-origin Origin header like a browser's fetch.
 */
export class BrowserSession {
  readonly cookies = new Map<string, string>();
  /** The Set-Cookie headers of the last answer, for checking their attributes. */
  lastSetCookies: string[] = [];

  constructor(readonly baseUrl: string) {}

  get csrf() {
    return this.cookies.get("cf_csrf");
  }

  async call<T = any>(method: string, path: string, body?: unknown, o: { csrf?: string | null; headers?: Record<string, string> } = {}): Promise<Reply<T>> {
    const headers: Record<string, string> = { origin: this.baseUrl, ...(o.headers ?? {}) };
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    if (cookie) headers.cookie = cookie;
    const csrf = o.csrf === undefined ? this.csrf : o.csrf;
    if (method !== "GET" && csrf) headers["x-csrf-token"] = csrf;
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(this.baseUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), redirect: "manual" });
    this.lastSetCookies = res.headers.getSetCookie();
    for (const c of this.lastSetCookies) {
      const [pair, ...attrs] = c.split(";");
      const i = pair.indexOf("=");
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      const expired = attrs.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a)) || value === "";
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed as T, headers: res.headers, contentType: res.headers.get("content-type") ?? "" };
  }

  signIn = (email: string, password: string) => this.call("POST", "/v1/sessions", { email, password });
  get = <T = any>(path: string) => this.call<T>("GET", path);
  post = <T = any>(path: string, body: unknown = {}, o?: { csrf?: string | null; headers?: Record<string, string> }) => this.call<T>("POST", path, body, o);
}
