import { existsSync } from "node:fs";
import { access } from "node:fs/promises";
import { extname, join } from "node:path";
import express, { type Express, type RequestHandler } from "express";
import { REPO_ROOT } from "../paths";
import { AppError } from "../errors";
import { sendProblem } from "./problem";

/** Where `npm run build:portal` puts the portal. */
export const PORTAL_DIR = join(REPO_ROOT, "dist", "portal");

/**
 * The portal's policy: scripts, styles, images and requests from this origin only; no inline
 * script or <style>, no framing, forms post only here.
 */
export const PORTAL_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** The copies `npm run build:portal` writes beside each asset worth compressing (portal/vite.config.mts), best first. */
export const PRECOMPRESSED = [
  { encoding: "br", suffix: ".br" },
  { encoding: "gzip", suffix: ".gz" },
] as const;

/**
 * The best of the `available` content codings (in the server's order of preference) for an
 * Accept-Encoding header (RFC 9110 §12.5.3): the highest weight, the server's order on a tie, `*`
 * for codings the header does not name; none when the header is absent, accepts none of them, or
 * weighs `identity` (as it is) higher.
 */
export function chooseEncoding(header: string | undefined, available: readonly string[]): string | undefined {
  if (!header) return undefined;
  const weights = new Map<string, number>();
  for (const part of header.split(",")) {
    const [name, ...params] = part.split(";").map((x) => x.trim().toLowerCase());
    if (!name) continue;
    const q = params.map((p) => /^q\s*=\s*([01](?:\.\d{0,3})?)$/.exec(p)?.[1]).find((v) => v !== undefined);
    weights.set(name, q === undefined ? 1 : Number(q));
  }
  let best: string | undefined;
  let bestWeight = 0;
  for (const coding of available) {
    const w = weights.get(coding) ?? weights.get("*") ?? 0;
    if (w > bestWeight) [best, bestWeight] = [coding, w];
  }
  return best !== undefined && bestWeight >= (weights.get("identity") ?? 0) ? best : undefined;
}

/**
 * Serves an asset's brotli or gzip copy, made at build time at the highest settings, to a client
 * whose Accept-Encoding takes it (brotli when both are as welcome), with the asset's own type; the
 * asset as it is otherwise. Every answer for an asset that has copies says `Vary: Accept-Encoding`.
 * Only plain file names: the assets folder is flat, and nothing else reaches the file system.
 */
function precompressed(serve: RequestHandler, assets: string): RequestHandler {
  return async (req, res, next) => {
    const name = /^\/([\w-]+(?:\.[\w-]+)+)$/.exec(req.path)?.[1];
    if ((req.method !== "GET" && req.method !== "HEAD") || !name || PRECOMPRESSED.some((c) => name.endsWith(c.suffix))) return next();
    const copies = (
      await Promise.all(
        PRECOMPRESSED.map((c) =>
          access(join(assets, name + c.suffix)).then(
            () => c,
            () => null,
          ),
        ),
      )
    ).filter((c) => c !== null);
    if (copies.length === 0) return next();
    res.vary("Accept-Encoding");
    const chosen = chooseEncoding(req.get("accept-encoding"), copies.map((c) => c.encoding));
    const copy = copies.find((c) => c.encoding === chosen);
    if (!copy) return next();
    res.set("Content-Encoding", copy.encoding).type(extname(name));
    req.url = `/${name}${copy.suffix}`;
    serve(req, res, next);
  };
}

/**
 * Serves the built portal under /portal: hashed assets (/portal/assets/*) cached for a year as
 * immutable, compressed at build time (brotli or gzip, as the client accepts), everything else
 * (index.html, and every client-side route, which falls back to it) revalidated each time, so a new
 * release is picked up at the next load. `/` leads to it.
 */
export function servePortal(app: Express, dir = PORTAL_DIR): void {
  app.get("/", (_req, res) => res.redirect(302, "/portal/"));
  app.use("/portal", (_req, res, next) => {
    res.set({
      "Content-Security-Policy": PORTAL_CSP,
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "same-origin",
      "X-Frame-Options": "DENY",
    });
    next();
  });
  const assets = express.static(join(dir, "assets"), { immutable: true, maxAge: "365d", index: false, fallthrough: false });
  app.use("/portal/assets", precompressed(assets, join(dir, "assets")), assets);
  app.use("/portal", express.static(dir, { index: false, maxAge: 0, setHeaders: (res) => res.set("Cache-Control", "no-cache") }));
  app.get(/^\/portal(\/.*)?$/, (_req, res) => {
    const index = join(dir, "index.html");
    if (!existsSync(index)) {
      return sendProblem(res, new AppError("PORTAL.NOT_BUILT", 503, "The portal is not built on this server: run `npm run build:portal` (npm run build does it)."));
    }
    res.set("Cache-Control", "no-cache").sendFile(index);
  });
}
