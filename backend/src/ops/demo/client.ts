/** A small client of the public API for the demo: JSON in and out, problems as errors. */
export class ApiClient {
  constructor(readonly baseUrl: string) {}

  async call<T = any>(method: string, path: string, key: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const parsed = text ? JSON.parse(text) : undefined;
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${parsed?.code ?? ""}: ${parsed?.detail ?? text}${fieldProblems(parsed)}`);
    return parsed as T;
  }

  /** A POST whose refusal the demo shows: the status and body, whatever they are. */
  async attempt(path: string, key: string, body: unknown): Promise<{ status: number; body: any }> {
    const res = await fetch(this.baseUrl + path, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  get = <T = any>(path: string, key: string) => this.call<T>("GET", path, key);
  /** A read the API answers when the object's status changes (RFC 7240 `Prefer: wait`), instead of polling. */
  waitingGet = <T = any>(path: string, key: string) => this.call<T>("GET", path, key, undefined, { prefer: "wait=30" });
  post = <T = any>(path: string, key: string, body: unknown = {}) => this.call<T>("POST", path, key, body);

  /** Asks until `probe` returns something truthy: at once again when `everyMs` is 0 (a probe that waits on the server). */
  async until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 120_000, everyMs = 200): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const v = await probe();
      if (v) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      if (everyMs) await new Promise((r) => setTimeout(r, everyMs));
    }
  }

  /** Waits for operations to be mined; fails loudly on a failed one. */
  async mined(ids: string[], key: string): Promise<void> {
    for (const id of new Set(ids)) {
      await this.until(`operation ${id}`, async () => {
        const op = await this.waitingGet(`/v1/operations/${id}`, key);
        if (op.status === "failed") throw new Error(`operation ${id} (${op.kind}) failed: ${op.error?.code} ${op.error?.message}`);
        return op.status === "mined";
      }, 120_000, 0);
    }
  }
}

/** Runs `fn` over `items` with at most `n` in flight. */
export async function pool<T, R>(items: T[], n: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

export const chunks = <T>(items: T[], size: number): T[][] => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/** A problem's field errors, for a refusal's message: " (body.validUntil: is in the past; …)". */
export const fieldProblems = (problem: { errors?: { field: string; message: string }[] } | undefined) =>
  problem?.errors?.length ? ` (${problem.errors.map((e) => `${e.field}: ${e.message}`).join("; ")})` : "";
