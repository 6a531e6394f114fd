import { fieldProblems } from "./client";

/**
 * A person signed in to the API as the portal signs in (POST /v1/sessions: a session cookie and a
 * CSRF token sent back on every write), for the demo's people: what they do goes through the same
 * doors, duties and four-eyes rules as in the portal.
 */
export class PersonSession {
  private cookies = new Map<string, string>();

  private constructor(
    readonly baseUrl: string,
    readonly email: string,
  ) {}

  static async signIn(baseUrl: string, email: string, password: string): Promise<PersonSession> {
    const s = new PersonSession(baseUrl, email);
    await s.call("POST", "/v1/sessions", { email, password });
    return s;
  }

  /** The session's cookie, as a browser sends it on a download. */
  headers(): Record<string, string> {
    return { origin: this.baseUrl, ...(this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ") } : {}) };
  }

  async call<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    const headers = this.headers();
    const csrf = this.cookies.get("cf_csrf");
    if (method !== "GET" && csrf) headers["x-csrf-token"] = csrf;
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(this.baseUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    for (const c of res.headers.getSetCookie()) {
      const pair = c.split(";")[0];
      const i = pair.indexOf("=");
      this.cookies.set(pair.slice(0, i).trim(), pair.slice(i + 1).trim());
    }
    const text = await res.text();
    const parsed = text ? JSON.parse(text) : undefined;
    if (!res.ok) throw new Error(`${this.email}: ${method} ${path} → ${res.status} ${parsed?.code ?? ""}: ${parsed?.detail ?? text}${fieldProblems(parsed)}`);
    return parsed as T;
  }

  get = <T = any>(path: string) => this.call<T>("GET", path);
  post = <T = any>(path: string, body: unknown = {}) => this.call<T>("POST", path, body);
}
