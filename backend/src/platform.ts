import type { DataSource } from "typeorm";
import type { JsonRpcProvider } from "ethers";
import type { Redis } from "ioredis";
import type { Config } from "./config/config";
import type { Logger } from "./shared/logger";
import { createDataSource, requireMigrated, type DbOptions, type DbSchema } from "./shared/db";
import type { JobHandlers, JobQueue } from "./shared/queue";
import { IdempotencyClaimGuard } from "./shared/http/idempotency";
import { createRegistry, openApiDocument } from "./shared/http/openapi";
import { Routes } from "./shared/http/route";
import { LedgerKeyEntity, LedgerDeploymentEntity } from "./ledger/ledger.entity";
import { OutboxEntity, LedgerTransactionEntity } from "./ledger/outbox/outbox.entity";
import { Outbox } from "./ledger/outbox/outbox.service";
import { OutboxHooks } from "./ledger/outbox/hooks";
import { OUTBOX_WORK, type StaleWork } from "./ledger/outbox/sweeper";
import { KeyVault } from "./ledger/key-vault";
import { PlatformKeys } from "./ledger/platform-keys";
import { ChainEventEntity } from "./indexer/indexer.entity";
import { Projections } from "./indexer/projections";
import { QuarantineReader } from "./indexer/quarantine";
import { quarantineRoutes } from "./indexer/quarantine.routes";
import { PLATFORM_MIGRATIONS } from "./migrations";
import type { AnyModule, HttpContext, Loop, ModuleContext } from "./modules/module";
import { onboardingModule } from "./modules/onboarding";
import { auditModule } from "./modules/audit";
import { approvalsModule } from "./modules/approvals";
import { invoicesModule } from "./modules/invoices";
import { receivablesModule } from "./modules/receivables";
import { financingModule } from "./modules/financing";
import { settlementModule } from "./modules/settlement";
import { clearingModule } from "./modules/clearing";
import { webhooksModule } from "./modules/webhooks";
import { reconciliationModule } from "./modules/reconciliation";
import { conformityModule } from "./modules/conformity";
import { notificationsModule } from "./modules/notifications";
import { documentsModule } from "./modules/documents";

/**
 * The business modules, in order: a module comes after the modules it needs; routes, projections
 * and outbox hooks apply in this order (webhooks last: they announce what the others projected).
 * Adding a module is its folder, its index.ts, and a line here.
 */
export const MODULES = [
  onboardingModule,
  auditModule,
  approvalsModule,
  invoicesModule,
  receivablesModule,
  financingModule,
  settlementModule,
  clearingModule,
  documentsModule, // the documents of certificates' steps, signed by people, bound on the ledger: binds each acceptance's agreement
  conformityModule, // the regulator's feed: its projections only stage events (sealed after the indexer commits)
  webhooksModule,
  reconciliationModule,
  notificationsModule, // tells people of the business events the webhooks announce (their builders), and of drafts, requests and quotes
] as const;

type Module = (typeof MODULES)[number];
/** The list as the assembly below walks it (each module with its own services). */
const LIST: readonly AnyModule[] = MODULES;
/** Every module's services, by module name. */
export type Services = { [M in Module as M["name"]]: ReturnType<M["services"]> };

/** A started process part: stop it gracefully. */
export interface Running {
  close(): Promise<void>;
}

/** Every table as TypeORM maps it, and the migrations that make them: the platform's own (ledger, indexer, idempotency) and the modules'. */
export const PLATFORM_SCHEMA: DbSchema = {
  entities: [LedgerKeyEntity, LedgerDeploymentEntity, OutboxEntity, LedgerTransactionEntity, ChainEventEntity, ...LIST.flatMap((m) => m.entities ?? [])],
  migrations: [...PLATFORM_MIGRATIONS, ...LIST.flatMap((m) => m.migrations ?? [])],
  subscribers: [IdempotencyClaimGuard, ...LIST.flatMap((m) => m.subscribers ?? [])],
};

/** A data source for the platform's schema (migrations, entities) in one database schema. */
export const platformDataSource = (o: DbOptions) => createDataSource(o, PLATFORM_SCHEMA);

