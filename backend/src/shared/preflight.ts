import { readdirSync } from "node:fs";
import { createServer } from "node:net";
import { Client } from "pg";
import { Redis } from "ioredis";

/**
 * What an entry point needs before it opens pools and queues, checked once, all at once, each
 * within a short timeout: PostgreSQL, Redis, the ledger's JSON-RPC, a free port. Whatever is
 * missing becomes one line: what, where (host:port, never the URL's user or password), and how to
 * start it or which variable to set. Without this a missing Redis printed a stack trace for every
 * ioredis retry before dying of MaxRetriesPerRequestError, and a missing PostgreSQL a raw
 * ECONNREFUSED stack. The checks use their own short-lived clients that never retry: the
 * platform's clients (which reconnect forever, as running processes should) open only afterwards.
 */

export type Service = "PostgreSQL" | "Redis" | "ledger" | "port";

/** One missing thing. `message` is the whole line a person reads. */
export interface Problem {
  service: Service;
  /** host:port, or `port N` for a port of this machine. */
  where: string;
  /** The variable that says where to look. */
  variable: string;
  message: string;
}

export class PreflightError extends Error {
  constructor(readonly problems: Problem[]) {
    super(problems.map((p) => p.message).join("; "));
    this.name = "PreflightError";
  }
}

/** A check: a service at its configured URL, the API's PORT, or another port of this machine that must be free. */
export type Check = "postgres" | "redis" | "ledger" | "port" | { port: number; variable: string };

/** Where the checks look: the configuration's variables of the same names. */
export interface Targets {
  DATABASE_URL: string;
  REDIS_URL: string;
  LEDGER_RPC_URL: string;
  PORT: number;
}

/** What `npm start` and `npm run demo` need: they start the ledger themselves, so its port must be free. */
export const devPlatformChecks = (ledgerPort: string): Check[] => ["postgres", "redis", "port", { port: Number(ledgerPort), variable: "LEDGER_PORT" }];

/** How long each check waits for an answer. */
export const PREFLIGHT_TIMEOUT_MS = 5000;

/** Runs `checks` in parallel; throws a PreflightError naming everything missing. */
export async function preflight(targets: Targets, checks: readonly Check[], timeoutMs = PREFLIGHT_TIMEOUT_MS): Promise<void> {
  const found = await Promise.all(
    checks.map(async (c): Promise<Problem | null> => {
      if (c === "postgres") return failedOrNull("PostgreSQL", targets.DATABASE_URL, await reachPostgres(targets.DATABASE_URL, timeoutMs), timeoutMs);
      if (c === "redis") return failedOrNull("Redis", targets.REDIS_URL, await reachRedis(targets.REDIS_URL, timeoutMs), timeoutMs);
      if (c === "ledger") return failedOrNull("ledger", targets.LEDGER_RPC_URL, await reachLedger(targets.LEDGER_RPC_URL, timeoutMs), timeoutMs);
      const { port, variable } = c === "port" ? { port: targets.PORT, variable: "PORT" } : c;
      return portProblem(port, variable, await portInUse(port));
    }),
  );
  const problems = found.filter((p): p is Problem => p !== null);
  if (problems.length) throw new PreflightError(problems);
}

// ─── Wording ──────────────────────────────────────────────────────────

/** Why a service could not be used: no answer at all, or an answer that turned us away. */
export type Failure = { kind: "unreachable"; code: string } | { kind: "refused"; detail: string };

const SERVICE: Record<"PostgreSQL" | "Redis" | "ledger", { label: string; variable: string; defaultPort: (url: string) => number }> = {
  PostgreSQL: { label: "PostgreSQL", variable: "DATABASE_URL", defaultPort: () => 5432 },
  Redis: { label: "Redis", variable: "REDIS_URL", defaultPort: () => 6379 },
  ledger: { label: "The ledger's JSON-RPC", variable: "LEDGER_RPC_URL", defaultPort: (url) => (/^https:/i.test(url) ? 443 : 80) },
};

