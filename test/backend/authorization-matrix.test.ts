import { randomBytes, randomUUID } from "node:crypto";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { Stack, randomUscc } from "./support/stack";
import { fetchOpenApi, listOperations } from "./support/openapi-probe";
import { developmentFacts } from "../../backend/src/ops/onboarding-facts";

/**
 * The authorization matrix: every endpoint of /openapi.json × every kind of caller — each
 * organization type × role (admin, member) × duty (viewer, clerk, approver) × credential (session,
 * API key) × its own or another organization — against the rule written down ONCE per endpoint
 * below. An endpoint without a rule fails the suite; so does a rule without an endpoint.
 *
 * What a rule says (the product's trust model, DESIGN.md "Trust model"):
 * - `orgs`: the organization types that may call it at all;
 * - `duty`: "read" (any duty), "clerk" (a duty that may write: clerk or approver), "approver" (it
 *   commits: approvers only; clerks draft it), "self" (the caller's own session: any duty);
 * - `admin`: only the organization's admins;
 * - `scope`: the path or body names an organization (or its user or key): `own` only, except for
 *   the organization types in `across` (the operator and auditors read every tenant; the operator
 *   acts on others' membership).
 * And two laws for every endpoint: an auditor organization writes nothing (only its own session,
 * "self"), and the credential never changes the answer (a session and a key of the same person
 * get the same status).
 *
 * How a write is checked without doing it: `Routes.invoke` decides organization type, duty and
 * suspension before it validates anything, so most writes are sent with a body no route accepts
 * (an unknown field): a caller who may act gets 422, one who may not 403. Where the decision
 * depends on the target (people, keys, webhooks: checked in the service after validation), the
 * row sends a valid body for a cheap action (an invitation, a user, a subscription) on a target
 * made for it. A caller allowed gets anything but 401/403 (a 404 for an object id nobody has is
 * fine: it got past authorization); a caller refused by type, role or duty gets exactly 403, and
 * one refused by scope 403 or 404 (another tenant's organization is absent, except to those who
 * may know it exists). Never a 5xx.
 */

type Org = "operator" | "core_enterprise" | "supplier" | "bank" | "settlement_issuer" | "auditor";
type Duty = "viewer" | "clerk" | "approver";
type Role = "admin" | "member";
const ORGS: Org[] = ["operator", "core_enterprise", "supplier", "bank", "settlement_issuer", "auditor"];
const ALL = ORGS;
const READERS: Org[] = ["operator", "auditor"];

/** What an endpoint acts on, when it acts on an organization: its id, a user and a key of it. */
interface Target {
  orgId: string;
  userId: string;
  keyId: string;
}

interface Rule {
  orgs: Org[];
  duty: "read" | "clerk" | "approver" | "self";
  admin?: true;
  /** The request names an organization (own or another); `across`: types that may name another. */
  scope?: { across: Org[] };
  /** Path parameters and body for a target (default: random ids, and a body no route accepts). */
  request?: (t: Target) => { params?: Record<string, string>; body?: unknown };
  public?: true;
}

const read = (orgs: Org[] = ALL): Rule => ({ orgs, duty: "read" });
const write = (orgs: Org[], duty: "clerk" | "approver" = "clerk", more: Partial<Rule> = {}): Rule => ({ orgs, duty, ...more });
const ownOrg = (t: Target) => ({ params: { id: t.orgId } });
const email = () => `matrix-${randomBytes(5).toString("hex")}@matrix.example`;