export async function openDatabase(config: Config, applicationName: string): Promise<DataSource> {
  const ds = platformDataSource({ url: config.DATABASE_URL, schema: config.DATABASE_SCHEMA, poolSize: config.DATABASE_POOL_SIZE, applicationName });
  await ds.initialize();
  await requireMigrated(ds);
  return ds;
}

/** What every process gives the modules (see ModuleContext). */
export function moduleContext(d: { config: Config; ds: DataSource; log: Logger; queue: JobQueue; redis: Redis; provider: JsonRpcProvider }): ModuleContext {
  const vault = new KeyVault(d.config.KEY_ENCRYPTION_KEY, d.config.KEY_ENCRYPTION_KEY_PREVIOUS);
  return { ...d, vault, keys: new PlatformKeys(vault), outbox: new Outbox(d.queue, d.log), routes: new Routes(createRegistry()) };
}

/** Every module's services, built in list order, each from the services of the modules it needs. */
export function buildServices(ctx: ModuleContext, modules: readonly AnyModule[] = LIST): Services {
  const built: Record<string, object> = {};
  for (const m of modules) {
    const missing = m.needs.filter((n) => !(n in built));
    if (missing.length) throw new Error(`module ${m.name} needs ${missing.join(", ")}, which must come before it in the list of modules`);
    built[m.name] = m.services(ctx, Object.fromEntries(m.needs.map((n) => [n, built[n]])));
  }
  return built as Services;
}

/** A module's own services. */
const apiOf = (services: Services, m: AnyModule) => (services as Record<string, object>)[m.name];

/** The modules' description parts, each called with its own module's services. */
const each = <T>(services: Services, part: (m: AnyModule, api: object) => T | undefined): T[] =>
  LIST.flatMap((m) => {
    const r = part(m, apiOf(services, m));
    return r === undefined ? [] : [r];
  });

/** Every module's routes, and the indexer's quarantine, on `ctx.routes`. */
export function mountRoutes(ctx: ModuleContext, services: Services, http: HttpContext): void {
  each(services, (m, api) => m.routes?.(ctx.routes, api, http));
  quarantineRoutes(ctx.routes, new QuarantineReader(ctx.ds));
}

/** The modules' projections of ledger events, chained in list order. */
export const projectionsOf = (ctx: ModuleContext, services: Services): Projections =>
  LIST.reduce((p, m) => m.projections?.(p, apiOf(services, m), ctx) ?? p, new Projections());

/** What the modules do when the ledger refuses their operations, in list order. */
export const hooksOf = (services: Services): OutboxHooks =>
  LIST.reduce((h, m) => m.hooks?.(h, apiOf(services, m)) ?? h, new OutboxHooks());

/** The modules' job handlers; `outbox` handles the outbox's own job. A job two modules claim is refused. */
export function jobsOf(ctx: ModuleContext, services: Services, outbox: Pick<JobHandlers, "outbox.submit">): JobHandlers {
  const handlers: Record<string, unknown> = { ...outbox };
  for (const jobs of each(services, (m, api) => m.jobs?.(api, ctx))) {
    for (const [name, handler] of Object.entries(jobs)) {
      if (name in handlers) throw new Error(`job ${name} has two handlers`);
      handlers[name] = handler;
    }
  }
  return handlers as JobHandlers;
}

/** Work the worker's sweeper looks for: the outbox's, and each module's. */
export const staleWork = (): StaleWork[] => [OUTBOX_WORK, ...LIST.flatMap((m) => m.stale ?? [])];

/** The modules' loops in the worker, and their repeating jobs. */
export const loopsOf = (ctx: ModuleContext, services: Services): Loop[] => each(services, (m, api) => m.loops?.(api, ctx)).flat();
export const schedulesOf = (config: Config) => LIST.flatMap((m) => m.schedules?.(config) ?? []);

/**
 * The API description (what GET /openapi.json serves) without a database: the routes are
 * described, never called, so the services stand in as empty objects.
 */
export function describeApi() {
  const routes = new Routes(createRegistry());
  const ctx = { routes } as ModuleContext;
  mountRoutes(ctx, new Proxy({}, { get: () => new Proxy({}, { get: () => ({}) }) }) as never, { secureCookies: true } as HttpContext);
  return openApiDocument(routes.registry, routes.tags);
}
