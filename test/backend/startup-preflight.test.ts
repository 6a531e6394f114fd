/**
 * Starting without what the platform needs (issue 18 §11): PostgreSQL or Redis not running, the
 * ledger's JSON-RPC not answering, a port taken. Every entry point (`npm run demo`, `npm start`, the
 * API, the worker, the indexer, `npm run ops`) says so in one line per missing thing — what, where
 * (host:port, no password), how to start it or which variable to set — and exits non-zero: no
 * stack trace, no "[ioredis] Unhandled error event" per retry. Before, a missing Redis printed 21
 * of those and died of MaxRetriesPerRequestError; a missing PostgreSQL, a raw ECONNREFUSED stack.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { compiledBackend, compiledScript, removeCompiled } from "./chaos/build";
import { PreflightError, portProblem, preflight, serviceProblem, startFailureText, whereOf, withoutCredentials, type Problem } from "../../backend/src/shared/preflight";

const DB_PASSWORD = "pg-S3cret-7f3a";
const REDIS_PASSWORD = "redis-S3cret-91c2";
/** A stack frame as Node prints it ("    at fn (file.js:1:2)"), or inside a JSON log line ("\\n    at "). */
const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$|\\n\s+at /m;

const REAL_DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const REAL_REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

function listen(port = 0, host?: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen({ port, host }, () => resolve(server));
  });
}
const portOf = (s: Server) => (s.address() as { port: number }).port;
const close = (s: Server) => new Promise<void>((resolve) => s.close(() => resolve()));

/** `n` distinct ports nothing listens on (each opened, then closed). */
async function closedPorts(n: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: n }, () => listen(0, "127.0.0.1")));
  const ports = servers.map(portOf);
  await Promise.all(servers.map(close));
  return ports;
}

describe("preflight wording", () => {
  const secret = "S3cr3t-pa55";

  it("names the service and host:port, never the URL's user or password, and says how to start it or which variable to set", () => {
    const local = serviceProblem("PostgreSQL", `postgres://alice:${secret}@127.0.0.1:5999/cf`, { kind: "unreachable", code: "ECONNREFUSED" });
    expect(local).toMatchObject({ service: "PostgreSQL", where: "127.0.0.1:5999", variable: "DATABASE_URL" });
    expect(local.message).toMatch(/^PostgreSQL is not reachable at 127\.0\.0\.1:5999 \(connection refused\): start it \(.+\) or set DATABASE_URL to a running one$/);

    const remote = serviceProblem("Redis", `rediss://default:${secret}@cache.internal:6390/2`, { kind: "unreachable", code: "ETIMEDOUT" }, 5000);
    expect(remote.message).toBe("Redis is not reachable at cache.internal:6390 (no answer within 5 s): check that it runs and can be reached from this machine, or set REDIS_URL");

    const redis = serviceProblem("Redis", `redis://:${secret}@localhost:6390`, { kind: "unreachable", code: "ECONNREFUSED" });
    expect(redis.message).toContain("start it (`redis-server --daemonize yes --bind 127.0.0.1 --port 6390`) or set REDIS_URL");

    const ledger = serviceProblem("ledger", `http://node:${secret}@127.0.0.1:8545`, { kind: "unreachable", code: "ECONNREFUSED" });
    expect(ledger.message).toBe("The ledger's JSON-RPC is not reachable at 127.0.0.1:8545 (connection refused): start it (`npm run ledger`) or set LEDGER_RPC_URL to a running one");

    const refused = serviceProblem("PostgreSQL", `postgres://alice:${secret}@db.internal/cf`, { kind: "refused", detail: 'password authentication failed for user "alice"' });
    expect(refused.message).toBe('PostgreSQL at db.internal:5432 refused the connection (password authentication failed for user "alice"): check the user, password and database in DATABASE_URL');

    for (const p of [local, remote, redis, ledger, refused]) {
      expect(JSON.stringify(p)).not.toContain(secret);
      expect(p.message).not.toContain("\n");
    }
  });

  it("ports: taken, forbidden, not a port", () => {
    expect(portProblem(3000, "PORT", null)).toBeNull();
    expect(portProblem(3000, "PORT", "EADDRINUSE")?.message).toBe("Port 3000 is already in use: stop what listens there (another `npm start`, demo or API?) or set PORT to a free port");
    expect(portProblem(80, "PORT", "EACCES")?.message).toBe("Port 80 may not be opened by this user: set PORT to a port above 1023");
    expect(portProblem(Number("eighty"), "LEDGER_PORT", null)?.message).toBe("LEDGER_PORT must be a port number (0 to 65535), not NaN");
  });

  it("URLs as they may be shown", () => {
    expect(whereOf("postgres://u@/cf?host=/var/run/postgresql", 5432).where).toBe("/var/run/postgresql:5432");
    expect(whereOf("redis://[::1]:6380", 6379)).toMatchObject({ where: "[::1]:6380", local: true });
    expect(withoutCredentials(`https://node:${secret}@besu.example:8545/rpc`)).toBe("https://besu.example:8545/rpc");
    expect(withoutCredentials("http://127.0.0.1:8545")).toBe("http://127.0.0.1:8545");
  });

  it("a command prints one line per problem, prefixed with its name", () => {
    const problems: Problem[] = [portProblem(3000, "PORT", "EADDRINUSE")!, serviceProblem("Redis", "redis://127.0.0.1:6390", { kind: "unreachable", code: "ECONNREFUSED" })];
    expect(startFailureText("demo", new PreflightError(problems)).split("\n")).toEqual(problems.map((p) => `demo: ${p.message}`));
  });
});

