import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { spawn } from "node:child_process";
import { builtinModules } from "node:module";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseDocument } from "yaml";
import { SigningKey, Wallet, computeAddress, decodeRlp, getAddress, isAddress } from "ethers";
import { loadConfig } from "../../backend/src/config/config";
import {
  BESU_CHAIN_ID,
  BESU_DYNAMIC_IP_RANGE,
  BESU_SUBNET,
  P2P_PORT,
  QBFT_MIX_HASH,
  VALIDATOR_IPS,
  generateNetwork,
  validatorFromKey,
} from "../../scripts/besu-keys";

// No Docker engine and no Besu run here, so check what can be checked without them: the compose
// file parses and interpolates, every service can be built or pulled, every host path it mounts
// exists, dependencies resolve under both profiles, every backend process gets a configuration
// that backend/src/config/config.ts accepts and that points at its own stack, the Besu network
// files agree with each other and with the keys, and the setup service's script is idempotent.
const ROOT = resolve(__dirname, "../..");
const BESU_DIR = join(ROOT, "ops/besu");

type Env = Record<string, string>;
interface Service {
  build?: string | { context: string; dockerfile?: string };
  image?: string;
  command?: string[] | string;
  environment?: Env | string[];
  volumes?: (string | { type?: string; source?: string; target: string })[];
  depends_on?: Record<string, { condition?: string; required?: boolean }> | string[];
  profiles?: string[];
  ports?: string[];
  networks?: string[] | Record<string, { ipv4_address?: string } | null>;
  healthcheck?: { test: string[] | string };
  restart?: string;
}
interface Compose {
  services: Record<string, Service>;
  networks?: Record<string, { ipam?: { config?: { subnet?: string; ip_range?: string }[] } } | null>;
  volumes?: Record<string, unknown>;
}

/** Compose's variable interpolation ($$, $VAR, ${VAR}, ${VAR:-x}, ${VAR-x}, ${VAR:?e}, ${VAR?e}, ${VAR:+x}, ${VAR+x}). */
function interpolate(value: string, env: Env, required: Set<string>): string {
  return value.replace(/\$(\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])((?:[^{}]|\{[^{}]*\})*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_m, dollar, name, op, arg, bare) => {
    if (dollar === "$") return "$";
    if (bare) return env[bare] ?? "";
    const v = env[name];
    const set = v !== undefined && (op?.startsWith(":") ? v !== "" : true);
    switch (op) {
      case undefined:
        return v ?? "";
      case ":-":
      case "-":
        return set ? v! : interpolate(arg, env, required);
      case ":?":
      case "?":
        required.add(name);
        if (!set) throw new Error(`${name}: ${arg}`);
        return v!;
      case ":+":
      case "+":
        return set ? interpolate(arg, env, required) : "";
    }
    throw new Error(`unsupported interpolation ${op}`);
  });
}

function interpolateAll<T>(node: T, env: Env, required: Set<string>): T {
  if (typeof node === "string") return interpolate(node, env, required) as T;
  if (Array.isArray(node)) return node.map((n) => interpolateAll(n, env, required)) as T;
  if (node && typeof node === "object") return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, interpolateAll(v, env, required)])) as T;
  return node;
}

const source = readFileSync(join(ROOT, "docker-compose.yml"), "utf8");
const document = parseDocument(source, { merge: true });
const raw = document.toJS({ maxAliasCount: -1 }) as Compose;
const KEK = randomBytes(32).toString("base64");
const requiredVars = new Set<string>();
// only what a user must set; everything else takes the file's defaults
const compose = interpolateAll(raw, { KEY_ENCRYPTION_KEY: KEK }, requiredVars);
const services = Object.entries(compose.services);
const names = Object.keys(compose.services);

