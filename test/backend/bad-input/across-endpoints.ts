import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { expect } from "vitest";
import { eventually } from "../support/http";
import {
  bearer,
  changed,
  fieldName,
  fieldsOf,
  fillPath,
  isFreeText,
  patternExtremes,
  problemViolations,
  rawRequest,
  setAt,
  type Loc,
  type RawReply,
  type Segment,
} from "../support/openapi-probe";
import { ALL, IN_TURN, RUNS, SEED, Failures, apply, baseParts, build, inParallel, quiesce, run, show, some, type Case } from "./cases";
import { schemaGenerators } from "./schema-cases";
import { HOSTILE, hostileString } from "./values";
import type { BadInput } from "./world";

/** The checks that span endpoints (the runner names them and runs them after every endpoint's own cases). */

export async function signInStillWorks(b: BadInput) {
  // every malformed, mistyped and mis-authenticated POST /v1/sessions above named this account; had one counted as a failed
  // sign-in (5 per account, 30 per address in the window), the right password would now answer 429 SESSION.THROTTLED
  const { stack, operation, context } = b;
  const op = operation("POST /v1/sessions");
  const r = await rawRequest(stack.apiPort, build(op, baseParts(op, context(op.key), "control")));
  expect(r.status, `${r.status} ${r.text.slice(0, 300)}`).toBe(201);
}

export async function hostileText(b: BadInput) {
  const { stack, writes, covered, context, count } = b;
  const f = new Failures();
  const fields = covered().flatMap((op) => {
    const ctx = context(op.key);
    return fieldsOf("body", op.body, baseParts(op, ctx).body)
      .filter((x) => isFreeText(x.schema))
      .map((field) => ({ op, ctx, field }));
  });
  expect(fields.length, "no free-text fields found in /openapi.json").toBeGreaterThan(10);
  for (const [j, { op, ctx, field }] of fields.entries()) {
    const name = fieldName("body", field.path);
    const embed = (h: string) => [...`Sample ${h} text`].slice(0, field.schema.maxLength).join("");
    // the fixed strings in turn across the fields (every one somewhere), all of them with BAD_INPUT_ALL
    const fixedOnes = ALL ? HOSTILE : Array.from({ length: IN_TURN }, (_, i) => HOSTILE[(j * IN_TURN + i) % HOSTILE.length]);
    const random = ALL ? RUNS : Math.ceil(RUNS / 2);
    const values = [...fixedOnes, ...(random ? fc.sample(hostileString, { numRuns: random, seed: SEED + j }) : [])].map(embed);
    for (const v of values) {
      const parts = apply(baseParts(op, ctx, "hostile"), field, v);
      const c: Case = { category: "hostile", kind: "hostile text", field: `${op.key} ${name}`, label: `${name} = ${show(v)}`, send: build(op, parts), expect: {} };
      const before = await writes.snapshot();
      const r = await rawRequest(stack.apiPort, c.send);
      if (r.status >= 200 && r.status < 300) {
        if (ctx.hostilePath || ctx.hostileBody) await quiesce(b); // its ledger write settles before the next snapshot
        const echo = await ctx.echo?.(r, field.path);
        if (echo && (echo.answered !== v || echo.stored !== v)) {
          const what = echo.answered === v ? "accepted and answered as sent, but stored differently" : "accepted, but answered and stored differently from what was sent";
          f.add({ ...c, label: `${c.label}, answered ${show(echo.answered)}, stored ${show(echo.stored)}` }, r, [what]);
        }
        continue;
      }
      const why = problemViolations(r, c.expect);
      const diff = changed(before, await writes.snapshot());
      if (diff.length) why.push(`refused but wrote: ${diff.join(", ")}`);
      if (why.length) f.add(c, r, why);
    }
    count("hostile", op.key, values.map(() => ({ kind: "hostile text", field: name })));
  }
  f.done();
}

