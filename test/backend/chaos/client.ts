/**
 * The chaos clients' view of the platform: several API processes, any of which may be dead at any
 * moment. A request that cannot reach one is sent to another (or, all being down, again a little
 * later). Every POST carries an Idempotency-Key, so resending one whose answer was lost is safe: the
 * platform replays the first answer. What the clients saw (network errors, 5xx, keys stuck "in
 * progress" because the API process that took them died) is counted for the report.
 */
import { randomUUID } from "node:crypto";

export interface Reply {
  status: number;
  body: any;
}

export class StuckIdempotencyKey extends Error {}

export interface ClientStats {
  requests: number;
  networkErrors: number;
  serverErrors: Map<string, number>;
  stuckKeys: number;
  recovered: number;
}

export const newStats = (): ClientStats => ({ requests: 0, networkErrors: 0, serverErrors: new Map(), stuckKeys: 0, recovered: 0 });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class ChaosApi {
  private next = 0;

  constructor(
    private readonly endpoints: () => string[],
    readonly stats: ClientStats,
    private readonly patienceMs = 120_000,
  ) {}

  /**
   * One logical request, retried across API processes until one answers with something other than a
   * 5xx, a 429 or "the first request with this key is still in progress". A key still in progress
   * after `stuckAfterMs` means the process that took it died: StuckIdempotencyKey (the caller looks
   * up what happened instead).
   */
  async call(method: "GET" | "POST", path: string, key: string, body?: unknown, idempotencyKey?: string, stuckAfterMs = 8_000): Promise<Reply> {
    const until = Date.now() + this.patienceMs;
    let inProgressSince = 0;
    for (let attempt = 0; ; attempt++) {
      if (Date.now() > until) throw new Error(`${method} ${path}: no usable answer from any API process within ${this.patienceMs} ms`);
      const urls = this.endpoints();
      const base = urls[this.next++ % urls.length];
      this.stats.requests++;
      let res: Response;
      try {
        res = await fetch(base + path, {
          method,
          headers: {
            authorization: `Bearer ${key}`,
            ...(body === undefined ? {} : { "content-type": "application/json" }),
            ...(idempotencyKey ? { "idempotency-key": idempotencyKey } : {}),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(20_000),
        });
      } catch {
        this.stats.networkErrors++;
        await sleep(attempt < 3 ? 50 : 300);
        continue;
      }
      const text = await res.text().catch(() => null);
      if (text === null) {
        // the connection died while the answer was being read
        this.stats.networkErrors++;
        continue;
      }
      let parsed: any = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        /* not JSON */
      }
      if (res.status >= 500) {
        const gist = `${method} ${path.replace(/[0-9a-f-]{36}|\d+/g, ":id")} ${res.status} ${parsed?.code ?? ""}`;
        this.stats.serverErrors.set(gist, (this.stats.serverErrors.get(gist) ?? 0) + 1);
        await sleep(300);
        continue;
      }
      if (res.status === 429) {
        await sleep(300);
        continue;
      }
      if (res.status === 409 && parsed?.code === "IDEMPOTENCY.IN_PROGRESS") {
        inProgressSince ||= Date.now();
        if (Date.now() - inProgressSince > stuckAfterMs) {
          this.stats.stuckKeys++;
          throw new StuckIdempotencyKey(`${method} ${path}: Idempotency-Key ${idempotencyKey} still in progress after ${stuckAfterMs} ms`);
        }
        await sleep(250);
        continue;
      }
      return { status: res.status, body: parsed };
    }
  }

  get = (path: string, key: string) => this.call("GET", path, key);
  post = (path: string, key: string, body: unknown = {}, idempotencyKey: string = randomUUID()) => this.call("POST", path, key, body, idempotencyKey);

  /**
   * A POST whose effect must happen once: sent with one Idempotency-Key (resent with the same key
   * while answers are lost). If the key is stuck, or the platform answers 409 because the first
   * attempt did take effect, `recover` looks the result up through the API; only when it finds
   * nothing is the request sent again under a new key.
   */
  async once<T>(what: string, send: (idem: string) => Promise<Reply>, accept: (r: Reply) => T | null, recover: () => Promise<T | null>): Promise<T> {
    let last: Reply | null = null;
    for (let attempt = 0; attempt < 6; attempt++) {
      try {
        last = await send(randomUUID());
      } catch (e) {
        if (!(e instanceof StuckIdempotencyKey)) throw e;
        last = null;
      }
      if (last) {
        const v = accept(last);
        if (v !== null) return v;
      }
      if (last === null || last.status === 409) {
        const found = await recover();
        if (found !== null) {
          this.stats.recovered++;
          return found;
        }
        await sleep(500);
        continue;
      }
      break;
    }
    throw new Error(`${what}: ${last ? `${last.status} ${JSON.stringify(last.body)}` : "no answer"}`);
  }

  /** Polls a GET until `done` says yes (throwing from `done` aborts). */
  async until<T>(what: string, path: string, key: string, done: (r: Reply) => T | null | undefined, timeoutMs = 90_000): Promise<T> {
    const until = Date.now() + timeoutMs;
    this.waiting.add(what);
    try {
      return await this.poll(what, path, key, done, until, timeoutMs);
    } finally {
      this.waiting.delete(what);
    }
  }

  /** What the clients are waiting for right now (shown when a round fails or stalls). */
  readonly waiting = new Set<string>();

  private async poll<T>(what: string, path: string, key: string, done: (r: Reply) => T | null | undefined, until: number, timeoutMs: number): Promise<T> {
    let last: Reply | null = null;
    for (;;) {
      last = await this.get(path, key);
      const v = done(last);
      if (v !== null && v !== undefined) return v;
      if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last answer ${last.status} ${JSON.stringify(last.body).slice(0, 400)}`);
      await sleep(150);
    }
  }

  /** Waits until an accepted operation reads "mined" (projected); "failed" is a violation. */
  async mined(operationId: string, key: string, timeoutMs = 90_000) {
    return this.until(`operation ${operationId} to be mined`, `/v1/operations/${operationId}`, key, (r) => {
      if (r.body?.status === "failed") throw new Error(`accepted operation ${operationId} failed: ${JSON.stringify(r.body)}`);
      return r.body?.status === "mined" ? r.body : null;
    }, timeoutMs);
  }
}
