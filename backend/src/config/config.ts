import { z } from "zod";

/**
 * Configuration from environment variables, parsed and validated once at start. Every problem is
 * reported at once, each saying which variable, what is wrong and what was expected.
 */
const bool = z
  .enum(["true", "false", "1", "0"])
  .transform((v) => v === "true" || v === "1");
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const schema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  PORT: int(0, 65535).default(3000),
  /** postgres://user:password@host:port/database */
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "a postgres:// connection URL").default("postgres://postgres@127.0.0.1:5432/postgres"),
  /** Schema holding ChainFactor's tables (tests use one per file). */
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, "a lower-case SQL identifier").default("public"),
  DATABASE_POOL_SIZE: int(1, 200).default(10),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, "a redis:// URL").default("redis://127.0.0.1:6379"),
  /** Prefix of every BullMQ queue and Redis key (tests use one per file). */
  QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, "letters, digits, - and _").default("cf"),
  LEDGER_RPC_URL: z.string().url("an http(s) JSON-RPC URL").default("http://127.0.0.1:8545"),
  /** Expected chain id; the processes refuse to start against another chain. */
  LEDGER_CHAIN_ID: z.coerce.bigint().optional(),
  /** Gas price offered, in wei: 0 on a permissioned network with free gas (Besu, the dev ledger). */
  LEDGER_GAS_PRICE_WEI: z.coerce.bigint().default(0n),
  /** Blocks after which an event is final: 0 for QBFT (immediate finality). */
  INDEXER_FINALITY_DEPTH: int(0, 1000).default(0),
  INDEXER_CHUNK_BLOCKS: int(1, 100_000).default(2000),
  /** Pause when caught up: a block is projected within this of its arrival (half a 1 s block period at most). */
  INDEXER_POLL_MS: int(10, 60_000).default(250),
  /** Base64 of 32 random bytes: the master key that encrypts custodial ledger keys at rest. */
  KEY_ENCRYPTION_KEY: z
    .string()
    .refine((v) => Buffer.from(v, "base64").length === 32, "base64 of exactly 32 bytes (openssl rand -base64 32)"),
  /** The previous master key while keys are being re-encrypted (see README, key rotation). */
  KEY_ENCRYPTION_KEY_PREVIOUS: z
    .string()
    .refine((v) => Buffer.from(v, "base64").length === 32, "base64 of exactly 32 bytes")
    .optional(),
  /** Private key that deploys the contracts and becomes their default admin (ops deploy only). */
  DEPLOYER_PRIVATE_KEY: z.string().regex(/^0x[0-9a-fA-F]{64}$/, "0x and 64 hex digits").optional(),
  OUTBOX_BATCH_SIZE: int(1, 500).default(50),
  /** How long a batch gathers rows when the ledger has no block period (a node mining on demand). */
  OUTBOX_BATCH_WAIT_MS: int(0, 10_000).default(50),
  /**
   * The ledger's block period, ms (Besu QBFT's blockperiodseconds): batches are drained just before
   * the next block is due. 0: learned from the chain (the worker watches blocks arrive).
   */
  LEDGER_BLOCK_PERIOD_MS: int(0, 600_000).default(0),
  /** How long before the next block a batch is drained (time to check, sign and send it). */
  OUTBOX_DRAIN_LEAD_MS: int(0, 10_000).default(250),
  OUTBOX_SWEEP_INTERVAL_MS: int(100, 600_000).default(5000),
  /** A row untouched this long is re-enqueued by the sweeper. */
  OUTBOX_STALE_MS: int(100, 3_600_000).default(15_000),
  /** A draft `executing` this long lost its approval (the API process died): the drafts sweeper returns it to a visible state. */
  DRAFT_EXECUTING_STALE_MS: int(100, 86_400_000).default(120_000),
  WORKER_CONCURRENCY: int(1, 100).default(16),
  /** How long a job's lock lasts; a crashed worker's job is picked up again after it. */
  WORKER_LOCK_MS: int(500, 600_000).default(30_000),
  SHUTDOWN_TIMEOUT_MS: int(0, 600_000).default(10_000),
  RATE_LIMIT_PER_MINUTE: int(1, 1_000_000).default(600),
  /** Session cookies marked Secure (sent over HTTPS only); unset: everywhere but NODE_ENV=development. */
  SESSION_COOKIE_SECURE: bool.optional(),
  REQUEST_BODY_LIMIT: z.string().regex(/^\d+(kb|mb)$/, "like 100kb or 1mb").default("1mb"),
  /** Only for fault-injection tests: crash the worker at a named point. */
  FAULT_INJECT: z.enum(["after-sign", "after-broadcast", "during-indexing"]).optional(),
  METRICS_ENABLED: bool.default(true),
  /**
   * Bearer token that GET /metrics requires (Prometheus' `authorization` / `bearer_token`). Unset:
   * /metrics is not served (404), so nothing about the platform is public by default.
   */
  METRICS_TOKEN: z.string().min(16, "at least 16 characters (openssl rand -hex 32)").optional(),
  /**
   * Reverse proxies whose X-Forwarded-For the API believes (express `trust proxy`): addresses or
   * CIDR ranges, comma separated, `loopback` / `linklocal` / `uniquelocal`, or a hop count. Unset:
   * none, so the client address (sign-in throttling, audit) is the TCP peer's and no header can
   * change it. "true" (trust everyone) is refused: any client could then name its own address.
   */
  TRUST_PROXY: z
    .string()
    .trim()
    .optional()
    .refine((v) => v === undefined || v === "" || /^\d{1,2}$/.test(v) || v.split(",").every((p) => /^(loopback|linklocal|uniquelocal|[0-9a-fA-F.:]+(\/\d{1,3})?)$/.test(p.trim())), {
      message: "addresses or CIDR ranges (comma separated), loopback, linklocal, uniquelocal, or a hop count",
    })
    .transform((v): false | number | string[] => (v === undefined || v === "" ? false : /^\d{1,2}$/.test(v) ? Number(v) : v.split(",").map((p) => p.trim()))),
  /** Verification adapters: HTTP services when set, else local ones backed by seeds/. */
  TAX_ADAPTER_URL: z.string().url().optional(),
  LOGISTICS_ADAPTER_URL: z.string().url().optional(),
  REGISTRY_ADAPTER_URL: z.string().url().optional(),
  TAX_ADAPTER_TOKEN: z.string().optional(),
  LOGISTICS_ADAPTER_TOKEN: z.string().optional(),
  REGISTRY_ADAPTER_TOKEN: z.string().optional(),
  ADAPTER_TIMEOUT_MS: int(100, 120_000).default(5000),
  ADAPTER_RETRIES: int(0, 10).default(2),
  /** Where the local adapters read their records. */
  SEEDS_DIR: z.string().optional(),
  /** Receivable policy (the ledger's parameters; the platform checks them before queuing). */
  POLICY_MAX_TENOR_DAYS: int(1, 366).default(365),
  POLICY_MAX_TIER: int(1, 20).default(3),
  POLICY_MIN_SPLIT_AMOUNT: z.coerce.bigint().default(10_000n),
  /** How often the maturity keeper looks for due certificates. */
  KEEPER_INTERVAL_MS: int(100, 3_600_000).default(2000),
  /** How long before an unpaid (overdue or short) certificate is tried again. */
  KEEPER_RETRY_MS: int(0, 86_400_000).default(60_000),
  KEEPER_BATCH_SIZE: int(1, 500).default(100),
  /** The regulator feed's daily files: into this directory, unless FEED_URL names the receiver. */
  FEED_DIR: z.string().min(1).default("./var/feed"),
  /** The regulator's receiver (HTTP POST of each file); unset: files go to FEED_DIR. */
  FEED_URL: z.string().url("an http(s) base URL").optional(),
  /** Bearer token for FEED_URL. */
  FEED_TOKEN: z.string().optional(),
  /** When the daily files go out (cron, China Standard Time). */
  FEED_PUBLISH_CRON: z
    .string()
    .trim()
    .regex(/^(\S+\s+){4}\S+$/, "a cron expression of five fields, like 10 0 * * *")
    .default("10 0 * * *"),
  /** Notification mail: through this SMTP server (smtp:// or smtps://user:pass@host:port); unset: each mail is an .eml file in MAIL_OUTBOX_DIR. */
  SMTP_URL: z.string().regex(/^smtps?:\/\//, "an smtp:// or smtps:// URL").optional(),
  MAIL_OUTBOX_DIR: z.string().min(1).default("./var/mail-outbox"),
  MAIL_FROM: z.string().min(3).default("ChainFactor <no-reply@chainfactor.local>"),
  /** A person's notification mails wait this long for the ones that follow, and go as one mail. */
  MAIL_DIGEST_MS: int(0, 3_600_000).default(60_000),
  /** Signing certificates: the local CA's key and certificate (made at first use, mode 0600); for development, tests and the demo. */
  CA_KEY_FILE: z.string().min(1).default("./var/ca-key.json"),
  /** Signing certificates from a licensed CA (or a gateway in front of one) over HTTP (docs/signing-ca.md); unset: the local CA. */
  CA_URL: z.string().url("an http(s) base URL").optional(),
  /** The bearer token for CA_URL. */
  CA_TOKEN: z.string().min(1).optional(),
  /** The portal's address, for the links in notification mails. */
  PORTAL_URL: z.string().url("an http(s) base URL").default("http://localhost:3000/portal"),
  /** Abnormal flows: a split into more parts than this is reported. */
  ABNORMAL_SPLIT_MAX_PARTS: int(2, 10_000).default(10),
  /** Abnormal flows: a split part below this many fen is reported. */
  ABNORMAL_SPLIT_MIN_PART: z.coerce.bigint().min(1n).default(100_000n),
  /** Abnormal flows: more transfers of one certificate than this… */
  ABNORMAL_RETRANSFER_COUNT: int(1, 10_000).default(3),
  /** …within this many hours are reported. */
  ABNORMAL_RETRANSFER_HOURS: int(1, 8760).default(24),
});

export type Config = z.infer<typeof schema>;

/** Variables whose values never appear in messages or logs. */
const SECRET = /KEY|PASSWORD|SECRET|TOKEN|_URL$/;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Parses `env` (process.env by default); throws a ConfigError listing every problem. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const name = issue.path.join(".");
    const given = env[name];
    if (given === undefined || given === "") return `${name} is missing: expected ${issue.message}`;
    if (SECRET.test(name)) return `${name} is invalid: expected ${issue.message}`;
    return `${name}=${JSON.stringify(given.length > 60 ? given.slice(0, 57) + "..." : given)} is invalid: expected ${issue.message}`;
  });
  throw new ConfigError(problems);
}
