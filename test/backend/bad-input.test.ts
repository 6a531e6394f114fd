import { randomBytes, randomUUID } from "node:crypto";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { Redis } from "ioredis";
import { getAddress } from "ethers";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { Stack, randomUscc } from "./support/stack";
import { eventually } from "./support/http";
import {
  DELETE,
  LONE_SURROGATE,
  SEED_USCC,
  WORLD_ENV,
  WriteProbe,
  bearer,
  buildWorld,
  changed,
  closedObjectsOf,
  fetchOpenApi,
  fieldName,
  fieldsOf,
  fillPath,
  getAt,
  isConstrainedString,
  isFreeText,
  isNumeric,
  jsonTypesOf,
  listOperations,
  numberMaybeValid,
  patternExtremes,
  problemViolations,
  queryString,
  rawRequest,
  sample,
  setAt,
  settleOutbox,
  settleWorld,
  stringMaybeValid,
  type BusinessWorld,
  type Field,
  type JsonType,
  type Loc,
  type Operation,
  type ProblemExpectation,
  type RawReply,
  type RawRequest,
  type SchemaObject,
  type Segment,
} from "./support/openapi-probe";

/**
 * Bad input on every endpoint, generated from the API's own OpenAPI document: for each path,
 * query and body schema, wrong types for every field, missing required fields, unknown fields
 * (mass assignment), out-of-range values, malformed formats and hostile strings; malformed JSON,
 * wrong content types and encodings, oversized and deeply nested bodies; bad path ids; and
 * authentication failures. Every answer must be a 4xx application/problem+json with a stable
 * code, a detail a person can act on and field-level errors naming the field at fault, and
 * nothing may be written or queued.
 *
 * Every schema mutation (field × kind of mistake) and every kind of bad path id runs once per
 * endpoint; the envelope and authentication cases, which do not depend on the endpoint's schema,
 * run in turn across the endpoints (each endpoint a few, every case somewhere), and the hostile
 * strings likewise across the free-text fields. Then BAD_INPUT_RUNS (default 1) random cases per
 * endpoint and category (half as many per free-text field).
 * The long form: BAD_INPUT_ALL=1 sends every case to every endpoint and field, with larger bodies,
 * e.g. `BAD_INPUT_ALL=1 BAD_INPUT_RUNS=50`. BAD_INPUT_SEED replays a run (the seed is in every
 * failure message).
 */

/** The password of the people the suite signs in. */
const PERSON_PASSWORD = "bad-input passphrase";

const RUNS = Math.max(0, Number(process.env.BAD_INPUT_RUNS ?? 1));
const ALL = process.env.BAD_INPUT_ALL === "1";
const SEED = Number(process.env.BAD_INPUT_SEED ?? Math.floor(Math.random() * 2 ** 31));
/** Endpoint-independent cases each endpoint gets (all of them with BAD_INPUT_ALL). */
const IN_TURN = 3;
/** Requests in flight at once (refusals are independent; the write probe brackets them all). */
const PARALLEL = 4;

// ─── Values ───────────────────────────────────────────────────────────

/** Strings that have broken parsers, databases, logs and browsers before. */
const HOSTILE = [
  "\u0000",
  "nul\u0000byte",
  "\uD800",
  "lone \uDC00 low surrogate",
  "\uDBFF\uDFFF",
  "\u202Egnp.exe",
  "zero\u200Bwidth",
  "\uFEFFbom",
  "\u0007\u001b[31mred",
  "line\r\nX-Injected: 1",
  "\u2028\u2029",
  "' OR '1'='1",
  "'; DROP TABLE organizations; --",
  '"); DELETE FROM users; --',
  "1 UNION SELECT secret_hash FROM api_keys",
  "$1",
  "%s%s%n",
  "{{7*7}}",
  "${jndi:ldap://x/a}",
  '{"$ne": null}',
  '","status":"active","x":"',
  "\\",
  "\\u0000",
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  "../../../../etc/passwd",
  "%00",
  "%2e%2e%2f",
  "👨‍👩‍👧‍👦",
  "Z̶̧̛a̷l̸g̵o̶",
  "𝕬𝖇𝖈",
  "ＡＢＣ",
  "İ",
  "ß",
  "\u00A0nbsp\u00A0",
  "null",
  "undefined",
  "true",
  "-1",
  "1e309",
  "NaN",
  "[]",
  "{}",
];

/** Fields a caller must never set: the server owns them. */
const MASS_ASSIGNMENT = [
  "id",
  "status",
  "organizationId",
  "roles",
  "role",
  "chainStatus",
  "chain",
  "keyCustody",
  "userId",
  "createdAt",
  "updatedAt",
  "revokedAt",
  "disabledAt",
  "kycApprovedAt",
  "kycApprovedBy",
  "secretHash",
  "prefix",
  "ledgerAddress",
  "suspensionReason",
  "isAdmin",
  "__proto__",
  "constructor",
];

const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 20 }) },
  { weight: 2, arbitrary: fc.tuple(fc.string({ maxLength: 6 }), fc.constantFrom(...HOSTILE), fc.string({ maxLength: 6 })).map(([a, h, b]) => a + h + b) },
);

const anyJson = (depth = 2): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    ...(depth > 0 ? [fc.array(anyJson(depth - 1), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 6 }), anyJson(depth - 1), { maxKeys: 3 })] : []),
  );

const VALUES_OF_TYPE: Record<JsonType, fc.Arbitrary<unknown>> = {
  string: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom("1", "true", "null", "[]", "")),
  number: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0, -1, 1.5, 1e308, Number.MAX_SAFE_INTEGER + 2)),
  boolean: fc.boolean(),
  null: fc.constant(null),
  array: fc.array(anyJson(1), { maxLength: 3 }),
  object: fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), anyJson(1), { maxKeys: 3 }),
};

/** Generators of one fixed case: sent once, not again among the random picks. */
const FIXED = new WeakSet<fc.Arbitrary<unknown>>();
const fixed = <T>(make: () => T): fc.Arbitrary<T> => {
  const arb = fc.constant(0).map(make);
  FIXED.add(arb);
  return arb;
};

/** Control characters and lone surrogates escaped, so a failure message prints (and greps) cleanly. */
const printable = (s: string) => s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

const show = (v: unknown, max = 90) => {
  const s = typeof v === "string" ? JSON.stringify(v) : v === undefined ? "undefined" : JSON.stringify(v) ?? String(v);
  return s.length > max ? `${s.slice(0, max)}…(${s.length} chars)` : s;
};

/** `n` of `list` chosen by the seed (all of it with BAD_INPUT_ALL). */
const some = <T>(list: T[], n: number): T[] =>
  ALL || list.length <= n ? list : fc.sample(fc.shuffledSubarray(list, { minLength: n, maxLength: n }), { numRuns: 1, seed: SEED })[0];

/** Runs `task` over `list`, PARALLEL at a time. */
async function inParallel<T>(list: T[], task: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < list.length) await task(list[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, list.length) }, worker));
}

// ─── Requests and cases ───────────────────────────────────────────────

interface Parts {
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

interface Case {
  category: string;
  kind: string;
  field?: string;
  label: string;
  send: RawRequest;
  expect: ProblemExpectation;
}

function build(op: Operation, p: Parts): RawRequest {
  const path = p.rawPath ?? fillPath(op.path, p.params) + queryString(p.query);
  const headers = { ...p.headers };
  const body = p.rawBody ?? (p.hasBody ? JSON.stringify(p.body) : undefined);
  if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) headers["content-type"] = "application/json";
  for (const [k, v] of Object.entries(headers)) if (v === "\u0000omit") delete headers[k];
  return { method: op.method, path, headers, body, chunked: p.chunked };
}

/** A person signed in to the portal: the cookies a browser keeps, and the password behind them. */
interface BrowserLogin {
  userId: string;
  email: string;
  password: string;
  /** cf_session's value. */
  session: string;
  /** cf_csrf's value, sent back in X-CSRF-Token. */
  csrf: string;
}

/** A browser's credentials: the session cookie, and the CSRF token a change carries. */
const browserHeaders = (s: BrowserLogin): Record<string, string> => ({ cookie: `cf_session=${s.session}; cf_csrf=${s.csrf}`, "x-csrf-token": s.csrf });

/** The endpoint's fixtures: who may call it and the ids and values a valid request needs. */
interface Context {
  /** The caller's API key ("" with `public` or `browser`). */
  key: string;
  /** A public route (sign-in, accepting an invitation): called without any credentials. */
  public?: boolean;
  /** A route for people in a browser: called with this session's cookie and CSRF token instead of an API key. */
  browser?: () => BrowserLogin;
  /** The session for hostile-text requests that may succeed (a password change ends the session it runs in). */
  hostileBrowser?: () => BrowserLogin;
  path?: Record<string, string>;
  /** Targets for hostile-text requests that may succeed (state-changing endpoints get their own). */
  hostilePath?: Record<string, string>;
  /** Query values (undefined: leave that optional parameter out). */
  query?: Record<string, unknown>;
  /** Values the schema cannot produce by itself (a checksummed code, an existing user; undefined: leave the field out). */
  body?: () => Record<string, unknown>;
  /**
   * For the requests meant to succeed (control and hostile text), on top of `body`: leaves out
   * optional parts that the mutations need present but a real request would not send (an own-key
   * signature that only the organization's key could make).
   */
  valid?: () => Record<string, unknown>;
  /** The body for hostile-text requests that may succeed (their own target). */
  hostileBody?: () => Record<string, unknown>;
  /** Another organization's ids for the path, probed with `foreignKey` (default: supplier A's admin key). */
  foreign?: Record<string, string>;
  foreignKey?: string;
  /** Whether a well-formed path id may name an existing object (so it is no "id that does not exist"). */
  exists?: (id: string) => boolean;
  /** For a successful hostile-text request: the field as answered and as stored afterwards. */
  echo?: (reply: RawReply, field: Segment[]) => Promise<{ answered: unknown; stored: unknown } | null>;
}

