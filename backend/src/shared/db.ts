import { DataSource, type DataSourceOptions } from "typeorm";

/** What the data source maps and migrates: the composition root (platform.ts) collects it from the modules. */
export interface DbSchema {
  entities: NonNullable<DataSourceOptions["entities"]>;
  migrations: NonNullable<DataSourceOptions["migrations"]>;
  subscribers: NonNullable<DataSourceOptions["subscribers"]>;
}

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
export function createDataSource(o: DbOptions, schema: DbSchema): DataSource {
  return new DataSource({
    type: "postgres",
    url: o.url,
    schema: o.schema,
    entities: schema.entities,
    migrations: schema.migrations,
    subscribers: schema.subscribers,
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