export async function unknownRoutes(b: BadInput) {
  const { w, ops, context } = b;
  const f = new Failures();
  const cases: Case[] = [];
  const templates = [...new Set([...ops.values()].map((o) => o.path))];
  for (const template of templates) {
    const sampleOp = [...ops.values()].find((o) => o.path === template)!;
    const path = fillPath(template, context(sampleOp.key).path ?? {});
    for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"]) {
      if (ops.has(`${method} ${template}`)) continue;
      cases.push({ category: "routes", kind: "undocumented method", label: `${method} ${path}`, send: { method, path, headers: { ...bearer(w.A.adminKey), "content-type": "application/json" }, body: "{}" }, expect: { status: [404, 405, 422] } }); // 422: the path also fits another route's template
    }
  }
  for (const path of ["/v1/organisation", "/v2/organizations", `/v1/organizations/${w.A.orgId}/nope`, "/v1/", "/v1/api-keys/x/y", "/v1/%E0%A4%A"]) {
    cases.push({ category: "routes", kind: "unknown path", label: path, send: { method: "GET", path, headers: bearer(w.A.adminKey) }, expect: { status: [400, 404] } });
  }
  (await run(b, "routes", "routes", some(cases, 30), f)).done();
}

export async function otherSpellingOfTakenAddress(b: BadInput) {
  // hex addresses are case-insensitive (the mixed case is only a checksum): uniqueness must not depend on it
  const { w, get, operation, context } = b;
  const op = operation("POST /v1/organizations");
  const ctx = context(op.key);
  const taken = (await get(`/v1/organizations/${w.B.orgId}`, w.operatorKey)).body.ledgerAddress as string;
  const spellings = [...new Set([taken.toLowerCase(), `0x${taken.slice(2).toUpperCase()}`])].filter((v) => v !== taken);
  const cases = spellings.map((v): Case => {
    const p = baseParts(op, ctx);
    return { category: "identity", kind: "taken address, other spelling", field: "body.ledgerAddress", label: `ledgerAddress = ${v} (bank B has ${taken})`, send: build(op, { ...p, body: { ...(p.body as object), ledgerAddress: v } }), expect: { status: [409, 422] } };
  });
  (await run(b, "identity", op.key, cases)).done();
}

export async function notCalendarDays(b: BadInput) {
  // 30 February, 31 April, 29 February of a common year: Date.parse rolls each into March or May
  const { w, get, operation, context } = b;
  const NOT_DAYS = ["2027-02-30", "2027-04-31", "2027-02-29", "2027-06-31", "2027-13-01", "2027-00-10", "2027-01-00", "0000-01-01", "1999-12-31"];
  const fields: [string, Loc, Segment[], string[]][] = [
    ["POST /v1/receivables", "body", ["items", 0, "maturityDate"], NOT_DAYS],
    ["POST /v1/receivables/issuances", "body", ["items", 0, "maturityDate"], NOT_DAYS],
    ["GET /v1/payables/calendar", "query", ["from"], NOT_DAYS],
    ["GET /v1/payables/calendar", "query", ["to"], NOT_DAYS],
    ["GET /v1/reconciliation/report", "query", ["date"], NOT_DAYS],
    ["GET /v1/reconciliation/statements", "query", ["date"], NOT_DAYS],
    ["POST /v1/reconciliation/statements", "body", ["date"], NOT_DAYS],
    // an invoice's issue date is in the past: the common years before today
    ["POST /v1/invoices", "body", ["issueDate"], ["2025-02-29", "2025-04-31", "2023-02-30", "1999-12-31"]],
  ];
  const f = new Failures();
  for (const [key, loc, path, days] of fields) {
    const op = operation(key);
    const ctx = context(key);
    const cases = days.map((day): Case => {
      const p = baseParts(op, ctx);
      const parts = loc === "body" ? { ...p, body: setAt(p.body, path, day) } : { ...p, query: { ...p.query, [path[0]]: day } };
      return { category: "dates", kind: "not a calendar day", field: fieldName(loc, path), label: `${fieldName(loc, path)} = ${day}`, send: build(op, parts), expect: { status: 422, field: fieldName(loc, path) } };
    });
    await run(b, "dates", key, cases, f);
  }
  f.done();
  // the days that do exist at the edges are taken: a leap day, the last of a 30-day month
  for (const day of ["2028-02-29", "2027-04-30"]) {
    const r = await get(`/v1/payables/calendar?from=${day}&to=${day}`, w.biz.m.coreA.key);
    expect(r.status, `from=to=${day}: ${r.text.slice(0, 300)}`).toBe(200);
  }
}

