import { createHash, timingSafeEqual } from "node:crypto";
import express, { type Express, type RequestHandler } from "express";
import swaggerUi from "swagger-ui-express";
import type { DataSource } from "typeorm";
import type { Redis } from "ioredis";
import type { Logger } from "../logger";
import { AppError, forbidden, unauthorized } from "../errors";
import { authOf } from "./auth";
import { servePortal } from "./portal";
import { compressAnswers } from "./compression";
import { errorHandler, notFoundHandler } from "./problem";
import { idempotency } from "./idempotency";
import { textGuard } from "./text-guard";
import { rateLimit } from "./rate-limit";
import { healthHandler, requestId, type HealthCheck, type Metrics } from "./observability";
import type { Routes } from "./route";

/** Where the audit trail goes (the audit module's writer). */
export interface AuditTrail {
  /** Records each state-changing request when it finishes. */
  middleware(): RequestHandler;
}

export interface AppDeps {
  ds: DataSource;
  redis: Redis;
  log: Logger;
  metrics: Metrics;
  /** Writes the audit trail of state-changing requests. */
  audit: AuditTrail;
  routes: Routes;
  /** Sets the caller (API key or session) or refuses the request; public routes may pass without one. */
  authenticate: RequestHandler;
  /** Refuses state-changing requests a browser sends from another site (before anything else). */
  sameOriginWrites: RequestHandler;
  openapi: () => object;
  health: HealthCheck[];
  /** The BullMQ dashboard, mounted at /admin/queues for the operator's approvers and admins. */
  queueDashboard?: RequestHandler;
  /** Proxies whose X-Forwarded-For is believed (express `trust proxy`); false: none. */
  trustProxy: false | number | string[];
  /** The bearer token GET /metrics needs; unset: /metrics is not served. */
  metricsToken?: string;
  queuePrefix: string;
  rateLimitPerMinute: number;
  bodyLimit: string;
}

/**
 * On every answer (API, documents, downloads, errors, the portal): no MIME sniffing, no framing, no
 * referrer to other sites, and nothing stored by caches, since most answers are a tenant's private
 * data (the portal's static files set their own caching after this).
 */
const securityHeaders: RequestHandler = (_req, res, next) => {
  res.set({
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
  });
  next();
};

/**
 * The queue dashboard shows job data and can pause, clean and add jobs for the whole platform: the
 * operator's approvers and admins only. Its writes pass authentication's CSRF check like every
 * other (the dashboard's script sends the token as X-XSRF-TOKEN, read from the XSRF-TOKEN cookie set
 * here, a copy of the session's cf_csrf limited to the dashboard's path).
 */
const queueDashboardGate: RequestHandler = (req, res, next) => {
  const auth = authOf(req);
  if (!auth.has("operator")) return next(forbidden("The queue dashboard is for the operator."));
  if (auth.user.role !== "admin" && auth.duty !== "approver") return next(forbidden("The queue dashboard is for the operator's approvers and admins."));
  const csrf = auth.sessionId ? /(?:^|;\s*)cf_csrf=([^;]+)/.exec(req.get("cookie") ?? "")?.[1] : undefined;
  if (csrf && req.method === "GET") res.cookie("XSRF-TOKEN", csrf, { path: "/admin/queues", sameSite: "strict", secure: req.secure });
  next();
};

/**
 * The express application: cross-site writes refused first; public endpoints (health, metrics,
 * API description, the portal), then authentication, rate limit, idempotency and audit in front
 * of every /v1 route; every error, including express's own, leaves as application/problem+json.
 * Answers are compressed as the client accepts (compressAnswers; the portal's assets at build time).
 */
export function createApp(d: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", d.trustProxy);
  app.set("query parser", "simple");
  app.use(securityHeaders);
  app.use(requestId);
  app.use(compressAnswers());
  app.use(d.metrics.middleware());
  app.use(d.sameOriginWrites);
  if (d.log.isLevelEnabled("debug")) {
    app.use((req, res, next) => {
      res.on("finish", () => d.log.debug({ requestId: res.locals.requestId, method: req.method, path: req.path, status: res.statusCode }, "request"));
      next();
    });
  }

  app.get("/health", healthHandler(d.health));
  if (d.metricsToken) {
    const expected = createHash("sha256").update(d.metricsToken).digest();
    app.get("/metrics", async (req, res, next) => {
      const presented = /^bearer\s+(.+)$/i.exec(req.get("authorization") ?? "")?.[1]?.trim() ?? "";
      if (!timingSafeEqual(createHash("sha256").update(presented).digest(), expected)) {
        return next(unauthorized("The metrics need the METRICS_TOKEN as a bearer token."));
      }
      res.type(d.metrics.registry.contentType).send(await d.metrics.registry.metrics());
    });
  } else {
    app.get("/metrics", (_req, _res, next) => next(new AppError("RESOURCE.NOT_FOUND", 404, "Metrics are not served here: set METRICS_TOKEN to serve them.")));
  }
  app.get("/openapi.json", (_req, res) => {
    res.json(d.openapi());
  });
  app.use("/docs", swaggerUi.serve, swaggerUi.setup(undefined, { swaggerOptions: { url: "/openapi.json" } }));
  servePortal(app);

  // everything below needs an API key or a session (apart from signing in)
  // the raw bytes are kept for Idempotency-Key comparisons; compressed bodies are refused (415)
  const jsonBody = express.json({
    limit: d.bodyLimit,
    strict: false,
    inflate: false,
    type: () => true,
    verify: (req, _res, buf) => {
      (req as { rawBody?: Buffer }).rawBody = buf;
    },
  });
  app.use((req, _res, next) => {
    const hasBody = Number(req.get("content-length") ?? 0) > 0 || req.get("transfer-encoding") !== undefined;
    if (hasBody && !req.is("application/json") && !req.is("application/*+json")) {
      return next(new AppError("REQUEST.UNSUPPORTED_MEDIA_TYPE", 415, "Send the body as JSON with Content-Type: application/json."));
    }
    next();
  });
  app.use(d.authenticate);
  app.use(rateLimit(d.redis, d.queuePrefix, d.rateLimitPerMinute, d.log));
  app.use(jsonBody);
  // before the text guard: a write refused for malformed text is audited too (the trail cleans it)
  app.use(d.audit.middleware());
  app.use(textGuard);
  app.use(idempotency(d.ds));
  if (d.queueDashboard) app.use("/admin/queues", queueDashboardGate, d.queueDashboard);
  app.use(d.routes.router);
  app.use(notFoundHandler);
  app.use(errorHandler(d.log));
  return app;
}