describe(preflight.name, () => {
  const targets = (o: Partial<{ DATABASE_URL: string; REDIS_URL: string; LEDGER_RPC_URL: string; PORT: number }>) => ({
    DATABASE_URL: REAL_DATABASE_URL,
    REDIS_URL: REAL_REDIS_URL,
    LEDGER_RPC_URL: "http://127.0.0.1:1",
    PORT: 0,
    ...o,
  });
  const problemsOf = (p: Promise<void>) =>
    p.then(
      () => [],
      (e: unknown) => {
        if (!(e instanceof PreflightError)) throw e;
        return e.problems;
      },
    );

  it("passes with the running PostgreSQL and Redis", async () => {
    await expect(preflight(targets({}), ["postgres", "redis", "port"])).resolves.toBeUndefined();
  });

  it("reports everything missing at once: services on closed ports, a database that does not exist", async () => {
    const [pg, redis, ledger] = await closedPorts(3);
    const closed = await problemsOf(
      preflight(targets({ DATABASE_URL: `postgres://cf:${DB_PASSWORD}@127.0.0.1:${pg}/cf`, REDIS_URL: `redis://:${REDIS_PASSWORD}@127.0.0.1:${redis}`, LEDGER_RPC_URL: `http://127.0.0.1:${ledger}` }), ["postgres", "redis", "ledger"]),
    );
    expect(closed.map((p) => [p.service, p.where])).toEqual([
      ["PostgreSQL", `127.0.0.1:${pg}`],
      ["Redis", `127.0.0.1:${redis}`],
      ["ledger", `127.0.0.1:${ledger}`],
    ]);
    for (const p of closed) expect(p.message).toContain("(connection refused)");

    const db = `cf_missing_${randomBytes(4).toString("hex")}`;
    const url = new URL(REAL_DATABASE_URL);
    url.pathname = `/${db}`;
    const [missing] = await problemsOf(preflight(targets({ DATABASE_URL: url.toString() }), ["postgres"]));
    expect(missing.message).toContain(`refused the connection (database "${db}" does not exist): check the user, password and database in DATABASE_URL`);
  });

  it("a port is taken whether another program listens on every interface or on 127.0.0.1 only", async () => {
    for (const host of [undefined, "127.0.0.1"]) {
      const blocker = await listen(0, host);
      try {
        const problems = await problemsOf(preflight(targets({ PORT: portOf(blocker) }), ["port", { port: portOf(blocker), variable: "LEDGER_PORT" }]));
        expect(problems.map((p) => p.message)).toEqual([
          `Port ${portOf(blocker)} is already in use: stop what listens there (another \`npm start\`, demo or API?) or set PORT to a free port`,
          `Port ${portOf(blocker)} is already in use: stop what listens there (another \`npm start\`, demo or API?) or set LEDGER_PORT to a free port`,
        ]);
      } finally {
        await close(blocker);
      }
    }
  });
});

interface Entry {
  name: string;
  file: string;
  args?: string[];
  /** The services it must name. */
  needs: ("PostgreSQL" | "Redis" | "ledger" | "port")[];
}

