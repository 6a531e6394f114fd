import http, { createServer, type Server } from "node:http";
import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { Redis } from "ioredis";
import { LEDGER_QUEUE } from "../../../backend/src/shared/queue";
import { WebhooksService } from "../../../backend/src/modules/webhooks";
import { KeyVault } from "../../../backend/src/ledger/key-vault";
import { OrganizationEntity, UserEntity } from "../../../backend/src/modules/onboarding/onboarding.entity";
import type { AuthContext } from "../../../backend/src/shared/http/auth";
import { DEPLOYER_KEY, randomUscc, type Stack } from "./stack";
import { LedgerGateway } from "../../../backend/src/ledger/gateway";
import { resumeObligor } from "../../../backend/src/ops/resume-obligor";
import { eventually } from "./http";
import { developmentFacts } from "../../../backend/src/ops/onboarding-facts";

/**
 * What the tenant-isolation and bad-input suites share: the API's own OpenAPI document as the list
 * of endpoints (so a new endpoint is probed or the suite fails), a raw HTTP client that sends
 * exactly the bytes it is given, the problem+json contract, and a snapshot of everything a refused
 * request must not have written.
 */

// ─── The OpenAPI document ─────────────────────────────────────────────

export interface SchemaObject {
  $ref?: string;
  type?: "string" | "number" | "integer" | "boolean" | "array" | "object";
  format?: string;
  pattern?: string;
  enum?: unknown[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number | boolean;
  exclusiveMaximum?: number | boolean;
  minItems?: number;
  maxItems?: number;
  items?: SchemaObject;
  properties?: Record<string, SchemaObject>;
  required?: string[];
  additionalProperties?: boolean | SchemaObject;
  nullable?: boolean;
  default?: unknown;
  example?: unknown;
  description?: string;
  allOf?: SchemaObject[];
  oneOf?: SchemaObject[];
  anyOf?: SchemaObject[];
}

interface ParameterObject {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  schema: SchemaObject;
}

interface RawOperation {
  tags?: string[];
  parameters?: ParameterObject[];
  requestBody?: { content?: Record<string, { schema?: SchemaObject }> };
  responses?: Record<string, unknown>;
  summary?: string;
  description?: string;
}

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, RawOperation>>;
  components?: { schemas?: Record<string, SchemaObject> };
}

/** One endpoint, its schemas resolved (no $ref left). */
export interface Operation {
  /** `GET /v1/organizations/{id}`: the key probes are registered under. */
  key: string;
  method: "GET" | "POST" | "DELETE" | "PUT" | "PATCH";
  /** The tag that names the module it belongs to ("Invoices"). */
  tag: string;
  /** OpenAPI path template, `{id}` style. */
  path: string;
  summary: string;
  description: string;
  /** Path parameters as one object schema. */
  params: SchemaObject | null;
  /** Query parameters as one object schema. */
  query: SchemaObject | null;
  headers: ParameterObject[];
  /** The JSON request body schema. */
  body: SchemaObject | null;
  /** The documented success status (200, 201, 202, 204). */
  success: number;
}

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

export async function fetchOpenApi(stack: Stack): Promise<OpenApiDocument> {
  const r = await rawRequest(stack.apiPort, { method: "GET", path: "/openapi.json" });
  if (r.status !== 200) throw new Error(`GET /openapi.json answered ${r.status}`);
  return r.body as OpenApiDocument;
}

/** Resolves every $ref (and merges allOf) so generators see plain schemas. */
function deref(doc: OpenApiDocument, s: SchemaObject | undefined, depth = 0): SchemaObject | undefined {
  if (!s) return s;
  if (depth > 20) throw new Error("schema nesting too deep (a cycle?)");
  if (s.$ref) {
    const name = s.$ref.replace("#/components/schemas/", "");
    const target = doc.components?.schemas?.[name];
    if (!target) throw new Error(`unresolvable ${s.$ref}`);
    return deref(doc, target, depth + 1);
  }
  const out: SchemaObject = { ...s };
  if (s.allOf) {
    delete out.allOf;
    for (const part of s.allOf.map((p) => deref(doc, p, depth + 1)!)) {
      out.type ??= part.type;
      out.properties = { ...(out.properties ?? {}), ...(part.properties ?? {}) };
      out.required = [...(out.required ?? []), ...(part.required ?? [])];
      if (part.additionalProperties === false) out.additionalProperties = false;
    }
  }
  if (out.items) out.items = deref(doc, out.items, depth + 1);
  if (out.properties) out.properties = Object.fromEntries(Object.entries(out.properties).map(([k, v]) => [k, deref(doc, v, depth + 1)!]));
  if (out.oneOf) out.oneOf = out.oneOf.map((x) => deref(doc, x, depth + 1)!);
  if (out.anyOf) out.anyOf = out.anyOf.map((x) => deref(doc, x, depth + 1)!);
  return out;
}

function paramsAsObject(params: ParameterObject[], where: "path" | "query"): SchemaObject | null {
  const ps = params.filter((p) => p.in === where);
  if (ps.length === 0) return null;
  return {
    type: "object",
    properties: Object.fromEntries(ps.map((p) => [p.name, p.schema])),
    required: ps.filter((p) => p.required || where === "path").map((p) => p.name),
    additionalProperties: false,
  };
}

export function listOperations(doc: OpenApiDocument): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const m of METHODS) {
      const raw = item[m];
      if (!raw) continue;
      const parameters = (raw.parameters ?? []).map((p) => ({ ...p, schema: deref(doc, p.schema)! }));
      const json = raw.requestBody?.content?.["application/json"]?.schema;
      const method = m.toUpperCase() as Operation["method"];
      ops.push({
        key: `${method} ${path}`,
        method,
        tag: raw.tags?.[0] ?? "",
        path,
        summary: raw.summary ?? "",
        description: raw.description ?? "",
        params: paramsAsObject(parameters, "path"),
        query: paramsAsObject(parameters, "query"),
        headers: parameters.filter((p) => p.in === "header"),
        body: json ? deref(doc, json)! : null,
        success: Number(Object.keys(raw.responses ?? {}).find((s) => /^2\d\d$/.test(s)) ?? 200),
      });
    }
  }
  return ops;
}

/** A module's table of probes: the tag its endpoints carry in /openapi.json, and the endpoints it probes. */
export interface ModuleTable {
  tag: string;
  endpoints: string[];
}

/**
 * What the modules' tables (by module name) miss of `ops`, and what they hold that they should
 * not: an endpoint that is no longer in the document, in a table other than the one its tag names,
 * or in two. Each line names the module whose table is at fault.
 */
