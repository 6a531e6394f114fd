import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname, resolve, sep } from "node:path";
import { createHash } from "node:crypto";

/**
 * Where the daily files go: a directory in development (FEED_DIR), the receiver's HTTP endpoint
 * in production (FEED_URL). A file's path is relative ("regulator-feed/2026-11-20.jsonl"); a day's
 * manifest is delivered last, so a receiver may take its arrival as the day being complete.
 */
export interface FeedSink {
  /** Where files go, in words (kept with each delivery). */
  readonly target: string;
  put(path: string, content: string, contentType: string): Promise<void>;
}

const SAFE_PATH = /^[a-z0-9-]+\/[0-9]{4}-[0-9]{2}-[0-9]{2}(\.[a-z]+)+$/;

function checkPath(path: string) {
  if (!SAFE_PATH.test(path)) throw new Error(`feed file path ${JSON.stringify(path)} is not <report>/<day>.<ext>`);
}

/** Files in a directory, each written to a temporary name and renamed (a reader never sees half a file). */
export class DirectorySink implements FeedSink {
  readonly target: string;
  constructor(dir: string) {
    this.target = resolve(dir);
  }

  async put(path: string, content: string): Promise<void> {
    checkPath(path);
    const file = resolve(this.target, path);
    if (!file.startsWith(this.target + sep)) throw new Error(`feed file ${path} is outside ${this.target}`);
    await mkdir(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, content, "utf8");
    await rename(tmp, file);
  }
}

export interface HttpSinkOptions {
  baseUrl: string;
  token?: string;
  timeoutMs: number;
}

/**
 * POST {FEED_URL}/{path} with the file as the body (its content type; `X-Content-SHA256`: the
 * body's sha256 in hex; `Authorization: Bearer {FEED_TOKEN}` when set, or Basic from credentials
 * in FEED_URL). Any 2xx is delivered; a
 * repeat of the same path replaces the file (the receiver keys on the path). Anything else throws:
 * the job fails and the queue retries it.
 */
export class HttpSink implements FeedSink {
  readonly target: string;
  private readonly authorization?: string;
  constructor(private readonly o: HttpSinkOptions) {
    // credentials in the URL (user:password@) become Basic authorization (fetch takes no URL with
    // them), unless FEED_TOKEN is set; the target kept with each delivery carries none
    const url = new URL(o.baseUrl);
    const basic = url.username ? Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString("base64") : null;
    url.username = "";
    url.password = "";
    this.target = url.toString().replace(/\/+$/, "");
    this.authorization = o.token ? `Bearer ${o.token}` : basic ? `Basic ${basic}` : undefined;
  }

  async put(path: string, content: string, contentType: string): Promise<void> {
    checkPath(path);
    const headers: Record<string, string> = {
      "content-type": contentType,
      "x-content-sha256": createHash("sha256").update(content, "utf8").digest("hex"),
    };
    if (this.authorization) headers.authorization = this.authorization;
    const res = await fetch(`${this.target}/${path}`, { method: "POST", headers, body: content, signal: AbortSignal.timeout(this.o.timeoutMs) });
    await res.arrayBuffer().catch(() => undefined);
    if (!res.ok) throw new Error(`feed delivery of ${path}: the receiver answered ${res.status}`);
  }
}

/** FEED_URL set: HTTP; otherwise the directory FEED_DIR. */
export function createSink(c: { FEED_URL?: string; FEED_TOKEN?: string; FEED_DIR: string; ADAPTER_TIMEOUT_MS: number }): FeedSink {
  return c.FEED_URL ? new HttpSink({ baseUrl: c.FEED_URL, token: c.FEED_TOKEN, timeoutMs: Math.max(c.ADAPTER_TIMEOUT_MS, 30_000) }) : new DirectorySink(c.FEED_DIR);
}