const envOf = (s: Service): Env => {
  if (Array.isArray(s.environment)) return Object.fromEntries(s.environment.map((e) => [e.split("=")[0], e.slice(e.indexOf("=") + 1)]));
  return Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, String(v)]));
};
const depsOf = (s: Service): string[] => (Array.isArray(s.depends_on) ? s.depends_on : Object.keys(s.depends_on ?? {}));
const conditionOf = (s: Service, dep: string) => (Array.isArray(s.depends_on) ? "service_started" : s.depends_on?.[dep]?.condition ?? "service_started");
const commandOf = (s: Service): string[] => (Array.isArray(s.command) ? s.command : s.command ? s.command.split(/\s+/) : []);
const networksOf = (s: Service): string[] => (Array.isArray(s.networks) ? s.networks : s.networks ? Object.keys(s.networks) : ["default"]);
const enabled = (profiles: string[]) => services.filter(([, s]) => !s.profiles?.length || s.profiles.some((p) => profiles.includes(p)));
/** Host side and container side of a volume entry; host is null for named volumes. */
const mountOf = (v: string | { type?: string; source?: string; target: string }) => {
  if (typeof v !== "string") return { host: v.type === "bind" ? v.source! : null, named: v.type === "volume" ? v.source ?? null : null, target: v.target };
  const [src, target] = v.split(":");
  const isPath = src.startsWith(".") || src.startsWith("/");
  return { host: isPath ? src : null, named: isPath ? null : src, target };
};

const HARDHAT_CHAIN_ID = Number(/hardhat:\s*\{[^}]*chainId:\s*(\d+)/.exec(readFileSync(join(ROOT, "hardhat.config.ts"), "utf8"))![1]);
const STACKS = [
  { name: "default (Hardhat)", profile: null, ledger: "ledger", chainId: HARDHAT_CHAIN_ID, setup: "setup", processes: ["api", "worker", "indexer"] },
  { name: "besu", profile: "besu", ledger: "besu-validator1", chainId: BESU_CHAIN_ID, setup: "besu-setup", processes: ["besu-api", "besu-worker", "besu-indexer"] },
];
const BACKEND = STACKS.flatMap((s) => [s.setup, ...s.processes]);
const VALIDATORS = ["besu-validator1", "besu-validator2", "besu-validator3", "besu-validator4"];

/**
 * `npm run build`'s TypeScript step (tsconfig.build.json into dist/, as the image's build stage runs
 * it; `npm test` has compiled the contracts and their bindings first), once for this file. The
 * containers run what it emits, so the commands below are checked against it, and the setup
 * service's script runs from it.
 */
