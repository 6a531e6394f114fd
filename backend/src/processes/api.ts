import type { Server } from "node:http";
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { ExpressAdapter } from "@bull-board/express";
import type { Config } from "../config/config";
import type { Logger } from "../shared/logger";
import { ChangeFeed } from "../shared/changes";
import { createRedis, JobQueue } from "../shared/queue";
import { portProblem, preflight, PreflightError } from "../shared/preflight";
import { createApp } from "../shared/http/app";
import { openApiDocument } from "../shared/http/openapi";
import { Metrics } from "../shared/http/observability";
import { LedgerGateway } from "../ledger/gateway";
import { QuarantineReader } from "../indexer/quarantine";
import { authenticate, sameOriginWrites } from "../modules/onboarding";
import { buildServices, moduleContext, mountRoutes, openDatabase, type Running } from "../platform";

/** The API server: stateless apart from Postgres, Redis and the ledger. */
export async function startApi(config: Config, log: Logger): Promise<Running & { server: Server; port: number }> {
  // the ledger is not among them: the API serves without it (its /health says the ledger is down)
  await preflight(config, ["postgres", "redis", "port"]);
  const ds = await openDatabase(config, "chainfactor-api");
  const redis = createRedis(config.REDIS_URL, "queue");
  redis.on("error", (e) => log.warn({ err: e.message }, "redis"));
  const queue = new JobQueue(redis, config.QUEUE_PREFIX, (e) => log.debug({ err: e.message }, "queue"));
  const provider = LedgerGateway.lazy(config.LEDGER_RPC_URL);
  const changes = new ChangeFeed(config.DATABASE_URL, config.DATABASE_SCHEMA, log);
  await changes.start();
  const ctx = moduleContext({ config, ds, log, queue, redis, provider });
  const services = buildServices(ctx);
  mountRoutes(ctx, services, { changes, secureCookies: config.SESSION_COOKIE_SECURE ?? config.NODE_ENV !== "development" });
  const { routes } = ctx;

  const board = new ExpressAdapter();
  board.setBasePath("/admin/queues");
  createBullBoard({ queues: [new BullMQAdapter(queue.queue)], serverAdapter: board });

  const document = openApiDocument(routes.registry, routes.tags);
  const audit = services.audit.trail;
  const app = createApp({
    ds,
    redis,
    log,
    metrics: new QuarantineReader(ds).metrics(new Metrics("api")),
    audit,
    routes,
    authenticate: authenticate(ds, services.onboarding.sessions, (req) => routes.isPublic(req.method, req.path)),
    sameOriginWrites,
    openapi: () => document,
    queueDashboard: board.getRouter(),
    trustProxy: config.TRUST_PROXY,
    metricsToken: config.METRICS_ENABLED ? config.METRICS_TOKEN : undefined,
    queuePrefix: config.QUEUE_PREFIX,
    rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
    bodyLimit: config.REQUEST_BODY_LIMIT,
    health: [
      { name: "postgres", check: async () => void (await ds.query("SELECT 1")) },
      { name: "redis", check: async () => void (await redis.ping()) },
      { name: "ledger", check: async () => ({ block: await provider.getBlockNumber() }) },
      {
        name: "queue",
        check: async () => {
          const [row] = await ds.query(
            `SELECT count(*)::int AS unfinished, COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float AS oldest_s
             FROM outbox WHERE status IN ('pending', 'submitted')`,
          );
          return { unfinishedOperations: row.unfinished, oldestUnfinishedSeconds: Math.round(row.oldest_s), waitingJobs: await queue.queue.getWaitingCount() };
        },
      },
    ],
  });
  const server = await new Promise<Server>((resolve, reject) => {
    // the port taken since the preflight: the same one line
    const s = app.listen(config.PORT, (e?: NodeJS.ErrnoException) => (e ? reject(new PreflightError([portProblem(config.PORT, "PORT", e.code ?? "EADDRINUSE")!])) : resolve(s)));
  });
  const port = (server.address() as { port: number }).port;
  log.info({ port }, `API listening on http://127.0.0.1:${port} (docs at /docs)`);
  return {
    server,
    port,
    close: async () => {
      await changes.close(); // answers the waiting reads before the server closes
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await queue.close();
      redis.disconnect();
      provider.destroy();
      await audit.flush();
      await ds.destroy();
    },
  };
}
