import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { sourceFiles } from "./support/files";

/**
 * The portal's arrows point one way: app/ (router, shell, the list of modules) → modules/<domain>/
 * → shared/ → api/ and i18n/. A module takes what it shares with others from shared/, never from
 * app/ nor from another module's folder; shared/ knows no module and not the app.
 */
const ROOT = join(__dirname, "../..");
const SRC = join(ROOT, "portal/src");

const files = (dir: string) => sourceFiles(dir, /\.tsx?$/);

/** Every module specifier a file names: `import … from`, `import type … from`, `export … from`, `import "…"` and `import("…")`. */
const specifiers = (source: string) =>
  [
    ...source.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']/gms),
    ...source.matchAll(/^\s*import\s+["']([^"']+)["']/gm),
    ...source.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g),
  ].map((m) => m[1]);

/** Where a path under portal/src sits: "app", "module:<name>", "shared", "api", "i18n" or "other". */
const area = (path: string) => {
  const [top, name] = relative(SRC, path).split(sep);
  return top === "modules" ? `module:${name}` : ["app", "shared", "api", "i18n"].includes(top) ? top : "other";
};

/** The imports of one file (a path under portal/src) that run back up, as "file imports spec". */
export function backArrows(file: string, source: string): string[] {
  const from = area(file);
  return specifiers(source)
    .filter((spec) => spec.startsWith("."))
    .filter((spec) => {
      const to = area(resolve(dirname(file), spec));
      if (from.startsWith("module:")) return to === "app" || (to.startsWith("module:") && to !== from);
      if (from === "shared") return to === "app" || to.startsWith("module:");
      if (from === "api" || from === "i18n") return to === "app" || to === "shared" || to.startsWith("module:");
      return false;
    })
    .map((spec) => `${relative(ROOT, file)} imports ${spec}`);
}

describe("portal layering", () => {
  it("modules import neither the app nor each other, and shared/, api/ and i18n/ import no module and not the app", () => {
    const all = files(SRC);
    expect(all.filter((f) => area(f).startsWith("module:")).length).toBeGreaterThan(40);
    expect(all.filter((f) => area(f) === "shared").length).toBeGreaterThan(5);
    expect(all.flatMap((f) => backArrows(f, readFileSync(f, "utf8")))).toEqual([]);
  });

  it("finds the arrows it looks for (the check itself works)", () => {
    const at = (path: string) => join(SRC, path);
    const source = [
      `import { useSession } from "../../app/session";`,
      `import type { DomainModule } from "../../app/module";`,
      `import {\n  useCommit,\n} from "../approvals/commit";`,
      `export { chunks } from "../invoices/batch";`,
      `const Page = lazy(() => import("../financing/RequestListPage"));`,
      `import "../operator/operator.css";`,
      `import { Page } from "../../shared/ui";`,
      `import { ReceivableStatus } from "./shared";`,
      `import { OperationStatus } from "../receivables/shared";`,
      `import { Money } from "../../shared/Money";`,
      `import { get } from "../../api/client";`,
      `import { useQuery } from "@tanstack/react-query";`,
    ].join("\n");
    expect(backArrows(at("modules/receivables/RegisterPage.tsx"), source).map((s) => s.replace(/^.* imports /, ""))).toEqual([
      "../../app/session",
      "../../app/module",
      "../approvals/commit",
      "../invoices/batch",
      "../operator/operator.css",
      "../financing/RequestListPage",
    ]);
    expect(backArrows(at("shared/commit.tsx"), `import { useSession } from "./session";\nimport { x } from "../modules/approvals/x";\nimport { Shell } from "../app/Shell";`)).toHaveLength(2);
    expect(backArrows(at("i18n/problem.ts"), `import { ApiProblem } from "../api/client";\nimport { Page } from "../shared/ui";`)).toHaveLength(1);
    expect(backArrows(at("app/router.tsx"), `import { MODULES } from "./modules";\nimport { x } from "../modules/financing/routes";`)).toEqual([]);
  });
});
