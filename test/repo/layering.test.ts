import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { sourceFiles } from "./support/files";

const ROOT = join(__dirname, "../..");
const SHARED = join(ROOT, "backend/src/shared");

const files = (dir: string) => sourceFiles(dir);

/** `import ... from "<spec>"` statements that load code when they run (not `import type`). */
const runtimeImports = (source: string) =>
  [...source.matchAll(/^import\s+(?!type\s)[^;]*?from\s+"([^"]+)";/gms)].map((m) => m[1]).concat([...source.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]));

describe("layering", () => {
  it("keeps shared/ free of the business modules: they plug in through the composition root (platform.ts)", () => {
    const offenders = files(SHARED).flatMap((f) =>
      runtimeImports(readFileSync(f, "utf8"))
        .filter((spec) => /(^|\/)modules\//.test(spec) || /(^|\/)(ledger|indexer)\//.test(spec))
        .map((spec) => `${relative(ROOT, f)} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it("finds the imports it looks for (the check itself works)", () => {
    expect(runtimeImports(`import { a } from "../../modules/x";\nimport type { B } from "../../modules/y";\nimport {\n  c,\n} from "../ledger/z";`)).toEqual(["../../modules/x", "../ledger/z"]);
  });
});
