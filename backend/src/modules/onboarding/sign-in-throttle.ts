import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { AppError } from "../../shared/errors";

/** Failed sign-ins allowed in a window, per account (email) and per client address. */
export const SIGN_IN_LIMITS = { perAccount: 5, perAddress: 30, windowSeconds: 15 * 60 };

const FAIL = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
local m = redis.call('INCR', KEYS[2])
if m == 1 then redis.call('EXPIRE', KEYS[2], ARGV[1]) end
return {n, m}`;

/**
 * Counts failed sign-ins in Redis (shared by every API server), per account and per address.
 * Unknown emails are counted like known ones, so the answers never tell whether an account exists.
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

  /** Throws 429 when this account or address has failed too often in the window. */
  async check(email: string, address: string): Promise<void> {
    const [account, from] = this.keys(email, address);
    const [[, a], [, b], [, ttlA], [, ttlB]] = (await this.redis.multi().get(account).get(from).ttl(account).ttl(from).exec()) as [unknown, string | number | null][];
    const blocked = Number(a ?? 0) >= this.limits.perAccount ? Number(ttlA) : Number(b ?? 0) >= this.limits.perAddress ? Number(ttlB) : 0;
    if (blocked > 0) {
      const minutes = Math.max(1, Math.ceil(blocked / 60));
      throw new AppError(
        "SESSION.THROTTLED",
        429,
        `Too many failed sign-ins for this account or from this address: try again in ${minutes} minute${minutes === 1 ? "" : "s"}, or ask your organization's admin to reset your password.`,
        [],
        { retryAfterSeconds: blocked },
      );
    }
  }

  async failed(email: string, address: string): Promise<void> {
    await this.redis.eval(FAIL, 2, ...this.keys(email, address), this.limits.windowSeconds);
  }

  /** A successful sign-in clears the account's count (not the address's). */
  async succeeded(email: string, address: string): Promise<void> {
    await this.redis.del(this.keys(email, address)[0]);
  }
}
