/**
 * `npm run test:faults:long` runs the chaos suite for CHAOS_MINUTES minutes, 30 unless set: the
 * script is run as npm runs it (`sh -c`, node_modules/.bin first on the PATH) with a stand-in
 * `vitest` that reports the length it was given.
 */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(__dirname, "../../..");
const script = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts["test:faults:long"] as string;

describe("npm run test:faults:long", () => {
  let bin: string;
  beforeAll(() => {
    bin = mkdtempSync(join(tmpdir(), "cf-long-form-"));
    writeFileSync(join(bin, "vitest"), '#!/bin/sh\necho "minutes=$CHAOS_MINUTES args=$*"\n');
    chmodSync(join(bin, "vitest"), 0o755);
  });
  afterAll(() => rmSync(bin, { recursive: true, force: true }));

  const run = (env: Record<string, string>) => {
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== "CHAOS_MINUTES")) as Record<string, string>;
    return execFileSync("sh", ["-c", script], { env: { ...base, ...env, PATH: `${bin}:${process.env.PATH}` }, encoding: "utf8" }).trim();
  };

  it("runs for CHAOS_MINUTES when it is set", () => {
    expect(run({ CHAOS_MINUTES: "5" })).toBe("minutes=5 args=run test/backend/chaos");
  });

  it("runs for 30 minutes when it is not", () => {
    expect(run({})).toBe("minutes=30 args=run test/backend/chaos");
  });
});
