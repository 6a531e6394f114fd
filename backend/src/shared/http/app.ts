import express, { type Express, type RequestHandler } from "express";
import swaggerUi from "swagger-ui-express";
import type { DataSource } from "typeorm";
import type { Redis } from "ioredis";
import type { Logger } from "../logger";
import { AppError, forbidden } from "../errors";
import { authOf } from "./auth";
import { servePortal } from "./portal";
import { errorHandler, notFoundHandler } from "./problem";
import { idempotency } from "./idempotency";
import { textGuard } from "./text-guard";
import { rateLimit } from "./rate-limit";
import { healthHandler, requestId, type HealthCheck, type Metrics } from "./observability";
import type { AuditWriter } from "../../modules/audit/audit.middleware";
import type { Routes } from "./route";

export interface AppDeps {
  ds: DataSource;
  redis: Redis;
  log: Logger;
  metrics: Metrics;
  /** Writes the audit trail of state-changing requests (flush it before closing the database). */
  audit: AuditWriter;
  routes: Routes;
  /** Sets the caller (API key or session) or refuses the request; public routes may pass without one. */
  authenticate: RequestHandler;
  /** Refuses state-changing requests a browser sends from another site (before anything else). */
  sameOriginWrites: RequestHandler;
  openapi: () => object;
  health: HealthCheck[];
  /** The BullMQ dashboard, mounted at /admin/queues for operators. */
  queueDashboard?: RequestHandler;
  queuePrefix: string;
  rateLimitPerMinute: number;
  bodyLimit: string;
}

/**
 * The express application: cross-site writes refused first; public endpoints (health, metrics,
 * API description, the portal), then authentication, rate limit, idempotency and audit in front
 * of every /v1 route; every error, including express's own, leaves as application/problem+json.
 */
export function createApp(d: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");
  app.set("query parser", "simple");
  app.use(requestId);
  app.use(d.metrics.middleware());
  app.use(d.sameOriginWrites);
  if (d.log.isLevelEnabled("debug")) {
    app.use((req, res, next) => {
      res.on("finish", () => d.log.debug({ requestId: res.locals.requestId, method: req.method, path: req.path, status: res.statusCode }, "request"));
      next();
    });
  }

  app.get("/health", healthHandler(d.health));
  app.get("/metrics", async (_req, res) => {
    res.type(d.metrics.registry.contentType).send(await d.metrics.registry.metrics());
  });
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
  if (d.queueDashboard) {
    app.use(
      "/admin/queues",
      (req, _res, next) => next(authOf(req).has("operator") ? undefined : forbidden("The queue dashboard is for operators.")),
      d.queueDashboard,
    );
  }
  app.use(d.routes.router);
  app.use(notFoundHandler);
  app.use(errorHandler(d.log));
  return app;
}
