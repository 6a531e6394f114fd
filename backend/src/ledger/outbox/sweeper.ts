import type { DataSource } from "typeorm";
import type { Logger } from "../../shared/logger";
import { outboxJobId, type JobQueue } from "../../shared/queue";

/**
 * Re-enqueues outbox rows that nobody is working on: rows written while Redis was down, rows
 * whose worker died, rows whose job ran out of attempts. A row is stale when untouched for
 * `staleMs`; its job is (re)created unless one is already waiting or running. Idempotent, so every
 * worker runs it on a timer (not through the queue, which may be what is broken).
 */
export class OutboxSweeper {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly ds: DataSource,
    private readonly queue: JobQueue,
    private readonly o: { intervalMs: number; staleMs: number; limit?: number },
    private readonly log: Logger,
  ) {}

  start() {
    const tick = () => {
      this.sweep()
        .catch((e: Error) => this.log.warn({ err: e.message }, "sweep failed; will retry"))
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, this.o.intervalMs);
        });
    };
    this.timer = setTimeout(tick, this.o.intervalMs);
  }

  stop() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** One pass; returns how many rows were re-enqueued. */
  async sweep(): Promise<number> {
    const rows: { id: string }[] = await this.ds.query(
      `SELECT id FROM outbox WHERE status IN ('pending', 'submitted') AND updated_at < now() - ($1 || ' milliseconds')::interval
       ORDER BY id LIMIT $2`,
      [String(this.o.staleMs), this.o.limit ?? 500],
    );
    let enqueued = 0;
    for (const { id } of rows) {
      const jobId = outboxJobId(id);
      const job = await this.queue.queue.getJob(jobId);
      const state = job ? await job.getState() : "missing";
      if (state === "waiting" || state === "active" || state === "delayed" || state === "prioritized" || state === "waiting-children") continue;
      if (job && state === "failed") await job.retry("failed");
      else {
        if (job) await job.remove();
        await this.queue.add("outbox.submit", { outboxId: id }, jobId);
      }
      await this.ds.query(`UPDATE outbox SET updated_at = now() WHERE id = $1`, [id]);
      enqueued++;
    }
    if (enqueued) this.log.info({ enqueued }, "sweeper re-enqueued outbox rows");
    return enqueued;
  }
}