const RULES: Record<string, Rule> = {
  // ─── onboarding ───
  "GET /v1/me": read(),
  "POST /v1/organizations": write(["operator"]),
  "GET /v1/organizations": read(),
  "GET /v1/members": read(),
  "GET /v1/organizations/{id}": { ...read(), scope: { across: READERS }, request: ownOrg },
  "POST /v1/organizations/{id}/kyc-approval": write(["operator"], "approver", { scope: { across: ["operator"] }, request: ownOrg }),
  "POST /v1/organizations/{id}/suspension": write(["operator"], "approver", { scope: { across: ["operator"] }, request: ownOrg }),
  "POST /v1/organizations/{id}/reinstatement": write(["operator"], "approver", { scope: { across: ["operator"] }, request: ownOrg }),
  "POST /v1/organizations/{id}/users": write(ALL, "approver", {
    admin: true,
    scope: { across: [] },
    request: (t) => ({ params: { id: t.orgId }, body: { email: email(), name: "Matrix", role: "member", duty: "viewer" } }),
  }),
  "GET /v1/organizations/{id}/users": { ...read(), scope: { across: READERS }, request: ownOrg },
  "POST /v1/api-keys": write(ALL, "approver", { admin: true, scope: { across: [] }, request: (t) => ({ body: { label: "matrix", userId: t.userId } }) }),
  "GET /v1/api-keys": read(),
  "DELETE /v1/api-keys/{id}": write(ALL, "clerk", { admin: true, scope: { across: [] }, request: (t) => ({ params: { id: t.keyId } }) }),
  "GET /v1/operations/{id}": { ...read(), request: () => ({ params: { id: "999999999" } }) },
  "GET /v1/indexer/quarantine": read(READERS),
  // ─── people and sessions ───
  "POST /v1/sessions": { orgs: ALL, duty: "self", public: true },
  "DELETE /v1/sessions/current": { orgs: ALL, duty: "self" },
  "POST /v1/me/password": { orgs: ALL, duty: "self" },
  "POST /v1/organizations/{id}/invitations": write(ALL, "approver", {
    admin: true,
    scope: { across: [] },
    request: (t) => ({ params: { id: t.orgId }, body: { email: email(), name: "Matrix", role: "member", duty: "viewer" } }),
  }),
  "POST /v1/invitations/acceptance": { orgs: ALL, duty: "self", public: true },
  "POST /v1/organizations/{id}/users/{userId}/duty": write(ALL, "approver", {
    admin: true,
    scope: { across: [] },
    request: (t) => ({ params: { id: t.orgId, userId: t.userId }, body: { duty: "viewer" } }),
  }),
  // ─── approvals ───
  "POST /v1/drafts": write(ALL),
  "GET /v1/drafts": read(),
  "GET /v1/drafts/{id}": read(),
  "POST /v1/drafts/{id}/approval": write(ALL, "approver"),
  "POST /v1/drafts/{id}/rejection": write(ALL, "approver"),
  "POST /v1/drafts/{id}/withdrawal": write(ALL),
  "GET /v1/drafts/waiting-subjects": read(),
  // ─── invoices and receivables ───
  "POST /v1/invoices": write(["supplier"]),
  "GET /v1/invoices": read(),
  "POST /v1/invoices/batch": write(["supplier"]),
  "GET /v1/invoices/{id}": read(),
  "POST /v1/invoices/files": write(["supplier"]),
  "GET /v1/invoices/files/template": read(),
  "POST /v1/invoices/{id}/correction": write(["supplier"]),
  "DELETE /v1/invoices/{id}": write(["supplier"]),
  "POST /v1/receivables": write(["supplier"]),
  "POST /v1/receivables/attestations": write(["supplier", "core_enterprise"]),
  "GET /v1/receivables": read(),
  "POST /v1/receivables/issuances": write(["core_enterprise"], "approver"),
  "POST /v1/receivables/confirmations": write(["core_enterprise"], "approver"),
  "GET /v1/receivables/confirmations/typed-data": read(["core_enterprise"]),
  "POST /v1/receivables/rejections": write(["core_enterprise"], "approver"),
  "POST /v1/receivables/cancellations": write(["supplier"]),
  "POST /v1/receivables/{id}/splits": write(["supplier"], "approver"),
  "POST /v1/receivables/{id}/transfers": write(["supplier"], "approver"),
  // consent (签收 / 拒签): the receiver (a supplier) accepts or refuses, which binds it; the sender withdraws
  "POST /v1/receivables/acceptances": write(["supplier"], "approver"),
  "POST /v1/receivables/refusals": write(["supplier"], "approver"),
  "POST /v1/receivables/offer-withdrawals": write(["supplier", "core_enterprise"]),
  "GET /v1/receivables/offers": read(["supplier", "core_enterprise"]),
  // whether an obligor is paused as delinquent: any member may know (a supplier before accepting its certificate)
  "GET /v1/obligors/{organizationId}/standing": read(),
  "GET /v1/receivables/{id}": read(),
  "GET /v1/receivables/{id}/lineage": read(),
  "GET /v1/receivables/{id}/invoices": read(),
  "GET /v1/payables/calendar": read(["core_enterprise"]),
  // ─── financing ───
  "POST /v1/credit-lines": write(["bank"], "approver"),
  "GET /v1/credit-lines": read(),
  "POST /v1/financing-requests": write(["supplier"]),
  "GET /v1/financing-requests": read(),
  "GET /v1/financing-requests/{id}": read(),
  "POST /v1/financing-requests/{id}/cancellation": write(["supplier"]),
  "POST /v1/financing-requests/{id}/quotes": write(["bank"], "approver"),
  "GET /v1/financing-requests/{id}/quotes": read(),
  "GET /v1/financing-requests/{id}/dossier": read(["bank"]),
  "POST /v1/quotes/{id}/withdrawal": write(["bank"], "approver"),
  "GET /v1/quotes/{id}/terms": read(["supplier"]),
  "POST /v1/quotes/{id}/acceptance": write(["supplier"], "approver"),
  "GET /v1/financings": read(),
  "GET /v1/financings/{id}": read(),
  // ─── settlement and clearing ───
  "POST /v1/settlement/deposits": write(["settlement_issuer"], "approver"),
  "POST /v1/settlement/withdrawals": write(["core_enterprise", "supplier", "bank", "settlement_issuer"], "approver"),
  "POST /v1/settlement/repayment-authorization": write(["core_enterprise", "supplier"], "approver"),
  "POST /v1/settlement/payout-account": write(["core_enterprise", "supplier", "bank", "settlement_issuer"], "approver"),
  "GET /v1/settlement/payout-account": read(),
  "GET /v1/settlement/account": read(),
  "GET /v1/settlement/movements": read(),
  "GET /v1/settlement/repayment-coverage": read(["core_enterprise"]),
  "POST /v1/receivables/defaults": write(["bank", "supplier"], "approver"),
  "POST /v1/receivables/recourse-claims": write(["bank"], "approver"),
  "GET /v1/receivables/{id}/clearing": read(),
  // ─── webhooks ───
  "GET /v1/webhooks/event-types": read(),
  "POST /v1/webhooks": write(ALL, "clerk", { admin: true, request: () => ({ body: { url: "https://erp.example.com/matrix", events: ["financing.funded"] } }) }),
  "GET /v1/webhooks": read(),
  "GET /v1/webhooks/deliveries": read(),
  "POST /v1/webhooks/deliveries/{id}/redelivery": write(ALL),
  "DELETE /v1/webhooks/{id}": write(ALL, "clerk", { admin: true, request: () => ({ params: { id: randomUUID() } }) }),
  "POST /v1/webhooks/{id}/test": write(ALL),
  // ─── notifications (each person's own: read state and mail choice are the person's, any duty) ───
  "GET /v1/notifications": read(),
  "GET /v1/notifications/unread-count": read(),
  "POST /v1/notifications/{id}/read": { orgs: ALL, duty: "self" },
  "POST /v1/notifications/read-all": { orgs: ALL, duty: "self" },
  "GET /v1/notifications/settings": read(),
  "POST /v1/notifications/settings": { orgs: ALL, duty: "self" },
  // ─── documents (signed in person by approvers of members that sign; verification is public) ───
  "GET /v1/documents": read(),
  "GET /v1/documents/{id}": read(),
  "GET /v1/documents/{id}/pdf": read(),
  "POST /v1/documents/{id}/signatures": write(["core_enterprise", "supplier", "bank"], "approver"),
  "GET /v1/quotes/{id}/agreement": read(),
  "POST /v1/signing/certificates": write(["core_enterprise", "supplier", "bank"], "approver"),
  "GET /v1/signing/certificates": read(),
  "POST /v1/signing/certificates/{serial}/revocation": { orgs: ALL, duty: "self" },
  "GET /v1/signing/ca": { orgs: ALL, duty: "self", public: true },
  "POST /v1/verify": { orgs: ALL, duty: "self", public: true },
  "POST /v1/verify/issued": { orgs: ALL, duty: "self", public: true },
  "GET /v1/verify/documents/{id}": { orgs: ALL, duty: "self", public: true },
  // ─── reconciliation ───
  "GET /v1/reconciliation/report": read(["bank", "operator", "auditor"]),
  "POST /v1/reconciliation/statements": write(["bank"]),
  "GET /v1/reconciliation/statements": read(["bank", "operator", "auditor"]),
  // ─── conformity ───
  "GET /v1/conformity/feed": read(READERS),
  "GET /v1/conformity/feed/days/{day}": read(READERS),
  "GET /v1/conformity/abnormal-flows": read(READERS),
  "GET /v1/conformity/held-funds": read(["settlement_issuer", "operator", "auditor"]),
  "GET /v1/conformity/payment-terms": read(["operator", "auditor"]),
};