export function tableGaps(ops: Operation[], tables: Record<string, ModuleTable>): { missing: string[]; stale: string[]; misfiled: string[] } {
  const moduleOf = new Map(Object.entries(tables).map(([name, t]) => [t.tag, name]));
  const home = (op: Operation) => moduleOf.get(op.tag) ?? `a new table for the tag "${op.tag}"`;
  const filed = Object.entries(tables).flatMap(([name, t]) => t.endpoints.map((key) => ({ name, key })));
  const byKey = new Map(ops.map((o) => [o.key, o]));
  return {
    missing: ops.filter((o) => !filed.some((f) => f.key === o.key)).map((o) => `${home(o)}: ${o.key}`),
    stale: filed.filter((f) => !byKey.has(f.key)).map((f) => `${f.name}: ${f.key}`),
    misfiled: filed.flatMap((f, i) => {
      const op = byKey.get(f.key);
      if (op && home(op) !== f.name) return [`${f.name}: ${f.key} (an endpoint of ${home(op)})`];
      const first = filed.findIndex((g) => g.key === f.key);
      return first < i ? [`${f.name}: ${f.key} (also in ${filed[first].name})`] : [];
    }),
  };
}

/** `/v1/organizations/{id}` with `{ id: "x y" }` → `/v1/organizations/x%20y` (values encoded unless `raw`). */
export function fillPath(template: string, values: Record<string, string>, raw = false): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`no value for path parameter ${name} of ${template}`);
    return raw ? v : encodeURIComponent(v);
  });
}

/** A query string from an object; array values repeat the key. */
export function queryString(q: Record<string, unknown> | undefined): string {
  if (!q || Object.keys(q).length === 0) return "";
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) sp.append(k, String(x));
    else sp.append(k, typeof v === "object" && v !== null ? JSON.stringify(v) : String(v));
  }
  const s = sp.toString();
  return s ? `?${s}` : "";
}

// ─── Schemas: valid values, every field, and values that cannot be valid ─

export type JsonType = "string" | "number" | "boolean" | "null" | "array" | "object";

const UUID_LIKE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL_LIKE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DATE_TIME_LIKE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i;
const KNOWN_FORMATS = new Set(["uuid", "email", "date-time"]);
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const jsonTypesOf = (s: SchemaObject): JsonType[] => {
  const t = s.type ?? (s.enum ? (typeof s.enum[0] as JsonType) : s.properties ? "object" : undefined);
  const types: JsonType[] = t === "integer" || t === "number" ? ["number"] : t ? [t as JsonType] : [];
  return s.nullable ? [...types, "null"] : types;
};
export const isFreeText = (s: SchemaObject) => s.type === "string" && !s.format && !s.pattern && !s.enum;
export const isConstrainedString = (s: SchemaObject) => s.type === "string" && !!(s.format || s.pattern || s.enum);
export const isNumeric = (s: SchemaObject) => s.type === "integer" || s.type === "number";

/** Spellings a server may normalise a value into before validating it. */
export const spellings = (v: string) => [...new Set([v, v.trim(), v.toLowerCase(), v.trim().toLowerCase()])];

/** Could `v` pass `s` under any reasonable normalisation? Generators keep only values for which it cannot. */
export function stringMaybeValid(s: SchemaObject, v: string): boolean {
  return spellings(v).some((x) => {
    if (s.enum && !s.enum.includes(x)) return false;
    if (s.format === "uuid" && !UUID_LIKE.test(x)) return false;
    if (s.format === "email" && !EMAIL_LIKE.test(x)) return false;
    if (s.format === "date-time" && !(DATE_TIME_LIKE.test(x) && Number.isFinite(Date.parse(x)))) return false;
    if (s.format && !KNOWN_FORMATS.has(s.format)) throw new Error(`the probe does not know string format "${s.format}": teach stringMaybeValid and sample it`);
    if (s.pattern && !regex(s.pattern).test(x)) return false;
    if (s.minLength !== undefined && x.length < s.minLength) return false;
    if (s.maxLength !== undefined && [...x].length > s.maxLength) return false;
    return true;
  });
}

export function numberMaybeValid(s: SchemaObject, n: number): boolean {
  if (!Number.isFinite(n)) return false;
  if (s.type === "integer" && !Number.isInteger(n)) return false;
  if (s.minimum !== undefined && (s.exclusiveMinimum === true ? n <= s.minimum : n < s.minimum)) return false;
  if (s.maximum !== undefined && (s.exclusiveMaximum === true ? n >= s.maximum : n > s.maximum)) return false;
  if (typeof s.exclusiveMinimum === "number" && n <= s.exclusiveMinimum) return false;
  if (typeof s.exclusiveMaximum === "number" && n >= s.exclusiveMaximum) return false;
  return true;
}

/** The shortest and longest strings of a simple `^…$` pattern of character classes and literals (ids like ^[0-9]{1,19}$). */
export function patternExtremes(pattern: string): string[] {
  const m = /^\^(.*)\$$/.exec(pattern);
  if (!m) return [];
  const tokens = [...m[1].matchAll(/(\[[^\]]+\]|\\.|[^[\\{}])(?:\{(\d+)(?:,(\d+))?\})?/g)];
  if (tokens.map((t) => t[0]).join("") !== m[1]) return [];
  let low = "";
  let high = "";
  for (const [, atom, min, max] of tokens) {
    let chars: string[];
    if (atom.startsWith("[")) {
      const body = atom.slice(1, -1);
      if (body.startsWith("^")) return [];
      chars = [];
      for (let i = 0; i < body.length; i++) {
        if (body[i + 1] === "-" && i + 2 < body.length) {
          for (let c = body.charCodeAt(i); c <= body.charCodeAt(i + 2); c++) chars.push(String.fromCharCode(c));
          i += 2;
        } else chars.push(body[i]);
      }
    } else chars = [atom.startsWith("\\") ? atom[1] : atom];
    chars.sort();
    const lo = min === undefined ? 1 : Number(min);
    const hi = max === undefined ? lo : Number(max);
    low += chars[0].repeat(lo);
    high += chars[chars.length - 1].repeat(hi);
  }
  return [low, high];
}

const SAMPLED = new Map<string, string>();
const REGEXES = new Map<string, RegExp>();
const regex = (pattern: string) => REGEXES.get(pattern) ?? REGEXES.set(pattern, new RegExp(pattern)).get(pattern)!;

/** A valid value for `s`: its example, the first enum value, or something built from its constraints. */
export function sample(s: SchemaObject): unknown {
  if (s.example !== undefined) return structuredClone(s.example);
  if (s.enum) return s.enum[0];
  switch (s.type) {
    case "string": {
      if (s.format === "uuid") return randomUUID();
      if (s.format === "email") return `sample.${randomBytes(4).toString("hex")}@example.com`;
      if (s.format === "date-time") return new Date().toISOString();
      if (s.pattern) {
        // one value per pattern, the same every run (so a failure replays), made once
        const key = JSON.stringify([s.pattern, s.minLength, s.maxLength]);
        const seed = [...key].reduce((h, ch) => Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0, 2166136261);
        // a pattern with a long minimum (an invitation token: 20 to 100 characters) is out of reach of the default size: the filter would never pass
        const size = (s.minLength ?? 0) > 8 ? ({ size: "medium" } as const) : {};
        if (!SAMPLED.has(key)) SAMPLED.set(key, fc.sample(fc.stringMatching(regex(s.pattern), size).filter((x) => x.trim() === x && stringMaybeValid(s, x)), { numRuns: 1, seed })[0]);
        return SAMPLED.get(key);
      }
      const min = s.minLength ?? 0;
      return "Sample text".padEnd(min, ".").slice(0, Math.max(min, Math.min(s.maxLength ?? 100, 11)));
    }
    case "integer":
    case "number":
      return Math.min(Math.max(s.minimum ?? 1, 1), s.maximum ?? Number.MAX_SAFE_INTEGER);
    case "boolean":
      return true;
    case "array":
      return Array.from({ length: Math.min(Math.max(1, s.minItems ?? 0), s.maxItems ?? 1) }, () => sample(s.items ?? { type: "string" }));
    case "object":
      return Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, v]) => [k, sample(v)]));
  }
  return "sample";
}