/** host:port of a service URL: the user name and password are never part of it. */
export function whereOf(url: string, defaultPort: number): { host: string; port: number; where: string; local: boolean } {
  let u: URL;
  try {
    // without credentials first: libpq's postgres://user@/db (no host) is no WHATWG URL with them
    u = new URL(url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/?#]*@/i, "$1"));
  } catch {
    return { host: "?", port: defaultPort, where: "(an unreadable URL)", local: false };
  }
  // libpq's form for a Unix socket: postgres://user@/db?host=/var/run/postgresql
  const host = u.searchParams.get("host") ?? (u.hostname || "localhost");
  const port = Number(u.port) || defaultPort;
  const local = host.startsWith("/") || ["localhost", "127.0.0.1", "[::1]", "::1"].includes(host);
  return { host, port, where: `${host}:${port}`, local };
}

/** The URL as it may be shown or logged: without its user name and password. */
export function withoutCredentials(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    u.username = "";
    u.password = "";
    return u.toString();
  } catch {
    return "(an unreadable URL)";
  }
}

const REASONS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ENOTFOUND: "host name not found",
  EAI_AGAIN: "host name not found",
};

/** The line for a service that could not be used. */
export function serviceProblem(service: "PostgreSQL" | "Redis" | "ledger", url: string, failure: Failure, timeoutMs = PREFLIGHT_TIMEOUT_MS): Problem {
  const s = SERVICE[service];
  const { port, where, local } = whereOf(url, s.defaultPort(url));
  if (failure.kind === "refused") {
    const check = service === "PostgreSQL" ? "the user, password and database in DATABASE_URL" : service === "Redis" ? "the password in REDIS_URL" : "that LEDGER_RPC_URL names a JSON-RPC node";
    return { service, where, variable: s.variable, message: `${s.label} at ${where} refused the connection (${failure.detail}): check ${check}` };
  }
  const reason = failure.code === "ETIMEDOUT" ? `no answer within ${timeoutMs / 1000} s` : (REASONS[failure.code] ?? failure.code);
  const fix = local ? `start it (${startCommand(service, port)}) or set ${s.variable} to a running one` : `check that it runs and can be reached from this machine, or set ${s.variable}`;
  return { service, where, variable: s.variable, message: `${s.label} is not reachable at ${where} (${reason}): ${fix}` };
}

/** How a local service is started on a development machine (see the README's "Running without Docker"). */
function startCommand(service: "PostgreSQL" | "Redis" | "ledger", port: number): string {
  if (service === "Redis") return `\`redis-server --daemonize yes --bind 127.0.0.1 --port ${port}\``;
  if (service === "ledger") return port === 8545 ? "`npm run ledger`" : `\`npx hardhat node --hostname 127.0.0.1 --port ${port}\``;
  // Debian and Ubuntu keep one directory per installed PostgreSQL version here
  const versions = (() => {
    try {
      return readdirSync("/etc/postgresql");
    } catch {
      return [];
    }
  })();
  if (versions.length === 1) return `\`pg_ctlcluster --skip-systemctl-redirect ${versions[0]} main start\``;
  if (versions.length > 1) return `\`pg_ctlcluster --skip-systemctl-redirect <version> main start\`, versions: ${versions.join(", ")}`;
  return "`pg_ctl -D <data directory> start`, or the system's service manager";
}

/** The line for a port that cannot be listened on (`code`: the listen error's), or null when it is free. */
export function portProblem(port: number, variable: string, code: string | null): Problem | null {
  const where = `port ${port}`;
  if (!Number.isInteger(port) || port < 0 || port > 65535) return { service: "port", where, variable, message: `${variable} must be a port number (0 to 65535), not ${port}` };
  if (code === null) return null;
  const message =
    code === "EADDRINUSE"
      ? `Port ${port} is already in use: stop what listens there (another \`npm start\`, demo or API?) or set ${variable} to a free port`
      : code === "EACCES"
        ? `Port ${port} may not be opened by this user: set ${variable} to a port above 1023`
        : `Port ${port} cannot be listened on (${code}): set ${variable} to another port`;
  return { service: "port", where, variable, message };
}

/**
 * What a command-line entry point prints when it cannot start: one line per missing thing, each
 * prefixed with the command's name; any other error as its message alone (no stack).
 */
