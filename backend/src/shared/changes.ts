import { Client } from "pg";
import type { DataSource, EntityManager } from "typeorm";
import type { Logger } from "./logger";

/**
 * Change notices between processes, through Postgres LISTEN/NOTIFY: the indexer, the worker and
 * the funding job announce inside their transactions that the state clients wait on has moved
 * (Postgres delivers a notice only when its transaction commits), and every API server listens, so
 * that a request waiting on an operation or a financing (`Prefer: wait=N`) is answered as soon as
 * it changes, whichever process changed it and whichever API server holds the request.
 */
const channelOf = (schema: string) => `chainfactor_changes_${schema}`.slice(0, 63);
const schemaOf = (ds: DataSource) => (ds.options as { schema?: string }).schema ?? "public";

/** Announces, inside the caller's transaction, that waited-on state has changed. */
export async function announceChange(em: EntityManager): Promise<void> {
  await em.query(`SELECT pg_notify($1, '')`, [channelOf(schemaOf(em.connection))]);
}

/** The longest a request may ask to wait (RFC 7240 `Prefer: wait`). */
export const MAX_WAIT_S = 30;

/** The seconds a request asks to wait for a change: `Prefer: wait=N`, at most 30; 0 if it does not ask. */
export function preferredWait(prefer: string | undefined): number {
  const m = prefer ? /(?:^|[\s,;])wait\s*=\s*"?(\d{1,6})"?/i.exec(prefer) : null;
  return m ? Math.min(Number(m[1]), MAX_WAIT_S) : 0;
}

/**
 * One listening connection per API process; waiters are woken by every notice and read again
 * what they wait on. While the connection is down they read again every half second instead.
 */
export class ChangeFeed {
  private client: Client | null = null;
  private version = 0;
  private waiters = new Set<() => void>();
  private stopped = false;
  private readonly channel: string;

  constructor(
    private readonly url: string,
    schema: string,
    private readonly log: Logger,
  ) {
    this.channel = channelOf(schema);
  }

  async start(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({ connectionString: this.url, application_name: "chainfactor-api-changes" });
    client.on("notification", () => this.wake());
    client.on("error", (e) => {
      this.log.warn({ err: e.message }, "change feed connection lost; reconnecting");
      this.reconnect(client);
    });
    client.on("end", () => this.reconnect(client));
    try {
      await client.connect();
      await client.query(`LISTEN "${this.channel}"`);
      this.client = client;
      this.wake(); // whatever happened while it was not listening
    } catch (e) {
      this.log.warn({ err: (e as Error).message }, "change feed could not listen; waiters poll meanwhile");
      this.reconnect(client);
    }
  }

  private reconnect(client: Client) {
    if (this.client === client) this.client = null;
    client.removeAllListeners();
    client.end().catch(() => undefined);
    if (!this.stopped) setTimeout(() => void this.start(), 1000).unref();
  }

  private wake() {
    this.version++;
    for (const w of this.waiters) w();
  }

  /**
   * Reads `read()`, and unless it is `final`, while its `key` stays what it first was, waits for a
   * notice (or half a second when not listening) and reads again, until `waitS` seconds have passed.
   */
  async until<T>(read: () => Promise<T>, key: (t: T) => string, final: (t: T) => boolean, waitS: number): Promise<T> {
    let seen = this.version;
    const first = await read();
    if (waitS <= 0 || final(first)) return first;
    const deadline = Date.now() + waitS * 1000;
    let last = first;
    for (;;) {
      if (this.version === seen) {
        const left = deadline - Date.now();
        if (left <= 0) return last;
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            this.waiters.delete(done);
            resolve();
          };
          const timer = setTimeout(done, this.client ? left : Math.min(left, 500));
          this.waiters.add(done);
        });
      }
      seen = this.version;
      last = await read();
      if (key(last) !== key(first) || Date.now() >= deadline || this.stopped) return last;
    }
  }

  async close(): Promise<void> {
    this.stopped = true;
    for (const w of [...this.waiters]) w();
    const c = this.client;
    this.client = null;
    if (c) {
      c.removeAllListeners();
      await c.end().catch(() => undefined);
    }
  }
}
