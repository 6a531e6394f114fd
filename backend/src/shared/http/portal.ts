import { existsSync } from "node:fs";
import { join } from "node:path";
import express, { type Express } from "express";
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

/**
 * Serves the built portal under /portal: hashed assets (/portal/assets/*) cached for a year as
 * immutable, everything else (index.html, and every client-side route, which falls back to it)
 * revalidated each time, so a new release is picked up at the next load. `/` leads to it.
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
  app.use(
    "/portal/assets",
    express.static(join(dir, "assets"), { immutable: true, maxAge: "365d", index: false, fallthrough: false }),
  );
  app.use("/portal", express.static(dir, { index: false, maxAge: 0, setHeaders: (res) => res.set("Cache-Control", "no-cache") }));
  app.get(/^\/portal(\/.*)?$/, (_req, res) => {
    const index = join(dir, "index.html");
    if (!existsSync(index)) {
      return sendProblem(res, new AppError("PORTAL.NOT_BUILT", 503, "The portal is not built on this server: run `npm run build:portal` (npm run build does it)."));
    }
    res.set("Cache-Control", "no-cache").sendFile(index);
  });
}
