import { describe, it, expect } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(__dirname, "../..");

describe("the portal's API types", () => {
  it("are generated from the routes as they are now (npm run portal:api)", () => {
    const dir = mkdtempSync(join(tmpdir(), "schema-"));
    const out = join(dir, "schema.d.ts");
    try {
      execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", join(ROOT, "scripts/openapi.ts"), "--out", out], { cwd: ROOT, stdio: "pipe" });
      const fresh = readFileSync(out, "utf8");
      expect(fresh).toContain('"/v1/sessions"');
      expect(readFileSync(join(ROOT, "portal/src/api/schema.d.ts"), "utf8") === fresh, "portal/src/api/schema.d.ts is stale: run npm run portal:api").toBe(true);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});
