import { DataSource } from "typeorm";
import { OrganizationEntity, UserEntity, ApiKeyEntity } from "../modules/onboarding/onboarding.entity";
import { AuditEntity } from "../modules/audit/audit.entity";
import { LedgerKeyEntity, LedgerDeploymentEntity } from "../ledger/ledger.entity";
import { OutboxEntity, LedgerTransactionEntity } from "../ledger/outbox/outbox.entity";
import { ChainEventEntity } from "../indexer/indexer.entity";
import { InvoiceEntity } from "../modules/invoices/invoice.entity";
import { ReceivableEntity } from "../modules/receivables/receivable.entity";
import { CreditLineEntity, FinancingEntity, FinancingRequestEntity, QuoteEntity } from "../modules/financing/financing.entity";
import { PlatformCore1732300000000 } from "../migrations/1732300000000-PlatformCore";
import { BusinessFlows1732400000000 } from "../migrations/1732400000000-BusinessFlows";
import { LookupIndexes1732500000000 } from "../migrations/1732500000000-LookupIndexes";
import { IdempotencyClaims1732600000000 } from "../migrations/1732600000000-IdempotencyClaims";
import { RequestWinner1732700000000 } from "../migrations/1732700000000-RequestWinner";
import { IdempotencyClaimGuard } from "./http/idempotency";

export const ENTITIES = [
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
];
export const MIGRATIONS = [PlatformCore1732300000000, BusinessFlows1732400000000, LookupIndexes1732500000000, IdempotencyClaims1732600000000, RequestWinner1732700000000];

export interface DbOptions {
  url: string;
  schema: string;
  poolSize: number;
  applicationName: string;
}

/**
 * A TypeORM data source bound to one schema: every connection's search_path is that schema, so
 * migrations and queries use unqualified table names. Schema changes only through migrations;
 * `synchronize` is never used.
 */
export function createDataSource(o: DbOptions): DataSource {
  return new DataSource({
    type: "postgres",
    url: o.url,
    schema: o.schema,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    subscribers: [IdempotencyClaimGuard],
    migrationsTableName: "migrations",
    synchronize: false,
    migrationsRun: false,
    poolSize: o.poolSize,
    applicationName: o.applicationName,
    extra: { options: `-c search_path=${o.schema}` },
  });
}

/** Creates the schema if needed and applies pending migrations; returns their names. */
export async function migrate(ds: DataSource): Promise<string[]> {
  const schema = (ds.options as { schema: string }).schema;
  await ds.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  const applied = await ds.runMigrations({ transaction: "each" });
  return applied.map((m) => m.name);
}

/** Refuses to serve against a database with unapplied migrations. */
export async function requireMigrated(ds: DataSource): Promise<void> {
  if (await ds.showMigrations()) {
    throw new Error("the database has unapplied migrations: run `npm run ops -- migrate` first");
  }
}
