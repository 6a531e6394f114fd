import { randomBytes } from "node:crypto";
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { rm } from "node:fs/promises";
import type { DataSource } from "typeorm";
import { Redis } from "ioredis";
import { loadConfig, type Config } from "../../../backend/src/config/config";
import { migrate } from "../../../backend/src/shared/db";
import { createLogger } from "../../../backend/src/shared/logger";
import { KeyVault } from "../../../backend/src/ledger/key-vault";
import { LedgerGateway } from "../../../backend/src/ledger/gateway";
import { bootstrap } from "../../../backend/src/ops/bootstrap";
import { deploy } from "../../../backend/src/ops/deploy";
import { type Running, platformDataSource } from "../../../backend/src/platform";
import { startApi, startIndexer, startWorker } from "../../../backend/src/processes";
import { withUsccCheck } from "../../../backend/src/modules/onboarding/uscc";
import type { DeploymentRecord } from "../../../backend/src/ledger/deploy";
import { issueApiKey } from "../../../backend/src/modules/onboarding/api-key-secret";
import { hashPassword } from "../../../backend/src/modules/onboarding/passwords";
import { firstAdminKey } from "../../../backend/src/ops/first-admin";
import { startLedgerServer } from "./ledger-server";
import { Api, eventually } from "./http";
import { developmentFacts } from "../../../backend/src/ops/onboarding-facts";

/** Hardhat's account #0: deploys and administers the contracts in tests. */
export const DEPLOYER_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

const USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
/** A fresh, valid unified social credit code. */
export function randomUscc(): string {
  const tail = Array.from(randomBytes(9), (b) => USCC_ALPHABET[b % 31]).join("");
  return withUsccCheck(`91500000${tail}`);
}

export interface StackOptions {
  api?: boolean;
  workers?: number;
  indexer?: boolean;
  env?: Record<string, string>;
  /** A ledger server started by the caller (default: a fresh one on a free port); the stack closes it. */
  ledger?: { url: string; close(): Promise<void> };
}

/**
 * One isolated platform for a test file: its own Postgres schema and Redis prefix, the contracts
 * deployed on Hardhat's network (served over JSON-RPC), the operator bootstrapped, and the
 * requested processes running in this process. `spawn` starts more of them as child processes.
 */
export class Stack {
  readonly parts: Running[] = [];
  readonly children: ChildProcess[] = [];
  api!: Api;
  apiPort = 0;

  private constructor(
    readonly config: Config,
    readonly env: Record<string, string>,
    readonly ds: DataSource,
    readonly operatorKey: string,
    readonly operatorOrgId: string,
    /** The operator admin's invitation to choose a portal password (bootstrap makes it). */
    readonly operatorInvitation: string,
    readonly deployment: DeploymentRecord,
    private readonly closeLedger: () => Promise<void>,
  ) {}

  static async start(o: StackOptions = {}): Promise<Stack> {
    const ledger = o.ledger ?? (await startLedgerServer());
    const id = randomBytes(5).toString("hex");
    const env: Record<string, string> = {
      NODE_ENV: "test",
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
      PORT: "0",
      DATABASE_URL: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
      DATABASE_SCHEMA: `t_${id}`,
      DATABASE_POOL_SIZE: "5",
      REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
      QUEUE_PREFIX: `t${id}`,
      LEDGER_RPC_URL: ledger.url,
      KEY_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      DEPLOYER_PRIVATE_KEY: DEPLOYER_KEY,
      INDEXER_POLL_MS: "50",
      OUTBOX_BATCH_WAIT_MS: "0",
      OUTBOX_SWEEP_INTERVAL_MS: "300",
      OUTBOX_STALE_MS: "1500",
      WORKER_LOCK_MS: "2000",
      SHUTDOWN_TIMEOUT_MS: "3000",
      // notification mails (the development channel's .eml files) go to a directory of the stack's own
      MAIL_OUTBOX_DIR: join(tmpdir(), `cf-mail-${id}`),
      MAIL_DIGEST_MS: "200",
      ...(o.env ?? {}),
    };
    const config = loadConfig(env);
    const ds = platformDataSource({ url: config.DATABASE_URL, schema: config.DATABASE_SCHEMA, poolSize: 3, applicationName: "test" });
    await ds.initialize();
    await migrate(ds);
    const vault = new KeyVault(config.KEY_ENCRYPTION_KEY);
    const boot = await bootstrap(ds, vault, { legalName: "链融联盟平台运营方（测试）", uscc: randomUscc(), adminEmail: "op@test.example", adminName: "Op" });
    const gateway = await LedgerGateway.connect(config.LEDGER_RPC_URL);
    const deployment = await deploy(ds, vault, gateway, DEPLOYER_KEY, 3600n);
    gateway.destroy();
    const stack = new Stack(config, env, ds, boot.apiKey, boot.organizationId, boot.invitationToken, deployment, ledger.close);
    const log = createLogger(config.LOG_LEVEL, "test");
    if (o.api !== false) {
      const api = await startApi(config, log);
      stack.parts.push(api);
      stack.apiPort = api.port;
      stack.api = new Api(`http://127.0.0.1:${api.port}`);
    }
    for (let i = 0; i < (o.workers ?? 1); i++) stack.parts.push(await startWorker(config, log));
    if (o.indexer !== false) stack.parts.push(await startIndexer(config, log));
    return stack;
  }

