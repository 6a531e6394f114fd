import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Server } from "node:http";
import { brotliCompressSync, gzipSync } from "node:zlib";
import express from "express";
import { chooseEncoding, PORTAL_CSP, servePortal } from "../../backend/src/shared/http/portal";
import { rawGet, variesByEncoding } from "./support/raw-http";

/** A script big enough to be compressed at build time, with the copies the build writes beside it. */
const BIG = `export const rows = ${JSON.stringify(Array.from({ length: 400 }, (_, i) => ({ row: i, label: `行 ${i}` })))};\n`;

describe(servePortal.name, () => {
  let dir: string;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "portal-"));
    mkdirSync(join(dir, "assets"));
    writeFileSync(join(dir, "index.html"), `<!doctype html><script type="module" src="/portal/assets/index-abc123.js"></script>`);
    writeFileSync(join(dir, "assets", "index-abc123.js"), "console.log(1)");
    writeFileSync(join(dir, "assets", "rows-def456.js"), BIG);
    writeFileSync(join(dir, "assets", "rows-def456.js.br"), brotliCompressSync(BIG));
    writeFileSync(join(dir, "assets", "rows-def456.js.gz"), gzipSync(BIG));
    const app = express();
    servePortal(app, dir);
    app.use((_req, res) => res.status(404).end());
    server = await new Promise<Server>((r) => {
      const s = app.listen(0, () => r(s));
    });
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true });
  });

  it("leads / to the portal", async () => {
    const r = await fetch(`${base}/`, { redirect: "manual" });
    expect(r.status).toBe(302);
    expect(r.headers.get("location")).toBe("/portal/");
  });

  it("serves index.html for the portal and its client-side routes, revalidated each time, under a CSP without inline script", async () => {
    for (const path of ["/portal/", "/portal", "/portal/receivables/0b6c5f3e", "/portal/signin"]) {
      const r = await fetch(base + path);
      expect(r.status, path).toBe(200);
      expect(await r.text(), path).toContain("index-abc123.js");
      expect(r.headers.get("cache-control"), path).toBe("no-cache");
      expect(r.headers.get("content-security-policy"), path).toBe(PORTAL_CSP);
      expect(r.headers.get("x-frame-options")).toBe("DENY");
    }
    expect(PORTAL_CSP).toContain("script-src 'self'");
    expect(PORTAL_CSP).not.toContain("unsafe-inline");
    expect(PORTAL_CSP).toContain("frame-ancestors 'none'");
  });

  it("caches hashed assets for a year as immutable, and answers a missing one 404 rather than index.html", async () => {
    const r = await fetch(`${base}/portal/assets/index-abc123.js`);
    expect(r.status).toBe(200);
    expect(r.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect((await fetch(`${base}/portal/assets/index-old999.js`)).status).toBe(404);
  });

  it("answers an asset with its brotli or gzip copy as the client accepts (brotli on a tie), with Vary, and as it is without Accept-Encoding", async () => {
    const url = `${base}/portal/assets/rows-def456.js`;
    for (const [accept, encoding] of [
      [undefined, undefined],
      ["br", "br"],
      ["gzip", "gzip"],
      ["gzip, deflate, br, zstd", "br"],
      ["br;q=0.1, gzip;q=0.9", "gzip"],
      ["deflate", undefined],
    ] as const) {
      const r = await rawGet(url, accept ? { "accept-encoding": accept } : {});
      expect(r.status, accept).toBe(200);
      expect(r.headers["content-encoding"], accept).toBe(encoding);
      expect(variesByEncoding(r), accept).toBe(true);
      expect(r.headers["content-type"], accept).toMatch(/^text\/javascript/);
      expect(r.headers["cache-control"], accept).toBe("public, max-age=31536000, immutable");
      expect(r.headers["content-security-policy"], accept).toBe(PORTAL_CSP);
      expect(r.body.toString("utf8"), accept).toBe(BIG);
      if (encoding) expect(r.wire.length, accept).toBeLessThan(Buffer.byteLength(BIG) / 3);
    }
    // an asset without copies (too small to compress) is served as it is
    const small = await rawGet(`${base}/portal/assets/index-abc123.js`, { "accept-encoding": "br, gzip" });
    expect(small.headers["content-encoding"]).toBeUndefined();
    expect(small.body.toString("utf8")).toBe("console.log(1)");
  });

  it("chooses a coding as RFC 9110 weighs Accept-Encoding: the highest weight, the server's order on a tie", () => {
    const both = ["br", "gzip"];
    expect(chooseEncoding(undefined, both)).toBeUndefined();
    expect(chooseEncoding("", both)).toBeUndefined();
    expect(chooseEncoding("gzip, deflate, br", both)).toBe("br");
    expect(chooseEncoding("GZIP;Q=0.8, br;q=0.5", both)).toBe("gzip");
    expect(chooseEncoding("*", both)).toBe("br");
    expect(chooseEncoding("*;q=0.2, br;q=0", both)).toBe("gzip");
    expect(chooseEncoding("br;q=0, gzip;q=0", both)).toBeUndefined();
    expect(chooseEncoding("identity, br;q=0.5", both)).toBeUndefined();
    expect(chooseEncoding("zstd, deflate", both)).toBeUndefined();
  });

  it("says how to build the portal when it is not built", async () => {
    const app = express();
    servePortal(app, join(dir, "nowhere"));
    const s = await new Promise<Server>((r) => {
      const x = app.listen(0, () => r(x));
    });
    const r = await fetch(`http://127.0.0.1:${(s.address() as { port: number }).port}/portal/`);
    await new Promise((res) => s.close(res));
    expect(r.status).toBe(503);
    expect(((await r.json()) as { code: string }).code).toBe("PORTAL.NOT_BUILT");
  });
});
