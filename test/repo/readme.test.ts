import { describe, it, expect } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(__dirname, "../..");
const readme = readFileSync(join(ROOT, "README.md"), "utf8");

describe("README", () => {
  it("opens with what the project is and its run and test commands", () => {
    const top = readme.slice(0, 1500);
    expect(top).toMatch(/receivables financing/);
    expect(top).toMatch(/npm run demo/);
    expect(top).toMatch(/npm test/);
  });

  it("documents every configuration variable the backend reads", () => {
    const source = readFileSync(join(ROOT, "backend/src/config/config.ts"), "utf8");
    const variables = [...source.matchAll(/^\s{2}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]);
    expect(variables.length).toBeGreaterThan(20);
    for (const v of variables) expect(readme, v).toContain(`\`${v}\``);
  });

  it("names only npm scripts that exist", () => {
    const scripts = Object.keys(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts);
    for (const [, name] of readme.matchAll(/npm run ([a-z0-9:-]+)/g)) expect(scripts, name).toContain(name);
  });

  it("shows only images that are in the repository (the portal's screenshots)", () => {
    const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1]);
    expect(images.length).toBeGreaterThanOrEqual(5);
    for (const image of images) expect(existsSync(join(ROOT, image)), image).toBe(true);
  });
});
