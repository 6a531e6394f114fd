import type { Server } from "node:http";
import { ChangeFeed } from "./shared/changes";
import type { DataSource } from "typeorm";
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { ExpressAdapter } from "@bull-board/express";
import type { Config } from "./config/config";
import { createDataSource, requireMigrated, type DbOptions, type DbSchema } from "./shared/db";
import { IdempotencyClaimGuard } from "./shared/http/idempotency";
import { OrganizationEntity, UserEntity, ApiKeyEntity } from "./modules/onboarding/onboarding.entity";
import { AuditEntity } from "./modules/audit/audit.entity";
import { LedgerKeyEntity, LedgerDeploymentEntity } from "./ledger/ledger.entity";
import { OutboxEntity, LedgerTransactionEntity } from "./ledger/outbox/outbox.entity";
import { ChainEventEntity } from "./indexer/indexer.entity";
import { InvoiceEntity } from "./modules/invoices/invoice.entity";
import { ReceivableEntity } from "./modules/receivables/receivable.entity";
import { CreditLineEntity, FinancingEntity, FinancingRequestEntity, QuoteEntity } from "./modules/financing/financing.entity";
import { PlatformCore1732300000000 } from "./migrations/1732300000000-PlatformCore";
import { BusinessFlows1732400000000 } from "./migrations/1732400000000-BusinessFlows";
import { LookupIndexes1732500000000 } from "./migrations/1732500000000-LookupIndexes";
import { IdempotencyClaims1732600000000 } from "./migrations/1732600000000-IdempotencyClaims";
import { RequestWinner1732700000000 } from "./migrations/1732700000000-RequestWinner";
import { PeopleSignIn1732800000000 } from "./migrations/1732800000000-PeopleSignIn";
import { VerifierKey1732900000000 } from "./migrations/1732900000000-VerifierKey";
import { SignInPerOrganization1733000000000 } from "./migrations/1733000000000-SignInPerOrganization";
import { ChainSizedMoney1733100000000 } from "./migrations/1733100000000-ChainSizedMoney";
import { DraftExecutions1733200000000 } from "./migrations/1733200000000-DraftExecutions";
import { FinancingRetries1733300000000 } from "./migrations/1733300000000-FinancingRetries";
import type { Logger } from "./shared/logger";
import { createRedis, createWorker, deliveryJobId, fundingJobId, invoiceJobId, JobQueue, requireNoEviction } from "./shared/queue";
import { createApp } from "./shared/http/app";
import { createRegistry, openApiDocument } from "./shared/http/openapi";
import { Routes } from "./shared/http/route";
import { Metrics } from "./shared/http/observability";
import { AuditWriter } from "./modules/audit/audit.middleware";
import { KeyVault } from "./ledger/key-vault";
import { LedgerGateway, activeDeployment } from "./ledger/gateway";
import type { LedgerDeploymentRow } from "./ledger/ledger.entity";
import { Outbox } from "./ledger/outbox/outbox.service";
import { OutboxSubmitter, RetryLater } from "./ledger/outbox/submitter";
import { BlockClock, ledgerTime } from "./ledger/block-clock";
import { OutboxSweeper } from "./ledger/outbox/sweeper";
import { faultPoint } from "./ledger/outbox/faults";
import { Indexer } from "./indexer/indexer";
import { Projections } from "./indexer/projections";
import { QuarantineReader } from "./indexer/quarantine";
import { quarantineRoutes } from "./indexer/quarantine.routes";
import { OnboardingService } from "./modules/onboarding/onboarding.service";
import { authenticate, sameOriginWrites } from "./modules/onboarding/authentication";
import { Sessions } from "./modules/onboarding/sessions";
import { SignInThrottle } from "./modules/onboarding/sign-in-throttle";
import { PeopleService } from "./modules/onboarding/people.service";
import { peopleRoutes } from "./modules/onboarding/people.routes";
import { DraftsService } from "./modules/approvals/drafts.service";
import { draftsRoutes } from "./modules/approvals/drafts.routes";
import { DraftExecutionGuard } from "./modules/approvals/draft-execution";
import { DraftsSweeper } from "./modules/approvals/drafts.sweeper";
import { onboardingRoutes } from "./modules/onboarding/onboarding.routes";
import { onboardingProjections } from "./modules/onboarding/onboarding.projections";
import { InvoicesService, invoicesRoutes, createAdapters } from "./modules/invoices";
import { PlatformKeys } from "./ledger/platform-keys";
import { OutboxHooks } from "./ledger/outbox/hooks";
import { ReceivablesService } from "./modules/receivables/receivables.service";
import { receivablesRoutes } from "./modules/receivables/receivables.routes";
import { receivablesProjections } from "./modules/receivables/receivables.projections";
import { receivablesHooks } from "./modules/receivables/receivables.hooks";
import { createFinancingServices, refuseWhileFinancingRequested } from "./modules/financing/financing.services";
import { financingRoutes } from "./modules/financing/financing.routes";
import { financingHooks, financingProjections } from "./modules/financing/financing.projections";
import { SettlementService } from "./modules/settlement/settlement.service";
import { settlementRoutes } from "./modules/settlement/settlement.routes";
import { settlementProjections } from "./modules/settlement/settlement.projections";
import { ClearingService } from "./modules/clearing/clearing.service";
import { clearingRoutes } from "./modules/clearing/clearing.routes";
import { MaturityKeeper } from "./modules/clearing/keeper";
import { WebhooksService, webhooksRoutes, webhookProjections } from "./modules/webhooks";
import { ReconciliationService, reconciliationRoutes, ledgerReader } from "./modules/reconciliation";
import { SettlementToken__factory } from "../../typechain-types";
import type { JsonRpcProvider } from "ethers";

