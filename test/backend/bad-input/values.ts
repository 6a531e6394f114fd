import fc from "fast-check";
import type { JsonType } from "../support/openapi-probe";

/** Strings that have broken parsers, databases, logs and browsers before. */
export const HOSTILE = [
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
export const MASS_ASSIGNMENT = [
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

export const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 20 }) },
  { weight: 2, arbitrary: fc.tuple(fc.string({ maxLength: 6 }), fc.constantFrom(...HOSTILE), fc.string({ maxLength: 6 })).map(([a, h, b]) => a + h + b) },
);

export const anyJson = (depth = 2): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    ...(depth > 0 ? [fc.array(anyJson(depth - 1), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 6 }), anyJson(depth - 1), { maxKeys: 3 })] : []),
  );

export const VALUES_OF_TYPE: Record<JsonType, fc.Arbitrary<unknown>> = {
  string: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom("1", "true", "null", "[]", "")),
  number: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0, -1, 1.5, 1e308, Number.MAX_SAFE_INTEGER + 2)),
  boolean: fc.boolean(),
  null: fc.constant(null),
  array: fc.array(anyJson(1), { maxLength: 3 }),
  object: fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), anyJson(1), { maxKeys: 3 }),
};