export type Loc = "params" | "query" | "body";
export type Segment = string | number;

export interface Field {
  loc: Loc;
  path: Segment[];
  schema: SchemaObject;
  required: boolean;
  /** An array element (cannot be "missing"). */
  element: boolean;
}

export const fieldName = (loc: Loc, path: Segment[]) => [loc, ...path.map(String)].join(".");

/** Every field of an object schema, nested objects and array elements included (as present in `value`). */
export function fieldsOf(loc: Loc, schema: SchemaObject | null, value: unknown, prefix: Segment[] = []): Field[] {
  if (!schema?.properties) return [];
  const out: Field[] = [];
  for (const [name, s] of Object.entries(schema.properties)) {
    const path = [...prefix, name];
    out.push({ loc, path, schema: s, required: !!schema.required?.includes(name), element: false });
    const v = (value as Record<string, unknown> | undefined)?.[name];
    if (s.type === "object") out.push(...fieldsOf(loc, s, v, path));
    if (s.type === "array" && s.items && Array.isArray(v) && v.length > 0) {
      out.push({ loc, path: [...path, 0], schema: s.items, required: true, element: true });
      if (s.items.type === "object") out.push(...fieldsOf(loc, s.items, v[0], [...path, 0]));
    }
  }
  return out;
}

/** Objects that take no fields beyond their own (additionalProperties: false), where unknown fields are probed. */
export function closedObjectsOf(loc: Loc, schema: SchemaObject | null, value: unknown, prefix: Segment[] = []): { path: Segment[]; schema: SchemaObject }[] {
  const s = schema ?? { type: "object", properties: {}, additionalProperties: false };
  const out = s.additionalProperties === false || schema === null ? [{ path: prefix, schema: s }] : [];
  for (const [name, p] of Object.entries(s.properties ?? {})) {
    const v = (value as Record<string, unknown> | undefined)?.[name];
    if (p.type === "object") out.push(...closedObjectsOf(loc, p, v, [...prefix, name]));
    if (p.type === "array" && p.items?.type === "object" && Array.isArray(v) && v.length) out.push(...closedObjectsOf(loc, p.items, v[0], [...prefix, name, 0]));
  }
  return out;
}

export const DELETE = Symbol("delete");

/** Sets (or deletes) `path` inside a copy of `root`; own properties even for "__proto__". */
export function setAt(root: unknown, path: Segment[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy: any = Array.isArray(root) ? [...root] : { ...(root as object) };
  const [head, ...rest] = path;
  if (rest.length === 0) {
    if (value === DELETE) delete copy[head];
    else Object.defineProperty(copy, head, { value, enumerable: true, writable: true, configurable: true });
  } else {
    copy[head] = setAt(copy[head], rest, value);
  }
  return copy;
}

export const getAt = (root: unknown, path: Segment[]): unknown => path.reduce<any>((v, k) => (v == null ? undefined : v[k]), root);


// ─── Raw HTTP ─────────────────────────────────────────────────────────

export interface RawRequest {
  method: string;
  /** Sent as-is: encode it yourself. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Send the body with Transfer-Encoding: chunked instead of Content-Length. */
  chunked?: boolean;
}

export interface RawReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  contentType: string;
  text: string;
  /** The parsed JSON body, or undefined. */
  body: any;
}

/** One request with exactly the given method, path, headers and bytes (fetch would normalize them). */
export function rawRequest(port: number, r: RawRequest): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...(r.headers ?? {}) };
    const body = r.body === undefined ? undefined : Buffer.isBuffer(r.body) ? r.body : Buffer.from(r.body, "utf8");
    if (body !== undefined) {
      if (r.chunked) headers["transfer-encoding"] = "chunked";
      else headers["content-length"] = String(body.length);
    }
    const req = http.request({ host: "127.0.0.1", port, method: r.method, path: r.path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let parsed: unknown;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          parsed = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, contentType: String(res.headers["content-type"] ?? ""), text, body: parsed });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    if (body !== undefined) {
      if (r.chunked) {
        // several chunks, so the server cannot learn the size up front
        const step = Math.max(1, Math.ceil(body.length / 4));
        for (let i = 0; i < body.length; i += step) req.write(body.subarray(i, i + step));
      } else req.write(body);
    }
    req.end();
  });
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
export const jsonHeaders = (key?: string) => ({ ...(key ? bearer(key) : {}), "content-type": "application/json" });

// ─── The problem+json contract ────────────────────────────────────────

export interface ProblemExpectation {
  status?: number | number[];
  code?: string | string[];
  /** The field at fault: errors must be present and every one must be this field or inside it. */
  field?: string;
  /** The detail must match (it says what to do about this particular problem). */
  detail?: RegExp;
}

const GENERIC_500 = /something went wrong on our side/i;

