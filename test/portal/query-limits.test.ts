/**
 * Every `limit` the portal asks an endpoint for is within what the endpoint allows (its query's
 * `maximum` in the API description): one above it is answered 422 REQUEST.INVALID, which a person
 * reads as "提交的内容有误" on a page where they submitted nothing (the auditor's invoices page asked
 * GET /v1/invoices for 500 where it allows 200). A page that needs more reads page by page.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { describeApi } from "../../backend/src/platform";

const PORTAL = join(__dirname, "..", "..", "portal", "src");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) && !name.endsWith(".d.ts") ? [path] : [];
  });
}

/** The text of the call whose "(" is at `open`, up to its matching ")" (strings and template literals skipped). */
function callText(source: string, open: number): string {
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    const c = source[i];
    if (c === '"' || c === "'" || c === "`") {
      for (i++; i < source.length && source[i] !== c; i++) if (source[i] === "\\") i++;
      continue;
    }
    if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return source.slice(open, i + 1);
  }
  return source.slice(open);
}

export interface LimitAsked {
  path: string;
  method: string;
  limit: number | string;
}

/** The limits a source asks for: `get("/v1/…", { params: { query: { limit: N … } } })` and `api.GET(…)`. */
export function limitsAsked(source: string): LimitAsked[] {
  const constants = new Map([...source.matchAll(/const (\w+) = (\d+);/g)].map((m) => [m[1], Number(m[2])]));
  const out: LimitAsked[] = [];
  for (const m of source.matchAll(/\b(get|post|del|api\.(?:GET|POST|DELETE))\(\s*"(\/[^"]+)"/g)) {
    const text = callText(source, m.index! + m[1].length);
    const method = m[1].replace("api.", "").toLowerCase() === "del" ? "delete" : m[1].replace("api.", "").toLowerCase();
    for (const l of text.matchAll(/\blimit:\s*([\w.]+)/g)) {
      const value = /^\d+$/.test(l[1]) ? Number(l[1]) : (constants.get(l[1]) ?? l[1]);
      out.push({ path: m[2], method, limit: value });
    }
  }
  return out;
}

type Parameter = { name: string; in: string; schema?: { maximum?: number } };

describe("the portal's query limits", () => {
  const doc = describeApi() as unknown as { paths: Record<string, Record<string, { parameters?: Parameter[] }>> };
  const maximum = (path: string, method: string): number | undefined =>
    doc.paths[path]?.[method]?.parameters?.find((p) => p.in === "query" && p.name === "limit")?.schema?.maximum;

  it("reads the limits of a call", () => {
    const src = `const PAGE = 50; get("/v1/receivables", { params: { query: { role: "all", limit: 500, ...(after ? { after } : {}) } } }); get("/v1/members", { params: { query: { limit: PAGE } } }); get("/v1/me");`;
    expect(limitsAsked(src)).toEqual([
      { path: "/v1/receivables", method: "get", limit: 500 },
      { path: "/v1/members", method: "get", limit: 50 },
    ]);
    expect(maximum("/v1/invoices", "get")).toBe(200);
  });

  it("asks no endpoint for more than it allows", () => {
    const asked = sources(PORTAL).flatMap((file) => limitsAsked(readFileSync(file, "utf8")).map((a) => ({ ...a, file: relative(PORTAL, file) })));
    expect(asked.length).toBeGreaterThan(10);
    const wrong = asked.flatMap((a) => {
      const max = maximum(a.path, a.method);
      if (typeof a.limit !== "number") return [`${a.file}: ${a.method.toUpperCase()} ${a.path} asks for limit ${a.limit}, which the test cannot read: write a number`];
      if (max === undefined) return [`${a.file}: ${a.method.toUpperCase()} ${a.path} has no limit with a maximum in /openapi.json`];
      return a.limit > max || a.limit < 1 ? [`${a.file}: ${a.method.toUpperCase()} ${a.path} asks for ${a.limit}, at most ${max} allowed`] : [];
    });
    expect(wrong).toEqual([]);
  });
});
