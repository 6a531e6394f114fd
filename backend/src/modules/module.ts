import type { DataSource, EntitySchema, MigrationInterface } from "typeorm";
import type { JsonRpcProvider } from "ethers";
import type { Redis } from "ioredis";
import type { Config } from "../config/config";
import type { Logger } from "../shared/logger";
import type { JobHandlers, JobQueue } from "../shared/queue";
import type { Routes } from "../shared/http/route";
import type { ChangeFeed } from "../shared/changes";
import type { Outbox } from "../ledger/outbox/outbox.service";
import type { OutboxHooks } from "../ledger/outbox/hooks";
import type { KeyVault } from "../ledger/key-vault";
import type { PlatformKeys } from "../ledger/platform-keys";
import type { StaleWork } from "../ledger/outbox/sweeper";
import type { Projections } from "../indexer/projections";

/** What every module is given to build its services, the same in every process. */
export interface ModuleContext {
  config: Config;
  ds: DataSource;
  log: Logger;
  outbox: Outbox;
  vault: KeyVault;
  keys: PlatformKeys;
  queue: JobQueue;
  /** The process's Redis connection (the one its queue uses). */
  redis: Redis;
  provider: JsonRpcProvider;
  /** The API's routes (mounted in the API process only; the drafts module runs a route on approval). */
  routes: Routes;
}

/** What the API process gives a module's routes. */
export interface HttpContext {
  /** Wakes requests that wait for a change (`Prefer: wait`). */
  changes: ChangeFeed;
  secureCookies: boolean;
}

/** A loop a module runs in the worker (e.g. a sweeper of its own stuck rows). */
export interface Loop {
  start(): void;
  stop(): void;
}

type MigrationClass = new () => MigrationInterface;

/**
 * A business module as the processes see it: everything the API, the worker and the indexer need to
 * run it, in one place (its `index.ts`). Adding a module is a folder, this description in its
 * `index.ts`, and one line in the list of modules (`backend/src/platform.ts`).
 *
 * `Api` is what its `services` build (once per process); `Needs` the services of other modules it
 * uses, by module name — those modules come earlier in the list.
 */
export interface PlatformModule<Name extends string = string, Api extends object = object, Needs extends object = object> {
  name: Name;
  /** The modules whose services `services` takes (checked against the list's order at start). */
  needs: (keyof Needs & string)[];
  /** The tables it owns: only this module's folder writes them (test/repo/table-ownership.test.ts). */
  tables: string[];
  /** TypeORM's map of its tables. */
  entities?: EntitySchema<any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Migrations it adds (ordered with every other by their timestamp). */
  migrations?: MigrationClass[];
  /** TypeORM subscribers (e.g. guards on writes). */
  subscribers?: (new () => object)[];
  services(ctx: ModuleContext, needs: Needs): Api;
  /** Its HTTP routes (API process). */
  routes?(routes: Routes, api: Api, http: HttpContext): void;
  /** Its projections of ledger events (indexer process), in list order. */
  projections?(p: Projections, api: Api, ctx: ModuleContext): Projections;
  /** What it does when the ledger refuses one of its operations (worker process), in list order. */
  hooks?(hooks: OutboxHooks, api: Api): OutboxHooks;
  /** Handlers of its jobs (worker process). */
  jobs?(api: Api, ctx: ModuleContext): Partial<JobHandlers>;
  /** Jobs the worker schedules to repeat: every so often, or at times a cron expression names (in time zone `tz`). */
  schedules?(config: Config): ({ job: keyof JobHandlers; everyMs: number } | { job: keyof JobHandlers; cron: string; tz: string })[];
  /** Rows of its tables whose job nobody is doing: the worker's sweeper re-enqueues them. */
  stale?: StaleWork[];
  /** Loops it runs in the worker. */
  loops?(api: Api, ctx: ModuleContext): Loop[];
}

/** A module's description, its types inferred from `services`. */
export const defineModule = <Name extends string, Api extends object, Needs extends object = object>(m: PlatformModule<Name, Api, Needs>) => m;

/** Any module, as the processes handle the list of them. */
export type AnyModule = PlatformModule<string, any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