/** A started process part: stop it gracefully. */
export interface Running {
  close(): Promise<void>;
}

/** Every module's tables as TypeORM maps them, and the migrations that make them, in order. */
export const PLATFORM_SCHEMA: DbSchema = {
  entities: [
    OrganizationEntity,
    UserEntity,
    ApiKeyEntity,
    AuditEntity,
    LedgerKeyEntity,
    LedgerDeploymentEntity,
    OutboxEntity,
    LedgerTransactionEntity,
    ChainEventEntity,
    InvoiceEntity,
    ReceivableEntity,
    CreditLineEntity,
    FinancingRequestEntity,
    QuoteEntity,
    FinancingEntity,
  ],
  migrations: [
    PlatformCore1732300000000,
    BusinessFlows1732400000000,
    LookupIndexes1732500000000,
    IdempotencyClaims1732600000000,
    RequestWinner1732700000000,
    PeopleSignIn1732800000000,
    VerifierKey1732900000000,
    SignInPerOrganization1733000000000,
    ChainSizedMoney1733100000000,
    DraftExecutions1733200000000,
    FinancingRetries1733300000000,
  ],
  subscribers: [IdempotencyClaimGuard, DraftExecutionGuard],
};

/** A data source for the platform's schema (migrations, entities) in one database schema. */
export const platformDataSource = (o: DbOptions) => createDataSource(o, PLATFORM_SCHEMA);

export async function openDatabase(config: Config, applicationName: string): Promise<DataSource> {
  const ds = platformDataSource({ url: config.DATABASE_URL, schema: config.DATABASE_SCHEMA, poolSize: config.DATABASE_POOL_SIZE, applicationName });
  await ds.initialize();
  await requireMigrated(ds);
  return ds;
}

