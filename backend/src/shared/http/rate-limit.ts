import type { RequestHandler } from "express";
import type { Redis } from "ioredis";
import { AppError } from "../errors";
import type { Logger } from "../logger";

/**
 * Fixed-window rate limit per organization (per client address before authentication), counted in
 * Redis so that every API server shares the budget. If Redis is unreachable the request passes:
 * availability of the API matters more than the limit for the minutes Redis is down.
 */
export function rateLimit(redis: Redis, prefix: string, perMinute: number, log: Logger): RequestHandler {
  return async (req, res, next) => {
    const who = res.locals.organizationId ?? `ip:${req.ip}`;
    const window = Math.floor(Date.now() / 60_000);
    const key = `${prefix}:ratelimit:${who}:${window}`;
    try {
      const [[, count]] = (await redis.multi().incr(key).expire(key, 120).exec()) as [[Error | null, number]];
      res.set("RateLimit-Limit", String(perMinute));
      res.set("RateLimit-Remaining", String(Math.max(0, perMinute - count)));
      res.set("RateLimit-Reset", String(60 - (Math.floor(Date.now() / 1000) % 60)));
      if (count > perMinute) {
        res.set("Retry-After", String(60 - (Math.floor(Date.now() / 1000) % 60)));
        return next(new AppError("RATE_LIMIT.EXCEEDED", 429, `More than ${perMinute} requests this minute for your organization; retry after the Retry-After seconds.`));
      }
    } catch (e) {
      log.warn({ err: (e as Error).message }, "rate limiter unavailable; letting the request through");
    }
    next();
  };
}