/** Why `r` is not a proper refusal (empty: it is): 4xx, problem+json, stable code, actionable detail, field errors. */
export function problemViolations(r: RawReply, e: ProblemExpectation = {}): string[] {
  const v: string[] = [];
  if (r.status < 400 || r.status > 499) v.push(`status ${r.status} is not a 4xx`);
  const statuses = e.status === undefined ? undefined : ([] as number[]).concat(e.status);
  if (statuses && !statuses.includes(r.status)) v.push(`status ${r.status}, expected ${statuses.join(" or ")}`);
  if (!/^application\/problem\+json\b/.test(r.contentType)) v.push(`content-type "${r.contentType}" is not application/problem+json`);
  const p = r.body as Record<string, unknown> | undefined;
  if (!p || typeof p !== "object" || Array.isArray(p)) {
    v.push(`body is not a problem object: ${r.text.slice(0, 200)}`);
    return v;
  }
  if (p.status !== r.status) v.push(`problem.status ${String(p.status)} differs from HTTP status ${r.status}`);
  if (typeof p.type !== "string" || !p.type) v.push("problem.type missing");
  if (typeof p.title !== "string" || !p.title) v.push("problem.title missing");
  if (typeof p.code !== "string" || !/^[A-Z][A-Z0-9_]*(\.[A-Z][A-Z0-9_]*)+$/.test(p.code)) v.push(`problem.code ${JSON.stringify(p.code)} is not a stable DOMAIN.PROBLEM code`);
  const codes = e.code === undefined ? undefined : ([] as string[]).concat(e.code);
  if (codes && !codes.includes(String(p.code))) v.push(`code ${String(p.code)}, expected ${codes.join(" or ")}`);
  const detail = typeof p.detail === "string" ? p.detail : "";
  if (detail.trim().length < 12) v.push(`detail ${JSON.stringify(p.detail)} is not a sentence a person can act on`);
  if (GENERIC_500.test(detail) || /\n\s+at |\[object Object\]|TypeError|SyntaxError|QueryFailedError/.test(detail)) {
    v.push(`detail leaks internals or is generic: ${JSON.stringify(detail)}`);
  }
  if (e.detail && !e.detail.test(detail)) v.push(`detail ${JSON.stringify(detail)} does not match ${e.detail}`);
  if (p.errors !== undefined) {
    if (!Array.isArray(p.errors)) v.push("problem.errors is not an array");
    else
      for (const fe of p.errors as { field?: unknown; message?: unknown }[]) {
        if (typeof fe?.field !== "string" || !fe.field) v.push(`an error has no field: ${JSON.stringify(fe)}`);
        if (typeof fe?.message !== "string" || fe.message.trim().length < 3) v.push(`an error has no message: ${JSON.stringify(fe)}`);
      }
  }
  if (e.field !== undefined) {
    const errors = Array.isArray(p.errors) ? (p.errors as { field: string }[]) : [];
    if (errors.length === 0) v.push(`no field-level errors; expected one for ${e.field}`);
    const stray = errors.filter((x) => !(x.field === e.field || x.field.startsWith(`${e.field}.`)));
    if (stray.length) v.push(`errors name other fields than ${e.field}: ${stray.map((x) => x.field).join(", ")}`);
  }
  return v;
}

// ─── What a refused request must not change ───────────────────────────

/**
 * Row counts of every business table (found in the schema, so tables added later are covered), the
 * states of organizations, users, API keys, drafts, invitations and sessions, and the number of jobs queued since the probe began
 * (read from the queue's event stream; the repeatable jobs of job schedulers, which tick on their
 * own, are not counted). Two equal snapshots around a request mean it wrote and queued nothing.
 */
export class WriteProbe {
  /** Bookkeeping that a refused request may (or must) write: not counted. */
  static readonly BOOKKEEPING = new Set(["audit_log", "idempotency_keys", "chain_events", "indexer_checkpoints", "migrations", "typeorm_metadata"]);
  private readonly redis: Redis;
  private readonly events: string;
  private cursor = "0-0";
  private queued = 0;
  private sql?: string;

  constructor(private readonly stack: Stack) {
    this.redis = new Redis(stack.config.REDIS_URL, { maxRetriesPerRequest: null });
    this.events = `${stack.config.QUEUE_PREFIX}:${LEDGER_QUEUE}:events`;
  }

  /** Jobs added since the probe began, but for job schedulers' own ticks (ids `repeat:…`). */
  private async jobsQueued(): Promise<number> {
    for (;;) {
      const entries = await this.redis.xrange(this.events, `(${this.cursor}`, "+", "COUNT", 1000);
      for (const [id, fields] of entries) {
        this.cursor = id;
        const f: Record<string, string> = {};
        for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]] = fields[i + 1];
        if (f.event === "added" && !String(f.jobId).startsWith("repeat:")) this.queued++;
      }
      if (entries.length < 1000) return this.queued;
    }
  }

  private async query(): Promise<string> {
    if (this.sql) return this.sql;
    const tables = ((await this.stack.ds.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
    )) as { table_name: string }[])
      .map((t) => t.table_name)
      .filter((t) => !WriteProbe.BOOKKEEPING.has(t));
    const counts = tables.map((t) => `(SELECT count(*) FROM "${t}")::int AS "${t}"`);
    // api_keys.last_used_at moves on every authenticated request: left out of the key states
    this.sql = `SELECT ${[
      ...counts,
      `(SELECT count(*) FILTER (WHERE disabled_at IS NOT NULL) FROM users)::int AS disabled_users`,
      `(SELECT count(*) FILTER (WHERE revoked_at IS NOT NULL) FROM api_keys)::int AS revoked_api_keys`,
      `(SELECT md5(coalesce(string_agg(o::text, ',' ORDER BY o.id), '')) FROM organizations o) AS organization_states`,
      `(SELECT md5(coalesce(string_agg(u::text, ',' ORDER BY u.id), '')) FROM users u) AS user_states`,
      `(SELECT md5(coalesce(string_agg(id || label || coalesce(revoked_at::text, ''), ',' ORDER BY id), '')) FROM api_keys) AS api_key_states`,
      // a draft decided, an invitation accepted, a session ended change no row count (sessions.last_seen_at moves on every request: left out)
      `(SELECT md5(coalesce(string_agg(id || status || coalesce(decided_by::text, '') || coalesce(reason, ''), ',' ORDER BY id), '')) FROM drafts) AS draft_states`,
      `(SELECT md5(coalesce(string_agg(id || coalesce(accepted_at::text, '') || coalesce(user_id::text, ''), ',' ORDER BY id), '')) FROM invitations) AS invitation_states`,
      `(SELECT md5(coalesce(string_agg(id || coalesce(ended_at::text, ''), ',' ORDER BY id), '')) FROM sessions) AS session_states`,
    ].join(",\n")}`;
    return this.sql;
  }

  async snapshot(): Promise<Record<string, string | number>> {
    const [[row], queued] = await Promise.all([this.stack.ds.query(await this.query()), this.jobsQueued()]);
    return { ...row, queued_jobs: queued };
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}

/** Names of the snapshot entries that changed. */
export function changed(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  return Object.keys(before).filter((k) => before[k] !== after[k]).map((k) => `${k}: ${String(before[k])} → ${String(after[k])}`);
}

/** Waits until every outbox row is final, so that snapshots are stable. */
/**
 * Whether no job is waiting or running: what a request queues for the worker (the notifications of a
 * quote, a request or a draft; their mails) is done. Delayed jobs (schedulers, retries) do not count.
 */
async function jobsIdle(stack: Stack): Promise<boolean> {
  const redis = new Redis(stack.config.REDIS_URL, { maxRetriesPerRequest: null });
  try {
    const key = `${stack.config.QUEUE_PREFIX}:${LEDGER_QUEUE}`;
    const [waiting, active, prioritized] = await Promise.all([redis.llen(`${key}:wait`), redis.llen(`${key}:active`), redis.zcard(`${key}:prioritized`)]);
    return waiting + active + prioritized === 0;
  } finally {
    redis.disconnect();
  }
}