export function startFailureText(name: string, e: unknown): string {
  if (e instanceof PreflightError) return e.problems.map((p) => `${name}: ${p.message}`).join("\n");
  return `${name}: ${e instanceof Error ? e.message : String(e)}`;
}

// ─── Checks ───────────────────────────────────────────────────────────

function failedOrNull(service: "PostgreSQL" | "Redis" | "ledger", url: string, failure: Failure | null, timeoutMs: number): Problem | null {
  return failure && serviceProblem(service, url, failure, timeoutMs);
}

/** The network error's code, wherever the client put it (Node's connect to `localhost` tries every address and throws an AggregateError). */
function codeOf(e: unknown): string {
  const err = e as { code?: unknown; cause?: unknown; errors?: unknown[]; name?: string; message?: string } | null;
  if (!err) return "no answer";
  if (err.name === "TimeoutError" || /timeout|timed out/i.test(err.message ?? "")) return "ETIMEDOUT";
  if (typeof err.code === "string" && /^E[A-Z_]+$/.test(err.code)) return err.code;
  if (err.errors?.length) return codeOf(err.errors[0]);
  if (err.cause) return codeOf(err.cause);
  return "no answer";
}

/** Rejects after `ms` (a client that neither connects nor fails). */
function within<T>(ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error("timeout"), { code: "ETIMEDOUT" })), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

async function reachPostgres(url: string, timeoutMs: number): Promise<Failure | null> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs, application_name: "chainfactor-preflight" });
  client.on("error", () => undefined);
  try {
    await within(timeoutMs + 1000, client.connect());
    await client.end();
    return null;
  } catch (e) {
    void client.end().catch(() => undefined);
    // the server answered (it has a severity): a login or database it refused, or it is starting up
    if ((e as { severity?: string }).severity) return { kind: "refused", detail: (e as Error).message };
    return { kind: "unreachable", code: codeOf(e) };
  }
}

async function reachRedis(url: string, timeoutMs: number): Promise<Failure | null> {
  // no retries and no offline queue: one attempt, then an answer either way
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null, reconnectOnError: () => false });
  let emitted: Error | null = null;
  redis.on("error", (e: Error) => (emitted = e)); // also keeps ioredis from printing "[ioredis] Unhandled error event"
  try {
    await within(timeoutMs + 1000, redis.connect().then(() => redis.ping()));
    return null;
  } catch (e) {
    const err = (emitted ?? e) as Error;
    // a reply from the server (WRONGPASS, NOAUTH, ERR ...) is an answer, not an absence
    if (err.name === "ReplyError" || /^(WRONGPASS|NOAUTH|ERR|NOPERM|LOADING)\b/.test(err.message)) return { kind: "refused", detail: err.message };
    return { kind: "unreachable", code: codeOf(err) };
  } finally {
    redis.disconnect();
  }
}

async function reachLedger(url: string, timeoutMs: number): Promise<Failure | null> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return { kind: "refused", detail: "not a URL" };
  }
  // fetch refuses URLs with credentials: they go in the header, as a JSON-RPC client sends them
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (target.username || target.password) {
    headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`).toString("base64")}`;
    target.username = "";
    target.password = "";
  }
  try {
    const res = await fetch(target, {
      method: "POST",
      headers,
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!res.ok) return { kind: "refused", detail: `HTTP ${res.status}` };
    const body = (await res.json().catch(() => null)) as { result?: unknown; error?: { message?: string } } | null;
    if (body?.error) return { kind: "refused", detail: `eth_chainId: ${body.error.message ?? "error"}` };
    if (typeof body?.result !== "string") return { kind: "refused", detail: "not a JSON-RPC answer" };
    return null;
  } catch (e) {
    return { kind: "unreachable", code: codeOf(e) };
  }
}

/** Null if `port` can be listened on, on every interface (as the API does) and on 127.0.0.1; else the error's code. */
async function portInUse(port: number): Promise<string | null> {
  if (!Number.isInteger(port) || port <= 0 || port > 65535) return null; // 0: any free port; out of range: portProblem says so
  const attempt = (host?: string) =>
    new Promise<string | null>((resolve) => {
      const server = createServer();
      server.once("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? "EADDRINUSE"));
      server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(null)));
    });
  return (await attempt()) ?? (await attempt("127.0.0.1"));
}
