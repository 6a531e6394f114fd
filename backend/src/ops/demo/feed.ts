import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFile } from "node:child_process";
import type { Config } from "../../config/config";
import { createRedis, JobQueue } from "../../shared/queue";
import { REPO_ROOT } from "../../shared/paths";

/** `npm run feed:verify` on `dir` against the ledger at `rpc`, as a child process: its exit code and output. */
function verify(dir: string, rpc: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", join(REPO_ROOT, "scripts/feed-verify.ts"), "--dir", dir, "--rpc", rpc],
      { cwd: REPO_ROOT, env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" }, timeout: 300_000 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 99) : 0, out: `${stdout}${stderr}`.trim() }),
    );
  });
}

export interface FeedShown {
  dir: string;
  days: number;
  verified: string;
  tampered: string;
}

/**
 * The regulator's feed: the worker's daily job delivers every day the ledger has finished (the
 * demo's clock moved on, so the days it played are over) to FEED_DIR; `npm run feed:verify` passes
 * on them against the ledger, and fails on a copy with one amount changed, naming the record.
 */
export async function showFeed(config: Config, rpc: string, log: (l: string) => void): Promise<FeedShown> {
  const redis = createRedis(config.REDIS_URL, "queue");
  const queue = new JobQueue(redis, config.QUEUE_PREFIX);
  try {
    await queue.add("conformity.publish", {}, `demo-publish-${Date.now()}`);
  } finally {
    await queue.close();
    redis.disconnect();
  }
  const dir = join(config.FEED_DIR, "regulator-feed");
  const manifests = () => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".manifest.json")) : []);
  // the job delivers day after day (the manifest last): wait until it has delivered some and stopped
  let days = 0;
  for (const end = Date.now() + 180_000; ; ) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = manifests().length;
    if (now > 0 && now === days) break;
    if (Date.now() > end) throw new Error(`the regulator's feed was not delivered to ${dir}`);
    days = now;
  }
  const ok = await verify(config.FEED_DIR, rpc);
  if (ok.code !== 0) throw new Error(`feed:verify failed on the delivered feed:\n${ok.out}`);
  const verified = ok.out.split("\n").pop()!;
  log(`      delivered to ${config.FEED_DIR}; npm run feed:verify: ${verified}`);

  // a copy with one amount changed: the verifier names the record
  const copy = mkdtempSync(join(tmpdir(), "demo-feed-tampered-"));
  cpSync(config.FEED_DIR, copy, { recursive: true });
  const file = join(copy, "regulator-feed", readdirSync(join(copy, "regulator-feed")).filter((f) => f.endsWith(".jsonl")).sort()[0]);
  const lines = readFileSync(file, "utf8").split("\n");
  const i = lines.findIndex((l) => /"amount":"[1-9]/.test(l));
  lines[i] = lines[i].replace(/"amount":"([0-9]+)"/, (_m, a: string) => `"amount":"${BigInt(a) * 10n}"`);
  writeFileSync(file, lines.join("\n"));
  const bad = await verify(copy, rpc);
  if (bad.code !== 1) throw new Error(`feed:verify did not fail on a tampered copy (exit ${bad.code}):\n${bad.out}`);
  const tampered = bad.out.split("\n").find((l) => l.startsWith("TAMPERED")) ?? bad.out.split("\n")[0];
  log(`      on a copy with one amount multiplied by ten it fails (exit 1): ${tampered.slice(0, 160)}`);
  return { dir: config.FEED_DIR, days, verified, tampered };
}
