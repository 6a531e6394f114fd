import fc from "fast-check";
import { Redis } from "ioredis";
import { expect } from "vitest";
import {
  bearer,
  changed,
  fillPath,
  problemViolations,
  queryString,
  rawRequest,
  sample,
  setAt,
  settleOutbox,
  type Loc,
  type Operation,
  type ProblemExpectation,
  type RawReply,
  type RawRequest,
  type Segment,
} from "../support/openapi-probe";
import { browserHeaders, type Context } from "./probe";
import type { BadInput } from "./world";

/** How many cases to send and how: the settings, and how a case is built from a context, sent in parallel, judged and drawn. */

export const RUNS = Math.max(0, Number(process.env.BAD_INPUT_RUNS ?? 1));
export const ALL = process.env.BAD_INPUT_ALL === "1";
export const SEED = Number(process.env.BAD_INPUT_SEED ?? Math.floor(Math.random() * 2 ** 31));
/** Endpoint-independent cases each endpoint gets (all of them with BAD_INPUT_ALL). */
export const IN_TURN = 3;
/** Requests in flight at once (refusals are independent; the write probe brackets them all). */
const PARALLEL = 4;

/** Generators of one fixed case: sent once, not again among the random picks. */
const FIXED = new WeakSet<fc.Arbitrary<unknown>>();
export const fixed = <T>(make: () => T): fc.Arbitrary<T> => {
  const arb = fc.constant(0).map(make);
  FIXED.add(arb);
  return arb;
};

/** Control characters and lone surrogates escaped, so a failure message prints (and greps) cleanly. */
export const printable = (s: string) => s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

export const show = (v: unknown, max = 90) => {
  const s = typeof v === "string" ? JSON.stringify(v) : v === undefined ? "undefined" : JSON.stringify(v) ?? String(v);
  return s.length > max ? `${s.slice(0, max)}…(${s.length} chars)` : s;
};

/** `n` of `list` chosen by the seed (all of it with BAD_INPUT_ALL). */
export const some = <T>(list: T[], n: number): T[] =>
  ALL || list.length <= n ? list : fc.sample(fc.shuffledSubarray(list, { minLength: n, maxLength: n }), { numRuns: 1, seed: SEED })[0];

/** Runs `task` over `list`, PARALLEL at a time. */
export async function inParallel<T>(list: T[], task: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < list.length) await task(list[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, list.length) }, worker));
}

// ─── Requests and cases ───────────────────────────────────────────────

export interface Parts {
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
  hasBody: boolean;
  headers: Record<string, string>;
  /** Send these bytes instead of JSON.stringify(body). */
  rawBody?: string | Buffer;
  /** Use this path (already encoded) instead of the template filled with params. */
  rawPath?: string;
  chunked?: boolean;
}

export interface Case {
  category: string;
  kind: string;
  field?: string;
  label: string;
  send: RawRequest;
  expect: ProblemExpectation;
}

export function build(op: Operation, p: Parts): RawRequest {
  const path = p.rawPath ?? fillPath(op.path, p.params) + queryString(p.query);
  const headers = { ...p.headers };
  const body = p.rawBody ?? (p.hasBody ? JSON.stringify(p.body) : undefined);
  if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) headers["content-type"] = "application/json";
  for (const [k, v] of Object.entries(headers)) if (v === "\u0000omit") delete headers[k];
  return { method: op.method, path, headers, body, chunked: p.chunked };
}

/** The credentials a context's requests carry: none (public), a browser session, or an API key. */
export function creds(ctx: Context, purpose: "invalid" | "hostile" | "control" = "invalid"): Record<string, string> {
  const login = (purpose === "hostile" ? ctx.hostileBrowser?.() : undefined) ?? ctx.browser?.();
  if (login) return browserHeaders(login);
  return ctx.public ? {} : bearer(ctx.key);
}

/** The valid request a case starts from (`hostile`: at the targets kept for requests that may succeed). */
export function baseParts(op: Operation, ctx: Context, purpose: "invalid" | "hostile" | "control" = "invalid"): Parts {
  const query = Object.fromEntries(Object.entries(op.query?.properties ?? {}).map(([k, s]) => [k, String(sample(s))]));
  const meant = purpose === "invalid" ? {} : { ...(ctx.valid?.() ?? {}), ...((purpose === "hostile" ? ctx.hostileBody?.() : undefined) ?? {}) };
  return {
    params: (purpose === "hostile" ? ctx.hostilePath : undefined) ?? ctx.path ?? {},
    query: { ...query, ...(ctx.query ?? {}) },
    body: op.body ? { ...(sample(op.body) as object), ...(ctx.body?.() ?? {}), ...meant } : undefined,
    hasBody: op.body !== null,
    headers: creds(ctx, purpose),
  };
}

