import fc from "fast-check";
import {
  DELETE,
  LONE_SURROGATE,
  closedObjectsOf,
  fieldName,
  fieldsOf,
  isConstrainedString,
  isNumeric,
  jsonTypesOf,
  numberMaybeValid,
  sample,
  stringMaybeValid,
  type Field,
  type JsonType,
  type Loc,
  type Operation,
  type SchemaObject,
} from "../support/openapi-probe";
import { ALL, apply, baseParts, build, show, type Case } from "./cases";
import type { Context } from "./probe";
import { MASS_ASSIGNMENT, VALUES_OF_TYPE, anyJson, hostileString } from "./values";
import type { BadInput } from "./world";

/** Bad values for one field, each with the kind of mistake it is. */
function badValues({ bodyLimit }: BadInput, f: Field): { kind: string; arb: fc.Arbitrary<unknown> }[] {
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
export function schemaGenerators(b: BadInput, op: Operation, ctx: Context): fc.Arbitrary<Case>[] {
  const base = baseParts(op, ctx);
  const fields = [...fieldsOf("params", op.params, base.params), ...fieldsOf("query", op.query, base.query), ...fieldsOf("body", op.body, base.body)];
  const gens: fc.Arbitrary<Case>[] = [];
  for (const f of fields) {
    const name = fieldName(f.loc, f.path);
    for (const { kind, arb } of badValues(b, f)) {
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
      const values = loc === "query" ? fc.constantFrom("active", "true", b.stack.operatorOrgId, "operator") : fc.oneof(fc.constantFrom("active", ["operator"], b.stack.operatorOrgId, "registered", true, { $ne: null }, null), anyJson(1));
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
