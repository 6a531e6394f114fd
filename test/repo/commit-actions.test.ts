import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describeApi } from "../../backend/src/platform";

const ROOT = join(__dirname, "../..");

describe("the portal's commit actions", () => {
  it("are exactly the routes the API marks as needing an approver (four-eyes), apart from deciding drafts", () => {
    const doc = describeApi() as unknown as { paths: Record<string, Record<string, { description?: string }>> };
    const api = Object.entries(doc.paths)
      .filter(([path, ops]) => ops.post?.description?.includes("Needs an approver") && !path.startsWith("/v1/drafts/"))
      .map(([path]) => path)
      .sort();
    const source = readFileSync(join(ROOT, "portal/src/shared/commit.tsx"), "utf8");
    const list = /export const COMMIT_ACTIONS = \[([^\]]*)\]/.exec(source)![1];
    const portal = [...list.matchAll(/"([^"]+)"/g)].map((m) => m[1]).sort();
    expect(api.length).toBeGreaterThan(10);
    expect(portal).toEqual(api);
  });
});