/** Each entry point, started as `npm run …` would (from the transpiled sources: a ts-node start costs seconds of CPU). */
const ENTRIES: Entry[] = [
  { name: "demo", file: "scripts/demo.ts", args: ["--exit"], needs: ["PostgreSQL", "Redis", "port"] },
  { name: "start", file: "scripts/start.ts", needs: ["PostgreSQL", "Redis", "port"] },
  { name: "api", file: "backend/src/api.ts", needs: ["PostgreSQL", "Redis", "port"] },
  { name: "worker", file: "backend/src/worker.ts", needs: ["PostgreSQL", "Redis"] },
  { name: "indexer", file: "backend/src/indexer.ts", needs: ["PostgreSQL", "Redis"] },
  { name: "ops deploy", file: "backend/src/ops/cli.ts", args: ["deploy"], needs: ["PostgreSQL", "ledger"] },
];

describe("entry points without PostgreSQL, Redis, the ledger, or their port", () => {
  let taken: Server;
  const where: Record<Entry["needs"][number], string> = { PostgreSQL: "", Redis: "", ledger: "", port: "" };
  const label: Record<Entry["needs"][number], string> = { PostgreSQL: "PostgreSQL is not reachable at ", Redis: "Redis is not reachable at ", ledger: "The ledger's JSON-RPC is not reachable at ", port: "Port " };
  const runs = new Map<string, Promise<{ code: number | null; signal: string | null; output: string }>>();

  beforeAll(async () => {
    compiledBackend();
    const [pg, redis, ledger, ledgerPort] = await closedPorts(4);
    taken = await listen(0); // another program on the API's port, as another API would listen
    Object.assign(where, { PostgreSQL: `127.0.0.1:${pg}`, Redis: `127.0.0.1:${redis}`, ledger: `127.0.0.1:${ledger}`, port: `${portOf(taken)} is already in use` });
    const env = {
      ...process.env,
      NODE_ENV: "test",
      LOG_LEVEL: "info",
      DATABASE_URL: `postgres://chainfactor:${DB_PASSWORD}@127.0.0.1:${pg}/chainfactor`,
      REDIS_URL: `redis://:${REDIS_PASSWORD}@127.0.0.1:${redis}`,
      LEDGER_RPC_URL: `http://127.0.0.1:${ledger}`,
      PORT: String(portOf(taken)),
      LEDGER_PORT: String(ledgerPort), // free: demo and start start their ledger there
      KEY_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      DEPLOYER_PRIVATE_KEY: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
      FEED_DIR: join(tmpdir(), `cf-preflight-feed-${process.pid}`),
    };
    // all at once: each should be out within a few seconds
    for (const e of ENTRIES) {
      const child = spawn(process.execPath, [compiledScript(e.file), ...(e.args ?? [])], { env, stdio: ["ignore", "pipe", "pipe"] });
      let output = "";
      child.stdout.on("data", (d: Buffer) => (output += d));
      child.stderr.on("data", (d: Buffer) => (output += d));
      const killer = setTimeout(() => child.kill("SIGKILL"), 60_000); // a bound, so that a hanging entry fails rather than stalls the suite
      runs.set(
        e.name,
        new Promise((resolve) =>
          child.once("close", (code, signal) => {
            clearTimeout(killer);
            resolve({ code, signal, output });
          }),
        ),
      );
    }
  });
  afterAll(async () => {
    await Promise.all([...runs.values()]);
    if (taken) await close(taken);
    removeCompiled();
  });

  for (const e of ENTRIES) {
    it(`${e.name}: exits non-zero, one line naming each missing thing and where, no stack, no ioredis noise`, async () => {
      const { code, signal, output } = await runs.get(e.name)!;
      expect(signal, `killed: it did not exit by itself. Output:\n${output}`).toBeNull();
      expect(code, output).not.toBe(0);
      const lines = output.split("\n").filter((l) => l.trim());
      for (const need of e.needs) {
        const naming = lines.filter((l) => l.includes(label[need]) && l.includes(where[need]));
        expect(naming, `one line naming ${need} at ${where[need]} in:\n${output}`).toHaveLength(1);
      }
      // nothing about what it does not need
      for (const other of (["PostgreSQL", "Redis", "ledger", "port"] as const).filter((n) => !e.needs.includes(n))) expect(output).not.toContain(label[other] + where[other]);
      expect(lines.length, output).toBeLessThanOrEqual(4);
      expect(output).not.toMatch(STACK_FRAME);
      expect(output).not.toContain("[ioredis]");
      expect(output).not.toContain("MaxRetriesPerRequestError");
      expect(output).not.toContain("ECONNREFUSED");
      expect(output).not.toContain(DB_PASSWORD);
      expect(output).not.toContain(REDIS_PASSWORD);
    });
  }
});