/** The API server: stateless apart from Postgres, Redis and the ledger. */
export async function startApi(config: Config, log: Logger): Promise<Running & { server: Server; port: number }> {
  const ds = await openDatabase(config, "chainfactor-api");
  const redis = createRedis(config.REDIS_URL, "queue");
  redis.on("error", (e) => log.warn({ err: e.message }, "redis"));
  const queue = new JobQueue(redis, config.QUEUE_PREFIX, (e) => log.debug({ err: e.message }, "queue"));
  const provider = LedgerGateway.lazy(config.LEDGER_RPC_URL);
  const vault = new KeyVault(config.KEY_ENCRYPTION_KEY, config.KEY_ENCRYPTION_KEY_PREVIOUS);
  const outbox = new Outbox(queue, log);
  const registry = createRegistry();
  const routes = new Routes(registry);
  const changes = new ChangeFeed(config.DATABASE_URL, config.DATABASE_SCHEMA, log);
  await changes.start();
  const services = businessServices(config, ds, outbox, vault, queue, provider, log);
  const onboarding = new OnboardingService(ds, outbox, vault);
  const sessions = new Sessions(ds, new SignInThrottle(redis, config.QUEUE_PREFIX));
  const identity = { onboarding, sessions, people: new PeopleService(ds, onboarding, sessions), drafts: new DraftsService(ds, routes) };
  const http = { secureCookies: config.SESSION_COOKIE_SECURE ?? config.NODE_ENV !== "development" };
  mountRoutes(routes, { ...identity, ...services }, changes, http, async (invoiceId) => {
    await queue.add("invoice.verify", { invoiceId }, invoiceJobId(invoiceId)).catch((e: Error) => log.warn({ invoiceId, err: e.message }, "could not enqueue verification"));
  });

  const board = new ExpressAdapter();
  board.setBasePath("/admin/queues");
  createBullBoard({ queues: [new BullMQAdapter(queue.queue)], serverAdapter: board });

  const document = openApiDocument(registry, routes.tags);
  const audit = new AuditWriter(ds, log);
  const app = createApp({
    ds,
    redis,
    log,
    metrics: services.quarantine.metrics(new Metrics("api")),
    audit,
    routes,
    authenticate: authenticate(ds, sessions, (req) => routes.isPublic(req.method, req.path)),
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
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(config.PORT, () => resolve(s));
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

type BusinessServices = ReturnType<typeof businessServices>;

/** Every module's routes on one router; `verifyInvoice` queues an uploaded invoice's verification. */
export function mountRoutes(
  routes: Routes,
  services: BusinessServices & { onboarding: OnboardingService; sessions: Sessions; people: PeopleService; drafts: DraftsService },
  changes: ChangeFeed,
  http: { secureCookies: boolean },
  verifyInvoice: (invoiceId: string) => Promise<void>,
): void {
  onboardingRoutes(routes, services.onboarding, changes);
  peopleRoutes(routes, services.people, services.sessions, http.secureCookies);
  draftsRoutes(routes, services.drafts);
  invoicesRoutes(routes, services.invoices, verifyInvoice);
  receivablesRoutes(routes, services.receivables);
  financingRoutes(routes, services.financing, changes);
  settlementRoutes(routes, services.settlement);
  clearingRoutes(routes, services.clearing);
  webhooksRoutes(routes, services.webhooks);
  reconciliationRoutes(routes, services.reconciliation);
  quarantineRoutes(routes, services.quarantine);
}

/**
 * The API description (what GET /openapi.json serves) without a database: the routes are
 * described, never called, so the services stand in as empty objects.
 */
export function describeApi() {
  const registry = createRegistry();
  const routes = new Routes(registry);
  mountRoutes(routes, new Proxy({}, { get: () => ({}) }) as never, {} as never, { secureCookies: true }, async () => undefined);
  return openApiDocument(registry, routes.tags);
}

/** Waits for `ops deploy` to have recorded a deployment on this chain. */
async function deploymentOf(ds: DataSource, gateway: LedgerGateway): Promise<LedgerDeploymentRow> {
  const d = await activeDeployment(ds, gateway.chainId);
  if (!d) throw new RetryLater(`no contracts recorded for chain ${gateway.chainId}: run \`npm run ops -- deploy\``);
  return d;
}

/** The worker: the outbox's jobs, and the sweeper. */
export async function startWorker(config: Config, log: Logger): Promise<Running> {
  const ds = await openDatabase(config, "chainfactor-worker");
  const gateway = await LedgerGateway.connect(config.LEDGER_RPC_URL, config.LEDGER_CHAIN_ID, { log }); // waits for a ledger that is down
  const connection = createRedis(config.REDIS_URL, "worker");
  connection.on("error", (e) => log.warn({ err: e.message }, "redis"));
  await requireNoEviction(connection);
  const queue = new JobQueue(connection, config.QUEUE_PREFIX, (e) => log.debug({ err: e.message }, "queue"));
  const vault = new KeyVault(config.KEY_ENCRYPTION_KEY, config.KEY_ENCRYPTION_KEY_PREVIOUS);
  const outbox = new Outbox(queue, log);
  const services = businessServices(config, ds, outbox, vault, queue, gateway.provider, log);
  const hooks = financingHooks(receivablesHooks(new OutboxHooks()), services.financing.funding);
  const keeper = new MaturityKeeper(ds, gateway.provider, outbox, new PlatformKeys(vault), { batchSize: config.KEEPER_BATCH_SIZE, retryMs: config.KEEPER_RETRY_MS }, log);
  const clock = new BlockClock({ blockNumber: () => gateway.provider.getBlockNumber() }, { periodMs: config.LEDGER_BLOCK_PERIOD_MS, pollMs: 100 });
  const submitter = new OutboxSubmitter(
    ds,
    gateway,
    vault,
    () => deploymentOf(ds, gateway),
    { batchSize: config.OUTBOX_BATCH_SIZE, batchWaitMs: config.OUTBOX_BATCH_WAIT_MS, drainLeadMs: config.OUTBOX_DRAIN_LEAD_MS, gasPriceWei: config.LEDGER_GAS_PRICE_WEI, receiptTimeoutMs: 30_000 },
    log,
    faultPoint(config.FAULT_INJECT),
    hooks,
    clock,
  );
  const sweeper = new OutboxSweeper(ds, queue, { intervalMs: config.OUTBOX_SWEEP_INTERVAL_MS, staleMs: config.OUTBOX_STALE_MS }, log);
  const draftsSweeper = new DraftsSweeper(ds, { intervalMs: config.OUTBOX_SWEEP_INTERVAL_MS, staleMs: config.DRAFT_EXECUTING_STALE_MS }, log);
  const worker = createWorker(
    connection,
    config.QUEUE_PREFIX,
    {
      "outbox.submit": async ({ outboxId }) => submitter.process(BigInt(outboxId)),
      "invoice.verify": async ({ invoiceId }) => services.invoices.verify(invoiceId),
      "financing.fund": async ({ financingId }) => services.financing.funding.fund(financingId),
      "clearing.keeper": async () => keeper.run(),
      "webhook.deliver": async ({ deliveryId }) => services.webhooks.deliver(deliveryId),
    },
    { concurrency: config.WORKER_CONCURRENCY, lockDuration: config.WORKER_LOCK_MS },
  );
  worker.on("failed", (job, err) => log.warn({ job: job?.id, err: err.message }, "job failed; it will be retried"));
  worker.on("error", (err) => log.warn({ err: err.message }, "worker"));
  void worker.run();
  sweeper.start();
  draftsSweeper.start();
  const scheduleKeeper = () => queue.queue.upsertJobScheduler("clearing.keeper", { every: config.KEEPER_INTERVAL_MS }, { name: "clearing.keeper", data: {} });
  await scheduleKeeper();
  // Redis may come back empty (restarted without persistence): put the keeper's schedule back on every reconnection
  connection.on("ready", () => void scheduleKeeper().catch((e: Error) => log.warn({ err: e.message }, "could not schedule the maturity keeper; next reconnection retries")));
  log.info({ concurrency: config.WORKER_CONCURRENCY }, "worker started");
  return {
    close: async () => {
      sweeper.stop();
      draftsSweeper.stop();
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

/** The indexer: chain events → Postgres projections. */
export async function startIndexer(config: Config, log: Logger): Promise<Running & { done: Promise<void> }> {
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
  const projections = webhookProjections(
    settlementProjections(financingProjections(receivablesProjections(onboardingProjections(new Projections())), { registry: createAdapters(ds).registry, log })),
    async (deliveryId) => void (await queue.add("webhook.deliver", { deliveryId }, deliveryJobId(deliveryId))),
  );
  const indexer = new Indexer(
    ds,
    gateway,
    deployment,
    projections,
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

/** The business modules' services, built the same way in every process that needs them. */
function businessServices(config: Config, ds: DataSource, outbox: Outbox, vault: KeyVault, queue: JobQueue, provider: JsonRpcProvider, log: Logger) {
  const adapters = createAdapters(ds);
  const keys = new PlatformKeys(vault);
  const invoices = new InvoicesService(ds, adapters);
  const receivables = new ReceivablesService(ds, outbox, invoices, keys, {
    maxTenorDays: config.POLICY_MAX_TENOR_DAYS,
    maxTier: config.POLICY_MAX_TIER,
    minSplitAmount: config.POLICY_MIN_SPLIT_AMOUNT,
  }, refuseWhileFinancingRequested, async () => BigInt((await provider.getBlock("latest"))?.timestamp ?? Math.floor(Date.now() / 1000)));
  const financing = createFinancingServices({ ds, outbox, vault, keys, registry: adapters.registry, log, ledgerNow: () => ledgerTime(provider), enqueueFunding: async (financingId) => {
    await queue.add("financing.fund", { financingId }, fundingJobId(financingId)).catch((e: Error) => log.warn({ financingId, err: e.message }, "could not enqueue funding; retry the acceptance"));
  } });
  const token = SettlementToken__factory.createInterface();
  const settlement = new SettlementService(ds, outbox, keys, async (address, owner, spender) => {
    const data = await provider.call({ to: address, data: token.encodeFunctionData("allowance", [owner, spender]) });
    return BigInt(data);
  });
  const clearing = new ClearingService(ds, outbox, receivables);
  const webhooks = new WebhooksService(ds, vault, async (deliveryId) => void (await queue.add("webhook.deliver", { deliveryId }, deliveryJobId(deliveryId))));
  const reconciliation = new ReconciliationService(ds, ledgerReader(provider, async () => (await keys.deployment(ds.manager)).ledger));
  return { invoices, receivables, financing, settlement, clearing, webhooks, reconciliation, quarantine: new QuarantineReader(ds) };
}
