/**
 * Loads by key, coalesced: every `load` made in the same turn of the event loop is answered by one
 * `fetch` of all their keys. Reads that wait for a change (`Prefer: wait`) are woken together by
 * every change notice and read again at once: without this, each of them would be its own query.
 * A failed fetch fails every load of its batch.
 */
export class Coalescer<K, V> {
  private queued = new Map<K, { resolve: (v: V | undefined) => void; reject: (e: unknown) => void }[]>();
  private scheduled = false;

  constructor(private readonly fetch: (keys: K[]) => Promise<Map<K, V>>) {}

  load(key: K): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      const waiting = this.queued.get(key);
      if (waiting) waiting.push({ resolve, reject });
      else this.queued.set(key, [{ resolve, reject }]);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queued;
    this.queued = new Map();
    this.scheduled = false;
    try {
      const found = await this.fetch([...batch.keys()]);
      for (const [k, ws] of batch) for (const w of ws) w.resolve(found.get(k));
    } catch (e) {
      for (const ws of batch.values()) for (const w of ws) w.reject(e);
    }
  }
}
