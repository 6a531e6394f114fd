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
