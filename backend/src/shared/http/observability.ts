import { randomUUID } from "node:crypto";
import type { RequestHandler } from "express";
import { collectDefaultMetrics, Counter, Histogram, Registry } from "prom-client";

/** Request id from X-Request-Id when it is sane, else a new UUID; echoed in the response. */
export const requestId: RequestHandler = (req, res, next) => {
  const given = req.get("x-request-id");
  const id = given && /^[A-Za-z0-9._-]{1,100}$/.test(given) ? given : randomUUID();
  res.locals.requestId = id;
  res.set("X-Request-Id", id);
  next();
};

export class Metrics {
  readonly registry = new Registry();
  readonly requests: Counter<"method" | "route" | "status">;
  readonly latency: Histogram<"method" | "route">;

  constructor(process: string) {
    this.registry.setDefaultLabels({ process });
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({ name: "http_requests_total", help: "HTTP requests", labelNames: ["method", "route", "status"], registers: [this.registry] });
    this.latency = new Histogram({
      name: "http_request_duration_seconds",
      help: "HTTP request latency",
      labelNames: ["method", "route"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [this.registry],
    });
  }

  middleware(): RequestHandler {
    return (req, res, next) => {
      const end = this.latency.startTimer();
      res.on("finish", () => {
        const route = (req as { route?: { path: string } }).route ? req.baseUrl + (req as unknown as { route: { path: string } }).route.path : "unmatched";
        end({ method: req.method, route });
        this.requests.inc({ method: req.method, route, status: String(res.statusCode) });
      });
      next();
    };
  }
}

export interface HealthCheck {
  name: string;
  check: () => Promise<Record<string, unknown> | void>;
}

/** Runs every check with a timeout; 200 when all pass, 503 with the failures otherwise. */
export function healthHandler(checks: HealthCheck[], timeoutMs = 2000): RequestHandler {
  return async (_req, res) => {
    const results = await Promise.all(
      checks.map(async (c) => {
        const started = Date.now();
        try {
          const detail = await Promise.race([
            c.check(),
            new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)),
          ]);
          return [c.name, { status: "up", ms: Date.now() - started, ...(detail ?? {}) }] as const;
        } catch (e) {
          return [c.name, { status: "down", error: (e as Error).message }] as const;
        }
      }),
    );
    const ok = results.every(([, r]) => r.status === "up");
    res.status(ok ? 200 : 503).json({ status: ok ? "up" : "degraded", checks: Object.fromEntries(results) });
  };
}