export async function settleOutbox(stack: Stack, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    // finished, and projected: the indexer (and the webhook deliveries it creates) has seen every mined block
    const [{ n, unindexed }] = await stack.ds.query(
      `SELECT (SELECT count(*)::int FROM outbox WHERE status IN ('pending', 'submitted')) AS n,
              (SELECT count(*)::int FROM ledger_transactions WHERE block_number > (SELECT coalesce(max(block_number), -1) FROM indexer_checkpoints)) AS unindexed`,
    );
    const idle = n === 0 && unindexed === 0 && (await jobsIdle(stack));
    if (idle) return;
    if (Date.now() > until) throw new Error(`${n} outbox rows still unfinished, ${unindexed} mined transactions not yet indexed, or jobs still queued, after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// ─── A business world, built through the API ──────────────────────────

/**
 * Both suites probe every endpoint against one shared world made the way members make it: seed
 * organizations whose invoices the local tax bureau knows, verified invoices, registered and
 * confirmed certificates, deposits, credit lines, financing requests with competing quotes,
 * fundings, certificates gone overdue and defaulted at maturity (the ledger's clock moved on; their
 * obligor paused as delinquent, then resumed by governance), certificates issued and waiting for
 * their supplier's acceptance, webhook subscriptions with deliveries, and bank statements.
 */

/** Environment for a stack that builds the world: a keeper that acts fast but never retries an unpaid certificate by itself (that would write during probes). */
export const WORLD_ENV: Record<string, string> = {
  RATE_LIMIT_PER_MINUTE: "1000000",
  KEEPER_INTERVAL_MS: "300",
  KEEPER_RETRY_MS: "86400000",
};

export const SEED_USCC = {
  /** 渝川汽车集团 (cq-auto core enterprise). */
  coreA: "91500112MA8Q2595Y2",
  /** 蜀能动力电池 (cq-auto core enterprise). */
  coreB: "91510112MAQGW5Q7HW",
  /** 重庆巴渝汽车内饰, sells to 渝川. */
  supplierA: "91500109MATD0HX58F",
  /** 重庆同创热管理系统, sells to 蜀能. */
  supplierB: "91500151MANRJD0X82",
} as const;

const SEEDS_DIR = join(__dirname, "../../../seeds");
const seedJson = (file: string) => JSON.parse(readFileSync(join(SEEDS_DIR, file), "utf8"));

/** The seed organization's legal name (the tax bureau only checks tax ids, but names read better). */
function seedLegalName(uscc: string): string {
  return (seedJson("organizations.json").organizations as { uscc: string; legalName: string }[]).find((o) => o.uscc === uscc)?.legalName ?? `Org ${uscc}`;
}

/** Genuine seed invoices from `seller` to `buyer`: the tax bureau has them as submitted and no registry filing blocks them. */
export function cleanSeedInvoices(seller: string, buyer: string, n: number): Record<string, unknown>[] {
  const invoices = seedJson("invoices.json").invoices as { invoice: Record<string, any>; expected?: string | null; duplicateOf?: unknown }[];
  const tax = new Map((seedJson("tax-bureau.json").invoices as Record<string, any>[]).map((i) => [i.invoiceNumber, i]));
  const filed = new Set((seedJson("registry.json").filings as { invoice: { invoiceNumber: string } }[]).map((f) => f.invoice.invoiceNumber));
  const picked = invoices
    .filter(({ invoice: i, expected, duplicateOf }) => {
      const t = tax.get(i.invoiceNumber);
      return !expected && !duplicateOf && i.sellerTaxId === seller && i.buyerTaxId === buyer && !filed.has(i.invoiceNumber) && t?.status === "normal" && t.total === i.total;
    })
    .map(({ invoice }) => invoice)
    // invoices without waybills first: they need nothing but the tax bureau
    .sort((a, b) => (a.waybillNumbers?.length ?? 0) - (b.waybillNumbers?.length ?? 0));
  if (picked.length < n) throw new Error(`the seeds have ${picked.length} clean invoices from ${seller} to ${buyer}, ${n} wanted`);
  return picked.slice(0, n);
}

export interface Member {
  label: string;
  orgId: string;
  /** An API key of the organization's admin user. */
  key: string;
  userId: string;
  uscc: string;
  legalName: string;
  roles: string[];
}

/** A member's admin as the services see a caller: for fixtures no API caller may make (an auditor's). */
async function fixtureAuth(stack: Stack, who: { orgId: string; userId: string }): Promise<AuthContext> {
  const organization = await stack.ds.getRepository(OrganizationEntity).findOneByOrFail({ id: who.orgId });
  const user = await stack.ds.getRepository(UserEntity).findOneByOrFail({ id: who.userId });
  return { organization, user, apiKeyId: null, sessionId: null, duty: user.duty, readOnly: false, has: (r) => organization.roles.includes(r) };
}

/** Creates an organization (with a given tax id, if any), approves its KYC, waits until it is active on chain, and gives it an admin with a key. */
async function onboardMember(stack: Stack, label: string, roles: string[], o: { uscc?: string; legalName?: string } = {}): Promise<Member> {
  const op = { key: stack.operatorKey };
  const uscc = o.uscc ?? randomUscc();
  const legalName = o.legalName ?? (o.uscc ? seedLegalName(o.uscc) : `${label} 有限公司 ${randomBytes(3).toString("hex")}`);
  const created = await stack.api.post("/v1/organizations", { legalName, unifiedSocialCreditCode: uscc, roles, contacts: [], ...developmentFacts(roles) }, op);
  if (created.status !== 201) throw new Error(`create ${label}: ${created.status} ${JSON.stringify(created.body)}`);
  const orgId = created.body.id as string;
  const kyc = await stack.api.post(`/v1/organizations/${orgId}/kyc-approval`, {}, op);
  if (kyc.status !== 202) throw new Error(`approve ${label}: ${kyc.status} ${JSON.stringify(kyc.body)}`);
  await eventually(async () => (await stack.api.get(`/v1/organizations/${orgId}`, op)).body.status === "active", 30_000, `${label} to become active`);
  const admin = await stack.firstAdmin(orgId, undefined, roles);
  return { label, orgId, key: admin.key, userId: admin.userId, uscc, legalName, roles };
}

/** An integrator's endpoint on 127.0.0.1 that accepts every delivery. */
async function startReceiver(): Promise<{ url: (path: string) => string; received: () => number; close: () => Promise<void> }> {
  let n = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      n++;
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    received: () => n,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export const WORLD_MEMBERS = ["supplierA", "supplierB", "coreA", "coreB", "bankA", "bankB", "issuer", "auditor"] as const;
export type WorldMember = (typeof WORLD_MEMBERS)[number];

interface WorldOptions {
  /** Extra members (onboarded with the others), e.g. a bank without credit lines. */
  extraMembers?: Record<string, string[]>;
  /** Verified invoices of supplier A to core A left free (not backing any receivable). */
  freeInvoicesA?: number;
  /** More Pending and Confirmed certificates of supplier A on core A (far maturity). */
  pendingA?: number;
  confirmedA?: number;
  /** Webhook subscriptions besides the "*" one of every member, by member. */
  moreSubscriptions?: Partial<Record<WorldMember, string[][]>>;
  /** Certificates core A issues to supplier A (far maturity), left offered: waiting for supplier A's acceptance (签收). */
  offersToA?: number;
}

export interface BusinessWorld {
  m: Record<WorldMember, Member>;
  extra: Record<string, Member>;
  /** China Standard Time dates. */
  today: string;
  farMaturity: string;
  invoices: {
    freeA: string[];
    freeB: string[];
    usedA: string[];
    usedB: string[];
    freeAToCoreB: string[];
    /** Invoices verification refused (not at the tax bureau): for corrections and deletions. Supplier A's: 2, B's: 1. */
    refusedA: string[];
    refusedB: string[];
  };
  /**
   * Certificates. A1: supplier A's, financed by bank A (bank B's quote closed). A2: Pending. A3:
   * financed by bank A with recourse, gone overdue and declared defaulted. A4: unfinanced, overdue
   * (supplier A may declare it defaulted). B1: supplier B's, financed by bank B. B2: Confirmed,
   * with open quotes of both banks. B3: Pending. offeredA: issued by core A, waiting for supplier
   * A's acceptance. A3 and A4 paused core A as a delinquent obligor; governance resumed it.
   */
  r: { A1: string; A2: string; A3: string; A4: string; B1: string; B2: string; B3: string; pendingA: string[]; confirmedA: string[]; offeredA: string[] };
  amounts: Record<string, string>;
  req: { A1: string; A3: string; B1: string; B2: string };
  quotes: { A1bankA: string; A1bankB: string; A3bankA: string; B1bankA: string; B1bankB: string; B2bankA: string; B2bankB: string };
  fin: { A1: string; A3: string; B1: string };
  hooks: Record<WorldMember, { subscription: string; delivery: string; more: string[] }>;
  statements: { bankA: string; bankB: string };
  /** Operation ids each member asked for (outbox organization_id). */
  operations: Record<WorldMember, string[]>;
  receiver: Awaited<ReturnType<typeof startReceiver>>;
  timings: Record<string, number>;
}

const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const cstToday = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

export async function buildWorld(stack: Stack, o: WorldOptions = {}): Promise<BusinessWorld> {
  const api = stack.api;
  const timings: Record<string, number> = {};
  let t0 = Date.now();
  const lap = (what: string) => {
    timings[what] = Date.now() - t0;
    t0 = Date.now();
  };
  const must = async (what: string, p: Promise<{ status: number; body: any }>, status: number) => {
    const r = await p;
    if (r.status !== status) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const receiver = await startReceiver();
  const today = cstToday();
  const far = addDays(today, 180);
  const near = addDays(today, 3);

  // members: the seed suppliers and core enterprises (so their invoices verify), two banks, an issuer, an auditor
  const specs: [string, string[], string | undefined][] = [
    ["supplierA", ["supplier"], SEED_USCC.supplierA],
    ["supplierB", ["supplier"], SEED_USCC.supplierB],
    ["coreA", ["core_enterprise"], SEED_USCC.coreA],
    ["coreB", ["core_enterprise"], SEED_USCC.coreB],
    ["bankA", ["bank"], undefined],
    ["bankB", ["bank"], undefined],
    ["issuer", ["settlement_issuer"], undefined],
    ["auditor", ["auditor"], undefined],
    ...Object.entries(o.extraMembers ?? {}).map(([label, roles]) => [label, roles, undefined] as [string, string[], undefined]),
  ];
  const onboarded = await Promise.all(specs.map(([label, roles, uscc]) => onboardMember(stack, label, roles, { uscc })));
  const m = Object.fromEntries(onboarded.slice(0, WORLD_MEMBERS.length).map((x) => [x.label, x])) as Record<WorldMember, Member>;
  const extra = Object.fromEntries(onboarded.slice(WORLD_MEMBERS.length).map((x) => [x.label, x]));
  const as = (who: Member) => ({ key: who.key });
  lap("onboarding");

  // every member follows every event; an auditor may not subscribe through the API (it changes
  // nothing), so its subscription and test delivery are fixtures made with the service directly
  const hooks = {} as BusinessWorld["hooks"];
  const auditorHooks = new WebhooksService(stack.ds, new KeyVault(stack.config.KEY_ENCRYPTION_KEY));
  const subscribe = async (label: WorldMember, url: string, events: string[]) =>
    label === "auditor"
      ? { id: (await auditorHooks.subscribe(await fixtureAuth(stack, m[label]), url, events)).subscription.id }
      : must(`subscribe ${label}`, api.post("/v1/webhooks", { url, events }, as(m[label])), 201);
  await Promise.all(
    WORLD_MEMBERS.map(async (label) => {
      const sub = await subscribe(label, receiver.url(`/${label}`), ["*"]);
      const more: string[] = [];
      for (const events of o.moreSubscriptions?.[label] ?? []) more.push((await subscribe(label, receiver.url(`/${label}/more`), events)).id);
      hooks[label] = { subscription: sub.id, delivery: "", more };
    }),
  );

  const mined = (id: string, who: Member) =>
    eventually(async () => {
      const r = await api.get(`/v1/operations/${id}`, as(who));
      if (r.body?.status === "failed") throw new Error(`operation ${id} failed: ${JSON.stringify(r.body.error)}`);
      return r.body?.status === "mined";
    }, 60_000, `operation ${id}`);
  const statusOf = async (id: string, who: Member) => (await api.get(`/v1/receivables/${id}`, as(who))).body;
  const allIn = (ids: string[], who: Member, status: string) =>
    eventually(async () => {
      const rows = await Promise.all(ids.map((id) => statusOf(id, who)));
      const failed = rows.find((x) => x.status === "failed");
      if (failed) throw new Error(`receivable ${failed.id} failed: ${JSON.stringify(failed.failure)}`);
      return rows.every((x) => x.status === status) ? rows : null;
    }, 60_000, `${ids.length} receivables to be ${status}`);

  // money and credit, while the invoices are verified: deposits, repayment authorization (not core A: its near certificates must go unpaid), credit lines
  const money = (async () => {
    const ops: [string, Member][] = [];
    for (const to of [m.bankA, m.bankB, m.coreA, m.coreB]) {
      ops.push([(await must("deposit", api.post("/v1/settlement/deposits", { organizationId: to.orgId, amount: "1000000000000" }, as(m.issuer)), 202)).id, m.issuer]);
    }
    ops.push([(await must("authorize", api.post("/v1/settlement/repayment-authorization", { amount: "1000000000000" }, as(m.coreB)), 202)).id, m.coreB]);
    for (const bank of [m.bankA, m.bankB]) {
      for (const core of [m.coreA, m.coreB]) {
        ops.push([(await must("credit line", api.post("/v1/credit-lines", { obligorId: core.orgId, limit: "1000000000000" }, as(bank)), 202)).operation.id, bank]);
      }
    }
    for (const [id, who] of ops) await mined(id, who);
  })();

  // invoices, verified by the local tax bureau
  const nA = 4 + (o.pendingA ?? 0) + (o.confirmedA ?? 0) + (o.offersToA ?? 0) + (o.freeInvoicesA ?? 1);
  const submit = async (who: Member, buyer: string, n: number) => {
    const body = { invoices: cleanSeedInvoices(who.uscc, buyer, n) };
    const items = (await must(`invoices of ${who.label}`, api.post("/v1/invoices/batch", body, as(who)), 202)).items as { id: string }[];
    return items.map((i) => i.id);
  };
  const [invA, invB, invAToCoreB] = await Promise.all([submit(m.supplierA, SEED_USCC.coreA, nA), submit(m.supplierB, SEED_USCC.coreB, 4), Promise.resolve([] as string[])]);
  await eventually(async () => {
    const all = await Promise.all([...invA.map((id) => [id, m.supplierA] as const), ...invB.map((id) => [id, m.supplierB] as const)].map(async ([id, who]) => (await api.get(`/v1/invoices/${id}`, as(who))).body));
    const rejected = all.find((i) => i.status === "rejected");
    if (rejected) throw new Error(`seed invoice ${rejected.invoiceNumber} was rejected: ${JSON.stringify(rejected.rejection)}`);
    return all.every((i) => i.status === "verified");
  }, 60_000, "the seed invoices to be verified");
  // and a few that verification refuses (numbers the tax bureau does not know), to correct or delete
  const refuse = async (who: Member, buyer: string, n: number) => {
    const [model] = cleanSeedInvoices(who.uscc, buyer, 1);
    const invoices = Array.from({ length: n }, () => ({ ...model, invoiceNumber: `2650${Array.from(randomBytes(16), (b) => b % 10).join("")}`, waybillNumbers: [] }));
    const items = (await must(`refused invoices of ${who.label}`, api.post("/v1/invoices/batch", { invoices }, as(who)), 202)).items as { id: string }[];
    return items.map((i) => i.id);
  };
  const [refusedA, refusedB] = await Promise.all([refuse(m.supplierA, SEED_USCC.coreA, 2), refuse(m.supplierB, SEED_USCC.coreB, 1)]);
  await eventually(async () => {
    const all = await Promise.all([...refusedA.map((id) => [id, m.supplierA] as const), ...refusedB.map((id) => [id, m.supplierB] as const)].map(async ([id, who]) => (await api.get(`/v1/invoices/${id}`, as(who))).body));
    return all.every((i) => i.status === "rejected");
  }, 60_000, "the invoices the tax bureau does not know to be refused");
  lap("invoices");

  // certificates: registered, then confirmed in one batch per core enterprise
  const pendingA = o.pendingA ?? 0;
  const confirmedA = o.confirmedA ?? 0;
  const itemsA = [
    { invoiceIds: [invA[0]], maturityDate: far }, // A1
    { invoiceIds: [invA[1]], maturityDate: far }, // A2
    { invoiceIds: [invA[2]], maturityDate: near }, // A3
    { invoiceIds: [invA[3]], maturityDate: near }, // A4
    ...invA.slice(4, 4 + pendingA + confirmedA).map((id) => ({ invoiceIds: [id], maturityDate: far })),
  ].map((x) => ({ obligorId: m.coreA.orgId, ...x }));
  const itemsB = invB.slice(0, 3).map((id) => ({ obligorId: m.coreB.orgId, invoiceIds: [id], maturityDate: far }));
  const [regA, regB] = await Promise.all([
    must("register A", api.post("/v1/receivables", { items: itemsA }, as(m.supplierA)), 202),
    must("register B", api.post("/v1/receivables", { items: itemsB }, as(m.supplierB)), 202),
  ]);
  const idsA = regA.items.map((x: { receivable: { id: string } }) => x.receivable.id) as string[];
  const idsB = regB.items.map((x: { receivable: { id: string } }) => x.receivable.id) as string[];
  await Promise.all([allIn(idsA, m.supplierA, "pending"), allIn(idsB, m.supplierB, "pending")]);
  const r: BusinessWorld["r"] = {
    A1: idsA[0],
    A2: idsA[1],
    A3: idsA[2],
    A4: idsA[3],
    pendingA: idsA.slice(4, 4 + pendingA),
    confirmedA: idsA.slice(4 + pendingA),
    B1: idsB[0],
    B2: idsB[1],
    B3: idsB[2],
    offeredA: [],
  };
  const toConfirmA = [r.A1, r.A3, r.A4, ...r.confirmedA];
  await Promise.all([
    must("confirm A", api.post("/v1/receivables/confirmations", { receivableIds: toConfirmA }, as(m.coreA)), 202),
    must("confirm B", api.post("/v1/receivables/confirmations", { receivableIds: [r.B1, r.B2] }, as(m.coreB)), 202),
  ]);
  const confirmed = [...(await allIn(toConfirmA, m.supplierA, "confirmed")), ...(await allIn([r.B1, r.B2], m.supplierB, "confirmed"))];
  const amounts = Object.fromEntries(confirmed.map((x: { id: string; amount: string }) => [x.id, x.amount]));
  for (const x of await Promise.all([r.A2, ...r.pendingA].map((id) => statusOf(id, m.supplierA)))) amounts[x.id] = x.amount;
  amounts[r.B3] = (await statusOf(r.B3, m.supplierB)).amount;
  await money;
  lap("certificates, deposits and credit lines");

  // the marketplace: requests, competing quotes, acceptance, funding through the registry and the ledger
  const validUntil = new Date(Date.now() + 86_400_000).toISOString();
  const request = async (id: string, who: Member) => (await must("request", api.post("/v1/financing-requests", { receivableId: id }, as(who)), 201)).id as string;
  const quote = async (req: string, bank: Member, rateBp: number, recourse = false) =>
    (await must("quote", api.post(`/v1/financing-requests/${req}/quotes`, { advanceRateBp: 9000, annualRateBp: rateBp, dayCount: 360, fee: "1000", recourse, validUntil }, as(bank)), 201)).id as string;
  const req = { A1: await request(r.A1, m.supplierA), A3: await request(r.A3, m.supplierA), B1: await request(r.B1, m.supplierB), B2: await request(r.B2, m.supplierB) };
  const quotes = {
    A1bankA: await quote(req.A1, m.bankA, 400),
    A1bankB: await quote(req.A1, m.bankB, 450),
    A3bankA: await quote(req.A3, m.bankA, 500, true),
    B1bankA: await quote(req.B1, m.bankA, 480),
    B1bankB: await quote(req.B1, m.bankB, 420),
    B2bankA: await quote(req.B2, m.bankA, 410),
    B2bankB: await quote(req.B2, m.bankB, 415),
  };
  const accept = async (q: string, who: Member) => (await must("accept", api.post(`/v1/quotes/${q}/acceptance`, {}, as(who)), 202)).id as string;
  const fin = { A1: await accept(quotes.A1bankA, m.supplierA), A3: await accept(quotes.A3bankA, m.supplierA), B1: await accept(quotes.B1bankB, m.supplierB) };
  await Promise.all(
    [[fin.A1, m.supplierA], [fin.A3, m.supplierA], [fin.B1, m.supplierB]].map(([id, who]) =>
      eventually(async () => {
        const x = (await api.get(`/v1/financings/${id}`, as(who as Member))).body;
        if (x.status === "failed") throw new Error(`funding ${id} failed: ${JSON.stringify(x.failure)}`);
        return x.status === "funded";
      }, 60_000, `financing ${id} to be funded`),
    ),
  );
  await allIn([r.A1, r.A3], m.supplierA, "financed");
  lap("marketplace and funding");

  // maturity: the ledger's clock moves past the near certificates' grace and default periods; core A has authorized nothing, so they go overdue
  const rpc = (method: string, params: unknown[]) =>
    fetch(stack.config.LEDGER_RPC_URL, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  await rpc("evm_increaseTime", [45 * 86_400]);
  await rpc("evm_mine", []);
  await allIn([r.A3, r.A4], m.supplierA, "overdue");
  const declared = await must("declare default", api.post("/v1/receivables/defaults", { receivableIds: [r.A3] }, as(m.bankA)), 202);
  await mined(declared.id, m.bankA);
  await allIn([r.A3], m.supplierA, "defaulted");
  // A3 and A4 paused core A as a delinquent obligor; governance resumes it (a restructuring), so it issues and confirms again
  await eventually(async () => (await api.get(`/v1/obligors/${m.coreA.orgId}/standing`, as(m.supplierA))).body.paused, 30_000, "core A to be paused");
  const gateway = await LedgerGateway.connect(stack.config.LEDGER_RPC_URL);
  try {
    await resumeObligor(stack.ds, gateway, DEPLOYER_KEY, m.coreA.orgId, "restructuring agreed with its creditors");
  } finally {
    gateway.destroy();
  }
  await eventually(async () => !(await api.get(`/v1/obligors/${m.coreA.orgId}/standing`, as(m.supplierA))).body.paused, 30_000, "core A to be resumed");
  lap("maturity, overdue and default");

  // offers: core A issues to supplier A, which has not accepted them yet
  const offered = invA.slice(4 + pendingA + confirmedA, 4 + pendingA + confirmedA + (o.offersToA ?? 0));
  if (offered.length) {
    const issued = await must("issue to A", api.post("/v1/receivables/issuances", { items: offered.map((id) => ({ supplierId: m.supplierA.orgId, invoiceIds: [id], maturityDate: far })) }, as(m.coreA)), 202);
    r.offeredA = issued.items.map((x: { receivable: { id: string } }) => x.receivable.id);
    for (const x of await allIn(r.offeredA, m.supplierA, "offered")) amounts[x.id] = x.amount;
  }
  lap("offers");

  // bank statements: bank A's own advances; bank B's, with a line naming bank A's financing
  const HEADER = "value_date,reference,type,amount,counterparty,bank_reference";
  const f = async (id: string, who: Member) => (await api.get(`/v1/financings/${id}`, as(who))).body as { advance: string };
  const [fA1, fA3, fB1] = await Promise.all([f(fin.A1, m.bankA), f(fin.A3, m.bankA), f(fin.B1, m.bankB)]);
  const statements = {
    bankA: (await must("statement A", api.post("/v1/reconciliation/statements", { date: today, csv: [HEADER, `${today},${fin.A1},advance,${fA1.advance},,BKA-1`, `${today},${fin.A3},advance,${fA3.advance},,BKA-2`].join("\n") }, as(m.bankA)), 201)).id as string,
    bankB: (await must("statement B", api.post("/v1/reconciliation/statements", { date: today, csv: [HEADER, `${today},${fin.B1},advance,${fB1.advance},,BKB-1`, `${today},${fin.A1},advance,${fA1.advance},,BKB-2`].join("\n") }, as(m.bankB)), 201)).id as string,
  };

  // a test delivery for everyone, delivered
  await Promise.all(
    WORLD_MEMBERS.map(async (label) => {
      hooks[label].delivery =
        label === "auditor"
          ? (await auditorHooks.sendTest(await fixtureAuth(stack, m[label]), hooks[label].subscription)).id
          : (await must(`test delivery for ${label}`, api.post(`/v1/webhooks/${hooks[label].subscription}/test`, {}, as(m[label])), 202)).id;
    }),
  );
  await settleWorld(stack);
  lap("statements, deliveries, quiet");

  const operations = Object.fromEntries(
    await Promise.all(WORLD_MEMBERS.map(async (label) => [label, ((await stack.ds.query(`SELECT id::text FROM outbox WHERE organization_id = $1 ORDER BY id`, [m[label].orgId])) as { id: string }[]).map((x) => x.id)])),
  ) as Record<WorldMember, string[]>;
  return {
    m,
    extra,
    today,
    farMaturity: far,
    invoices: {
      freeA: invA.slice(4 + pendingA + confirmedA + (o.offersToA ?? 0)),
      freeB: invB.slice(3),
      usedA: invA.slice(0, 4 + pendingA + confirmedA + (o.offersToA ?? 0)),
      usedB: invB.slice(0, 3),
      freeAToCoreB: invAToCoreB,
      refusedA,
      refusedB,
    },
    r,
    amounts,
    req,
    quotes,
    fin,
    hooks,
    statements,
    operations,
    receiver,
    timings,
  };
}

/** Waits until the outbox is done, no webhook delivery or notification mail is pending and nothing changes any more (projections and deliveries settle asynchronously). */
export async function settleWorld(stack: Stack, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  const state = async () =>
    JSON.stringify(
      await stack.ds.query(
        `SELECT (SELECT count(*) FROM outbox WHERE status IN ('pending', 'submitted'))::int AS busy,
                (SELECT count(*) FROM webhook_deliveries WHERE status = 'pending')::int AS deliveries,
                (SELECT count(*) FROM invoices WHERE status IN ('received', 'verifying'))::int AS invoices,
                (SELECT count(*) FROM financings WHERE status IN ('registry_check', 'submitting'))::int AS fundings,
                (SELECT count(*) FROM notification_mails WHERE status = 'pending')::int AS mails,
                (SELECT count(*) FROM notifications)::int AS notifications,
                (SELECT count(*) FROM outbox)::int AS outbox, (SELECT count(*) FROM chain_events)::int AS events,
                (SELECT count(*) FROM webhook_deliveries)::int AS all_deliveries, (SELECT max(updated_at)::text FROM receivables) AS receivables`,
      ),
    );
  let last = "";
  let stableSince = Date.now();
  for (;;) {
    const now = await state();
    const idle = /"busy":0,"deliveries":0,"invoices":0,"fundings":0,"mails":0/.test(now);
    if (now !== last) {
      last = now;
      stableSince = Date.now();
    } else if (idle && Date.now() - stableSince > 400) return;
    if (Date.now() > until) throw new Error(`the world did not settle within ${timeoutMs} ms: ${now}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
