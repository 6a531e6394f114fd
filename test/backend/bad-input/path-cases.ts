import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { LONE_SURROGATE, bearer, fillPath, patternExtremes, stringMaybeValid, type Operation, type ProblemExpectation } from "../support/openapi-probe";
import { baseParts, build, fixed, show, type Case, type Parts } from "./cases";
import type { Context } from "./probe";
import { hostileString } from "./values";
import type { BadInput } from "./world";

/** Bad path ids for one endpoint: not an id, nobody's id, another tenant's id, undecodable. */
export function pathGenerators({ w }: BadInput, op: Operation, ctx: Context): fc.Arbitrary<Case>[] {
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