/** The two laws that hold for every endpoint, and the rule: may this caller do this to this target? */
function allowed(rule: Rule, method: string, c: { org: Org; role: Role; duty: Duty }, own: boolean): boolean {
  if (rule.public || rule.duty === "self") return true;
  if (!rule.orgs.includes(c.org)) return false;
  const writes = method !== "GET";
  if (writes && c.org === "auditor") return false; // an auditor reads and does nothing else
  if (rule.duty === "clerk" && c.duty === "viewer") return false;
  if (rule.duty === "approver" && c.duty !== "approver") return false;
  if (rule.admin && c.role !== "admin") return false;
  if (rule.scope && !own && !rule.scope.across.includes(c.org)) return false;
  return true;
}

interface Caller {
  org: Org;
  role: Role;
  duty: Duty;
  name: string;
  key: string;
  session: { cookie: string; csrf: string };
}

const PASSWORD = "authorization matrix password";

describe("authorization matrix", () => {
  let stack: Stack;
  const orgIds = {} as Record<Org, string>;
  const targets = {} as Record<Org, Target>;
  const callers: Caller[] = [];
  /** Whose organization a caller's "another organization" is. */
  const otherOf = (o: Org): Org => ORGS[(ORGS.indexOf(o) + 1) % ORGS.length];

  beforeAll(async () => {
    stack = await Stack.start({ workers: 0, indexer: false, env: { RATE_LIMIT_PER_MINUTE: "1000000" } });
    orgIds.operator = stack.operatorOrgId;
    // members need not be on chain for their requests to be authorized: created, KYC not approved
    for (const org of ORGS.filter((o) => o !== "operator")) {
      const r = await stack.api.post("/v1/organizations", { legalName: `Matrix ${org}`, unifiedSocialCreditCode: randomUscc(), roles: [org], contacts: [], ...developmentFacts([org]) }, { key: stack.operatorKey });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      orgIds[org] = r.body.id;
    }
    // in every organization a person of each role and duty, with a key and a session; and a target user with a key
    const made = await Promise.all(
      ORGS.flatMap((org) =>
        (["admin", "member"] as Role[]).flatMap((role) =>
          (["viewer", "clerk", "approver"] as Duty[]).map(async (duty) => {
            const u = await stack.fixtureUser(orgIds[org], { role, duty, email: `${org}-${role}-${duty}-${randomBytes(3).toString("hex")}@matrix.example`, password: PASSWORD });
            return { org, role, duty, ...u };
          }),
        ),
      ),
    );
    for (const u of made) {
      const r = await stack.api.post("/v1/sessions", { email: u.email, password: PASSWORD });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      const cookie = r.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
      callers.push({ org: u.org, role: u.role, duty: u.duty, name: `${u.org} ${u.role} ${u.duty}`, key: u.key, session: { cookie, csrf: r.body.csrfToken } });
    }
    for (const org of ORGS) {
      const t = await stack.fixtureUser(orgIds[org], { role: "member", duty: "viewer" });
      targets[org] = { orgId: orgIds[org], userId: t.userId, keyId: t.keyId };
    }
  }, 180_000);
  afterAll(async () => stack?.close());

  it("has one rule for every endpoint of /openapi.json, and no rule without an endpoint", async () => {
    const keys = listOperations(await fetchOpenApi(stack)).map((o) => o.key);
    expect(keys.filter((k) => !RULES[k]), "endpoints without a rule in the authorization matrix").toEqual([]);
    expect(Object.keys(RULES).filter((k) => !keys.includes(k)), "rules for endpoints that do not exist").toEqual([]);
  });

  it("answers every kind of caller on every endpoint as its rule says, whatever the credential", async () => {
    const ops = listOperations(await fetchOpenApi(stack));
    type Probe = { op: (typeof ops)[number]; rule: Rule; caller: Caller; own: boolean; via: "key" | "session" };
    const probes: Probe[] = [];
    for (const op of ops) {
      const rule = RULES[op.key];
      if (!rule) continue;
      for (const caller of callers) {
        for (const own of rule.scope ? [true, false] : [true]) {
          for (const via of ["key", "session"] as const) probes.push({ op, rule, caller, own, via });
        }
      }
    }

    const send = async (p: Probe) => {
      const target = targets[p.own ? p.caller.org : otherOf(p.caller.org)];
      const made = p.rule.request?.(target) ?? {};
      const params: Record<string, string> = { ...(made.params ?? {}) };
      const path = p.op.path.replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? randomUUID());
      // a body no route accepts, unless the rule gives a real one; a DELETE of one's session too, so it is not ended
      const body = made.body !== undefined ? made.body : p.op.method === "GET" || (p.op.method === "DELETE" && p.op.path !== "/v1/sessions/current") ? undefined : { matrixProbe: true };
      const headers: Record<string, string> = {};
      if (p.via === "key") headers.authorization = `Bearer ${p.caller.key}`;
      else Object.assign(headers, { cookie: p.caller.session.cookie, "x-csrf-token": p.caller.session.csrf });
      if (body !== undefined) headers["content-type"] = "application/json";
      const res = await fetch(`${stack.api.baseUrl}${path}`, { method: p.op.method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      return { status: res.status, text };
    };

    const findings: string[] = [];
    const statuses = new Map<string, number>();
    let next = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 12 }, async () => {
        while (next < probes.length) {
          const p = probes[next++];
          const r = await send(p);
          const may = allowed(p.rule, p.op.method, p.caller, p.own);
          const who = `${p.caller.name} (${p.via}) → ${p.op.key}${p.rule.scope ? (p.own ? " [own]" : ` [${otherOf(p.caller.org)}'s]`) : ""}`;
          if (r.status >= 500) findings.push(`${who}: ${r.status} ${r.text.slice(0, 200)}`);
          else if (may && (r.status === 401 || r.status === 403)) findings.push(`${who}: refused ${r.status} but the rule allows it: ${r.text.slice(0, 200)}`);
          else if (!may && p.rule.scope && !p.own ? ![403, 404].includes(r.status) : !may && r.status !== 403) {
            findings.push(`${who}: ${r.status} but the rule refuses it: ${r.text.slice(0, 200)}`);
          }
          const same = `${p.caller.name}|${p.op.key}|${p.own}`;
          const other = statuses.get(same);
          if (other === undefined) statuses.set(same, r.status);
          else if (other !== r.status && !(p.op.key === "POST /v1/invitations/acceptance" || p.op.key === "POST /v1/sessions")) {
            findings.push(`${p.caller.name} → ${p.op.key}: the credential changed the answer (${other} vs ${r.status})`);
          }
        }
      }),
    );
    console.info(`authorization matrix: ${probes.length} requests, ${callers.length} callers, ${ops.length} endpoints, ${Date.now() - started} ms`);
    expect(findings).toEqual([]);
  }, 600_000);

  it("keeps /metrics unserved by default, and the queue dashboard for the operator's approvers and admins", async () => {
    expect((await stack.api.get("/metrics")).status).toBe(404);
    for (const c of callers) {
      const r = await stack.api.get("/admin/queues/api/queues", { key: c.key });
      const may = c.org === "operator" && (c.role === "admin" || c.duty === "approver");
      expect(r.status, c.name).toBe(may ? 200 : 403);
    }
  });
});