export async function noQueryServerError(b: BadInput) {
  const { stack, covered, context } = b;
  const odd = new Map<string, string[]>([
    // the shapes a pattern of hex and dashes lets through: dashes only, hex without dashes in the right places
    ["GET /v1/receivables/confirmations/typed-data ids", ["-".repeat(36), "0".repeat(36), `${"f".repeat(36)},${"-".repeat(36)}`]],
  ]);
  const failures: string[] = [];
  let n = 0;
  for (const op of covered().filter((o) => o.method === "GET" && o.query)) {
    const ctx = context(op.key);
    for (const [name, schema] of Object.entries(op.query!.properties ?? {})) {
      const values = [...(schema.pattern ? patternExtremes(schema.pattern) : []), ...(odd.get(`${op.key} ${name}`) ?? [])];
      for (const v of values) {
        const p = baseParts(op, ctx);
        const r = await rawRequest(stack.apiPort, build(op, { ...p, query: { ...p.query, [name]: v } }));
        n++;
        if (r.status >= 500) failures.push(`${op.key} ?${name}=${v} → ${r.status} ${r.text.slice(0, 200)}`);
      }
    }
  }
  expect(n).toBeGreaterThan(3);
  expect(failures).toEqual([]);
}

export async function refusalsAudited(b: BadInput) {
  const { stack, covered, context } = b;
  const posts = covered().filter((o) => o.method !== "GET");
  const cases: Case[] = [];
  const extras = ["status", "nul\u0000key", "lone\uD800key"];
  for (const [i, op] of posts.entries()) {
    const ctx = context(op.key);
    for (const extra of ALL ? extras : [extras[i % extras.length]]) {
      const p = baseParts(op, ctx);
      const rid = `audit-${randomBytes(6).toString("hex")}`;
      const body = Object.defineProperty({ ...((p.body as object) ?? {}) }, extra, { value: "x", enumerable: true });
      cases.push({ category: "audit", kind: "refused write", field: `body.${extra}`, label: rid, send: build(op, { ...p, body, hasBody: true, headers: { ...p.headers, "x-request-id": rid } }), expect: { status: 422 } });
    }
  }
  const f = await run(b, "audit", "audit", cases);
  const ids = cases.map((c) => c.label);
  let audited: string[] = [];
  await eventually(
    async () => {
      audited = ((await stack.ds.query(`SELECT request_id FROM audit_log WHERE request_id = ANY($1)`, [ids])) as { request_id: string }[]).map((r) => r.request_id);
      return audited.length === ids.length;
    },
    2000,
    "audit rows",
  ).catch(() => undefined);
  for (const c of cases.filter((x) => !audited.includes(x.label))) f.add(c, null, ["no audit row was written for this refused request"]);
  f.done();
}

export async function refusalsReplayed(b: BadInput) {
  const { stack, covered, context, count } = b;
  const f = new Failures();
  let n = 0;
  await inParallel([...covered().filter((o) => o.method === "POST").entries()], async ([i, op]) => {
    const ctx = context(op.key);
    const generated = fc.sample(fc.oneof(...schemaGenerators(b, op, ctx)), { numRuns: ALL ? 4 : 1, seed: SEED });
    const keys = ["nul\u0000key", "status"];
    const extra = (ALL ? keys : [keys[i % keys.length]]).map((k): Case => {
      const p = baseParts(op, ctx);
      const body = Object.defineProperty({ ...(p.body as object) }, k, { value: 1, enumerable: true });
      return { category: "idempotency", kind: "unknown field", field: `body.${k}`, label: `body.${show(k)} = 1`, send: build(op, { ...p, body, hasBody: true }), expect: { status: 422 } };
    });
    for (const c of [...extra, ...generated]) {
      const key = `retry-${randomBytes(6).toString("hex")}`;
      const send = { ...c.send, headers: { ...c.send.headers, "idempotency-key": key } };
      const first = await rawRequest(stack.apiPort, send);
      await new Promise((r) => setTimeout(r, 30));
      const again = await rawRequest(stack.apiPort, send);
      n += 2;
      const why = [...problemViolations(first, c.expect)];
      const same = (r: RawReply) => JSON.stringify({ s: r.status, c: r.body?.code, e: r.body?.errors });
      if (same(first) !== same(again)) why.push(`the retry answered ${again.status} ${again.body?.code} (${again.body?.detail}) instead of replaying ${first.status} ${first.body?.code}`);
      if (why.length) f.add({ ...c, send }, again, why);
    }
  });
  count("idempotency", "all POST endpoints", Array.from({ length: n }, () => ({ kind: "replayed refusal" })));
  f.done();
}
