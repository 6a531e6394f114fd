import { sleep } from "./ledger-node";

/** An answer of the API that was not what the client wanted. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The benchmark's client of the public HTTP API: JSON in and out, problems as ApiProblem, and a
 * count of requests by route so the report can say what the load was. 429/503 are retried (the
 * rate limit is set out of the way, but a client must cope with them anyway).
 */
export class BenchClient {
  readonly requests = new Map<string, number>();
  errors = 0;

  constructor(readonly baseUrl: string) {}

  async call<T = any>(method: "GET" | "POST", path: string, key: string, body?: unknown, route = path, headers: Record<string, string> = {}): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      this.requests.set(`${method} ${route}`, (this.requests.get(`${method} ${route}`) ?? 0) + 1);
      const res = await fetch(this.baseUrl + path, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(60_000),
      });
      const text = await res.text();
      const parsed = text ? JSON.parse(text) : undefined;
      if ((res.status === 429 || res.status === 503) && attempt < 10) {
        await sleep(200 * 2 ** Math.min(attempt, 5));
        continue;
      }
      if (!res.ok) {
        this.errors++;
        throw new ApiProblem(res.status, parsed?.code ?? "", `${method} ${path} → ${res.status} ${parsed?.code ?? ""}: ${parsed?.detail ?? text}`);
      }
      return parsed as T;
    }
  }

  get = <T = any>(path: string, key: string, route?: string) => this.call<T>("GET", path, key, undefined, route);
  /** A read answered when the object's status changes (RFC 7240 `Prefer: wait`), instead of polling. */
  waitingGet = <T = any>(path: string, key: string, route?: string) => this.call<T>("GET", path, key, undefined, route, { prefer: "wait=30" });
  post = <T = any>(path: string, key: string, body: unknown = {}, route?: string) => this.call<T>("POST", path, key, body, route);

  /** Polls `probe` every `everyMs` until it returns something; the time it first did. */
  async until<T>(what: string, probe: () => Promise<T | null | undefined | false>, everyMs: number, timeoutMs = 300_000): Promise<{ value: T; at: number }> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const v = await probe();
      if (v) return { value: v, at: Date.now() };
      if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await sleep(everyMs);
    }
  }

  /** Waits until the operations are mined (each read answered when its status changes); throws on a failed one. */
  async mined(ids: string[], key: string): Promise<void> {
    for (const id of new Set(ids)) {
      await this.until(`operation ${id}`, async () => {
        const op = await this.waitingGet(`/v1/operations/${id}`, key, "/v1/operations/:id");
        if (op.status === "failed") throw new Error(`operation ${id} (${op.kind}) failed: ${op.error?.code} ${op.error?.message}`);
        return op.status === "mined";
      }, 0);
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
