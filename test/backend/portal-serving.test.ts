import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Server } from "node:http";
import express from "express";
import { PORTAL_CSP, servePortal } from "../../backend/src/shared/http/portal";

describe(servePortal.name, () => {
  let dir: string;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "portal-"));
    mkdirSync(join(dir, "assets"));
    writeFileSync(join(dir, "index.html"), `<!doctype html><script type="module" src="/portal/assets/index-abc123.js"></script>`);
    writeFileSync(join(dir, "assets", "index-abc123.js"), "console.log(1)");
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
