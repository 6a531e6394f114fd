import type { ValueTransformer } from "typeorm";

/** bigint columns arrive from pg as strings; money and block numbers are bigint in code. */
export const bigintColumn: ValueTransformer = {
  to: (v: bigint | null | undefined) => (v === null || v === undefined ? v : v.toString()),
  from: (v: string | null) => (v === null ? null : BigInt(v)),
};

/** Common column shapes. */
export const col = {
  uuid: { type: "uuid" as const },
  text: { type: "text" as const },
  address: { type: "char" as const, length: 42 },
  hash: { type: "char" as const, length: 66 },
  timestamp: { type: "timestamptz" as const },
  bigint: { type: "bigint" as const, transformer: bigintColumn },
};

/**
 * The rows of `em.query(...)`: TypeORM returns `[rows, affected]` for UPDATE and DELETE on
 * Postgres (even with RETURNING) and the rows themselves otherwise.
 */
export function rowsOf<T = Record<string, any>>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === "number") return result[0] as T[];
  return result as T[];
}
