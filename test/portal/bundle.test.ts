/**
 * The portal's weight, on the built portal (dist/portal: `npm test` builds it first; alone:
 * `npm run build:portal && npx vitest run test/portal/bundle.test.ts`): the entry chunk stays under
 * 250 kB; the chart library is neither in it nor preloaded with the home section of any role (it
 * loads with the pages that draw a chart), nor is the signing key's code (it loads with the signing
 * dialog); and the API answers the built assets brotli, gzip or as
 * they are, as the client accepts.
 */
import { readdirSync, readFileSync } from "node:fs";
import type { Server } from "node:http";
import { join } from "node:path";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compressAnswers } from "../../backend/src/shared/http/compression";
import { servePortal } from "../../backend/src/shared/http/portal";
import { entryKey, isChartChunk, PORTAL_DIST, preloadedFiles, readManifest, scriptFiles, type Manifest } from "../../scripts/portal-sizes";
import { rawGet, variesByEncoding } from "../backend/support/raw-http";

const ENTRY_LIMIT = 250_000;
const MODULES = join(__dirname, "..", "..", "portal", "src", "modules");

/**
 * Every home section the modules declare (`homes: [{ role, Component }]` in routes.tsx), with the
 * source its lazy component is imported from (a manifest key), or none when it is not lazy (it is
 * then in the entry chunk, which is checked on its own).
 */
function homeSections(): { where: string; src: string | null }[] {
  return readdirSync(MODULES).flatMap((module) => {
    let routes: string;
    try {
      routes = readFileSync(join(MODULES, module, "routes.tsx"), "utf8");
    } catch {
      return [];
    }
    const lazies = new Map([...routes.matchAll(/const (\w+) = lazy\w*\(\s*\(\) => import\("\.\/([^"]+)"\)/g)].map((m) => [m[1], m[2]]));
    const homes = /homes:\s*\[([^\]]*)\]/.exec(routes)?.[1] ?? "";
    return [...homes.matchAll(/role:\s*"(\w+)",\s*Component:\s*(\w+)/g)].map(([, role, component]) => {
      const path = lazies.get(component);
      return { where: `${role} home: ${module}/${component}`, src: path ? `src/modules/${module}/${path}.tsx` : null };
    });
  });
}

describe("the built portal", () => {
  let m: Manifest;
  let charts: string[];

  beforeAll(() => {
    m = readManifest();
    charts = scriptFiles(m).filter((f) => isChartChunk(f));
  });

  it("has an entry chunk under 250 kB", () => {
    const entry = m[entryKey(m)].file;
    const size = readFileSync(join(PORTAL_DIST, entry)).length;
    expect(size, `${entry} is ${size} bytes`).toBeLessThan(ENTRY_LIMIT);
  });

  it("loads the chart library only with the pages that draw a chart: not in the entry chunk, not preloaded with any role's home", () => {
    expect(charts.length, "a chunk holds the chart library").toBeGreaterThan(0);
    const first = preloadedFiles(m, entryKey(m));
    expect(first.filter((f) => charts.includes(f)), "preloaded with the entry chunk").toEqual([]);

    const homes = homeSections();
    expect(homes.length).toBeGreaterThanOrEqual(8);
    for (const home of homes) {
      if (!home.src) continue; // not lazy: part of the entry chunk, checked above
      expect(m[home.src], `${home.where}: ${home.src} in the manifest`).toBeDefined();
      expect(preloadedFiles(m, home.src).filter((f) => charts.includes(f)), home.where).toEqual([]);
    }

    // and the pages that draw one do get it
    for (const page of ["src/modules/financing/CreditLinesPage.tsx", "src/modules/receivables/core/PayablesPage.tsx"]) {
      const reachable = new Set<string>();
      const visit = (k: string) => {
        if (reachable.has(m[k].file)) return;
        reachable.add(m[k].file);
        for (const i of [...(m[k].imports ?? []), ...(m[k].dynamicImports ?? [])]) visit(i);
      };
      visit(page);
      expect([...reachable].filter((f) => charts.includes(f)).length, page).toBeGreaterThan(0);
    }
  });

  it("loads the signing key's code (SM2, the browser keystore) only when the signing dialog opens: not in the entry chunk nor preloaded with it", () => {
    const keystore = m["src/modules/documents/keystore.ts"];
    expect(keystore, "the keystore is a chunk of its own").toBeDefined();
    expect(preloadedFiles(m, entryKey(m))).not.toContain(keystore.file);
    // the GM/T 0009 signer id the keystore signs with: in its chunk, not in the entry's
    expect(readFileSync(join(PORTAL_DIST, keystore.file), "utf8")).toContain("1234567812345678");
    expect(readFileSync(join(PORTAL_DIST, m[entryKey(m)].file), "utf8")).not.toContain("1234567812345678");
    const importers = Object.entries(m)
      .filter(([, c]) => [...(c.imports ?? []), ...(c.dynamicImports ?? [])].includes("src/modules/documents/keystore.ts"))
      .map(([k]) => k);
    expect(importers, "who loads the keystore").toEqual(["src/modules/documents/SignDocument.tsx"]);
  });

  describe("served by the API", () => {
    let server: Server;
    let base: string;
    beforeAll(async () => {
      const app = express();
      app.use(compressAnswers());
      servePortal(app, PORTAL_DIST);
      server = await new Promise<Server>((r) => {
        const s = app.listen(0, () => r(s));
      });
      base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    });
    afterAll(async () => {
      await new Promise((r) => server.close(r));
    });

    it("answers the entry chunk and its style sheet brotli or gzip as the client accepts, with Vary, and as they are without Accept-Encoding", async () => {
      const entry = m[entryKey(m)];
      for (const file of [entry.file, ...(entry.css ?? [])]) {
        const original = readFileSync(join(PORTAL_DIST, file));
        for (const [accept, encoding] of [
          [undefined, undefined],
          ["br", "br"],
          ["gzip", "gzip"],
          ["gzip, deflate, br, zstd", "br"],
        ] as const) {
          const r = await rawGet(`${base}/portal/${file}`, accept ? { "accept-encoding": accept } : {});
          const what = `${file} ${accept ?? "(no Accept-Encoding)"}`;
          expect(r.status, what).toBe(200);
          expect(r.headers["content-encoding"], what).toBe(encoding);
          expect(variesByEncoding(r), what).toBe(true);
          expect(r.headers["cache-control"], what).toBe("public, max-age=31536000, immutable");
          expect(r.body.equals(original), what).toBe(true);
          if (encoding) expect(r.wire.length, what).toBeLessThan(original.length / 2);
        }
      }
    });
  });
});
