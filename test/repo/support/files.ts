import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** Every file below `dir` whose path matches `pattern` (TypeScript sources by default). */
export const sourceFiles = (dir: string, pattern: RegExp = /\.ts$/): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sourceFiles(p, pattern) : pattern.test(p) ? [p] : [];
  });
