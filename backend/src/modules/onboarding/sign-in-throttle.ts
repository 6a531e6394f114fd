import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { AppError } from "../../shared/errors";

/** Sign-in attempts allowed in a window, per account (email) and per client address; a success gives its own attempt back. */
export const SIGN_IN_LIMITS = { perAccount: 5, perAddress: 30, windowSeconds: 15 * 60 };

/**
 * One attempt, taken atomically before the password is verified: refused (with the seconds left in
 * the window) when either count is at its limit, else counted. Counting before the slow hash, in
 * one script, is what keeps a burst of concurrent attempts to the limit: each sees the counts of
 * every attempt that came before it, finished or not.
 */
const ATTEMPT = `local a = tonumber(redis.call('GET', KEYS[1]) or '0')
local b = tonumber(redis.call('GET', KEYS[2]) or '0')
if a >= tonumber(ARGV[2]) then return redis.call('TTL', KEYS[1]) end
if b >= tonumber(ARGV[3]) then return redis.call('TTL', KEYS[2]) end
if redis.call('INCR', KEYS[1]) == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
if redis.call('INCR', KEYS[2]) == 1 then redis.call('EXPIRE', KEYS[2], ARGV[1]) end
return 0`;

/**
 * A success gives its own attempt back to the account and the address, and nothing more: the
 * failures of the window still count, so a person signing in during someone's burst of guesses
 * does not hand the guesser a fresh allowance (wiping the account's count did).
 */
const SUCCEEDED = `for _, key in ipairs(KEYS) do
  if tonumber(redis.call('GET', key) or '0') > 0 then redis.call('DECR', key) end
end
return 0`;

/**
 * Counts sign-in attempts in Redis (shared by every API server), per account and per address.
 * Unknown emails are counted like known ones, so the answers never tell whether an account exists.
 * The address is the client's as express sees it: the peer, or what a proxy the operator trusts
 * (TRUST_PROXY) says; never a header anyone may send.
 */
export class SignInThrottle {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly limits = SIGN_IN_LIMITS,
  ) {}

  private keys(email: string, address: string) {
    const account = createHash("sha256").update(email.toLowerCase()).digest("hex").slice(0, 32);
    return [`${this.prefix}:signin:account:${account}`, `${this.prefix}:signin:address:${address}`];
  }

  /** Counts an attempt, before anything is verified; throws 429 when the account or address is at its limit. */
  async attempt(email: string, address: string): Promise<void> {
    const blocked = Number(await this.redis.eval(ATTEMPT, 2, ...this.keys(email, address), this.limits.windowSeconds, this.limits.perAccount, this.limits.perAddress));
    if (blocked !== 0) {
      // -1 (a key without expiry) cannot happen here, but a refusal must never read as "retry now"
      const seconds = blocked > 0 ? blocked : this.limits.windowSeconds;
      const minutes = Math.max(1, Math.ceil(seconds / 60));
      throw new AppError(
        "SESSION.THROTTLED",
        429,
        `Too many failed sign-ins for this account or from this address: try again in ${minutes} minute${minutes === 1 ? "" : "s"}, or ask your organization's admin to reset your password.`,
        [],
        { retryAfterSeconds: seconds },
      );
    }
  }

  /** A successful sign-in gives its attempt back to the account and the address. */
  async succeeded(email: string, address: string): Promise<void> {
    await this.redis.eval(SUCCEEDED, 2, ...this.keys(email, address));
  }
}
