import { describe, it, expect } from "vitest";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { MODULES } from "../../backend/src/platform";
import { sourceFiles } from "./support/files";

const ROOT = join(__dirname, "../..");
const SRC = join(ROOT, "backend/src");
const MODULES_DIR = join(SRC, "modules");

const files = (dir: string) => sourceFiles(dir);
const source = files(SRC).filter((f) => !f.startsWith(join(SRC, "migrations")));

/** Every `import`/`export ... from` of a relative path (type imports too: a type is part of a module's surface). */
const importsOf = (text: string) => [...text.matchAll(/^(?:import|export)\s[^;]*?from\s+"(\.[^"]+)";/gms)].map((m) => m[1]);

/** The module a file belongs to ("receivables"), or null outside backend/src/modules/<name>/. */
const moduleOf = (file: string) => {
  const rel = relative(MODULES_DIR, file);
  return rel.startsWith("..") || !rel.includes("/") ? null : rel.split("/")[0];
};

/** `from` (in `file`) reaches past another module's index.ts into its files. */
function reachesInside(file: string, spec: string): boolean {
  const target = resolve(dirname(file), spec);
  const owner = moduleOf(target + ".ts") ?? moduleOf(join(target, "index.ts"));
  if (!owner || owner === moduleOf(file)) return false;
  return relative(join(MODULES_DIR, owner), target) !== "" && relative(join(MODULES_DIR, owner), target) !== "index";
}

/** Tables the platform's own layers own (the modules declare theirs in their index.ts). */
const PLATFORM_TABLES: Record<string, string[]> = {
  "backend/src/ledger/": ["outbox", "ledger_transactions", "signer_nonces", "ledger_keys", "ledger_deployments"],
  "backend/src/indexer/": ["chain_events", "indexer_checkpoints", "indexer_quarantine"],
  "backend/src/shared/http/idempotency.ts": ["idempotency_keys"],
};

/** table → the path prefix (a folder, or one file) whose code may write it. */
function owners(): Map<string, string[]> {
  const byTable = new Map<string, string[]>();
  const own = (table: string, where: string) => byTable.set(table, [...(byTable.get(table) ?? []), where]);
  for (const [where, tables] of Object.entries(PLATFORM_TABLES)) tables.forEach((t) => own(t, where));
  for (const m of MODULES) m.tables.forEach((t) => own(t, `backend/src/modules/${m.name}/`));
  return byTable;
}