  /** Starts `backend/src/<name>.ts` as a child process with this stack's environment. */
  spawn(name: "api" | "worker" | "indexer", env: Record<string, string> = {}): ChildProcess {
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", join(__dirname, `../../../backend/src/${name}.ts`)], {
      env: { ...process.env, ...this.env, ...env, TS_NODE_TRANSPILE_ONLY: "true" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout!.resume();
    child.stderr!.resume();
    this.children.push(child);
    return child;
  }

  async close(): Promise<void> {
    for (const c of this.children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    for (const p of this.parts.reverse()) await p.close().catch(() => undefined);
    await this.ds.query(`DROP SCHEMA "${this.config.DATABASE_SCHEMA}" CASCADE`).catch(() => undefined);
    await this.ds.destroy();
    const redis = new Redis(this.config.REDIS_URL);
    const keys = await redis.keys(`${this.config.QUEUE_PREFIX}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await this.closeLedger();
    await rm(this.env.MAIL_OUTBOX_DIR, { recursive: true, force: true });
  }

  // ─── Business helpers ─────────────────────────────────────────────

  /**
   * Creates an organization, approves its KYC, waits until it is active on chain, and gives it an
   * admin with a key. With `ledgerAddress`, the organization keeps its own ledger key.
   */
  async onboard(roles: string[], name = `Org ${randomBytes(3).toString("hex")}`, o: { ledgerAddress?: string } = {}) {
    const op = { key: this.operatorKey };
    const created = await this.api.post("/v1/organizations", { legalName: name, unifiedSocialCreditCode: randomUscc(), roles, contacts: [], ...developmentFacts(roles), ...o }, op);
    if (created.status !== 201) throw new Error(`create organization: ${created.status} ${JSON.stringify(created.body)}`);
    const orgId = created.body.id as string;
    const approved = await this.api.post(`/v1/organizations/${orgId}/kyc-approval`, {}, op);
    if (approved.status !== 202) throw new Error(`approve KYC: ${approved.status} ${JSON.stringify(approved.body)}`);
    const org = await eventually(async () => {
      const r = await this.api.get(`/v1/organizations/${orgId}`, op);
      return r.body.status === "active" ? r.body : null;
    }, 20_000, `${name} to become active`);
    const admin = await this.firstAdmin(orgId, undefined, roles);
    return { org, orgId, userId: admin.userId, key: admin.key, operationId: approved.body.operation.id as string };
  }

  /**
   * A user with an API key written straight into the database, as `ops bootstrap` writes the
   * operator's first admin: for test worlds that need people no caller of the API may make (a
   * pending organization's, an auditor's, which reads only). With `password`, the person signs in.
   */
  async fixtureUser(orgId: string, o: { role: "admin" | "member"; duty?: "viewer" | "clerk" | "approver"; email?: string; name?: string; password?: string }) {
    const email = o.email ?? `${o.role}-${randomBytes(4).toString("hex")}@${orgId.slice(0, 8)}.example`;
    const hash = o.password ? await hashPassword(o.password) : null;
    const [user] = await this.ds.query(
      `INSERT INTO users (organization_id, email, name, role, duty, password_hash, password_changed_at) VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $6::text IS NULL THEN NULL ELSE now() END) RETURNING id`,
      [orgId, email, o.name ?? `${o.role} of ${orgId.slice(0, 8)}`, o.role, o.duty ?? "approver", hash],
    );
    return { userId: user.id as string, email, ...(await this.fixtureKey(orgId, user.id)) };
  }

  /** Another API key of a user, written straight into the database (see fixtureUser). */
  async fixtureKey(orgId: string, userId: string) {
    const issued = issueApiKey();
    const [key] = await this.ds.query(`INSERT INTO api_keys (organization_id, user_id, prefix, secret_hash, label) VALUES ($1, $2, $3, $4, 'fixture') RETURNING id`, [
      orgId,
      userId,
      issued.prefix,
      issued.secretHash,
    ]);
    return { key: issued.key, keyId: key.id as string };
  }

  /**
   * The organization's first admin (an approver), invited by the operator, with the API key they
   * issued themselves; an auditor's admin may issue none, so its key is a fixture (fixtureKey).
   */
  async firstAdmin(orgId: string, email = `admin@${orgId.slice(0, 8)}.example`, roles: string[] = []) {
    const auditor = roles.includes("auditor");
    const admin = await firstAdminKey(this.api.baseUrl, this.operatorKey, orgId, { email, name: "Admin", label: "test", issueKey: !auditor });
    return auditor ? { ...admin, ...(await this.fixtureKey(orgId, admin.userId)) } : admin;
  }
}
