import type { DataSource } from "typeorm";
import type { Config } from "../config/config";
import type { Logger } from "../shared/logger";
import { preflight } from "../shared/preflight";
import { createRedis, createWorker, JobQueue, requireNoEviction } from "../shared/queue";
import { LedgerGateway, activeDeployment } from "../ledger/gateway";
import type { LedgerDeploymentRow } from "../ledger/ledger.entity";
import { OutboxSubmitter, RetryLater } from "../ledger/outbox/submitter";
import { BlockClock } from "../ledger/block-clock";
import { OutboxSweeper } from "../ledger/outbox/sweeper";
import { faultPoint } from "../ledger/outbox/faults";
import { buildServices, hooksOf, jobsOf, loopsOf, moduleContext, openDatabase, schedulesOf, staleWork, type Running } from "../platform";

/** Waits for `ops deploy` to have recorded a deployment on this chain. */
async function deploymentOf(ds: DataSource, gateway: LedgerGateway): Promise<LedgerDeploymentRow> {
  const d = await activeDeployment(ds, gateway.chainId);
  if (!d) throw new RetryLater(`no contracts recorded for chain ${gateway.chainId}: run \`npm run ops -- deploy\``);
  return d;
}

/** The worker: the outbox's and the modules' jobs, the sweeper, and the modules' loops. */
export async function startWorker(config: Config, log: Logger): Promise<Running> {
  // not the ledger: a process started while it is down waits for it (LedgerGateway.connect)
  await preflight(config, ["postgres", "redis"]);
  const ds = await openDatabase(config, "chainfactor-worker");
  const gateway = await LedgerGateway.connect(config.LEDGER_RPC_URL, config.LEDGER_CHAIN_ID, { log }); // waits for a ledger that is down
  const connection = createRedis(config.REDIS_URL, "worker");
  connection.on("error", (e) => log.warn({ err: e.message }, "redis"));
  await requireNoEviction(connection);
  const queue = new JobQueue(connection, config.QUEUE_PREFIX, (e) => log.debug({ err: e.message }, "queue"));
  const ctx = moduleContext({ config, ds, log, queue, redis: connection, provider: gateway.provider });
  const services = buildServices(ctx);
  const clock = new BlockClock({ blockNumber: () => gateway.provider.getBlockNumber() }, { periodMs: config.LEDGER_BLOCK_PERIOD_MS, pollMs: 100 });
  const submitter = new OutboxSubmitter(
    ds,
    gateway,
    ctx.vault,
    () => deploymentOf(ds, gateway),
    { batchSize: config.OUTBOX_BATCH_SIZE, batchWaitMs: config.OUTBOX_BATCH_WAIT_MS, drainLeadMs: config.OUTBOX_DRAIN_LEAD_MS, gasPriceWei: config.LEDGER_GAS_PRICE_WEI, receiptTimeoutMs: 30_000 },
    log,
    faultPoint(config.FAULT_INJECT),
    hooksOf(services),
    clock,
  );
  const loops = [new OutboxSweeper(ds, queue, staleWork(), { intervalMs: config.OUTBOX_SWEEP_INTERVAL_MS, staleMs: config.OUTBOX_STALE_MS }, log), ...loopsOf(ctx, services)];
  const worker = createWorker(
    connection,
    config.QUEUE_PREFIX,
    jobsOf(ctx, services, { "outbox.submit": async ({ outboxId }) => submitter.process(BigInt(outboxId)) }),
    { concurrency: config.WORKER_CONCURRENCY, lockDuration: config.WORKER_LOCK_MS },
  );
  worker.on("failed", (job, err) => log.warn({ job: job?.id, err: err.message }, "job failed; it will be retried"));
  worker.on("error", (err) => log.warn({ err: err.message }, "worker"));
  void worker.run();
  loops.forEach((l) => l.start());
  const schedule = () => Promise.all(schedulesOf(config).map((s) => queue.queue.upsertJobScheduler(s.job, "cron" in s ? { pattern: s.cron, tz: s.tz } : { every: s.everyMs }, { name: s.job, data: {} })));
  await schedule();
  // Redis may come back empty (restarted without persistence): put the schedules back on every reconnection
  connection.on("ready", () => void schedule().catch((e: Error) => log.warn({ err: e.message }, "could not schedule the repeating jobs; next reconnection retries")));
  log.info({ concurrency: config.WORKER_CONCURRENCY }, "worker started");
  return {
    close: async () => {
      loops.forEach((l) => l.stop());
      clock.stop();
      await Promise.race([worker.close(), new Promise((r) => setTimeout(r, config.SHUTDOWN_TIMEOUT_MS))]);
      await worker.close(true);
      await queue.close();
      connection.disconnect();
      gateway.destroy();
      await ds.destroy();
    },
  };
}