let building: Promise<void> | undefined;
const buildDist = () =>
  (building ??= new Promise<void>((resolvePromise, reject) => {
    const child = spawn(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("close", (code) => (code === 0 ? resolvePromise() : reject(new Error(`tsc -p tsconfig.build.json exited with ${code}:\n${output}`))));
  }));
/** The files a command runs from dist/ (`node dist/backend/src/api.js`). */
const distFiles = (args: string[]) => args.filter((a) => /^dist\/.+\.js$/.test(a));

describe("docker-compose.yml", () => {
  it("is valid YAML that interpolates with KEY_ENCRYPTION_KEY as the only variable a user must set", () => {
    expect(document.errors).toEqual([]);
    expect(document.warnings).toEqual([]);
    expect([...requiredVars]).toEqual(["KEY_ENCRYPTION_KEY"]);
    expect(() => interpolateAll(raw, {}, new Set())).toThrow(/KEY_ENCRYPTION_KEY: set KEY_ENCRYPTION_KEY to the output of openssl rand -base64 32/);
  });

  it("defines postgres, redis, the Hardhat stack and the Besu stack", () => {
    expect(names).toEqual(expect.arrayContaining(["postgres", "redis", "ledger", ...BACKEND, ...VALIDATORS]));
  });

  it.each(services)("%s can be built or pulled (images pinned)", (_name, service) => {
    expect(Boolean(service.build ?? service.image)).toBe(true);
    if (service.build) {
      const context = typeof service.build === "string" ? service.build : service.build.context;
      const dockerfile = typeof service.build === "string" ? "Dockerfile" : service.build.dockerfile ?? "Dockerfile";
      expect(existsSync(join(ROOT, context, dockerfile))).toBe(true);
    } else {
      expect(service.image).toMatch(/^[\w./-]+:[\w.-]+$/);
      expect(service.image).not.toMatch(/:latest$/);
    }
  });

  it.each(services)("%s mounts only host paths that exist and named volumes that are declared", (_name, service) => {
    for (const volume of service.volumes ?? []) {
      const m = mountOf(volume);
      if (m.host) expect(existsSync(join(ROOT, m.host)), JSON.stringify(volume)).toBe(true);
      if (m.named) expect(Object.keys(compose.volumes ?? {}), JSON.stringify(volume)).toContain(m.named);
    }
  });

  it.each(services)("%s depends only on defined services, never on another profile's", (_name, service) => {
    for (const dep of depsOf(service)) {
      expect(names).toContain(dep);
      const theirs = compose.services[dep].profiles ?? [];
      // a dependency must run whenever the dependent runs
      if (theirs.length) expect(service.profiles ?? [], `${_name} -> ${dep}`).toEqual(expect.arrayContaining(theirs));
    }
  });

  it.each([[[] as string[]], [["besu"]]])("is coherent with profiles %j", (profiles) => {
    const on = new Map(enabled(profiles));
    const ports: string[] = [];
    for (const [name, s] of on) {
      for (const dep of depsOf(s)) {
        expect(on.has(dep), `${name} depends on ${dep}, which is not enabled`).toBe(true);
        const cond = conditionOf(s, dep);
        if (cond === "service_healthy") expect(on.get(dep)!.healthcheck, `${dep} has no healthcheck`).toBeTruthy();
        if (cond === "service_completed_successfully") expect(on.get(dep)!.restart, `${dep} must be one-shot`).toBe("no");
      }
      for (const n of networksOf(s)) expect(n === "default" || Object.keys(compose.networks ?? {}).includes(n), `${name}: network ${n}`).toBe(true);
      for (const p of s.ports ?? []) ports.push(p.split(":").slice(0, -1).join(":"));
    }
    expect(new Set(ports).size, `host ports ${ports}`).toBe(ports.length);
    // the default stack alone runs no Besu node, and the Besu stack never uses the Hardhat ledger
    if (!profiles.length) expect([...on.keys()].filter((n) => n.startsWith("besu"))).toEqual([]);
  });

  it("starts a whole stack, and only that stack, from its api, worker and indexer", () => {
    // what `docker compose [--profile besu] up <services>` starts: the services and their dependencies
    const closure = (targets: string[]) => {
      const seen = new Set<string>();
      const visit = (n: string) => {
        if (seen.has(n)) return;
        seen.add(n);
        depsOf(compose.services[n]).forEach(visit);
      };
      targets.forEach(visit);
      return [...seen].sort();
    };
    for (const stack of STACKS) {
      const ledgers = stack.profile ? VALIDATORS : [stack.ledger];
      expect(closure(stack.processes)).toEqual(["postgres", "redis", ...ledgers, stack.setup, ...stack.processes].sort());
    }
  });

  it("keeps BullMQ's jobs: Redis with noeviction and an append-only file", () => {
    const cmd = commandOf(compose.services.redis).join(" ");
    expect(cmd).toMatch(/--maxmemory-policy noeviction/);
    expect(cmd).toMatch(/--appendonly yes/);
    expect(compose.services.redis.volumes?.some((v) => mountOf(v).target === "/data")).toBe(true);
    expect(compose.services.postgres.volumes?.some((v) => mountOf(v).target === "/var/lib/postgresql/data")).toBe(true);
  });

  it("runs the Hardhat node on all interfaces from the image's build stage, which has Hardhat", () => {
    expect(commandOf(compose.services.ledger).join(" ")).toMatch(/hardhat node --hostname 0\.0\.0\.0/);
    expect(compose.services.ledger.build).toEqual({ context: ".", target: "build" });
  });

  it("runs the backend compiled, from files that `npm run build` emits, without ts-node", async () => {
    await buildDist();
    for (const name of BACKEND) {
      const cmd = commandOf(compose.services[name]);
      expect(cmd[0], name).toBe("node");
      expect(cmd.join(" "), name).not.toMatch(/ts-node|\.ts\b/);
      expect(distFiles(cmd), name).toHaveLength(1);
    }
    for (const [name, service] of services) {
      for (const arg of distFiles(commandOf(service))) expect(existsSync(join(ROOT, arg)), `${name}: ${arg}`).toBe(true);
    }
  });

  describe.each(STACKS)("$name stack", (stack) => {
    const setup = compose.services[stack.setup];
    const all = [stack.setup, ...stack.processes];

    it("runs migrate/bootstrap/deploy once, then api, worker and indexer from the same image", () => {
      expect(commandOf(setup)).toContain("dist/scripts/compose-setup.js");
      expect(setup.restart).toBe("no");
      const entry = Object.fromEntries(stack.processes.map((p) => [p, commandOf(compose.services[p]).find((a) => a.startsWith("dist/backend/src/"))]));
      expect(Object.values(entry)).toEqual(["dist/backend/src/api.js", "dist/backend/src/worker.js", "dist/backend/src/indexer.js"]);
      for (const p of all) {
        // the image's production stage (compiled JavaScript, production dependencies)
        expect(compose.services[p].build).toEqual({ context: ".", target: "app" });
        expect(compose.services[p].profiles ?? []).toEqual(stack.profile ? [stack.profile] : []);
      }
      for (const p of stack.processes) {
        expect(compose.services[p].restart).toBe("unless-stopped");
        const s = compose.services[p];
        expect(conditionOf(s, stack.setup)).toBe("service_completed_successfully");
        for (const dep of ["postgres", "redis", stack.ledger]) expect(conditionOf(s, dep), `${p} -> ${dep}`).toBe("service_healthy");
      }
      expect(conditionOf(setup, "postgres")).toBe("service_healthy");
      expect(conditionOf(setup, stack.ledger)).toBe("service_healthy");
    });

    it.each(all)("%s gets a configuration the backend accepts, for this stack's ledger, database and queue", (name) => {
      const env = envOf(compose.services[name]);
      const config = loadConfig(env);
      expect(new URL(config.LEDGER_RPC_URL).hostname).toBe(stack.ledger);
      expect(config.LEDGER_CHAIN_ID).toBe(BigInt(stack.chainId));
      expect(config.KEY_ENCRYPTION_KEY).toBe(KEK);
      expect(config.LEDGER_GAS_PRICE_WEI).toBe(0n);
      const db = new URL(config.DATABASE_URL);
      const pg = envOf(compose.services.postgres);
      expect([db.hostname, db.username, decodeURIComponent(db.password), db.pathname.slice(1)]).toEqual(["postgres", pg.POSTGRES_USER, pg.POSTGRES_PASSWORD, pg.POSTGRES_DB]);
      expect(new URL(config.REDIS_URL).hostname).toBe("redis");
      // the ledger must be reachable on a network the process is on
      expect(networksOf(compose.services[name]).some((n) => networksOf(compose.services[stack.ledger]).includes(n))).toBe(true);
      const first = loadConfig(envOf(compose.services[stack.processes[0]]));
      expect([config.DATABASE_SCHEMA, config.QUEUE_PREFIX]).toEqual([first.DATABASE_SCHEMA, first.QUEUE_PREFIX]);
      if (name === stack.setup) {
        expect(config.DEPLOYER_PRIVATE_KEY).toMatch(/^0x[0-9a-f]{64}$/i);
        // on Hardhat the deployer must be one of the node's funded accounts (#0); Besu's is checked against genesis below
        if (!stack.profile) expect(new Wallet(config.DEPLOYER_PRIVATE_KEY!).address).toBe("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
      }
    });

    it("serves the API with a healthcheck on /health", () => {
      const api = compose.services[stack.processes[0]];
      const port = loadConfig(envOf(api)).PORT;
      expect(api.ports?.some((p) => p.endsWith(`:${port}`))).toBe(true);
      expect([api.healthcheck!.test].flat().join(" ")).toContain(`http://127.0.0.1:${port}/health`);
      expect(readFileSync(join(ROOT, "backend/src/shared/http/app.ts"), "utf8")).toMatch(/app\.get\("\/health"/);
    });
  });

  it("keeps the two stacks apart: own schema and queue prefix each", () => {
    const [a, b] = STACKS.map((s) => loadConfig(envOf(compose.services[s.processes[0]])));
    expect(a.DATABASE_SCHEMA).not.toBe(b.DATABASE_SCHEMA);
    expect(a.QUEUE_PREFIX).not.toBe(b.QUEUE_PREFIX);
  });

  it("runs four pinned Besu validators, each with its own key and fixed address on the besu network", () => {
    const net = compose.networks?.besu?.ipam?.config?.[0];
    expect(net).toEqual({ subnet: BESU_SUBNET, ip_range: BESU_DYNAMIC_IP_RANGE });
    VALIDATORS.forEach((name, i) => {
      const v = compose.services[name];
      expect(v.image).toMatch(/^hyperledger\/besu:\d+\.\d+\.\d+$/);
      expect(v.profiles).toEqual(["besu"]);
      expect(v.healthcheck).toBeTruthy();
      const ip = (v.networks as Record<string, { ipv4_address?: string }>).besu.ipv4_address;
      expect(ip).toBe(VALIDATOR_IPS[i]);
      expect(commandOf(v)).toEqual(["--config-file=/config/config.toml", `--p2p-host=${ip}`]);
      const mounts = Object.fromEntries((v.volumes ?? []).map((m) => [mountOf(m).target, mountOf(m).host ?? mountOf(m).named]));
      expect(mounts).toMatchObject({
        "/config/config.toml": "./ops/besu/config.toml",
        "/config/genesis.json": "./ops/besu/genesis.json",
        "/config/static-nodes.json": "./ops/besu/static-nodes.json",
        "/config/permissions_config.toml": "./ops/besu/permissions_config.toml",
        "/keys": `./ops/besu/validator${i + 1}`,
        "/var/lib/besu": `${name}-data`,
      });
    });
    // fixed addresses lie in the subnet and outside the range handed out to other containers
    for (const ip of VALIDATOR_IPS) {
      expect(ip.startsWith(BESU_SUBNET.replace(/\.0\/24$/, "."))).toBe(true);
      expect(Number(ip.split(".")[3])).toBeLessThan(128);
    }
  });

  it("configures every validator from config.toml with files it mounts, free gas, permissioning and no discovery", () => {
    const toml = Object.fromEntries(
      readFileSync(join(BESU_DIR, "config.toml"), "utf8")
        .split("\n")
        .filter((l) => /^[a-z0-9-]+\s*=/.test(l))
        .map((l) => [l.slice(0, l.indexOf("=")).trim(), JSON.parse(l.slice(l.indexOf("=") + 1).trim())]),
    );
    expect(toml).toMatchObject({
      "genesis-file": "/config/genesis.json",
      "static-nodes-file": "/config/static-nodes.json",
      "permissions-nodes-config-file": "/config/permissions_config.toml",
      "permissions-nodes-config-file-enabled": true,
      "node-private-key-file": "/keys/key",
      "data-path": "/var/lib/besu",
      "discovery-enabled": false,
      "p2p-port": P2P_PORT,
      "nat-method": "NONE",
      "rpc-http-enabled": true,
      "rpc-http-port": 8545,
      "min-gas-price": 0,
      "tx-pool-min-gas-price": 0,
    });
    expect(toml["rpc-http-api"]).toEqual(expect.arrayContaining(["ETH", "NET"]));
    // nothing that administers the node or its allowlist over the platform's RPC
    expect(toml["rpc-http-api"]).not.toEqual(expect.arrayContaining(["ADMIN"]));
    expect(toml["rpc-http-api"]).not.toEqual(expect.arrayContaining(["PERM"]));
    expect(toml["rpc-http-api"]).not.toEqual(expect.arrayContaining(["DEBUG"]));
  });
});

describe("Besu QBFT network files (ops/besu)", () => {
  const keys = [1, 2, 3, 4].map((n) => readFileSync(join(BESU_DIR, `validator${n}/key`), "utf8"));
  const validators = keys.map((k, i) => validatorFromKey(`validator${i + 1}`, k, VALIDATOR_IPS[i]));
  const genesis = JSON.parse(readFileSync(join(BESU_DIR, "genesis.json"), "utf8"));

  it("has four distinct secp256k1 node keys in the one-line format Besu reads, with matching public key and address files", () => {
    for (const [i, k] of keys.entries()) {
      expect(k).toMatch(/^0x[0-9a-f]{64}$/); // one line, no newline
      expect(() => new SigningKey(k)).not.toThrow();
      const dir = join(BESU_DIR, `validator${i + 1}`);
      expect(readFileSync(join(dir, "key.pub"), "utf8").trim()).toBe(`0x${validators[i].nodeId}`);
      expect(readFileSync(join(dir, "address"), "utf8").trim()).toBe(validators[i].address);
      expect(computeAddress(new SigningKey(k).publicKey)).toBe(validators[i].address);
    }
    expect(new Set(keys).size).toBe(4);
  });

  it("has a well-formed QBFT genesis", () => {
    const c = genesis.config;
    expect(c.chainId).toBe(BESU_CHAIN_ID);
    expect(c.qbft).toEqual({ blockperiodseconds: 1, epochlength: 30000, requesttimeoutseconds: 4 });
    expect(c).toMatchObject({ berlinBlock: 0, londonBlock: 0, shanghaiTime: 0, cancunTime: 0, zeroBaseFee: true });
    for (const other of ["ethash", "clique", "ibft2"]) expect(c).not.toHaveProperty(other);
    expect(genesis).toMatchObject({ difficulty: "0x1", mixHash: QBFT_MIX_HASH, nonce: "0x0", coinbase: "0x0000000000000000000000000000000000000000" });
    for (const field of ["gasLimit", "timestamp", "extraData"]) expect(genesis[field]).toMatch(/^0x[0-9a-f]+$/);
    expect(BigInt(genesis.gasLimit)).toBeGreaterThan(30_000_000n);
  });

  it("names exactly the four validators in extraData: RLP([vanity, validators, no vote, round 0, no seals])", () => {
    const decoded = decodeRlp(genesis.extraData) as [string, string[], unknown[], string, unknown[]];
    expect(decoded).toHaveLength(5);
    const [vanity, addresses, vote, round, seals] = decoded;
    expect(vanity).toBe(`0x${"00".repeat(32)}`);
    expect(vote).toEqual([]);
    expect(round).toBe("0x");
    expect(seals).toEqual([]);
    expect(addresses.map((a) => getAddress(a))).toEqual(validators.map((v) => v.address).sort((x, y) => x.toLowerCase().localeCompare(y.toLowerCase())));
  });

  it("funds valid alloc addresses, including the compose file's default deployer", () => {
    const alloc = Object.entries(genesis.alloc as Record<string, { balance: string }>);
    expect(alloc.length).toBeGreaterThan(0);
    for (const [address, { balance }] of alloc) {
      expect(isAddress(address.startsWith("0x") ? address : `0x${address}`), address).toBe(true);
      expect(BigInt(balance)).toBeGreaterThan(0n);
    }
    const deployer = new Wallet(envOf(compose.services["besu-setup"]).DEPLOYER_PRIVATE_KEY).address.toLowerCase();
    expect(alloc.map(([a]) => a.toLowerCase().replace(/^(?!0x)/, "0x"))).toContain(deployer);
  });

  it("allowlists exactly the four validators' enodes and lists them as static nodes", () => {
    const toml = readFileSync(join(BESU_DIR, "permissions_config.toml"), "utf8");
    const lines = toml.split("\n").filter((l) => l.trim() && !l.trim().startsWith("#"));
    expect(lines).toHaveLength(1);
    const [, list] = /^nodes-allowlist\s*=\s*(\[.*\])$/.exec(lines[0])!;
    const allowlist = JSON.parse(list) as string[];
    const expected = validators.map((v) => `enode://${v.nodeId}@${v.ip}:${P2P_PORT}`);
    expect([...allowlist].sort()).toEqual([...expected].sort());
    expect(new Set(allowlist).size).toBe(4);
    const staticNodes = JSON.parse(readFileSync(join(BESU_DIR, "static-nodes.json"), "utf8")) as string[];
    expect([...staticNodes].sort()).toEqual([...expected].sort());
  });

  it("is exactly what `npm run besu:keys` generates for these keys", () => {
    const dir = mkdtempSync(join(tmpdir(), "besu-"));
    try {
      const deployer = getAddress(Object.keys(genesis.alloc)[0]);
      generateNetwork({ outDir: dir, deployer, keys, timestamp: Number(genesis.timestamp) });
      for (const f of ["genesis.json", "static-nodes.json", "permissions_config.toml", ...[1, 2, 3, 4].flatMap((n) => [`validator${n}/key`, `validator${n}/key.pub`, `validator${n}/address`])]) {
        expect(readFileSync(join(dir, f), "utf8"), f).toBe(readFileSync(join(BESU_DIR, f), "utf8"));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("generates a fresh, self-consistent network with new keys", () => {
    const dir = mkdtempSync(join(tmpdir(), "besu-"));
    try {
      const net = generateNetwork({ outDir: dir, deployer: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" });
      expect(new Set(net.validators.map((v) => v.address)).size).toBe(4);
      expect(net.validators.map((v) => v.address)).not.toEqual(validators.map((v) => v.address));
      const g = JSON.parse(readFileSync(join(dir, "genesis.json"), "utf8"));
      const [, addresses] = decodeRlp(g.extraData) as [string, string[]];
      expect(addresses.map((a) => getAddress(a)).sort()).toEqual(net.validators.map((v) => v.address).sort());
      expect(Object.keys(g.alloc)).toEqual(["0x70997970c51812dc3a010c7d01b50e0d17dc79c8"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the backend speaks only standard JSON-RPC", () => {
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? files(p) : [p];
    });

  it("uses no Hardhat-only methods (hardhat_*, evm_*) in backend/src or the setup script", () => {
    const offenders = [...files(join(ROOT, "backend/src")), join(ROOT, "scripts/compose-setup.ts")].flatMap((f) =>
      [...readFileSync(f, "utf8").matchAll(/\b(?:hardhat|evm)_[A-Za-z]+/g)].map((m) => `${f.slice(ROOT.length + 1)}: ${m[0]}`),
    );
    expect(offenders).toEqual([]);
  });
});

describe("Dockerfile", () => {
  const dockerfile = readFileSync(join(ROOT, "Dockerfile"), "utf8");
  const ignored = readFileSync(join(ROOT, ".dockerignore"), "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
  const isIgnored = (path: string) =>
    ignored.some((p) => {
      const re = new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*")}(/.*)?$`);
      return re.test(path);
    });

  // the stages, by name: `FROM image AS name` up to the next FROM
  const stages = Object.fromEntries(
    dockerfile
      .split(/^(?=FROM )/m)
      .filter((s) => s.startsWith("FROM "))
      .map((s) => [/^FROM \S+ AS (\S+)/.exec(s)?.[1] ?? "", s]),
  );
  const scripts = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts as Record<string, string>;

  it("has a build stage: Node 20+, everything installed, `npm run build` (contracts, TypeChain bindings, error catalogue, dist/)", () => {
    const build = stages.build;
    expect(build).toMatch(/^FROM node:(2\d|[3-9]\d)/m);
    expect(build).toMatch(/^RUN npm ci\b(?!.*--omit)/m);
    expect(build).toMatch(/^RUN npm run build$/m);
    expect(build.indexOf("npm ci")).toBeLessThan(build.indexOf("npm run build"));
    expect(scripts.build).toMatch(/hardhat compile.*errors:gen.*build:js/);
    expect(scripts["build:js"]).toBe("tsc -p tsconfig.build.json");
  });

  it("has an app stage, the last (the default target): production dependencies, the build stage's dist/, node as the process", async () => {
    expect(Object.keys(stages)).toEqual(["build", "app"]);
    const app = stages.app;
    expect(app).toMatch(/^FROM node:(2\d|[3-9]\d)/m);
    expect(app).toMatch(/^RUN npm ci --omit=dev\b/m);
    expect(app).toMatch(/^COPY --from=build (--chown=\S+ )?\/app\/dist \.\/dist$/m);
    expect(app).toMatch(/^COPY (--chown=\S+ )?seeds \.\/seeds$/m);
    expect(app).not.toMatch(/ts-node|hardhat/);
    const cmd = /^CMD (\[.*\])$/m.exec(app)?.[1];
    expect(JSON.parse(cmd!)).toEqual(["node", "dist/backend/src/api.js"]);
    await buildDist();
    expect(existsSync(join(ROOT, "dist/backend/src/api.js"))).toBe(true);
  });

  it("runs, in dist/, only packages that the app stage installs (dependencies, not devDependencies)", async () => {
    await buildDist();
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    const production = new Set([...Object.keys(pkg.dependencies), ...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    const js = (dir: string): string[] =>
      readdirSync(dir).flatMap((f) => {
        const p = join(dir, f);
        return statSync(p).isDirectory() ? js(p) : p.endsWith(".js") ? [p] : [];
      });
    // the development platform (`npm start`, `npm run dev`) runs a Hardhat node: not in the image's processes
    const devOnly = ["dist/scripts/start.js", "dist/backend/src/dev.js", "dist/backend/src/ops/dev-platform.js"];
    const offenders = js(join(ROOT, "dist"))
      .filter((f) => !devOnly.includes(f.slice(ROOT.length + 1)))
      .flatMap((f) =>
        [...readFileSync(f, "utf8").matchAll(/\brequire\("([^".][^"]*)"\)/g)]
          .map((m) => (m[1].startsWith("@") ? m[1].split("/").slice(0, 2).join("/") : m[1].split("/")[0]))
          .filter((name) => !production.has(name))
          .map((name) => `${f.slice(ROOT.length + 1)}: ${name}`),
      );
    expect(offenders).toEqual([]);
    // JSON the backend imports is emitted beside it
    expect(existsSync(join(ROOT, "dist/backend/src/ledger/error-catalogue.json"))).toBe(true);
  });

  it("runs `npm start` and the start:* scripts from what the build emits", async () => {
    await buildDist();
    expect(scripts.start).toMatch(/^npm run build && node dist\/scripts\/start\.js$/);
    for (const name of ["start", "start:api", "start:worker", "start:indexer"]) {
      const files = distFiles(scripts[name].split(/\s+/));
      expect(files, name).toHaveLength(1);
      expect(existsSync(join(ROOT, files[0])), `${name}: ${files[0]}`).toBe(true);
    }
  });

  it("sends what the image needs to the build and keeps out secrets, keys and build output", () => {
    for (const p of ["package.json", "package-lock.json", "hardhat.config.ts", "tsconfig.json", "contracts", "tsconfig.build.json", "backend/src/api.ts", "scripts/compose-setup.ts", "deployments", "seeds"]) {
      expect(isIgnored(p), p).toBe(false);
    }
    for (const p of [".env", "ops/besu/validator1/key", "node_modules", "typechain-types", "artifacts", "dist", ".git"]) expect(isIgnored(p), p).toBe(true);
  });
});

describe("the setup service's script (scripts/compose-setup.ts)", () => {
  // what the `setup` service runs, with this machine's Postgres and a Hardhat JSON-RPC server in
  // place of the compose network's; it must succeed every time `docker compose up` runs it
  let ledger: { url: string; close(): Promise<void>; reset(): Promise<unknown> };
  const schema = `t_setup_${randomBytes(4).toString("hex")}`;
  let env: Env;

  beforeAll(async () => {
    await buildDist();
    const { default: hre } = await import("hardhat");
    const { TASK_NODE_CREATE_SERVER } = await import("hardhat/builtin-tasks/task-names");
    const server = await hre.run(TASK_NODE_CREATE_SERVER, { hostname: "127.0.0.1", port: 0, provider: hre.network.provider });
    const { port } = await server.listen();
    // a test may use Hardhat-only methods: this one stands in for a restarted development ledger
    ledger = { url: `http://127.0.0.1:${port}`, close: () => server.close(), reset: () => hre.network.provider.send("hardhat_reset", []) };
    env = {
      ...envOf(compose.services.setup),
      LOG_LEVEL: "warn",
      DATABASE_URL: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
      DATABASE_SCHEMA: schema,
      REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
      LEDGER_RPC_URL: ledger.url,
    };
  });

  afterAll(async () => {
    const { Client } = await import("pg");
    const client = new Client({ connectionString: env.DATABASE_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
    await ledger?.close();
  });

  const runSetup = () =>
    new Promise<{ code: number | null; output: string }>((resolvePromise) => {
      const cmd = commandOf(compose.services.setup);
      const child = spawn(process.execPath, cmd.slice(1), { cwd: ROOT, env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
      let output = "";
      child.stdout.on("data", (d) => (output += d));
      child.stderr.on("data", (d) => (output += d));
      child.on("close", (code) => resolvePromise({ code, output }));
    });

  it("migrates, bootstraps and deploys once; later runs succeed without repeating either; a fresh chain gets the contracts again", async () => {
    expect(commandOf(compose.services.setup)[0]).toBe("node");

    const first = await runSetup();
    expect(first.code, first.output).toBe(0);
    expect(first.output).toMatch(/API key \(shown once/);
    expect(first.output).toMatch(/^deployed on chain 31337/m);

    const second = await runSetup();
    expect(second.code, second.output).toBe(0);
    expect(second.output).toMatch(/already bootstrapped/);
    expect(second.output).toMatch(/not deploying again/);
    expect(second.output).not.toMatch(/^deployed on chain/m);

    await ledger.reset();
    const third = await runSetup();
    expect(third.code, third.output).toBe(0);
    expect(third.output).toMatch(/^deployed on chain 31337/m);
  }, 180_000);
});