/** Collects every failing case (one entry per distinct problem, three examples each) so one bug does not hide the next. */
export class Failures {
  private readonly seen = new Map<string, { why: string; examples: string[]; count: number }>();
  add(c: Case, r: RawReply | null, why: string[]) {
    const key = printable(`[${c.kind}] ${c.field ?? ""}: ${why[0].replace(/\d+ chars/g, "")}`);
    const entry = this.seen.get(key) ?? { why: why.join("; "), examples: [], count: 0 };
    this.seen.set(key, entry);
    entry.count++;
    if (entry.examples.length >= 3) return;
    const body = c.send.body === undefined ? "" : ` body ${show(c.send.body.toString(), 160)}`;
    const answer = r ? ` → ${r.status} ${printable(r.text.slice(0, 240))}` : "";
    entry.examples.push(`${c.label}: ${c.send.method} ${show(c.send.path, 200)}${body}${answer}`);
  }
  wrote(what: string, diff: string[]) {
    if (diff.length) this.seen.set(`[${what}] refused requests changed the database or queue: ${diff.join(", ")}`, { why: "", examples: [], count: 1 });
  }
  done() {
    const lines = [...this.seen.entries()].map(
      ([k, v]) => `${k} (×${v.count})${v.why.includes("; ") ? `\n      all problems: ${printable(v.why)}` : ""}${v.examples.map((e) => `\n      e.g. ${e}`).join("")}`,
    );
    expect(lines, `seed ${SEED}\n${lines.join("\n")}`).toEqual([]);
  }
}

export async function run(b: BadInput, category: string, key: string, cases: Case[], f = new Failures()) {
  b.count(category, key, cases);
  const before = await b.writes.snapshot();
  await inParallel(cases, async (c) => {
    const r = await rawRequest(b.stack.apiPort, c.send);
    const why = problemViolations(r, c.expect);
    if (why.length) f.add(c, r, why);
  });
  f.wrote(key, changed(before, await b.writes.snapshot()));
  return f;
}

/** Forgets this stack's failed sign-ins (kept in Redis per account and per address for a window). */
export async function clearSignInThrottle({ stack }: BadInput) {
  const redis = new Redis(stack.config.REDIS_URL, { maxRetriesPerRequest: null });
  try {
    const keys = await redis.keys(`${stack.config.QUEUE_PREFIX}:signin:*`);
    if (keys.length) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

/** Waits until the outbox is done and the state stops changing (a ledger write is projected back asynchronously). */
export async function quiesce({ stack, writes }: BadInput) {
  await settleOutbox(stack);
  let last = JSON.stringify(await writes.snapshot());
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 60));
    const now = JSON.stringify(await writes.snapshot());
    if (now === last) return;
    last = now;
  }
}

/**
 * For endpoint `key`: each generator once (`inTurn`: unless BAD_INPUT_ALL, only IN_TURN of them,
 * the window moving with the endpoint's place so that every generator runs somewhere), then `runs`
 * random picks among those that are not a single fixed value. Seeded by SEED and the endpoint.
 */
export function draw(b: BadInput, key: string, gens: fc.Arbitrary<Case>[], o: { runs?: number; inTurn?: boolean } = {}): Case[] {
  if (gens.length === 0) return [];
  const runs = o.runs ?? RUNS;
  const seed = (SEED ^ [...key].reduce((h, ch) => Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0, 2166136261)) >>> 0;
  const at = b.endpoints.indexOf(key) * IN_TURN;
  const chosen = !o.inTurn || ALL ? gens : Array.from({ length: Math.min(IN_TURN, gens.length) }, (_, i) => gens[(at + i) % gens.length]);
  const once = chosen.map((g) => fc.sample(g, { numRuns: 1, seed: seed + gens.indexOf(g) })[0]);
  const varied = gens.filter((g) => !FIXED.has(g));
  return [...once, ...(varied.length && runs > 0 ? fc.sample(fc.oneof(...varied), { numRuns: runs, seed }) : [])];
}

export function apply(p: Parts, f: { loc: Loc; path: Segment[] }, value: unknown): Parts {
  if (f.loc === "body") return { ...p, body: setAt(p.body, f.path, value), hasBody: true };
  if (f.loc === "query") {
    return { ...p, query: setAt(p.query, [String(f.path[0])], value) as Record<string, unknown> };
  }
  return { ...p, params: { ...p.params, [String(f.path[0])]: String(value) } };
}
