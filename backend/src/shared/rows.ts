import type { DataSource, EntityManager, EntitySchema } from "typeorm";
import type { ColumnMetadata } from "typeorm/metadata/ColumnMetadata";

interface Compiled {
  columns: { property: string; column: string; meta: ColumnMetadata }[];
  hydrate: (value: unknown, column: ColumnMetadata) => unknown;
}

const compiled = new WeakMap<EntitySchema<any>, Compiled>();

function compile(db: DataSource | EntityManager, entity: EntitySchema<any>): Compiled {
  let c = compiled.get(entity);
  if (!c) {
    const ds = "connection" in db ? db.connection : db;
    const meta = ds.getMetadata(entity);
    const driver = ds.driver;
    c = {
      columns: meta.columns.map((m) => ({ property: m.propertyName, column: m.databaseName, meta: m })),
      // what TypeORM applies to each value it hydrates (date columns as strings, transformers, ...)
      hydrate: (v, m) => driver.prepareHydratedValue(v, m),
    };
    compiled.set(entity, c);
  }
  return c;
}

/**
 * Plain SQL rows as entity objects, for hot paths where TypeORM's query building and hydration
 * cost more than the query itself: the column list is worked out once per entity from its TypeORM
 * metadata, and each value is hydrated as TypeORM would (its driver's conversion, then the
 * column's transformer).
 *
 * `select(alias, prefix)` is a select list naming every column `<prefix><column>`, for statements
 * that read several tables at once; `from(raw, prefix)` maps such a row back (no prefix: `alias.*`).
 */
export class Rows<T> {
  private readonly lists = new Map<string, string>();

  constructor(private readonly entity: EntitySchema<T>) {}

  /** `"a"."col" AS "p_col", ...` for every column of the entity. */
  select(db: DataSource | EntityManager, alias: string, prefix: string): string {
    const k = `${alias}\u0000${prefix}`;
    let list = this.lists.get(k);
    if (list === undefined) {
      list = compile(db, this.entity)
        .columns.map((c) => `"${alias}"."${c.column}" AS "${prefix}${c.column}"`)
        .join(", ");
      this.lists.set(k, list);
    }
    return list;
  }

  from(db: DataSource | EntityManager, raw: Record<string, unknown>, prefix = ""): T {
    const { columns, hydrate } = compile(db, this.entity);
    const out: Record<string, unknown> = {};
    for (const c of columns) out[c.property] = hydrate(raw[prefix + c.column], c.meta);
    return out as T;
  }

  /** `from` for a row that may be absent (a LEFT JOIN that found nothing: its `key` column is null). */
  fromJoined(db: DataSource | EntityManager, raw: Record<string, unknown>, prefix: string, key = "id"): T | null {
    return raw[prefix + key] === null || raw[prefix + key] === undefined ? null : this.from(db, raw, prefix);
  }
}
