import type { RequestHandler } from "express";
import type { Redis } from "ioredis";
import { AppError } from "../errors";
import type { Logger } from "../logger";

/** The window's counter, incremented, with its expiry set when the window starts: one command per request. */
const COUNT = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n`;
const COMMAND = "chainfactorRateLimitCount";

/**
 * Fixed-window rate limit per organization (per client address before authentication), counted in
 * Redis so that every API server shares the budget. If Redis is unreachable the request passes:
 * availability of the API matters more than the limit for the minutes Redis is down.
 */
export function rateLimit(redis: Redis, prefix: string, perMinute: number, log: Logger): RequestHandler {
  // a script (sent by its SHA once Redis knows it): one round trip and no MULTI/EXEC per request
  if (!(COMMAND in redis)) redis.defineCommand(COMMAND, { numberOfKeys: 1, lua: COUNT });
  const count = (redis as unknown as Record<string, (key: string, ttl: number) => Promise<number>>)[COMMAND].bind(redis);
  return async (req, res, next) => {
    const who = res.locals.organizationId ?? `ip:${req.ip}`;
    const window = Math.floor(Date.now() / 60_000);
    const key = `${prefix}:ratelimit:${who}:${window}`;
    try {
      const n = await count(key, 120);
      const reset = String(60 - (Math.floor(Date.now() / 1000) % 60));
      res.set("RateLimit-Limit", String(perMinute));
      res.set("RateLimit-Remaining", String(Math.max(0, perMinute - n)));
      res.set("RateLimit-Reset", reset);
      if (n > perMinute) {
        res.set("Retry-After", reset);
        return next(new AppError("RATE_LIMIT.EXCEEDED", 429, `More than ${perMinute} requests this minute for your organization; retry after the Retry-After seconds.`));
      }
    } catch (e) {
      log.warn({ err: (e as Error).message }, "rate limiter unavailable; letting the request through");
    }
    next();
  };
}
