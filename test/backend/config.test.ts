import { describe, it, expect } from "vitest";
import { randomBytes } from "node:crypto";
import { ConfigError, loadConfig } from "../../backend/src/config/config";

describe("configuration", () => {
  const valid = { KEY_ENCRYPTION_KEY: randomBytes(32).toString("base64") };

  it("applies defaults", () => {
    const c = loadConfig(valid);
    expect([c.PORT, c.INDEXER_FINALITY_DEPTH, c.QUEUE_PREFIX, c.LEDGER_GAS_PRICE_WEI]).toEqual([3000, 0, "cf", 0n]);
  });

  it("lists every problem at once, saying what was expected, without echoing secrets", () => {
    try {
      loadConfig({ PORT: "eighty", DATABASE_URL: "mysql://secret@host/db", KEY_ENCRYPTION_KEY: "c2hvcnQ=", INDEXER_FINALITY_DEPTH: "-1" });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const message = (e as Error).message;
      expect((e as ConfigError).problems).toHaveLength(4);
      expect(message).toMatch(/PORT="eighty" is invalid: expected/);
      expect(message).toMatch(/DATABASE_URL is invalid: expected a postgres:\/\/ connection URL/);
      expect(message).toMatch(/KEY_ENCRYPTION_KEY is invalid: expected base64 of exactly 32 bytes/);
      expect(message).toMatch(/INDEXER_FINALITY_DEPTH="-1" is invalid/);
      expect(message).not.toContain("secret@host");
      expect(message).not.toContain("c2hvcnQ=");
    }
  });

  it("trusts no proxy and serves no metrics unless configured, and refuses to trust every proxy", () => {
    const c = loadConfig(valid);
    expect([c.TRUST_PROXY, c.METRICS_TOKEN]).toEqual([false, undefined]);
    expect(loadConfig({ ...valid, TRUST_PROXY: "loopback, 10.0.0.0/8" }).TRUST_PROXY).toEqual(["loopback", "10.0.0.0/8"]);
    expect(loadConfig({ ...valid, TRUST_PROXY: "1" }).TRUST_PROXY).toBe(1);
    expect(() => loadConfig({ ...valid, TRUST_PROXY: "true" })).toThrow(/TRUST_PROXY="true" is invalid/);
    // a token is a secret: never echoed
    try {
      loadConfig({ ...valid, METRICS_TOKEN: "short-secret" });
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).toMatch(/METRICS_TOKEN is invalid/);
      expect((e as Error).message).not.toContain("short-secret");
    }
  });

  it("names missing required variables", () => {
    expect(() => loadConfig({})).toThrow(/KEY_ENCRYPTION_KEY is missing/);
  });
});
