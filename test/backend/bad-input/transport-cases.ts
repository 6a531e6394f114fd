import { randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import type { Operation, ProblemExpectation } from "../support/openapi-probe";
import { ALL, baseParts, build, creds, fixed, show, type Case, type Parts } from "./cases";
import type { Context } from "./probe";
import type { BadInput } from "./world";

/** A gzip body that inflates to 20 times the body limit (made once). */
let bomb: Buffer | undefined;

/** The HTTP envelope of one endpoint: malformed JSON, wrong content types, charsets and encodings, oversized and deeply nested bodies, bad headers. */
export function transportGenerators({ bodyLimit }: BadInput, op: Operation, ctx: Context): fc.Arbitrary<Case>[] {
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