/** Tables the migrations create: the schema's history (backend/src/migrations) and the modules' own (`*.migration.ts`). */
const createdTables = () =>
  [...files(join(SRC, "migrations")), ...files(MODULES_DIR).filter((f) => f.endsWith(".migration.ts"))].flatMap((f) =>
    [...readFileSync(f, "utf8").matchAll(/CREATE TABLE (?:IF NOT EXISTS )?"?([a-z_]+)/g)].map((m) => m[1]),
  );

/** TypeORM entity constant → its table. */
const entityTables = () =>
  new Map(
    source.flatMap((f) =>
      [...readFileSync(f, "utf8").matchAll(/export const (\w+Entity) = new EntitySchema[^]*?tableName: "([a-z_]+)"/g)].map((m) => [m[1], m[2]] as [string, string]),
    ),
  );

const WRITE = "save|insert|update|delete|upsert|increment|decrement|remove|softDelete";

/** The tables a piece of code writes: SQL statements and TypeORM writes through an entity's repository. */
export function writesOf(text: string, tables: Set<string>, entities: Map<string, string>): string[] {
  const sql = [...text.matchAll(/\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([a-z_]+)/gi)].map((m) => m[1]).filter((t) => tables.has(t));
  const repoVars = new Map([...text.matchAll(/(?:const|let)\s+(\w+)\s*=\s*[\w.]+\.getRepository\((\w+Entity)\)/g)].map((m) => [m[1], m[2]]));
  const typeorm = [
    ...[...text.matchAll(new RegExp(`getRepository\\((\\w+Entity)\\)\\s*\\.(?:${WRITE})\\(`, "g"))].map((m) => m[1]),
    ...[...repoVars].filter(([v]) => new RegExp(`\\b${v}\\.(?:${WRITE})\\(`).test(text)).map(([, e]) => e),
    ...[...text.matchAll(new RegExp(`\\.(?:into|update|from)\\((\\w+Entity)\\)|\\b\\w+\\.(?:${WRITE})\\((\\w+Entity)\\s*,`, "g"))].map((m) => m[1] ?? m[2]),
  ].map((e) => entities.get(e) ?? `?${e}`);
  return [...new Set([...sql, ...typeorm])];
}

describe("modules", () => {
  it("reach each other only through index.ts (a module's other files are its own)", () => {
    const offenders = source.flatMap((f) => importsOf(readFileSync(f, "utf8")).filter((s) => reachesInside(f, s)).map((s) => `${relative(ROOT, f)} imports ${s}`));
    expect(offenders).toEqual([]);
  });

  it("each describe themselves in an index.ts the list of modules names", () => {
    const folders = readdirSync(MODULES_DIR).filter((d) => statSync(join(MODULES_DIR, d)).isDirectory());
    expect(folders.filter((d) => !statSync(join(MODULES_DIR, d, "index.ts"), { throwIfNoEntry: false }))).toEqual([]);
    expect(MODULES.map((m) => m.name).sort()).toEqual(folders.sort());
  });

  it("come after the modules they need", () => {
    const seen = new Set<string>();
    const late = MODULES.flatMap((m) => {
      const missing = m.needs.filter((n: string) => !seen.has(n)).map((n: string) => `${m.name} needs ${n}`);
      seen.add(m.name);
      return missing;
    });
    expect(late).toEqual([]);
  });

  it("give every table exactly one owner", () => {
    const byTable = owners();
    const created = createdTables();
    expect(created.filter((t) => (byTable.get(t) ?? []).length !== 1).map((t) => `${t}: ${(byTable.get(t) ?? []).join(", ") || "no owner"}`)).toEqual([]);
    expect([...byTable.keys()].filter((t) => !created.includes(t))).toEqual([]);
  });

  it("write a table only in its owner's code (INSERT, UPDATE, DELETE, TypeORM writes)", () => {
    const byTable = owners();
    const tables = new Set(byTable.keys());
    const entities = entityTables();
    const offenders = source.flatMap((f) => {
      const rel = relative(ROOT, f);
      return writesOf(readFileSync(f, "utf8"), tables, entities)
        .filter((t) => !(byTable.get(t) ?? []).some((where) => rel.startsWith(where)))
        .map((t) => `${rel} writes ${t}`);
    });
    expect(offenders).toEqual([]);
  });

  it("finds the imports and writes it looks for (the checks themselves work)", () => {
    const financing = join(MODULES_DIR, "financing/financing.service.ts");
    expect(reachesInside(financing, "../receivables/receivables.service")).toBe(true);
    expect(reachesInside(financing, "../receivables")).toBe(false);
    expect(reachesInside(financing, "./pricing")).toBe(false);
    expect(reachesInside(join(SRC, "platform.ts"), "./modules/invoices/adapters")).toBe(true);
    expect(importsOf(`import type { A } from "../x/y";\nexport { b } from "./z";\nimport {\n  c,\n} from "../w";`)).toEqual(["../x/y", "./z", "../w"]);
    const tables = new Set(["receivables", "invoices", "quotes"]);
    const entities = new Map([["ReceivableEntity", "receivables"], ["QuoteEntity", "quotes"]]);
    expect(writesOf("await em.query(`UPDATE invoices SET x = 1`); SELECT 1 FROM receivables FOR UPDATE OF r", tables, entities)).toEqual(["invoices"]);
    expect(writesOf("await em.getRepository(ReceivableEntity).update(ids, {})", tables, entities)).toEqual(["receivables"]);
    expect(writesOf("const repo = em.getRepository(QuoteEntity);\nawait repo.save(q);", tables, entities)).toEqual(["quotes"]);
    expect(writesOf("const repo = em.getRepository(QuoteEntity);\nawait repo.findOneBy({});", tables, entities)).toEqual([]);
    expect(writesOf("qb.insert().into(ReceivableEntity)", tables, entities)).toEqual(["receivables"]);
  });
});
