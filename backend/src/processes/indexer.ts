import type { Config } from "../config/config";
import type { Logger } from "../shared/logger";
import { preflight } from "../shared/preflight";
import { createRedis, JobQueue } from "../shared/queue";
import { LedgerGateway, activeDeployment } from "../ledger/gateway";
import type { LedgerDeploymentRow } from "../ledger/ledger.entity";
import { faultPoint } from "../ledger/outbox/faults";
import { Indexer } from "../indexer/indexer";
import { buildServices, moduleContext, openDatabase, projectionsOf, type Running } from "../platform";

/** The indexer: chain events → the modules' projections in Postgres. */
export async function startIndexer(config: Config, log: Logger): Promise<Running & { done: Promise<void> }> {
  // not the ledger: a process started while it is down waits for it (LedgerGateway.connect)
  await preflight(config, ["postgres", "redis"]);
  const ds = await openDatabase(config, "chainfactor-indexer");
  const gateway = await LedgerGateway.connect(config.LEDGER_RPC_URL, config.LEDGER_CHAIN_ID, { log }); // waits for a ledger that is down
  let deployment: LedgerDeploymentRow | null = null;
  while (!(deployment = await activeDeployment(ds, gateway.chainId))) {
    log.info("waiting for a deployment (`npm run ops -- deploy`)");
    await new Promise((r) => setTimeout(r, 2000));
  }
  const redis = createRedis(config.REDIS_URL, "queue");
  redis.on("error", (e) => log.warn({ err: e.message }, "redis"));
  const queue = new JobQueue(redis, config.QUEUE_PREFIX);
  const ctx = moduleContext({ config, ds, log, queue, redis, provider: gateway.provider });
  const indexer = new Indexer(
    ds,
    gateway,
    deployment,
    projectionsOf(ctx, buildServices(ctx)),
    { finalityDepth: config.INDEXER_FINALITY_DEPTH, chunkBlocks: config.INDEXER_CHUNK_BLOCKS, pollMs: config.INDEXER_POLL_MS },
    log,
    faultPoint(config.FAULT_INJECT),
  );
  const done = indexer.run();
  log.info({ ledger: deployment.ledger }, "indexer started");
  return {
    done,
    close: async () => {
      indexer.stop();
      await Promise.race([done.catch(() => undefined), new Promise((r) => setTimeout(r, config.SHUTDOWN_TIMEOUT_MS))]);
      await queue.close();
      redis.disconnect();
      gateway.destroy();
      await ds.destroy();
    },
  };
}