interface World {
  operatorKey: string;
  /** Supplier A (a seed supplier of core A): the caller of most contexts. */
  A: { orgId: string; uscc: string; adminKey: string; memberUserId: string; spareKeyId: string; revokedKey: string; disabledKey: string; keyPrefix: string };
  /** Bank B: another tenant. */
  B: { orgId: string; keyId: string };
  pending: [string, string];
  active: [string, string];
  suspended: [string, string];
  suspendedKey: string;
  operationId: string;
  /** Bank B's onboarding: an operation that does not concern supplier A. */
  foreignOperationId: string;
  maxOperationId: bigint;
  /** The business world (see buildWorld) and the targets each state-changing context uses. */
  biz: BusinessWorld;
  /** Pending certificates of supplier A: confirm, typed data, reject, reject (hostile text), cancel. */
  P: string[];
  /** Confirmed certificates of supplier A: split, transfer, request financing, and with requests R[3..7] (C[3] none). */
  C: string[];
  /** Financing requests on C[3] (no quote yet), C[4] (bank A's open quote), C[5] and C[6] (bank B's open quotes), C[7] (cancelled by the control). */
  R: string[];
  /** Q[0]: bank A's on R[1] (withdrawn by the control); Q[1]: bank B's on R[2] (terms); Q[2]: bank B's on R[3] (accepted by the control). */
  Q: string[];
  /** Supplier A's delivered test delivery, and its second subscription (deleted by the control). */
  deliveryId: string;
  subscriptionToDelete: string;
  /** People and their browser sessions, invitations and four-eyes drafts. */
  people: {
    /** Supplier A's clerk who signs in (the sign-in control). */
    signIn: BrowserLogin;
    /** An email nobody signs in with: hostile passwords are tried on it, so they never throttle `signIn`. */
    stranger: string;
    /** A session the sign-out control ends. */
    signOut: BrowserLogin;
    /** The password change control's session, and the hostile-text requests' own. */
    password: BrowserLogin;
    passwordHostile: BrowserLogin;
    /** A supplier A approver's session, left open: the session cases of every endpoint use it. */
    anyone: BrowserLogin;
    /** A session signed out already. */
    ended: BrowserLogin;
    /** Invitations to supplier A, not accepted yet: the acceptance control's and the hostile-text requests'. */
    token: string;
    hostileToken: string;
    /** A supplier A user whose duty the control changes. */
    dutyUserId: string;
    /** Bank B's admin: another tenant's user. */
    foreignUserId: string;
    /** Supplier A's drafts (by its drafter, not the admin who decides them): read, approved by the control, rejected by the control, rejected with hostile text. */
    drafts: [string, string, string, string];
    /** Bank B's pending draft. */
    foreignDraft: string;
  };
}

