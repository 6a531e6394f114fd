import fc from "fast-check";
import { bearer, type Operation, type ProblemExpectation } from "../support/openapi-probe";
import { baseParts, build, fixed, show, type Case } from "./cases";
import type { BrowserLogin, Context } from "./probe";
import type { BadInput } from "./world";

/** Authentication failures for one endpoint: no, malformed, unknown, revoked or suspended keys; dead sessions; changes without their CSRF token or from another site. */
export function authGenerators({ w, stack }: BadInput, op: Operation, ctx: Context): fc.Arbitrary<Case>[] {
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
