import type { DataSource } from "typeorm";
import type { Logger } from "../../shared/logger";
import { every } from "../../shared/periodic";
import { outboxJobId, type JobName, type JobPayloads, type JobQueue } from "../../shared/queue";

/**
 * Work that lives in Postgres and is carried out by a job: how to find what nobody is doing. The
 * outbox's is here; the modules describe theirs (`stale` in their index.ts), over their own tables.
 */
export interface StaleWork<K extends JobName = JobName> {
  job: K;
  /** Ids of rows untouched for `staleMs` ($1, in ms) that still need their job, at most $2. */
  stale: string;
  jobId: (id: string) => string;
  payload: (id: string) => JobPayloads[K];
  /** The job's own retry schedule, if it has one (see JobQueue.add). */
  options?: Parameters<JobQueue["add"]>[3];
  /** Marks row $1 as just looked at. */
  touch: string;
}

/** Outbox rows that are neither mined nor failed. */
export const OUTBOX_WORK: StaleWork<"outbox.submit"> = {
  job: "outbox.submit",
  stale: `SELECT id::text AS id FROM outbox WHERE status IN ('pending', 'submitted') AND updated_at < now() - ($1 || ' milliseconds')::interval ORDER BY id LIMIT $2`,
  jobId: outboxJobId,
  payload: (id) => ({ outboxId: id }),
  touch: `UPDATE outbox SET updated_at = now() WHERE id = $1`,
};

/**
 * Re-enqueues work that nobody is doing (`sources`: outbox rows, and the modules' fundings, invoice
 * verifications, webhook deliveries...) written while Redis was down, or whose worker died, or
 * whose job ran out of attempts. A row is stale when untouched for `staleMs`; its job is
 * (re)created unless one is already waiting or running.
 * Idempotent, so every worker runs it on a timer (not through the queue, which may be what is
 * broken).
 */
export class OutboxSweeper {
  private stopLoop: (() => void) | null = null;

  constructor(
    private readonly ds: DataSource,
    private readonly queue: JobQueue,
    private readonly sources: StaleWork[],
    private readonly o: { intervalMs: number; staleMs: number; limit?: number },
    private readonly log: Logger,
  ) {}

  start() {
    this.stopLoop = every(this.o.intervalMs, () => this.sweep(), (e: Error) => this.log.warn({ err: e.message }, "sweep failed; will retry"));
  }

  stop() {
    this.stopLoop?.();
    this.stopLoop = null;
  }

  /** One pass; returns how many jobs were (re)created. */
  async sweep(): Promise<number> {
    let enqueued = 0;
    for (const source of this.sources) {
      const rows: { id: string }[] = await this.ds.query(source.stale, [String(this.o.staleMs), this.o.limit ?? 500]);
      for (const { id } of rows) {
        const jobId = source.jobId(id);
        const job = await this.queue.queue.getJob(jobId);
        const state = job ? await job.getState() : "missing";
        if (["waiting", "active", "delayed", "prioritized", "waiting-children"].includes(state)) continue;
        if (job && state === "failed") await job.retry("failed");
        else {
          if (job) await job.remove();
          await this.queue.add(source.job, source.payload(id) as never, jobId, source.options);
        }
        await this.ds.query(source.touch, [id]);
        enqueued++;
      }
    }
    if (enqueued) this.log.info({ enqueued }, "sweeper re-enqueued stale work");
    return enqueued;
  }
}