describe("bad input on every endpoint of /openapi.json", () => {
  let stack: Stack;
  let writes: WriteProbe;
  let w: World;
  let ops: Map<string, Operation>;
  let bodyLimit: number;
  /** A gzip body that inflates to 20 times the body limit (made once). */
  let bomb: Buffer | undefined;
  /** What ran: per category, requests, endpoints, kinds of mistake and documented fields at fault. */
  const tally: Record<string, { requests: number; endpoints: Set<string>; kinds: Set<string>; fields: Set<string> }> = {};
  const count = (category: string, endpoint: string, cases: Pick<Case, "kind" | "field">[]) => {
    const t = (tally[category] ??= { requests: 0, endpoints: new Set(), kinds: new Set(), fields: new Set() });
    t.requests += cases.length;
    t.endpoints.add(endpoint);
    for (const c of cases) {
      t.kinds.add(c.kind);
      if (c.field && !["unknown field", "body where none belongs"].includes(c.kind)) t.fields.add(`${endpoint} ${c.field}`);
    }
  };

  const get = (path: string, key: string) => rawRequest(stack.apiPort, { method: "GET", path, headers: bearer(key) });

  const CONTEXTS: Record<string, () => Context> = {
    "GET /v1/me": () => ({ key: w.A.adminKey }),
    "POST /v1/organizations": () => ({
      key: w.operatorKey,
      // a fresh tax id and address each time: the example address is taken once one of these succeeds
      body: () => ({ unifiedSocialCreditCode: randomUscc(), ledgerAddress: getAddress(`0x${randomBytes(20).toString("hex")}`) }),
      echo: async (r, field) => ({ answered: getAt(r.body, field), stored: getAt((await get(`/v1/organizations/${r.body.id}`, w.operatorKey)).body, field) }),
    }),
    "GET /v1/organizations": () => ({ key: w.A.adminKey, query: { limit: "10" } }),
    "GET /v1/organizations/{id}": () => ({ key: w.A.adminKey, path: { id: w.A.orgId }, foreign: { id: w.B.orgId } }),
    "POST /v1/organizations/{id}/kyc-approval": () => ({ key: w.operatorKey, path: { id: w.pending[0] }, hostilePath: { id: w.pending[1] }, foreign: { id: w.B.orgId } }),
    "POST /v1/organizations/{id}/suspension": () => ({
      key: w.operatorKey,
      path: { id: w.active[0] },
      hostilePath: { id: w.active[1] },
      foreign: { id: w.B.orgId },
      echo: async (r) => ({ answered: r.body.organization.suspensionReason, stored: (await get(`/v1/organizations/${r.body.organization.id}`, w.operatorKey)).body.suspensionReason }),
    }),
    "POST /v1/organizations/{id}/reinstatement": () => ({ key: w.operatorKey, path: { id: w.suspended[0] }, hostilePath: { id: w.suspended[1] }, foreign: { id: w.B.orgId } }),
    "POST /v1/organizations/{id}/users": () => ({
      key: w.A.adminKey,
      path: { id: w.A.orgId },
      foreign: { id: w.B.orgId },
      echo: async (r, field) => {
        const list = (await get(`/v1/organizations/${w.A.orgId}/users`, w.A.adminKey)).body.items as { id: string }[];
        return { answered: getAt(r.body, field), stored: getAt(list.find((u) => u.id === r.body.id), field) };
      },
    }),
    "GET /v1/organizations/{id}/users": () => ({ key: w.A.adminKey, path: { id: w.A.orgId }, foreign: { id: w.B.orgId } }),
    "POST /v1/api-keys": () => ({
      key: w.A.adminKey,
      body: () => ({ userId: w.A.memberUserId }),
      echo: async (r, field) => {
        const list = (await get("/v1/api-keys", w.A.adminKey)).body.items as { id: string }[];
        return { answered: getAt(r.body, field), stored: getAt(list.find((k) => k.id === r.body.id), field) };
      },
    }),
    "GET /v1/api-keys": () => ({ key: w.A.adminKey }),
    "DELETE /v1/api-keys/{id}": () => ({ key: w.A.adminKey, path: { id: w.A.spareKeyId }, foreign: { id: w.B.keyId } }),
    "GET /v1/operations/{id}": () => ({
      key: w.operatorKey,
      path: { id: w.operationId },
      // bank B's onboarding: supplier A may read only the operations it asked for or that concern it
      foreign: { id: w.foreignOperationId },
      // operation ids are a sequence: everything up to a margin above today's highest may exist by the time it is asked for
      exists: (id) => /^\d+$/.test(id) && BigInt(id) > 0n && BigInt(id) <= w.maxOperationId + 1000n,
    }),

    "GET /v1/members": () => ({ key: w.A.adminKey, query: { limit: "10", role: undefined, after: undefined } }),

    // ─── people and sessions ──────────────────────────────────────────
    // public: sent without credentials, as a browser signs in; validation comes before the sign-in throttle, so
    // malformed requests never count as failed sign-ins (the hostile passwords are tried on an email nobody has)
    "POST /v1/sessions": () => ({
      key: "",
      public: true,
      // organizationId: the person's own (supplier A's), not a sampled id that names no account of theirs
      body: () => ({ email: w.people.signIn.email, password: w.people.signIn.password, organizationId: w.A.orgId }),
      hostileBody: () => ({ email: w.people.stranger }),
    }),
    "DELETE /v1/sessions/current": () => ({ key: "", browser: () => w.people.signOut }),
    "POST /v1/me/password": () => ({
      key: "",
      browser: () => w.people.password,
      body: () => ({ currentPassword: w.people.password.password, newPassword: "a brand new passphrase" }),
      hostileBrowser: () => w.people.passwordHostile,
      hostileBody: () => ({ currentPassword: w.people.passwordHostile.password }),
    }),
    "POST /v1/organizations/{id}/invitations": () => ({
      key: w.A.adminKey,
      path: { id: w.A.orgId },
      foreign: { id: w.B.orgId },
      body: () => ({ email: `invitee-${randomBytes(5).toString("hex")}@a.example`, duty: "clerk", role: "member" }),
      echo: async (r, field) => ({ answered: getAt(r.body, field), stored: getAt((await stack.ds.query(`SELECT name FROM invitations WHERE id = $1`, [r.body.id]))[0], field) }),
    }),
    "POST /v1/invitations/acceptance": () => ({
      key: "",
      public: true,
      body: () => ({ token: w.people.token, password: PERSON_PASSWORD }),
      hostileBody: () => ({ token: w.people.hostileToken }),
    }),
    "POST /v1/organizations/{id}/users/{userId}/duty": () => ({
      key: w.A.adminKey,
      path: { id: w.A.orgId, userId: w.people.dutyUserId },
      body: () => ({ duty: "clerk" }),
      // bank B and its admin; each id in turn with supplier A's other one
      foreign: { id: w.B.orgId, userId: w.people.foreignUserId },
    }),

    // ─── four-eyes drafts ─────────────────────────────────────────────
    "POST /v1/drafts": () => ({ key: w.A.adminKey, body: () => ({ method: "post", path: "/v1/settlement/repayment-authorization", body: { amount: "100" } }) }),
    "GET /v1/drafts": () => ({ key: w.A.adminKey, query: { status: "pending", limit: "10" } }),
    "GET /v1/drafts/{id}": () => ({ key: w.A.adminKey, path: { id: w.people.drafts[0] }, foreign: { id: w.people.foreignDraft } }),
    "POST /v1/drafts/{id}/approval": () => ({ key: w.A.adminKey, path: { id: w.people.drafts[1] }, foreign: { id: w.people.foreignDraft } }),
    "POST /v1/drafts/{id}/rejection": () => ({
      key: w.A.adminKey,
      path: { id: w.people.drafts[2] },
      hostilePath: { id: w.people.drafts[3] },
      body: () => ({ reason: "not this month" }),
      foreign: { id: w.people.foreignDraft },
      echo: async (r, field) => ({ answered: getAt(r.body, field), stored: getAt((await get(`/v1/drafts/${r.body.id}`, w.A.adminKey)).body, field) }),
    }),

    // ─── invoices ─────────────────────────────────────────────────────
    "POST /v1/invoices": () => ({ key: w.A.adminKey, body: () => invoice() }),
    "POST /v1/invoices/batch": () => ({ key: w.A.adminKey, body: () => ({ invoices: [{ ...(sample(operation("POST /v1/invoices/batch").body!.properties!.invoices.items!) as object), ...invoice() }] }) }),
    "GET /v1/invoices": () => ({ key: w.A.adminKey, query: { limit: "10", after: undefined } }),
    "GET /v1/invoices/{id}": () => ({ key: w.A.adminKey, path: { id: w.biz.invoices.usedA[0] }, foreign: { id: w.biz.invoices.usedB[0] } }),

    // ─── receivables ──────────────────────────────────────────────────
    "POST /v1/receivables": () => ({ key: w.A.adminKey, body: () => ({ items: [{ obligorId: w.biz.m.coreA.orgId, invoiceIds: [w.biz.invoices.freeA[0]], maturityDate: w.biz.farMaturity }] }) }),
    "POST /v1/receivables/issuances": () => ({ key: w.biz.m.coreA.key, body: () => ({ items: [{ supplierId: w.A.orgId, invoiceIds: [w.biz.invoices.freeA[1]], maturityDate: w.biz.farMaturity }] }) }),
    "POST /v1/receivables/confirmations": () => ({ key: w.biz.m.coreA.key, body: () => ({ receivableIds: [w.P[0]] }), valid: () => ({ signature: undefined }) }),
    "POST /v1/receivables/attestations": () => ({ key: w.A.adminKey, body: () => ({ mode: "register", items: [{ counterpartyId: w.biz.m.coreA.orgId, invoiceIds: [w.biz.invoices.freeA[2]], maturityDate: w.biz.farMaturity }] }) }),
    "GET /v1/receivables/confirmations/typed-data": () => ({ key: w.biz.m.coreA.key, query: { ids: w.P[1] } }),
    "POST /v1/receivables/rejections": () => ({
      key: w.biz.m.coreA.key,
      body: () => ({ receivableIds: [w.P[2]], reason: "wrong delivery address" }),
      hostileBody: () => ({ receivableIds: [w.P[3]] }),
    }),
    "POST /v1/receivables/cancellations": () => ({ key: w.A.adminKey, body: () => ({ receivableIds: [w.P[4]] }) }),
    "POST /v1/receivables/{id}/splits": () => ({
      key: w.A.adminKey,
      path: { id: w.C[0] },
      body: () => {
        const amount = BigInt(w.biz.amounts[w.C[0]]);
        return { parts: [{ organizationId: w.A.orgId, amount: (amount / 2n).toString() }, { organizationId: w.biz.m.supplierB.orgId, amount: (amount - amount / 2n).toString() }] };
      },
      foreign: { id: w.biz.r.B2 },
    }),
    "POST /v1/receivables/{id}/transfers": () => ({ key: w.A.adminKey, path: { id: w.C[1] }, body: () => ({ organizationId: w.biz.m.supplierB.orgId }), foreign: { id: w.biz.r.B2 } }),
    "GET /v1/receivables": () => ({ key: w.A.adminKey, query: { role: "holder", status: "confirmed,financed", limit: "10", after: undefined } }),
    "GET /v1/receivables/{id}": () => ({ key: w.A.adminKey, path: { id: w.biz.r.A1 }, foreign: { id: w.biz.r.B1 } }),
    "GET /v1/receivables/{id}/lineage": () => ({ key: w.A.adminKey, path: { id: w.biz.r.A1 }, foreign: { id: w.biz.r.B1 } }),
    "GET /v1/receivables/{id}/invoices": () => ({ key: w.A.adminKey, path: { id: w.biz.r.A1 }, foreign: { id: w.biz.r.B1 } }),
    "GET /v1/payables/calendar": () => ({ key: w.biz.m.coreA.key, query: { from: w.biz.today, to: w.biz.farMaturity } }),

    // ─── financing ────────────────────────────────────────────────────
    "GET /v1/credit-lines": () => ({ key: w.biz.m.bankA.key }),
    "POST /v1/credit-lines": () => ({ key: w.biz.m.bankA.key, body: () => ({ obligorId: w.biz.m.coreA.orgId, limit: "2000000000000" }) }),
    "GET /v1/financing-requests": () => ({ key: w.A.adminKey, query: { status: "open,accepted" } }),
    "POST /v1/financing-requests": () => ({ key: w.A.adminKey, body: () => ({ receivableId: w.C[2] }) }),
    "GET /v1/financing-requests/{id}": () => ({ key: w.A.adminKey, path: { id: w.R[0] }, foreign: { id: w.biz.req.B2 } }),
    "GET /v1/financing-requests/{id}/quotes": () => ({ key: w.A.adminKey, path: { id: w.R[1] }, foreign: { id: w.biz.req.B2 } }),
    "POST /v1/financing-requests/{id}/cancellation": () => ({ key: w.A.adminKey, path: { id: w.R[4] }, foreign: { id: w.biz.req.B2 } }),
    "POST /v1/financing-requests/{id}/quotes": () => ({
      key: w.biz.m.bankA.key,
      path: { id: w.R[0] },
      body: () => ({ advance: undefined, advanceRateBp: 9000, annualRateBp: 435, dayCount: 360, fee: "1000", recourse: false, validUntil: new Date(Date.now() + 3600_000).toISOString() }),
      // bank C has no credit line on core A: supplier A's requests are none of its business
      foreign: { id: w.R[0] },
      foreignKey: w.biz.extra.bankC.key,
    }),
    "POST /v1/quotes/{id}/withdrawal": () => ({ key: w.biz.m.bankA.key, path: { id: w.Q[0] }, foreign: { id: w.biz.quotes.B2bankB }, foreignKey: w.biz.m.bankA.key }),
    "GET /v1/quotes/{id}/terms": () => ({ key: w.A.adminKey, path: { id: w.Q[1] }, foreign: { id: w.biz.quotes.B2bankA } }),
    "POST /v1/quotes/{id}/acceptance": () => ({ key: w.A.adminKey, path: { id: w.Q[2] }, valid: () => ({ signature: undefined }), foreign: { id: w.biz.quotes.B2bankA } }),
    "GET /v1/financings": () => ({ key: w.A.adminKey }),
    "GET /v1/financings/{id}": () => ({ key: w.A.adminKey, path: { id: w.biz.fin.A1 }, foreign: { id: w.biz.fin.B1 } }),

    // ─── settlement ───────────────────────────────────────────────────
    "POST /v1/settlement/deposits": () => ({ key: w.biz.m.issuer.key, body: () => ({ organizationId: w.A.orgId, amount: "100" }) }),
    "POST /v1/settlement/withdrawals": () => ({ key: w.biz.m.bankA.key, body: () => ({ amount: "100" }) }),
    "POST /v1/settlement/repayment-authorization": () => ({ key: w.biz.m.coreA.key, body: () => ({ amount: "100" }) }),
    "GET /v1/settlement/account": () => ({ key: w.A.adminKey, query: { organizationId: undefined } }),
    "GET /v1/settlement/movements": () => ({ key: w.A.adminKey, query: { limit: "10", organizationId: undefined } }),
    "GET /v1/settlement/repayment-coverage": () => ({ key: w.biz.m.coreA.key }),

    // ─── clearing ─────────────────────────────────────────────────────
    "POST /v1/receivables/defaults": () => ({ key: w.A.adminKey, body: () => ({ receivableIds: [w.biz.r.A4] }) }),
    "POST /v1/receivables/recourse-claims": () => ({ key: w.biz.m.bankA.key, body: () => ({ receivableIds: [w.biz.r.A3] }) }),
    "GET /v1/receivables/{id}/clearing": () => ({ key: w.A.adminKey, path: { id: w.biz.r.A3 }, foreign: { id: w.biz.r.B1 } }),

    // ─── webhooks ─────────────────────────────────────────────────────
    "GET /v1/webhooks/event-types": () => ({ key: w.A.adminKey }),
    "POST /v1/webhooks": () => ({ key: w.A.adminKey, body: () => ({ url: w.biz.receiver.url("/control") }) }),
    "GET /v1/webhooks": () => ({ key: w.A.adminKey, query: { includeInactive: "true" } }),
    "GET /v1/webhooks/deliveries": () => ({ key: w.A.adminKey, query: { status: undefined, eventType: undefined, subscriptionId: undefined, after: undefined, limit: "10" } }),
    "POST /v1/webhooks/deliveries/{id}/redelivery": () => ({ key: w.A.adminKey, path: { id: w.deliveryId }, foreign: { id: w.biz.hooks.bankB.delivery } }),
    "DELETE /v1/webhooks/{id}": () => ({ key: w.A.adminKey, path: { id: w.subscriptionToDelete }, foreign: { id: w.biz.hooks.bankB.subscription } }),
    "POST /v1/webhooks/{id}/test": () => ({ key: w.A.adminKey, path: { id: w.biz.hooks.supplierA.subscription }, foreign: { id: w.biz.hooks.bankB.subscription } }),

    // ─── reconciliation ───────────────────────────────────────────────
    "GET /v1/reconciliation/report": () => ({ key: w.biz.m.bankA.key, query: { date: w.biz.today, format: "json", bankId: undefined } }),
    "POST /v1/reconciliation/statements": () => ({
      key: w.biz.m.bankA.key,
      body: () => ({ date: w.biz.today, csv: `value_date,reference,type,amount,counterparty,bank_reference\n${w.biz.today},${w.biz.fin.A1},advance,1000,,BK-${randomBytes(4).toString("hex")}\n` }),
    }),
    "GET /v1/reconciliation/statements": () => ({ key: w.biz.m.bankA.key, query: { date: w.biz.today, bankId: undefined } }),

    // ─── indexer ──────────────────────────────────────────────────────
    "GET /v1/indexer/quarantine": () => ({ key: w.operatorKey }),
  };

  /** A valid invoice of supplier A to core A, with a number nobody has used. */
  const invoice = () => ({
    invoiceNumber: `2650${Array.from(randomBytes(16), (b) => b % 10).join("")}`,
    invoiceCode: undefined,
    sellerTaxId: w.A.uscc,
    buyerTaxId: SEED_USCC.coreA,
  });

  // ─── setup ────────────────────────────────────────────────────────

  beforeAll(async () => {
    stack = await Stack.start({ env: WORLD_ENV });
    writes = new WriteProbe(stack);
    ops = new Map(listOperations(await fetchOpenApi(stack)).map((o) => [o.key, o]));
    const limit = /^(\d+)(kb|mb)$/.exec(stack.config.REQUEST_BODY_LIMIT)!;
    bodyLimit = Number(limit[1]) * (limit[2] === "kb" ? 1024 : 1024 * 1024);
    const op = { key: stack.operatorKey };

    // the business world: supplier A (the usual caller) with certificates in every state, bank B as another tenant
    const [biz, act1, act2, s1, s2] = await Promise.all([
      buildWorld(stack, { extraMembers: { bankC: ["bank"] }, pendingA: 5, confirmedA: 8, freeInvoicesA: 3, moreSubscriptions: { supplierA: [["recourse.claimed"]] } }),
      stack.onboard(["core_enterprise"]),
      stack.onboard(["core_enterprise"]),
      stack.onboard(["core_enterprise"]),
      stack.onboard(["core_enterprise"]),
    ]);
    const a = biz.m.supplierA;
    const b = biz.m.bankB;
    for (const s of [s1, s2]) {
      const r = await stack.api.post(`/v1/organizations/${s.orgId}/suspension`, { reason: "bad-input target" }, op);
      if (r.status !== 202) throw new Error(`suspend: ${r.status} ${JSON.stringify(r.body)}`);
    }
    const pending = await Promise.all(
      [1, 2].map(async (i) => {
        const r = await stack.api.post("/v1/organizations", { legalName: `Pending ${i}`, unifiedSocialCreditCode: randomUscc(), roles: ["supplier"] }, op);
        return r.body.id as string;
      }),
    );
    const ak = { key: a.key };
    const member = await stack.api.post(`/v1/organizations/${a.orgId}/users`, { email: "member@a.example", name: "Member", role: "member" }, ak);
    const spare = await stack.api.post("/v1/api-keys", { label: "spare", userId: member.body.id }, ak);
    const revoked = await stack.api.post("/v1/api-keys", { label: "revoked" }, ak);
    await stack.api.delete(`/v1/api-keys/${revoked.body.id}`, ak);
    const gone = await stack.api.post(`/v1/organizations/${a.orgId}/users`, { email: "gone@a.example", name: "Gone", role: "admin" }, ak);
    const goneKey = await stack.api.post("/v1/api-keys", { label: "gone", userId: gone.body.id }, ak);
    // the API has no endpoint to disable a user (yet): do what an operator would in the database
    await stack.ds.query(`UPDATE users SET disabled_at = now() WHERE id = $1`, [gone.body.id]);
    const bKeys = (await stack.api.get("/v1/api-keys", { key: b.key })).body.items as { id: string }[];
    const onboardingOf = async (orgId: string) =>
      ((await stack.ds.query(`SELECT id::text AS id FROM outbox WHERE aggregate_id = $1 AND organization_id = $2 ORDER BY id LIMIT 1`, [orgId, stack.operatorOrgId])) as { id: string }[])[0].id;

    // the marketplace targets of the controls: requests on C[3..6], quotes on three of them
    const must = async (what: string, p: Promise<{ status: number; body: any }>, status: number) => {
      const r = await p;
      if (r.status !== status) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    };
    const C = biz.r.confirmedA;
    const R: string[] = [];
    for (const id of C.slice(3, 8)) R.push((await must("request", stack.api.post("/v1/financing-requests", { receivableId: id }, ak), 201)).id);
    const validUntil = new Date(Date.now() + 86_400_000).toISOString();
    const quote = async (req: string, bank: { key: string }) =>
      (await must("quote", stack.api.post(`/v1/financing-requests/${req}/quotes`, { advanceRateBp: 9000, annualRateBp: 435, dayCount: 360, fee: "1000", validUntil }, { key: bank.key }), 201)).id as string;
    const Q = [await quote(R[1], biz.m.bankA), await quote(R[2], biz.m.bankB), await quote(R[3], biz.m.bankB)];

    // people: invited by supplier A's admin, each accepting with a password in a browser of their own
    const invite = async (duty: string) =>
      (await must("invite", stack.api.post(`/v1/organizations/${a.orgId}/invitations`, { email: `${duty}-${randomBytes(4).toString("hex")}@people.a.example`, name: `${duty} person`, duty, role: "member" }, ak), 201)) as { token: string; email: string };
    const accept = async (duty: string): Promise<BrowserLogin> => {
      const { token, email } = await invite(duty);
      const r = await rawRequest(stack.apiPort, { method: "POST", path: "/v1/invitations/acceptance", headers: { "content-type": "application/json" }, body: JSON.stringify({ token, password: PERSON_PASSWORD }) });
      if (r.status !== 201) throw new Error(`accept: ${r.status} ${r.text}`);
      const cookies = new Map(([] as string[]).concat(r.headers["set-cookie"] ?? []).map((c) => c.split(";")[0].split("=") as [string, string]));
      return { userId: r.body.user.id, email, password: PERSON_PASSWORD, session: cookies.get("cf_session")!, csrf: cookies.get("cf_csrf")! };
    };
    const [signIn, signOut, password, passwordHostile, anyone, ended, invited, hostileInvited] = await Promise.all([
      accept("clerk"),
      accept("viewer"),
      accept("clerk"),
      accept("clerk"),
      accept("approver"),
      accept("viewer"),
      invite("clerk"),
      invite("approver"),
    ]);
    const out = await rawRequest(stack.apiPort, { method: "DELETE", path: "/v1/sessions/current", headers: browserHeaders(ended) });
    if (out.status !== 204) throw new Error(`sign out: ${out.status} ${out.text}`);
    const dutyUser = await must("duty user", stack.api.post(`/v1/organizations/${a.orgId}/users`, { email: "duty@a.example", name: "Duty", role: "member" }, ak), 201);
    // the drafter: an approver of supplier A other than its admin, who decides the drafts
    const drafter = await must("drafter", stack.api.post(`/v1/organizations/${a.orgId}/users`, { email: "drafter@a.example", name: "Drafter", role: "member" }, ak), 201);
    const drafterKey = (await must("drafter's key", stack.api.post("/v1/api-keys", { label: "drafter", userId: drafter.id }, ak), 201)).key as string;
    const draft = async (key: string, path: string) => (await must("draft", stack.api.post("/v1/drafts", { method: "post", path, body: { amount: "100" } }, { key }), 201)).id as string;
    const drafts: string[] = [];
    for (let i = 0; i < 4; i++) drafts.push(await draft(drafterKey, "/v1/settlement/repayment-authorization"));
    const people = {
      signIn,
      stranger: `nobody-${randomBytes(4).toString("hex")}@people.a.example`,
      signOut,
      password,
      passwordHostile,
      anyone,
      ended,
      token: invited.token,
      hostileToken: hostileInvited.token,
      dutyUserId: dutyUser.id as string,
      foreignUserId: b.userId,
      drafts: drafts as [string, string, string, string],
      foreignDraft: await draft(b.key, "/v1/settlement/withdrawals"),
    };

    w = {
      operatorKey: stack.operatorKey,
      A: {
        orgId: a.orgId,
        uscc: a.uscc,
        adminKey: a.key,
        memberUserId: member.body.id,
        spareKeyId: spare.body.id,
        revokedKey: revoked.body.key,
        disabledKey: goneKey.body.key,
        keyPrefix: a.key.slice(3, 15),
      },
      B: { orgId: b.orgId, keyId: bKeys[0].id },
      pending: pending as [string, string],
      active: [act1.orgId, act2.orgId],
      suspended: [s1.orgId, s2.orgId],
      suspendedKey: s1.key,
      operationId: await onboardingOf(a.orgId),
      foreignOperationId: await onboardingOf(b.orgId),
      maxOperationId: 0n,
      biz,
      P: biz.r.pendingA,
      C,
      R,
      Q,
      deliveryId: biz.hooks.supplierA.delivery,
      subscriptionToDelete: biz.hooks.supplierA.more[0],
      people,
    };
    for (const s of [s1, s2]) {
      await eventually(async () => (await stack.api.get(`/v1/organizations/${s.orgId}`, op)).body.status === "suspended", 20_000, "suspension");
    }
    await settleWorld(stack);
    await settleOutbox(stack);
    w.maxOperationId = BigInt((await stack.ds.query(`SELECT max(id)::text AS max FROM outbox`))[0].max);
    console.info(`bad-input world: ${JSON.stringify(biz.timings)}`);
  }, 240_000);

  afterAll(async () => {
    if (Object.keys(tally).length) {
      const total = Object.values(tally).reduce((x, t) => x + t.requests, 0);
      const lines = Object.entries(tally).map(
        ([k, t]) => `  ${k}: ${t.requests} requests, ${t.endpoints.size} endpoints, ${t.fields.size} endpoint fields, kinds: ${[...t.kinds].join(", ")}`,
      );
      console.info(`bad-input: ${total} requests (seed ${SEED}, BAD_INPUT_RUNS=${RUNS})\n${lines.join("\n")}`);
    }
    await writes?.close();
    await stack?.close();
    await w?.biz.receiver.close();
  });

  // ─── running cases ────────────────────────────────────────────────

  const operation = (key: string) => {
    const o = ops.get(key);
    if (!o) throw new Error(`${key} is not in /openapi.json any more: remove its context`);
    return o;
  };

  /** The credentials a context's requests carry: none (public), a browser session, or an API key. */
  function creds(ctx: Context, purpose: "invalid" | "hostile" | "control" = "invalid"): Record<string, string> {
    const login = (purpose === "hostile" ? ctx.hostileBrowser?.() : undefined) ?? ctx.browser?.();
    if (login) return browserHeaders(login);
    return ctx.public ? {} : bearer(ctx.key);
  }

  /** The valid request a case starts from (`hostile`: at the targets kept for requests that may succeed). */
  function baseParts(op: Operation, ctx: Context, purpose: "invalid" | "hostile" | "control" = "invalid"): Parts {
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
  class Failures {
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

  async function run(category: string, key: string, cases: Case[], f = new Failures()) {
    count(category, key, cases);
    const before = await writes.snapshot();
    await inParallel(cases, async (c) => {
      const r = await rawRequest(stack.apiPort, c.send);
      const why = problemViolations(r, c.expect);
      if (why.length) f.add(c, r, why);
    });
    f.wrote(key, changed(before, await writes.snapshot()));
    return f;
  }

  /** Forgets this stack's failed sign-ins (kept in Redis per account and per address for a window). */
  async function clearSignInThrottle() {
    const redis = new Redis(stack.config.REDIS_URL, { maxRetriesPerRequest: null });
    try {
      const keys = await redis.keys(`${stack.config.QUEUE_PREFIX}:signin:*`);
      if (keys.length) await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
  }

  /** Waits until the outbox is done and the state stops changing (a ledger write is projected back asynchronously). */
  async function quiesce() {
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
  function draw(key: string, gens: fc.Arbitrary<Case>[], o: { runs?: number; inTurn?: boolean } = {}): Case[] {
    if (gens.length === 0) return [];
    const runs = o.runs ?? RUNS;
    const seed = (SEED ^ [...key].reduce((h, ch) => Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0, 2166136261)) >>> 0;
    const at = Object.keys(CONTEXTS).indexOf(key) * IN_TURN;
    const chosen = !o.inTurn || ALL ? gens : Array.from({ length: Math.min(IN_TURN, gens.length) }, (_, i) => gens[(at + i) % gens.length]);
    const once = chosen.map((g) => fc.sample(g, { numRuns: 1, seed: seed + gens.indexOf(g) })[0]);
    const varied = gens.filter((g) => !FIXED.has(g));
    return [...once, ...(varied.length && runs > 0 ? fc.sample(fc.oneof(...varied), { numRuns: runs, seed }) : [])];
  }

  // ─── generators: schema-driven field mutations ────────────────────

  function apply(p: Parts, f: { loc: Loc; path: Segment[] }, value: unknown): Parts {
    if (f.loc === "body") return { ...p, body: setAt(p.body, f.path, value), hasBody: true };
    if (f.loc === "query") {
      return { ...p, query: setAt(p.query, [String(f.path[0])], value) as Record<string, unknown> };
    }
    return { ...p, params: { ...p.params, [String(f.path[0])]: String(value) } };
  }

  /** Bad values for one field, each with the kind of mistake it is. */
  function badValues(f: Field): { kind: string; arb: fc.Arbitrary<unknown> }[] {
    const s = f.schema;
    const out: { kind: string; arb: fc.Arbitrary<unknown> }[] = [];
    if (f.loc === "body") {
      const own = jsonTypesOf(s);
      const others = (Object.keys(VALUES_OF_TYPE) as JsonType[]).filter((t) => !own.includes(t));
      out.push({ kind: "wrong type", arb: fc.oneof(...others.map((t) => VALUES_OF_TYPE[t])) });
    } else if (f.loc === "query") {
      // everything in a query string is a string; the wrong "types" are repeats (arrays) and non-numbers
      out.push({ kind: "wrong type", arb: fc.array(fc.constant(String(sample(s))), { minLength: 2, maxLength: 3 }) });
      if (isNumeric(s)) out.push({ kind: "wrong type", arb: fc.oneof(fc.constantFrom("abc", "true", "null", "[]", "{}", "1,2", "0x", "١٢"), fc.string({ minLength: 1, maxLength: 8 })).filter((v) => !numberMaybeValid(s, Number(v))) });
    }
    if (f.required && !f.element && f.loc !== "params") out.push({ kind: "missing required", arb: fc.constant(DELETE) });

    if (s.type === "string") {
      const pick = fc.constantFrom("a", "Z", "語", "9");
      // a value over maxLength that still fits in a body (a longer one is the transport suite's 413)
      const roomy = Math.floor(bodyLimit / 4);
      if (s.maxLength !== undefined && s.maxLength < roomy) {
        const max = s.maxLength;
        out.push({
          kind: "too long",
          arb: fc.oneof(
            fc.tuple(pick, fc.integer({ min: max + 1, max: Math.min(roomy, max * 2 + 10) })).map(([c, n]) => c.repeat(n)),
            fc.constant("x".repeat(Math.max(max + 1, Math.min(50_000, roomy)))),
          ),
        });
      }
      if ((s.minLength ?? 0) > 0) out.push({ kind: "too short", arb: fc.tuple(pick, fc.integer({ min: 0, max: s.minLength! - 1 })).map(([c, n]) => c.repeat(n)) });
      if (isConstrainedString(s)) out.push({ kind: "bad format", arb: hostileString.filter((v) => !stringMaybeValid(s, v) && v !== "" && !(f.loc === "params" && LONE_SURROGATE.test(v))) });
    }
    if (isNumeric(s)) {
      const bounds: number[] = [];
      if (s.minimum !== undefined) bounds.push(s.minimum - 1, s.minimum - 0.5);
      if (s.maximum !== undefined) bounds.push(s.maximum + 1, s.maximum + 0.5);
      const numbers = fc
        .oneof(
          fc.constantFrom(...bounds, -1, 0.5, -0.000001, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2),
          fc.double({ noNaN: true, noDefaultInfinity: true }),
          fc.integer({ min: -1e9, max: 1e9 }),
        )
        .filter((n) => !numberMaybeValid(s, n));
      if (f.loc === "body") out.push({ kind: "out of range", arb: numbers });
      else
        out.push({
          kind: "out of range",
          arb: fc.oneof(numbers.map(String), fc.constantFrom("NaN", "Infinity", "-Infinity", "1e400", "-0.5", "9007199254740993", "")).filter((v) => !numberMaybeValid(s, Number(v))),
        });
    }
    if (s.type === "array") {
      const item = () => sample(s.items ?? { type: "string" });
      if (s.maxItems !== undefined) {
        out.push({ kind: "too many items", arb: fc.integer({ min: s.maxItems + 1, max: ALL ? s.maxItems * 3 + 2 : s.maxItems + 3 }).map((n) => Array.from({ length: n }, item)) });
        out.push({ kind: "too many items", arb: fc.constant(Array.from({ length: 1000 }, () => "x")) });
      }
      if ((s.minItems ?? 0) > 0) out.push({ kind: "too few items", arb: fc.constant([]) });
    }
    return out;
  }

  /** Every field mutation of every location of `op`, as case generators. */
  function schemaGenerators(op: Operation, ctx: Context): fc.Arbitrary<Case>[] {
    const base = baseParts(op, ctx);
    const fields = [...fieldsOf("params", op.params, base.params), ...fieldsOf("query", op.query, base.query), ...fieldsOf("body", op.body, base.body)];
    const gens: fc.Arbitrary<Case>[] = [];
    for (const f of fields) {
      const name = fieldName(f.loc, f.path);
      for (const { kind, arb } of badValues(f)) {
        gens.push(
          arb.map((v) => {
            const parts = apply(baseParts(op, ctx), f, v);
            return { category: "schema", kind, field: name, label: `${name} = ${v === DELETE ? "(absent)" : show(v)}`, send: build(op, parts), expect: { status: 422, code: "REQUEST.INVALID", field: name } };
          }),
        );
      }
    }
    // unknown fields, in the body and its nested objects, and in the query string
    const locations: [Loc, SchemaObject | null, unknown][] = [
      ["body", op.body, base.body],
      ["query", op.query, base.query],
    ];
    for (const [loc, schema, value] of locations) {
      for (const obj of closedObjectsOf(loc, schema, value)) {
        const declared = new Set(Object.keys(obj.schema.properties ?? {}));
        const names = fc.oneof(
          fc.constantFrom(...MASS_ASSIGNMENT.filter((n) => !declared.has(n))),
          fc.string({ unit: loc === "query" ? "grapheme-ascii" : "binary", minLength: 1, maxLength: 12 }).filter((n) => !declared.has(n) && n.trim() !== "" && !(loc === "query" && /[[\]&=+#%]/.test(n))),
        );
        const values = loc === "query" ? fc.constantFrom("active", "true", stack.operatorOrgId, "operator") : fc.oneof(fc.constantFrom("active", ["operator"], stack.operatorOrgId, "registered", true, { $ne: null }, null), anyJson(1));
        gens.push(
          fc.tuple(names, values).map(([n, v]) => {
            const path = [...obj.path, n];
            const parts = apply(baseParts(op, ctx), { loc, path: loc === "query" ? [n] : path }, loc === "query" ? String(v) : v);
            const name = fieldName(loc, path);
            // a name that is no valid text (NUL, a lone surrogate) cannot be named: the error names the object holding it
            const at = /\u0000/.test(n) || LONE_SURROGATE.test(n) ? fieldName(loc, obj.path) : name;
            return { category: "schema", kind: loc === "body" && !op.body ? "body where none belongs" : "unknown field", field: name, label: `${name} = ${show(v)}`, send: build(op, parts), expect: { status: 422, code: "REQUEST.INVALID", field: at } };
          }),
        );
      }
    }
    // the whole body of the wrong type; a key sent twice (JSON.parse keeps the last one)
    gens.push(
      fc.oneof(VALUES_OF_TYPE.array, VALUES_OF_TYPE.string, VALUES_OF_TYPE.number, VALUES_OF_TYPE.boolean).map((v) => {
        const parts = { ...baseParts(op, ctx), body: v, hasBody: true };
        return { category: "schema", kind: "body of the wrong type", field: "body", label: `body = ${show(v)}`, send: build(op, parts), expect: { status: 422, code: "REQUEST.INVALID", field: "body" } };
      }),
    );
    for (const f of fieldsOf("body", op.body, base.body).filter((x) => x.path.length === 1)) {
      const own = jsonTypesOf(f.schema);
      const others = (Object.keys(VALUES_OF_TYPE) as JsonType[]).filter((t) => !own.includes(t));
      gens.push(
        fc.oneof(...others.map((t) => VALUES_OF_TYPE[t])).map((v) => {
          const parts = baseParts(op, ctx);
          const text = JSON.stringify(parts.body);
          const rawBody = `${text.slice(0, -1)}${text.length > 2 ? "," : ""}${JSON.stringify(f.path[0])}:${JSON.stringify(v)}}`;
          const name = fieldName("body", f.path);
          return { category: "schema", kind: "duplicate key", field: name, label: `${name} sent twice, last = ${show(v)}`, send: build(op, { ...parts, rawBody }), expect: { status: 422, code: "REQUEST.INVALID", field: name } };
        }),
      );
    }
    return gens;
  }

  // ─── generators: the HTTP envelope ────────────────────────────────

  function transportGenerators(op: Operation, ctx: Context): fc.Arbitrary<Case>[] {
    const valid = () => baseParts(op, ctx);
    const validText = () => {
      const p = valid();
      return p.hasBody ? JSON.stringify(p.body) : "{}";
    };
    const c = (kind: string, label: string, parts: Parts, expect: ProblemExpectation): Case => ({ category: "transport", kind, label, send: build(op, parts), expect });
    const gens: fc.Arbitrary<Case>[] = [];

    const corrupt = fc
      .oneof(
        fc.constantFrom("{", "}", "nul", "NaN", "Infinity", "undefined", "{'a':1}", "[1,]", '{"a":1,}', "\u0000", '{"a":1}}', '{"a" 1}', "--", "<xml/>", "label=x"),
        fc.tuple(fc.nat(), fc.constantFrom("truncate", "drop", "insert", "quotes")).chain(([n, how]) =>
          fc.constantFrom("{", "}", "[", "]", ",", ":", '"', "'", "\\", "x").map((ch) => {
            const t = validText();
            const i = n % Math.max(1, t.length - 1);
            if (how === "truncate") return t.slice(0, Math.max(1, i));
            if (how === "drop") return t.slice(0, i) + t.slice(i + 1);
            if (how === "insert") return t.slice(0, i + 1) + ch + t.slice(i + 1);
            return t.replace(/"/g, "'");
          }),
        ),
        fc.string({ unit: "binary", minLength: 1, maxLength: 30 }),
      )
      .filter((t) => {
        if (t.trim() === "") return false;
        try {
          JSON.parse(t.replace(/^\uFEFF/, "")); // the body parser drops a byte order mark
          return false;
        } catch {
          return true;
        }
      });
    gens.push(corrupt.map((t) => c("malformed JSON", `body ${show(t)}`, { ...valid(), rawBody: t }, { status: 400, code: "REQUEST.MALFORMED_JSON" })));

    // small fixed sets: one generator per value, so that each is sent at least once
    for (const ct of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml", "text/json", "application/jsonx", "\u0000omit"]) {
      gens.push(
        fixed(() =>
          c("wrong content type", `Content-Type: ${ct === "\u0000omit" ? "(none)" : ct}`, { ...valid(), rawBody: validText(), headers: { ...creds(ctx), "content-type": ct } }, { status: 415, code: "REQUEST.UNSUPPORTED_MEDIA_TYPE", detail: /application\/json/ }),
        ),
      );
    }
    for (const cs of ["latin1", "shift_jis", "us-ascii", "gb2312"]) {
      gens.push(
        fixed(() =>
          c("unsupported charset", `charset=${cs}`, { ...valid(), rawBody: validText(), headers: { ...creds(ctx), "content-type": `application/json; charset=${cs}` } }, { status: 415, code: "REQUEST.UNSUPPORTED_CHARSET", detail: /UTF-8/ }),
        ),
      );
    }
    for (const enc of ["compress", "x-zip", "gzip, compress"]) {
      gens.push(
        fixed(() =>
          c("unsupported Content-Encoding", `Content-Encoding: ${enc}`, { ...valid(), rawBody: validText(), headers: { ...creds(ctx), "content-type": "application/json", "content-encoding": enc } }, { status: 415, detail: /content-encoding|compress|gzip|deflate/i }),
        ),
      );
    }
    for (const enc of ["gzip", "deflate", "br"]) {
      gens.push(
        fixed(() =>
          c("body not in its Content-Encoding", `Content-Encoding: ${enc}, body plain JSON`, { ...valid(), rawBody: validText(), headers: { ...creds(ctx), "content-type": "application/json", "content-encoding": enc } }, { status: [400, 415], detail: /gzip|deflate|br|compress|encod|decompress/i }),
        ),
      );
    }
    gens.push(
      fixed(() => {
        bomb ??= gzipSync(Buffer.from(JSON.stringify({ padding: "0".repeat(bodyLimit * 20) })));
        // compressed bodies are refused outright, so a decompression bomb never inflates
        return c("compressed body beyond the limit", `gzip ${bomb.length} bytes inflating to ${bodyLimit * 20}`, { ...valid(), rawBody: bomb, headers: { ...creds(ctx), "content-type": "application/json", "content-encoding": "gzip" } }, { status: 415, code: "REQUEST.UNSUPPORTED_ENCODING" });
      }),
    );
    gens.push(
      fc.tuple(fc.integer({ min: 1, max: ALL ? bodyLimit * 4 : 65_536 }), fc.boolean(), fc.constantFrom("padding", "legalName", "label", "x")).map(([extra, chunked, field]) => {
        const p = valid();
        const base = (p.hasBody ? p.body : {}) as Record<string, unknown>;
        const text = JSON.stringify({ ...base, [field]: "" });
        const body = JSON.stringify({ ...base, [field]: "x".repeat(bodyLimit - text.length + extra) });
        return c("oversized body", `${body.length} bytes${chunked ? ", chunked" : ""}`, { ...p, rawBody: body, chunked }, { status: 413, code: "REQUEST.TOO_LARGE" });
      }),
    );
    const depth = Math.min(40_000, Math.floor((bodyLimit - 200) / 2));
    const nestedBody = (d: number, inField: boolean, withKey: boolean) => {
      const p = valid();
      const nested = "[".repeat(d) + "]".repeat(d);
      const first = p.hasBody && op.body?.properties ? Object.keys(op.body.properties)[0] : undefined;
      const rawBody = inField && first ? `{${JSON.stringify(first)}:${nested}}` : nested;
      const headers = withKey ? { ...p.headers, "idempotency-key": `deep-${randomBytes(6).toString("hex")}` } : p.headers;
      const label = `${d} levels${inField && first ? ` in ${first}` : ""}${withKey ? ", with an Idempotency-Key" : ""}`;
      return c(withKey ? "deeply nested JSON with an Idempotency-Key" : "deeply nested JSON", label, { ...p, rawBody, headers }, { status: 422, code: "REQUEST.INVALID", field: "body" });
    };
    gens.push(fc.tuple(fc.integer({ min: 100, max: depth }), fc.boolean()).map(([d, inField]) => nestedBody(d, inField, false)));
    // every POST takes an Idempotency-Key, and the middleware that honours it reads the whole body first
    if (op.method === "POST") gens.push(fc.tuple(fc.integer({ min: Math.floor(depth / 2), max: depth }), fc.boolean()).map(([d, inField]) => nestedBody(d, inField, true)));
    gens.push(
      fc.integer({ min: 200, max: 2000 }).map((n) => {
        const p = valid();
        const body = { ...((p.hasBody ? p.body : {}) as object) } as Record<string, unknown>;
        for (let i = 0; i < n; i++) body[`extra${i}`] = i;
        return c("thousands of unknown fields", `${n} extra fields`, { ...p, body, hasBody: true }, { status: 422, code: "REQUEST.INVALID", field: "body" });
      }),
    );
    // headers with a format (Idempotency-Key); a preference (Prefer) is advisory: one the server does not understand is ignored (RFC 7240).
    // Public routes have no caller to scope an Idempotency-Key to: the server ignores it there (and the request would succeed)
    for (const h of ctx.public ? [] : op.headers.filter((x) => x.schema.pattern)) {
      const max = h.schema.maxLength ?? 255;
      const visible = fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((n) => String.fromCharCode(n)), minLength: 1, maxLength: 20 });
      gens.push(
        fc
          .oneof(
            fc.integer({ min: max + 1, max: max * 4 }).map((n) => "k".repeat(n)),
            fc.constant(""),
            fc.tuple(visible, fc.constantFrom(" ", "\t", "\u00e9", "\u00ff", "\u0080"), visible).map(([a, x, b]) => a + x + b),
          )
          .map((v) => c(`bad ${h.name} header`, `${h.name}: ${show(v)}`, { ...valid(), headers: { ...creds(ctx), [h.name]: v } }, { status: [400, 422], detail: new RegExp(h.name, "i") })),
      );
    }
    return gens;
  }

  // ─── generators: path ids ─────────────────────────────────────────

  function pathGenerators(op: Operation, ctx: Context): fc.Arbitrary<Case>[] {
    if (!op.params?.properties) return [];
    const gens: fc.Arbitrary<Case>[] = [];
    for (const [name, s] of Object.entries(op.params.properties)) {
      const field = `params.${name}`;
      const at = (v: string, raw = false): Parts => {
        const p = baseParts(op, ctx);
        return raw ? { ...p, rawPath: fillPath(op.path, { ...p.params, [name]: v }, true) } : { ...p, params: { ...p.params, [name]: v } };
      };
      const c = (kind: string, v: string, parts: Parts, expect: ProblemExpectation): Case => ({ category: "path", kind, field, label: `${field} = ${show(v)}`, send: build(op, parts), expect });
      // ids the schema accepts but nothing has
      const wellFormed =
        s.format === "uuid"
          ? fc.oneof(fc.uuid({ version: 4 }), fc.uuid({ version: 4 }).map((u) => u.toUpperCase()), fc.constant("00000000-0000-4000-8000-000000000000"))
          : s.pattern
            ? fc.oneof(fc.stringMatching(new RegExp(s.pattern)), fc.stringMatching(new RegExp(s.pattern), { size: "max" }), ...patternExtremes(s.pattern).map((x) => fc.constant(x)))
            : fc.constant(randomUUID());
      gens.push(wellFormed.filter((v) => v !== ctx.path?.[name] && !ctx.exists?.(v)).map((v) => c("id that does not exist", v, at(v), { status: 404, code: "RESOURCE.NOT_FOUND" })));
      // one character beyond the longest id the pattern allows (a 19-digit operation id): not an id, whatever it would name
      const longest = s.pattern ? patternExtremes(s.pattern)[1] : undefined;
      if (longest && !stringMaybeValid(s, longest + longest.slice(-1))) {
        gens.push(fixed(() => c("one character too long", longest + longest.slice(-1), at(longest + longest.slice(-1)), { status: 422, code: "REQUEST.INVALID", field })));
      }
      if (ctx.foreign?.[name]) {
        const foreign = ctx.foreign[name];
        gens.push(
          fc.constantFrom(foreign, foreign.toUpperCase()).map((v) => {
            const parts = { ...at(v), headers: bearer(ctx.foreignKey ?? w.A.adminKey) };
            return c("another tenant's id", v, parts, { status: [403, 404], code: ["RESOURCE.NOT_FOUND", "AUTH.FORBIDDEN"] });
          }),
        );
      }
      // not an id at all, and percent-encoding that does not decode
      gens.push(
        hostileString
          .filter((v) => v !== "" && !LONE_SURROGATE.test(v) && !stringMaybeValid(s, v))
          .map((v) => c("not an id", v, at(v), { status: 422, code: "REQUEST.INVALID", field })),
      );
      gens.push(
        fc
          .tuple(fc.stringMatching(/^[A-Za-z0-9-]{0,8}$/), fc.constantFrom("%", "%z", "%zz", "%E0%A4%A", "%C0%AF", "%ED%A0%80", "%FF", "%%", "%u0041", "%2"), fc.stringMatching(/^[A-Za-z0-9-]{0,8}$/))
          .map(([a, bad, b]) => c("broken percent-encoding", a + bad + b, at(a + bad + b, true), { status: [400, 404, 422] })),
      );
    }
    return gens;
  }

  // ─── generators: authentication ───────────────────────────────────

  function authGenerators(op: Operation, ctx: Context): fc.Arbitrary<Case>[] {
    const c = (kind: string, label: string, headers: Record<string, string>, expect: ProblemExpectation): Case => {
      const p = baseParts(op, ctx);
      return { category: "auth", kind, label, send: build(op, { ...p, headers }), expect };
    };
    const unauth = (detail: RegExp): ProblemExpectation => ({ status: 401, code: "AUTH.UNAUTHENTICATED", detail });
    const printableAscii = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((n) => String.fromCharCode(n)), maxLength: 80 });
    const wellFormed = fc.tuple(fc.stringMatching(/^[a-z2-9]{12}$/), fc.stringMatching(/^[A-Za-z0-9_-]{43}$/)).map(([p, s]) => `cf_${p}_${s}`);
    const gens: fc.Arbitrary<Case>[] = [
      // a public route is called without credentials: that is no authentication failure there
      ...(ctx.public ? [] : [fixed(() => c("no API key", "no Authorization header", {}, unauth(/Authorization|API key/)))]),
      printableAscii.filter((k) => !/^\s*cf_[a-z2-9]{12}_[A-Za-z0-9_-]{43}\s*$/.test(k)).map((k) => c("malformed API key", `Bearer ${show(k)}`, { authorization: `Bearer ${k}` }, unauth(/API key/))),
      printableAscii.filter((k) => !/^\s*cf_[a-z2-9]{12}_[A-Za-z0-9_-]{43}\s*$/.test(k)).map((k) => c("malformed API key", `X-API-Key ${show(k)}`, { "x-api-key": k }, unauth(/API key/))),
      wellFormed.map((k) => c("unknown API key", k, bearer(k), unauth(/not valid/))),
      fc.stringMatching(/^[A-Za-z0-9_-]{43}$/).map((s) => c("wrong secret for a real key", `cf_${w.A.keyPrefix}_${s}`, bearer(`cf_${w.A.keyPrefix}_${s}`), unauth(/not valid/))),
      fixed(() => c("revoked API key", "revoked key", bearer(w.A.revokedKey), unauth(/revoked/))),
      fixed(() => c("key of a disabled user", "disabled user's key", bearer(w.A.disabledKey), unauth(/disabled/))),
      fc.constantFrom("Basic", "Token", "bearer").filter((scheme) => !ctx.public || scheme === "bearer").map((scheme) => c("wrong scheme", `${scheme} <valid key>`, { authorization: `${scheme} ${scheme === "Basic" ? Buffer.from(`${w.A.adminKey}:`).toString("base64") : "cf_x"}` }, unauth(/API key|Bearer/))),
    ];
    if (op.method !== "GET" && !ctx.public) {
      gens.push(fixed(() => c("key of a suspended organization", "suspended organization's admin key", bearer(w.suspendedKey), { status: 403, code: ["ORGANIZATION.SUSPENDED", "AUTH.FORBIDDEN"] })));
    }
    // browser sessions: a cookie that names no open session; a change without the session's CSRF token, or from another site
    const cookie = (s: BrowserLogin, csrf: string | null, more: Record<string, string> = {}) => ({ cookie: `cf_session=${s.session}; cf_csrf=${s.csrf}`, ...(csrf === null ? {} : { "x-csrf-token": csrf }), ...more });
    const csrfRefused = (detail?: RegExp): ProblemExpectation => ({ status: 403, code: "CSRF.REFUSED", detail });
    if (!ctx.public) {
      // (a public route goes on without a caller when the cookie names no session: sign-in needs none)
      gens.push(
        fc.stringMatching(/^[A-Za-z0-9_-]{43}$/).map((v) => c("unknown session cookie", `cf_session=${v}`, { cookie: `cf_session=${v}` }, unauth(/session/i))),
        fixed(() => c("ended session's cookie", "a signed-out session", cookie(w.people.ended, w.people.ended.csrf), unauth(/session/i))),
      );
    }
    if (op.method !== "GET") {
      gens.push(
        fixed(() => c("session without its CSRF token", "no X-CSRF-Token", cookie(w.people.anyone, null), csrfRefused(/CSRF/))),
        fc.constantFrom(() => w.people.signIn.csrf, () => w.people.anyone.csrf.slice(0, -1), () => "").map((v) => {
          const token = v();
          return c("session with a wrong CSRF token", `X-CSRF-Token: ${show(token)}`, cookie(w.people.anyone, token), csrfRefused(/CSRF/));
        }),
        fc.constantFrom("https://evil.example", "null", `http://127.0.0.1:${stack.apiPort + 1}`).map((origin) =>
          c("a change from another site", `Origin: ${origin}`, cookie(w.people.anyone, w.people.anyone.csrf, { origin }), csrfRefused(/another site/)),
        ),
      );
    }
    return gens;
  }

  // ─── the tests ────────────────────────────────────────────────────

  it("every endpoint of /openapi.json has a bad-input context", () => {
    const keys = [...ops.keys()];
    expect(keys.length).toBeGreaterThan(0);
    const missing = keys.filter((k) => !(k in CONTEXTS));
    expect(missing, `endpoints without a bad-input context (add one to CONTEXTS): ${missing.join(", ")}`).toEqual([]);
    const stale = Object.keys(CONTEXTS).filter((k) => !ops.has(k));
    expect(stale, `contexts for endpoints no longer in /openapi.json: ${stale.join(", ")}`).toEqual([]);
  });

  describe("schema-driven invalid params, query and body: 422 naming the field, nothing written", () => {
    for (const key of Object.keys(CONTEXTS)) {
      it(key, async () => {
        const op = operation(key);
        (await run("schema", key, draw(key, schemaGenerators(op, CONTEXTS[key]())))).done();
      });
    }
  });

  describe("malformed, mistyped, mis-encoded and oversized requests: 400/413/415, nothing written", () => {
    for (const key of Object.keys(CONTEXTS)) {
      it(key, async () => {
        const op = operation(key);
        (await run("transport", key, draw(key, transportGenerators(op, CONTEXTS[key]()), { inTurn: true }))).done();
      });
    }
  });

  describe("bad path ids: not an id, nobody's id, another tenant's id, undecodable", () => {
    for (const key of Object.keys(CONTEXTS)) {
      if (!/\{\w+\}/.test(key)) continue;
      it(key, async () => {
        const op = operation(key);
        (await run("path", key, draw(key, pathGenerators(op, CONTEXTS[key]())))).done();
      });
    }
  });

  describe("authentication failures: 401 (403 for a suspended organization's writes), nothing written", () => {
    for (const key of Object.keys(CONTEXTS)) {
      it(key, async () => {
        const op = operation(key);
        (await run("auth", key, draw(key, authGenerators(op, CONTEXTS[key]()), { inTurn: true }))).done();
      });
    }
  });

  it("malformed sign-ins are refused before the sign-in throttle: after all of the above, the account still signs in", async () => {
    // every malformed, mistyped and mis-authenticated POST /v1/sessions above named this account; had one counted as a failed
    // sign-in (5 per account, 30 per address in the window), the right password would now answer 429 SESSION.THROTTLED
    const op = operation("POST /v1/sessions");
    const r = await rawRequest(stack.apiPort, build(op, baseParts(op, CONTEXTS[op.key](), "control")));
    expect(r.status, `${r.status} ${r.text.slice(0, 300)}`).toBe(201);
  });

  it("hostile text in every free-text field: stored exactly as sent, or refused with a 4xx, never a 5xx", async () => {
    const f = new Failures();
    const fields = covered().flatMap((op) => {
      const ctx = CONTEXTS[op.key]();
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
          if (ctx.hostilePath || ctx.hostileBody) await quiesce(); // its ledger write settles before the next snapshot
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
  });

  // ─── across endpoints ─────────────────────────────────────────────

  /** Endpoints with a context (the others fail the coverage test above). */
  const covered = () => [...ops.values()].filter((o) => o.key in CONTEXTS);
  it("methods and paths the API does not have: a 404 (or 405) problem, nothing written", async () => {
    const f = new Failures();
    const cases: Case[] = [];
    const templates = [...new Set([...ops.values()].map((o) => o.path))];
    for (const template of templates) {
      const sampleOp = [...ops.values()].find((o) => o.path === template)!;
      const path = fillPath(template, CONTEXTS[sampleOp.key]().path ?? {});
      for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"]) {
        if (ops.has(`${method} ${template}`)) continue;
        cases.push({ category: "routes", kind: "undocumented method", label: `${method} ${path}`, send: { method, path, headers: { ...bearer(w.A.adminKey), "content-type": "application/json" }, body: "{}" }, expect: { status: [404, 405, 422] } }); // 422: the path also fits another route's template
      }
    }
    for (const path of ["/v1/organisation", "/v2/organizations", `/v1/organizations/${w.A.orgId}/nope`, "/v1/", "/v1/api-keys/x/y", "/v1/%E0%A4%A"]) {
      cases.push({ category: "routes", kind: "unknown path", label: path, send: { method: "GET", path, headers: bearer(w.A.adminKey) }, expect: { status: [400, 404] } });
    }
    (await run("routes", "routes", some(cases, 30), f)).done();
  });

  it("another organization's ledger address in other letter case is the same address: refused, nothing written", async () => {
    // hex addresses are case-insensitive (the mixed case is only a checksum): uniqueness must not depend on it
    const op = operation("POST /v1/organizations");
    const ctx = CONTEXTS[op.key]();
    const taken = (await get(`/v1/organizations/${w.B.orgId}`, w.operatorKey)).body.ledgerAddress as string;
    const spellings = [...new Set([taken.toLowerCase(), `0x${taken.slice(2).toUpperCase()}`])].filter((v) => v !== taken);
    const cases = spellings.map((v): Case => {
      const p = baseParts(op, ctx);
      return { category: "identity", kind: "taken address, other spelling", field: "body.ledgerAddress", label: `ledgerAddress = ${v} (bank B has ${taken})`, send: build(op, { ...p, body: { ...(p.body as object), ledgerAddress: v } }), expect: { status: [409, 422] } };
    });
    (await run("identity", op.key, cases)).done();
  });

  it("dates are real calendar dates: a day that does not exist is a 422 naming the field, in bodies and query strings (never rolled into the next month, never a 500)", async () => {
    // 30 February, 31 April, 29 February of a common year: Date.parse rolls each into March or May
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
      const ctx = CONTEXTS[key]();
      const cases = days.map((day): Case => {
        const p = baseParts(op, ctx);
        const parts = loc === "body" ? { ...p, body: setAt(p.body, path, day) } : { ...p, query: { ...p.query, [path[0]]: day } };
        return { category: "dates", kind: "not a calendar day", field: fieldName(loc, path), label: `${fieldName(loc, path)} = ${day}`, send: build(op, parts), expect: { status: 422, field: fieldName(loc, path) } };
      });
      await run("dates", key, cases, f);
    }
    f.done();
    // the days that do exist at the edges are taken: a leap day, the last of a 30-day month
    for (const day of ["2028-02-29", "2027-04-30"]) {
      const r = await get(`/v1/payables/calendar?from=${day}&to=${day}`, w.biz.m.coreA.key);
      expect(r.status, `from=to=${day}: ${r.text.slice(0, 300)}`).toBe(200);
    }
  });

  it("no query parameter produces a 500: values that fit a parameter's documented pattern but name nothing are answered, never a server error", async () => {
    const odd = new Map<string, string[]>([
      // the shapes a pattern of hex and dashes lets through: dashes only, hex without dashes in the right places
      ["GET /v1/receivables/confirmations/typed-data ids", ["-".repeat(36), "0".repeat(36), `${"f".repeat(36)},${"-".repeat(36)}`]],
    ]);
    const failures: string[] = [];
    let n = 0;
    for (const op of covered().filter((o) => o.method === "GET" && o.query)) {
      const ctx = CONTEXTS[op.key]();
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
  });

  it("a refused request is still audited (one audit row per state-changing request)", async () => {
    const posts = covered().filter((o) => o.method !== "GET");
    const cases: Case[] = [];
    const extras = ["status", "nul\u0000key", "lone\uD800key"];
    for (const [i, op] of posts.entries()) {
      const ctx = CONTEXTS[op.key]();
      for (const extra of ALL ? extras : [extras[i % extras.length]]) {
        const p = baseParts(op, ctx);
        const rid = `audit-${randomBytes(6).toString("hex")}`;
        const body = Object.defineProperty({ ...((p.body as object) ?? {}) }, extra, { value: "x", enumerable: true });
        cases.push({ category: "audit", kind: "refused write", field: `body.${extra}`, label: rid, send: build(op, { ...p, body, hasBody: true, headers: { ...p.headers, "x-request-id": rid } }), expect: { status: 422 } });
      }
    }
    const f = await run("audit", "audit", cases);
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
  });

  it("retrying a refused request with the same Idempotency-Key replays the same problem", async () => {
    const f = new Failures();
    let n = 0;
    await inParallel([...covered().filter((o) => o.method === "POST").entries()], async ([i, op]) => {
      const ctx = CONTEXTS[op.key]();
      const generated = fc.sample(fc.oneof(...schemaGenerators(op, ctx)), { numRuns: ALL ? 4 : 1, seed: SEED });
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
  });

  // Last: these succeed and change state. They prove the requests the mutations start from are valid,
  // so every refusal above is owed to the one thing each case broke.
  describe("control: the valid request each mutation starts from is accepted", () => {
    for (const key of Object.keys(CONTEXTS)) {
      it(key, async () => {
        const op = operation(key);
        // the hostile passwords counted as failed sign-ins from this address: start the sign-in with a clean window
        if (CONTEXTS[key]().public) await clearSignInThrottle();
        const r = await rawRequest(stack.apiPort, build(op, baseParts(op, CONTEXTS[key](), "control")));
        expect(r.status, r.text.slice(0, 300)).toBe(op.success);
      });
    }
  });
});
