import { Queue, Worker, type Job, type JobsOptions, type Processor } from "bullmq";
import { Redis } from "ioredis";

/**
 * Every job the platform runs: name → payload. Job ids are derived from business keys. The outbox's
 * job is here; a module adds its own jobs to this interface from its index.ts
 * (`declare module "../../shared/queue" { interface JobPayloads { ... } }`).
 */
export interface JobPayloads {
  /** Sign, broadcast and follow the ledger transaction of one outbox row (job id = outbox id). */
  "outbox.submit": { outboxId: string };
}
export type JobName = keyof JobPayloads;
export type JobHandlers = { [K in JobName]: (payload: JobPayloads[K], job: Job) => Promise<unknown> };

export const LEDGER_QUEUE = "ledger";
export const outboxJobId = (outboxId: bigint | string) => `outbox-${outboxId}`;

export function createRedis(url: string, role: "queue" | "worker"): Redis {
  // BullMQ workers need blocking commands never to time out (maxRetriesPerRequest: null)
  return new Redis(url, { maxRetriesPerRequest: role === "worker" ? null : 1, enableOfflineQueue: role === "worker", lazyConnect: false });
}

/** BullMQ loses jobs if Redis may evict keys: refuse to run unless eviction is off. */
export async function requireNoEviction(redis: Redis): Promise<void> {
  const [, policy] = (await redis.config("GET", "maxmemory-policy")) as [string, string];
  if (policy !== "noeviction") {
    throw new Error(
      `Redis maxmemory-policy is "${policy}"; BullMQ needs "noeviction" (set it in redis.conf or with CONFIG SET maxmemory-policy noeviction)`,
    );
  }
}

/** The producer side: typed `add` with deterministic job ids. */
export class JobQueue {
  readonly queue: Queue;

  constructor(connection: Redis, prefix: string, onError: (e: Error) => void = () => {}) {
    this.queue = new Queue(LEDGER_QUEUE, {
      connection,
      prefix,
      // retries back off exponentially from 250 ms, capped at 10 s (see createWorker's backoffStrategy)
      defaultJobOptions: { removeOnComplete: 1000, removeOnFail: 5000, attempts: 50, backoff: { type: "capped" } },
    });
    // without a listener BullMQ prints every connection error to stderr while Redis is down
    this.queue.on("error", onError);
  }

  /** `options`: a job's own retry schedule, where the default (capped at 10 s) does not fit. */
  add<K extends JobName>(name: K, payload: JobPayloads[K], jobId: string, options?: Pick<JobsOptions, "backoff" | "attempts" | "delay">) {
    return this.queue.add(name, payload, { jobId, ...options });
  }

  /** `add` for work wanted again: a finished job (completed or failed) still holding `jobId` is replaced, not kept. */
  async addAgain<K extends JobName>(name: K, payload: JobPayloads[K], jobId: string, options?: Pick<JobsOptions, "backoff" | "attempts" | "delay">) {
    const finished = await this.queue.getJob(jobId);
    if (finished && ((await finished.isCompleted()) || (await finished.isFailed()))) await finished.remove();
    return this.add(name, payload, jobId, options);
  }

  close() {
    return this.queue.close();
  }
}

/** The consumer side: one handler per job name (the modules' handlers, merged by the worker process). */
export function createWorker(
  connection: Redis,
  prefix: string,
  handlers: JobHandlers,
  opts: { concurrency: number; lockDuration: number },
): Worker {
  const processor: Processor = async (job) => {
    const handler = handlers[job.name as JobName] as ((p: unknown, j: Job) => Promise<unknown>) | undefined;
    if (!handler) throw new Error(`no handler for job ${job.name}`);
    return handler(job.data, job);
  };
  return new Worker(LEDGER_QUEUE, processor, {
    connection,
    prefix,
    concurrency: opts.concurrency,
    lockDuration: opts.lockDuration,
    stalledInterval: Math.max(250, Math.floor(opts.lockDuration / 2)),
    autorun: false,
    settings: { backoffStrategy: (attemptsMade: number) => Math.min(10_000, 250 * 2 ** Math.max(0, attemptsMade - 1)) },
  });
}
