import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { randomBytes, randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { Stack, randomUscc } from "./support/stack";
import { firstAdminKey } from "../../backend/src/ops/first-admin";
import { BrowserSession } from "./support/session";
import { SIGN_IN_LIMITS } from "../../backend/src/modules/onboarding/sign-in-throttle";

const PASSWORD = "correct horse battery";

describe("people: sign-in, sessions, duties and four-eyes approvals", () => {
  let stack: Stack;
  let supplier: Awaited<ReturnType<Stack["onboard"]>>;
  const url = () => `http://127.0.0.1:${stack.apiPort}`;

  /** The organization's admin (its key) invites a person; the person accepts in a fresh browser, which is then signed in. */
  async function person(org: { orgId: string; key: string }, duty: "viewer" | "clerk" | "approver", role: "admin" | "member" = "member") {
    const email = `${duty}-${randomBytes(4).toString("hex")}@people.example`;
    const invited = await stack.api.post(`/v1/organizations/${org.orgId}/invitations`, { email, name: `${duty} person`, duty, role }, { key: org.key });
    expect(invited.status, JSON.stringify(invited.body)).toBe(201);
    const browser = new BrowserSession(url());
    const accepted = await browser.post("/v1/invitations/acceptance", { token: invited.body.token, password: PASSWORD });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(201);
    return { browser, email, id: accepted.body.user.id as string, token: invited.body.token as string };
  }

  beforeAll(async () => {
    stack = await Stack.start();
    supplier = await stack.onboard(["supplier"]);
  });
  afterAll(async () => stack?.close());

  it("signs a person in with an httpOnly, Secure, SameSite=Strict session cookie, while API keys keep working", async () => {
    const { email } = await person(supplier, "clerk");
    const browser = new BrowserSession(url());
    const signedIn = await browser.signIn(email.toUpperCase(), PASSWORD);
    expect(signedIn.status).toBe(201);
    expect(signedIn.body.user).toMatchObject({ email, duty: "clerk", organizationId: supplier.orgId, signsIn: true });
    const session = browser.lastSetCookies.find((c) => c.startsWith("cf_session="))!;
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Strict/i);
    expect(session).toMatch(/Secure/i); // NODE_ENV=test: outside development
    const csrf = browser.lastSetCookies.find((c) => c.startsWith("cf_csrf="))!;
    expect(csrf).not.toMatch(/HttpOnly/i);
    expect(signedIn.body.csrfToken).toBe(browser.csrf);

    const me = await browser.get("/v1/me");
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ email, duty: "clerk" });
    expect((await stack.api.get("/v1/me", { key: supplier.key })).status).toBe(200);
    // the sign-in is audited, the password never
    const [row] = await stack.ds.query(`SELECT user_id, detail FROM audit_log WHERE path = '/v1/sessions' AND status = 201 ORDER BY id DESC LIMIT 1`);
    expect(row.user_id).toBe(signedIn.body.user.id);
    expect(row.detail.body.password).toBe("[redacted]");
  });

  it("gives a new session at every sign-in, never the one the browser brought", async () => {
    const { email } = await person(supplier, "viewer");
    const browser = new BrowserSession(url());
    browser.cookies.set("cf_session", "planted-by-an-attacker");
    await browser.signIn(email, PASSWORD);
    const first = browser.cookies.get("cf_session");
    expect(first).not.toBe("planted-by-an-attacker");
    await browser.signIn(email, PASSWORD);
    expect(browser.cookies.get("cf_session")).not.toBe(first);
    const planted = new BrowserSession(url());
    planted.cookies.set("cf_session", "planted-by-an-attacker");
    expect((await planted.get("/v1/me")).status).toBe(401);
  });

  it("ends the session at sign-out, and every session of the person at a password change", async () => {
    const { email, browser: a } = await person(supplier, "clerk");
    const b = new BrowserSession(url());
    await b.signIn(email, PASSWORD);
    const oldA = new BrowserSession(url());
    oldA.cookies.set("cf_session", a.cookies.get("cf_session")!);

    const changed = await a.post("/v1/me/password", { currentPassword: PASSWORD, newPassword: "a much longer new secret" });
    expect(changed.status).toBe(201);
    expect((await a.get("/v1/me")).status).toBe(200); // this browser got a new session
    expect((await oldA.get("/v1/me")).status).toBe(401);
    expect((await b.get("/v1/me")).status).toBe(401);
    expect((await new BrowserSession(url()).signIn(email, PASSWORD)).status).toBe(401);

    const wrong = await a.post("/v1/me/password", { currentPassword: "not the password", newPassword: "yet another long one" });
    expect(wrong.status).toBe(403);
    expect(wrong.body.code).toBe("SESSION.PASSWORD_WRONG");

    const kept = new BrowserSession(url());
    kept.cookies.set("cf_session", a.cookies.get("cf_session")!);
    expect((await a.call("DELETE", "/v1/sessions/current")).status).toBe(204);
    expect(a.cookies.has("cf_session")).toBe(false);
    expect((await kept.get("/v1/me")).status).toBe(401);
  });

  it("refuses a change without the session's CSRF token, or from another site", async () => {
    const { browser } = await person(supplier, "approver");
    const invoice = { invoiceNumber: "1", invoiceCode: "1" };
    for (const [o, why] of [
      [{ csrf: null }, "no token"],
      [{ csrf: "not-the-token" }, "a wrong token"],
      [{ headers: { origin: "https://evil.example" } }, "another origin"],
      [{ headers: { "sec-fetch-site": "cross-site" } }, "a cross-site fetch"],
    ] as const) {
      const r = await browser.post("/v1/invoices", invoice, o);
      expect(r.status, why).toBe(403);
      expect(r.body.code, why).toBe("CSRF.REFUSED");
    }
    // a form another site posts: refused before its body is read
    const form = await fetch(`${url()}/v1/organizations/${supplier.orgId}/invitations`, {
      method: "POST",
      headers: { origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded", cookie: `cf_session=${browser.cookies.get("cf_session")}` },
      body: "email=x%40evil.example&name=x&duty=approver",
    });
    expect(form.status).toBe(403);
    expect(((await form.json()) as { code: string }).code).toBe("CSRF.REFUSED");
    // API clients send no Origin and are unaffected
    expect((await stack.api.post("/v1/sessions", { email: "nobody@people.example", password: "x" })).status).toBe(401);
    // a blank key presented on a public route is a bad key, not an absent one
    for (const headers of [{ authorization: "Bearer  " }, { "x-api-key": " " }] as Record<string, string>[]) {
      const blank = await stack.api.post("/v1/sessions", { email: "nobody@people.example", password: "x" }, { headers });
      expect([blank.status, blank.body.detail], JSON.stringify(headers)).toEqual([401, expect.stringMatching(/API key is malformed/)]);
    }
  });

  it("throttles failed sign-ins per account and per address, with one answer whether the email exists or not", async () => {
    const { email } = await person(supplier, "clerk");
    const browser = new BrowserSession(url());
    const wrong = await browser.signIn(email, "wrong password!");
    const unknown = await browser.signIn(`nobody-${randomBytes(3).toString("hex")}@people.example`, "wrong password!");
    expect(wrong.status).toBe(401);
    expect({ ...unknown.body, instance: undefined }).toEqual({ ...wrong.body, instance: undefined });
    for (let i = 1; i < SIGN_IN_LIMITS.perAccount; i++) expect((await browser.signIn(email, "wrong password!")).status).toBe(401);
    const blocked = await browser.signIn(email, PASSWORD); // even the right password, now
    expect(blocked.status).toBe(429);
    expect(blocked.body.code).toBe("SESSION.THROTTLED");
    expect(blocked.body.detail).toMatch(/try again in 15 minutes/);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(800);

    // per address: many accounts from one address
    const other = await person(supplier, "clerk");
    for (let i = 2; i < SIGN_IN_LIMITS.perAddress; i++) await browser.signIn(`guess-${i}@people.example`, "wrong password!");
    expect((await browser.signIn(other.email, PASSWORD)).status).toBe(429);
    // the window's counts live in Redis; the rest of this file signs in from the same address
    const redis = new Redis(stack.config.REDIS_URL);
    const keys = await redis.keys(`${stack.config.QUEUE_PREFIX}:signin:*`);
    expect(keys.length).toBeGreaterThan(1);
    await redis.del(...keys);
    redis.disconnect();
  });

  it("lets a viewer and an auditor's people read, never change", async () => {
    const viewer = await person(supplier, "viewer");
    expect((await viewer.browser.get("/v1/receivables")).status).toBe(200);
    const refused = await viewer.browser.post("/v1/financing-requests", { receivableId: "00000000-0000-4000-8000-000000000000" });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe("DUTY.READ_ONLY");

    // an auditor's admin invites nobody (it changes nothing): the regulator is its first admin, invited by the operator
    const auditorOrg = await stack.api.post("/v1/organizations", { legalName: "Regulator", unifiedSocialCreditCode: randomUscc(), roles: ["auditor"], contacts: [] }, { key: stack.operatorKey });
    const first = await firstAdminKey(url(), stack.operatorKey, auditorOrg.body.id, { email: `regulator-${randomBytes(3).toString("hex")}@people.example`, name: "Regulator", password: PASSWORD, issueKey: false });
    const regulator = { browser: new BrowserSession(url()) };
    regulator.browser.cookies.set("cf_session", first.session);
    regulator.browser.cookies.set("cf_csrf", first.csrf);
    expect((await regulator.browser.get("/v1/receivables")).status).toBe(200);
    // an auditor lists every certificate; a member only its own
    expect((await regulator.browser.get("/v1/receivables?role=all")).status).toBe(200);
    expect((await viewer.browser.get("/v1/receivables?role=all")).status).toBe(403);
    for (const [path, body] of [["/v1/api-keys", { label: "mine" }], ["/v1/financing-requests", { receivableId: "00000000-0000-4000-8000-000000000000" }]] as const) {
      const write = await regulator.browser.post(path, body);
      expect(write.status, path).toBe(403);
      expect(write.body.code, path).toBe("DUTY.READ_ONLY");
    }
    // signing out is not a write to the platform
    expect((await regulator.browser.call("DELETE", "/v1/sessions/current")).status).toBe(204);
  });

  it("makes a clerk's action that moves money wait for another approver, and audits both people", async () => {
    const clerk = await person(supplier, "clerk");
    const approver = await person(supplier, "approver");
    const action = { path: "/v1/settlement/repayment-authorization", body: { amount: "1234500" } };

    const direct = await clerk.browser.post(action.path, action.body);
    expect(direct.status).toBe(403);
    expect(direct.body.code).toBe("DUTY.APPROVER_REQUIRED");

    const drafted = await clerk.browser.post("/v1/drafts", { method: "post", ...action });
    expect(drafted.status, JSON.stringify(drafted.body)).toBe(201);
    expect(drafted.body).toMatchObject({ status: "pending", path: action.path, createdBy: { id: clerk.id }, decidedBy: null });
    expect((await clerk.browser.post(`/v1/drafts/${drafted.body.id}/approval`)).body.code).toBe("DUTY.APPROVER_REQUIRED");
    // nothing has moved yet
    expect((await stack.api.get("/v1/settlement/account", { key: supplier.key })).body.repaymentAuthorization ?? "0").not.toBe("1234500");

    const approved = await approver.browser.post(`/v1/drafts/${drafted.body.id}/approval`);
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.draft).toMatchObject({ status: "approved", createdBy: { id: clerk.id }, decidedBy: { id: approver.id } });
    expect(approved.body.result.status).toMatch(/pending|submitted|mined/);
    expect((await approver.browser.post(`/v1/drafts/${drafted.body.id}/approval`)).status).toBe(409);

    const audit = await stack.ds.query(`SELECT user_id, detail FROM audit_log WHERE path = $1 AND status = 200`, [`/v1/drafts/${drafted.body.id}/approval`]);
    expect(audit).toHaveLength(1);
    expect(audit[0].user_id).toBe(approver.id);
    expect(audit[0].detail.draft).toMatchObject({ draftedBy: clerk.id, action: `POST ${action.path}`, body: action.body });

    // four-eyes holds for approvers too: nobody approves their own draft
    const own = await approver.browser.post("/v1/drafts", { method: "post", ...action });
    expect((await approver.browser.post(`/v1/drafts/${own.body.id}/approval`)).body.code).toBe("DRAFT.OWN");
    const second = await person(supplier, "approver");
    const r = await second.browser.post(`/v1/drafts/${own.body.id}/rejection`, { reason: "not this month" });
    expect(r.body).toMatchObject({ status: "rejected", reason: "not this month", decidedBy: { id: second.id } });

    // only actions that need an approver are drafted, and their bodies are checked at once
    const plain = await clerk.browser.post("/v1/drafts", { method: "post", path: "/v1/invoices", body: {} });
    expect(plain.body.code).toBe("DRAFT.NOT_AN_APPROVAL");
    const bad = await clerk.browser.post("/v1/drafts", { method: "post", path: action.path, body: { amount: "-1" } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].field).toMatch(/^body\.body\.amount/);
    // another organization's drafts are not there
    const other = await stack.onboard(["supplier"]);
    expect((await stack.api.get(`/v1/drafts/${drafted.body.id}`, { key: other.key })).status).toBe(404);
  });

  it("shows an approver what a draft touches in names and figures, never another member's data", async () => {
    const core = await stack.onboard(["core_enterprise"], "华东制造股份有限公司");
    const otherCore = await stack.onboard(["core_enterprise"], "Elsewhere Manufacturing");
    const second = await stack.onboard(["supplier"], "二级供应商有限公司");
    const bank = await stack.onboard(["bank"], "Drafts Test Bank");
    const supplierName = (await stack.api.get(`/v1/organizations/${supplier.orgId}`, { key: supplier.key })).body.legalName as string;
    // certificates as the ledger's projection keeps them (fixture rows: what is read here is the draft, not the ledger)
    const certificate = async (obligor: string, creditor: string, amount: string, status = "pending") => {
      const number = String(Date.now() * 1000 + Math.floor(Math.random() * 1000));
      const [row] = await stack.ds.query(
        `INSERT INTO receivables (chain_id, origin, obligor_organization_id, creditor_organization_id, holder_organization_id, amount, maturity, status)
         VALUES ($1, 'registered', $2, $3, $3, $4, '2027-06-29T16:00:00Z', $5) RETURNING id`,
        [number, obligor, creditor, amount, status],
      );
      return { id: row.id as string, number };
    };
    const mine = await certificate(core.orgId, supplier.orgId, "100000000");
    const theirs = await certificate(otherCore.orgId, second.orgId, "55500");

    // the core enterprise's clerk drafts confirming its certificate, and names another's
    const clerk = await person(core, "clerk");
    const confirm = await clerk.browser.post("/v1/drafts", { method: "post", path: "/v1/receivables/confirmations", body: { receivableIds: [mine.id, theirs.id] } });
    expect(confirm.status, JSON.stringify(confirm.body)).toBe(201);
    expect(confirm.body.operationId).toBe("receivables.confirm");
    expect(confirm.body.subjects).toEqual([
      { kind: "certificate", id: mine.id, certificateNumber: mine.number, obligor: "华东制造股份有限公司", supplier: supplierName, amount: "100000000", maturity: "2027-06-30" },
    ]);
    // the other member's certificate is not revealed: not its number, obligor, supplier or amount
    const text = JSON.stringify(confirm.body.subjects);
    for (const secret of [theirs.number, "Elsewhere Manufacturing", "二级供应商有限公司", "55500"]) expect(text).not.toContain(secret);
    const approver = await person(core, "approver");
    const read = await approver.browser.get(`/v1/drafts/${confirm.body.id}`);
    expect(read.body.subjects).toEqual(confirm.body.subjects);

    // split parts name organizations: by legal name, in the directory's terms
    const holderClerk = await person(supplier, "clerk");
    const split = await holderClerk.browser.post("/v1/drafts", {
      method: "post",
      path: `/v1/receivables/${mine.id}/splits`,
      body: { parts: [{ organizationId: second.orgId, amount: "60000000" }, { organizationId: supplier.orgId, amount: "40000000" }] },
    });
    expect(split.status, JSON.stringify(split.body)).toBe(201);
    expect(split.body.operationId).toBe("receivables.split");
    expect(split.body.subjects.map((s: { kind: string; certificateNumber?: string; name?: string }) => [s.kind, s.certificateNumber ?? s.name])).toEqual([
      ["certificate", mine.number],
      ["organization", "二级供应商有限公司"],
      ["organization", supplierName],
    ]);

    // a bank's credit line, old limit → new
    const bankClerk = await person(bank, "clerk");
    await stack.ds.query(`INSERT INTO credit_lines (bank_organization_id, obligor_organization_id, limit_amount) VALUES ($1, $2, 500000000)`, [bank.orgId, core.orgId]);
    const line = await bankClerk.browser.post("/v1/drafts", { method: "post", path: "/v1/credit-lines", body: { obligorId: core.orgId, limit: "800000000" } });
    expect(line.status, JSON.stringify(line.body)).toBe(201);
    expect(line.body.subjects).toContainEqual({ kind: "creditLine", id: core.orgId, name: "华东制造股份有限公司", from: "500000000", to: "800000000" });

    // a quote: the bank's, cash now, the rate in percent, fee, recourse, valid until as a date; another supplier's quote is not revealed
    const [request] = await stack.ds.query(
      `INSERT INTO financing_requests (receivable_id, supplier_organization_id, obligor_organization_id, status) VALUES ($1, $2, $3, 'open') RETURNING id`,
      [mine.id, supplier.orgId, core.orgId],
    );
    const [quote] = await stack.ds.query(
      `INSERT INTO quotes (request_id, bank_organization_id, advance, annual_rate_bp, day_count, fee, days, interest, due, recourse, valid_until, status)
       VALUES ($1, $2, 95000000, 435, 360, 50000, 200, 2296000, 100000000, true, '2027-01-15T15:59:00Z', 'open') RETURNING id`,
      [request.id, bank.orgId],
    );
    const accept = await holderClerk.browser.post("/v1/drafts", { method: "post", path: `/v1/quotes/${quote.id}/acceptance`, body: {} });
    expect(accept.status, JSON.stringify(accept.body)).toBe(201);
    expect(accept.body.subjects).toEqual([
      { kind: "quote", id: quote.id, name: "Drafts Test Bank", certificate: mine.number, advance: "95000000", annualRatePercent: "4.35", fee: "50000", recourse: true, validUntil: "2027-01-15" },
    ]);
    const stranger = await person(second, "clerk");
    const peek = await stranger.browser.post("/v1/drafts", { method: "post", path: `/v1/quotes/${quote.id}/acceptance`, body: {} });
    expect(peek.status, JSON.stringify(peek.body)).toBe(201);
    expect(peek.body.subjects).toEqual([]);
    // a quote the bank drafts: its terms as the approver compares them, on the request's certificate
    const drafting = await bankClerk.browser.post("/v1/drafts", {
      method: "post",
      path: `/v1/financing-requests/${request.id}/quotes`,
      body: { advanceRateBp: 9500, annualRateBp: 380, dayCount: 365, fee: "0", validUntil: "2027-02-01T12:00:00+08:00" },
    });
    expect(drafting.status, JSON.stringify(drafting.body)).toBe(201);
    expect(drafting.body.operationId).toBe("financing.createQuote");
    expect(drafting.body.subjects).toEqual([
      expect.objectContaining({ kind: "certificate", id: mine.id, certificateNumber: mine.number }),
      { kind: "quote", id: null, name: "Drafts Test Bank", certificate: mine.number, advance: "95000000", annualRatePercent: "3.80", fee: "0", recourse: false, validUntil: "2027-02-01" },
    ]);

    // the repayment authorization, old → new
    const authorize = await clerk.browser.post("/v1/drafts", { method: "post", path: "/v1/settlement/repayment-authorization", body: { amount: "300000000" } });
    expect(authorize.body.subjects).toEqual([{ kind: "repaymentAuthorization", id: null, from: "0", to: "300000000" }]);

    // lists mark what waits for an approver: the core enterprise's confirmation queue, the supplier's certificates and quotes
    const coreWaiting = (await approver.browser.get("/v1/drafts/waiting-subjects")).body.items;
    expect(coreWaiting).toContainEqual({ kind: "certificate", id: mine.id, draftId: confirm.body.id, operationId: "receivables.confirm" });
    const supplierWaiting = (await holderClerk.browser.get("/v1/drafts/waiting-subjects")).body.items;
    expect(supplierWaiting).toContainEqual({ kind: "quote", id: quote.id, draftId: accept.body.id, operationId: "financing.acceptQuote" });
    expect(supplierWaiting.map((i: { draftId: string }) => i.draftId)).not.toContain(confirm.body.id);
  });

  it("lets a clerk withdraw its own pending draft, and nobody else, and only while it waits", async () => {
    const clerk = await person(supplier, "clerk");
    const otherClerk = await person(supplier, "clerk");
    const approver = await person(supplier, "approver");
    const drafted = await clerk.browser.post("/v1/drafts", { method: "post", path: "/v1/settlement/repayment-authorization", body: { amount: "700" } });
    expect(drafted.status).toBe(201);

    for (const who of [otherClerk, approver]) {
      const r = await who.browser.post(`/v1/drafts/${drafted.body.id}/withdrawal`);
      expect([r.status, r.body.code]).toEqual([403, "DRAFT.NOT_YOURS"]);
    }
    const other = await stack.onboard(["supplier"]);
    expect((await stack.api.post(`/v1/drafts/${drafted.body.id}/withdrawal`, {}, { key: other.key })).status).toBe(404);

    const withdrawn = await clerk.browser.post(`/v1/drafts/${drafted.body.id}/withdrawal`);
    expect(withdrawn.status, JSON.stringify(withdrawn.body)).toBe(200);
    expect(withdrawn.body).toMatchObject({ id: drafted.body.id, status: "withdrawn", decidedBy: null, operationId: "settlement.authorizeRepayment" });
    expect((await clerk.browser.get("/v1/drafts?status=withdrawn")).body.items.map((d: { id: string }) => d.id)).toContain(drafted.body.id);
    // nothing runs on a withdrawn draft, nor is it withdrawn twice
    expect((await approver.browser.post(`/v1/drafts/${drafted.body.id}/approval`)).status).toBe(409);
    expect((await clerk.browser.post(`/v1/drafts/${drafted.body.id}/withdrawal`)).status).toBe(409);

    // a decided draft stays decided
    const decided = await clerk.browser.post("/v1/drafts", { method: "post", path: "/v1/settlement/repayment-authorization", body: { amount: "800" } });
    await approver.browser.post(`/v1/drafts/${decided.body.id}/rejection`, { reason: "not now" });
    const late = await clerk.browser.post(`/v1/drafts/${decided.body.id}/withdrawal`);
    expect([late.status, late.body.code]).toEqual([409, "DRAFT.DECIDED"]);
  });

  it("shows every member the consortium's members by name and role, never their contacts", async () => {
    const { browser } = await person(supplier, "viewer");
    const banks = await stack.onboard(["bank"], "Directory Test Bank");
    const listed = await browser.get("/v1/members?role=bank&limit=200");
    expect(listed.status).toBe(200);
    const bank = listed.body.items.find((m: { id: string }) => m.id === banks.orgId);
    expect(bank).toEqual({ id: banks.orgId, legalName: "Directory Test Bank", unifiedSocialCreditCode: banks.org.unifiedSocialCreditCode, roles: ["bank"], status: "active" });
    expect(listed.body.items.every((m: { roles: string[] }) => m.roles.includes("bank"))).toBe(true);
  });

  it("keeps invitations to one use, from admins, for an email nobody signs in with", async () => {
    const invited = await person(supplier, "viewer");
    const again = await new BrowserSession(url()).post("/v1/invitations/acceptance", { token: invited.token, password: PASSWORD });
    expect(again.status).toBe(404);
    expect(again.body.code).toBe("INVITATION.INVALID");

    const member = await person(supplier, "approver", "member");
    const byMember = await member.browser.post(`/v1/organizations/${supplier.orgId}/invitations`, { email: "x@people.example", name: "X", duty: "viewer" });
    expect(byMember.status).toBe(403);
    const admin = await person(supplier, "approver", "admin");
    const dup = await admin.browser.post(`/v1/organizations/${supplier.orgId}/invitations`, { email: invited.email, name: "Again", duty: "viewer" });
    expect(dup.status).toBe(409);
    // another organization's admin learns nothing of who signs in elsewhere, not even by accepting its
    // own invitation: an email that signs in to another tenant is accepted exactly like a new one
    const elsewhere = await stack.onboard(["bank"]);
    const accepting = async (email: string) => {
      const probe = await stack.api.post(`/v1/organizations/${elsewhere.orgId}/invitations`, { email, name: "Probe", duty: "viewer" }, { key: elsewhere.key });
      expect(probe.status).toBe(201);
      const r = await new BrowserSession(url()).post("/v1/invitations/acceptance", { token: probe.body.token, password: "the prober's own password" });
      return { status: r.status, code: r.body.code, organization: r.body.organization?.id };
    };
    const unknownEmail = await accepting(`nobody-${randomBytes(3).toString("hex")}@people.example`);
    expect(await accepting(invited.email)).toEqual(unknownEmail);
    expect(unknownEmail).toEqual({ status: 201, code: undefined, organization: elsewhere.orgId });
    // and the person keeps signing in to their own organization with their own password
    const own = await new BrowserSession(url()).signIn(invited.email, PASSWORD);
    expect([own.status, own.body.organization?.id]).toEqual([201, supplier.orgId]);
    const ok = await admin.browser.post(`/v1/organizations/${supplier.orgId}/invitations`, { email: `new-${randomBytes(3).toString("hex")}@people.example`, name: "New", duty: "clerk" });
    expect(ok.status).toBe(201);
    // an admin changes a duty; it applies to the person's next request
    const changed = await admin.browser.post(`/v1/organizations/${supplier.orgId}/users/${invited.id}/duty`, { duty: "clerk" });
    expect(changed.body.duty).toBe("clerk");
    expect((await invited.browser.get("/v1/me")).body.user.duty).toBe("clerk");
  });

  it("gives a user who had only API keys a password through an invitation, keeping the user and its keys", async () => {
    const admin = await stack.onboard(["supplier"]);
    const created = await stack.api.post(`/v1/organizations/${admin.orgId}/users`, { email: "erp@people.example", name: "ERP", role: "admin" }, { key: admin.key });
    expect(created.status).toBe(201);
    const userKey = await stack.api.post("/v1/api-keys", { label: "erp", userId: created.body.id }, { key: admin.key });
    expect(userKey.status).toBe(201);
    const org = { orgId: admin.orgId, key: userKey.body.key as string };
    const user = created.body;
    expect(user.signsIn).toBe(false);
    const invited = await stack.api.post(`/v1/organizations/${org.orgId}/invitations`, { email: user.email, name: user.name, duty: "approver", role: "admin" }, { key: org.key });
    expect(invited.status).toBe(201);
    const browser = new BrowserSession(url());
    const accepted = await browser.post("/v1/invitations/acceptance", { token: invited.body.token, password: PASSWORD });
    expect(accepted.body.user).toMatchObject({ id: user.id, signsIn: true });
    expect((await stack.api.get("/v1/me", { key: org.key })).body.user.id).toBe(user.id);
    expect((await new BrowserSession(url()).signIn(user.email, PASSWORD)).status).toBe(201);
  });

  it("gives the operator's people no power inside a member, whatever their duty: no invitations, duties, users or keys there", async () => {
    const op = { key: stack.operatorKey };
    // the operator's own people, made by its admin (an approver): managing its own organization is allowed
    const ownPerson = async (duty: "viewer" | "clerk" | "approver", role: "admin" | "member") => {
      const u = await stack.api.post(`/v1/organizations/${stack.operatorOrgId}/users`, { email: `op-${role}-${duty}-${randomBytes(3).toString("hex")}@operator.example`, name: `${role} ${duty}`, role, duty }, op);
      expect(u.status, JSON.stringify(u.body)).toBe(201);
      const k = await stack.api.post("/v1/api-keys", { label: duty, userId: u.body.id }, op);
      expect(k.status, JSON.stringify(k.body)).toBe(201);
      return { key: k.body.key as string, name: `operator ${role} ${duty}` };
    };
    const operatorPeople = [
      await ownPerson("clerk", "member"),
      await ownPerson("approver", "member"),
      await ownPerson("clerk", "admin"),
      { key: stack.operatorKey, name: "operator admin approver" },
    ];
    const viewer = await person(supplier, "viewer");
    const before = (await stack.api.get(`/v1/organizations/${supplier.orgId}/users`, op)).body.items.length;
    for (const o of operatorPeople) {
      const invite = await stack.api.post(`/v1/organizations/${supplier.orgId}/invitations`, { email: `takeover-${randomBytes(3).toString("hex")}@evil.example`, name: "Takeover", role: "admin", duty: "approver" }, o);
      expect(invite.status, `${o.name} invites an admin into a member`).toBe(403);
      const duty = await stack.api.post(`/v1/organizations/${supplier.orgId}/users/${viewer.id}/duty`, { duty: "approver" }, o);
      expect(duty.status, `${o.name} changes a member's duty`).toBe(403);
      const user = await stack.api.post(`/v1/organizations/${supplier.orgId}/users`, { email: `shadow-${randomBytes(3).toString("hex")}@evil.example`, name: "Shadow", role: "admin" }, o);
      expect(user.status, `${o.name} adds a user to a member`).toBe(403);
      const key = await stack.api.post("/v1/api-keys", { label: "impersonation", userId: supplier.userId }, o);
      expect(key.status, `${o.name} issues a key for a member's user`).toBe(404);
    }
    expect((await stack.api.get(`/v1/organizations/${supplier.orgId}/users`, op)).body.items).toHaveLength(before);
    expect((await viewer.browser.get("/v1/me")).body.user.duty).toBe("viewer");
  });

  it("lets only the operator's approvers invite a new organization's first admin, once, while it has none", async () => {
    const op = { key: stack.operatorKey };
    const created = await stack.api.post("/v1/organizations", { legalName: "First Admin Co", unifiedSocialCreditCode: randomUscc(), roles: ["supplier"], enterpriseSize: "small", contacts: [] }, op);
    const orgId = created.body.id as string;
    const clerkUser = await stack.api.post(`/v1/organizations/${stack.operatorOrgId}/users`, { email: `op-clerk-${randomBytes(3).toString("hex")}@operator.example`, name: "Op clerk", role: "member", duty: "clerk" }, op);
    const clerk = { key: (await stack.api.post("/v1/api-keys", { label: "clerk", userId: clerkUser.body.id }, op)).body.key as string };
    const invite = (who: { key: string }, body: Record<string, string> = {}) =>
      stack.api.post(`/v1/organizations/${orgId}/invitations`, { email: `first-${randomBytes(3).toString("hex")}@first.example`, name: "First", role: "admin", duty: "approver", ...body }, who);

    expect((await invite(clerk)).status, "the operator's clerk").toBe(403);
    expect((await invite(op, { role: "member", duty: "viewer" })).status, "a member rather than the first admin").toBe(403);
    expect((await invite(op, { duty: "clerk" })).status, "an admin who could not invite anyone").toBe(403);
    // what the operator's portal form may send wrong: an email that is none, an organization that does not exist
    const badEmail = await invite(op, { email: "zhao.lixin at chuanyu" });
    expect([badEmail.status, badEmail.body.errors?.[0]?.field]).toEqual([422, "body.email"]);
    const nowhere = await stack.api.post(`/v1/organizations/${randomUUID()}/invitations`, { email: "first@nowhere.example", name: "First", role: "admin", duty: "approver" }, op);
    expect(nowhere.status, "an organization that does not exist").toBe(404);
    expect(await stack.ds.query(`SELECT count(*)::int AS n FROM invitations WHERE organization_id = $1`, [orgId])).toEqual([{ n: 0 }]);
    const lost = await invite(op);
    expect(lost.status).toBe(201);
    const first = await invite(op); // a new link replaces the lost one
    expect(first.status).toBe(201);
    expect((await new BrowserSession(url()).post("/v1/invitations/acceptance", { token: lost.body.token, password: PASSWORD })).status).toBe(404);
    const accepted = await new BrowserSession(url()).post("/v1/invitations/acceptance", { token: first.body.token, password: PASSWORD });
    expect(accepted.status).toBe(201);
    expect(accepted.body.user).toMatchObject({ role: "admin", duty: "approver", organizationId: orgId });
    // it has an admin now: the operator invites nobody more, not even another admin
    expect((await invite(op)).status).toBe(403);

    // a first admin's link kept back while the organization got its admin another way is void
    const other = await stack.api.post("/v1/organizations", { legalName: "Kept Link Co", unifiedSocialCreditCode: randomUscc(), roles: ["bank"], contacts: [] }, op);
    const kept = await stack.api.post(`/v1/organizations/${other.body.id}/invitations`, { email: "kept@first.example", name: "Kept", role: "admin", duty: "approver" }, op);
    expect(kept.status).toBe(201);
    await stack.fixtureUser(other.body.id, { role: "admin" });
    const late = await new BrowserSession(url()).post("/v1/invitations/acceptance", { token: kept.body.token, password: PASSWORD });
    expect([late.status, late.body.code]).toEqual([404, "INVITATION.INVALID"]);
  });

  it("asks an organization's admin to be an approver to add people, change duties or issue keys for others", async () => {
    const adminClerk = await person(supplier, "clerk", "admin");
    const colleague = await person(supplier, "viewer");
    for (const [what, r] of [
      ["invite", await adminClerk.browser.post(`/v1/organizations/${supplier.orgId}/invitations`, { email: `x-${randomBytes(3).toString("hex")}@people.example`, name: "X", duty: "viewer" })],
      ["change a duty", await adminClerk.browser.post(`/v1/organizations/${supplier.orgId}/users/${colleague.id}/duty`, { duty: "approver" })],
      ["add a user", await adminClerk.browser.post(`/v1/organizations/${supplier.orgId}/users`, { email: `y-${randomBytes(3).toString("hex")}@people.example`, name: "Y", role: "member" })],
      ["issue a colleague's key", await adminClerk.browser.post("/v1/api-keys", { label: "x", userId: colleague.id })],
    ] as const) {
      expect([r.status, r.body.code], what).toEqual([403, "DUTY.APPROVER_REQUIRED"]);
    }
    // its own key is its own business
    expect((await adminClerk.browser.post("/v1/api-keys", { label: "mine" })).status).toBe(201);
  });

  it("keeps an auditor organization read-only with an API key too: no webhooks, invitations, users or keys", async () => {
    const auditor = await stack.onboard(["auditor"]);
    const as = { key: auditor.key };
    for (const [what, r] of [
      ["create a webhook", await stack.api.post("/v1/webhooks", { url: "https://erp.example.com/hook", events: ["financing.funded"] }, as)],
      ["invite an admin", await stack.api.post(`/v1/organizations/${auditor.orgId}/invitations`, { email: "more@regulator.example", name: "More", duty: "approver", role: "admin" }, as)],
      ["add a user", await stack.api.post(`/v1/organizations/${auditor.orgId}/users`, { email: "user@regulator.example", name: "User", role: "admin" }, as)],
      ["issue a key", await stack.api.post("/v1/api-keys", { label: "more" }, as)],
      ["draft", await stack.api.post("/v1/drafts", { method: "post", path: "/v1/settlement/withdrawals", body: { amount: "1" } }, as)],
    ] as const) {
      expect([r.status, r.body.code], what).toEqual([403, "DUTY.READ_ONLY"]);
    }
    expect((await stack.api.get("/v1/receivables?role=all", as)).status).toBe(200);
  });

  it("signs a person who works for two organizations in to the one their password opens, or asks which", async () => {
    const bank = await stack.onboard(["bank"]);
    const email = `both-${randomBytes(3).toString("hex")}@people.example`;
    const inviteTo = async (org: { orgId: string; key: string }, password: string) => {
      const inv = await stack.api.post(`/v1/organizations/${org.orgId}/invitations`, { email, name: "Both", duty: "clerk" }, { key: org.key });
      expect((await new BrowserSession(url()).post("/v1/invitations/acceptance", { token: inv.body.token, password })).status).toBe(201);
    };
    await inviteTo(supplier, PASSWORD);
    await inviteTo(bank, "the bank's own password");
    expect((await new BrowserSession(url()).signIn(email, PASSWORD)).body.organization.id).toBe(supplier.orgId);
    expect((await new BrowserSession(url()).signIn(email, "the bank's own password")).body.organization.id).toBe(bank.orgId);
    const third = await stack.onboard(["core_enterprise"]);
    await inviteTo(third, PASSWORD);
    const ambiguous = await new BrowserSession(url()).signIn(email, PASSWORD);
    expect([ambiguous.status, ambiguous.body.code]).toEqual([409, "SESSION.ORGANIZATION_REQUIRED"]);
    // the two the password opens (not the bank), by id and legal name for the person to choose from;
    // `errors` still says the same as text, as before `organizations` existed
    const names = [supplier.org.legalName as string, third.org.legalName as string];
    expect(names[0]).not.toBe(names[1]);
    expect(ambiguous.body.organizations).toEqual([
      { id: supplier.orgId, legalName: names[0] },
      { id: third.orgId, legalName: names[1] },
    ]);
    expect(ambiguous.body.errors).toEqual([
      { field: "body.organizationId", message: `${supplier.orgId}: ${names[0]}` },
      { field: "body.organizationId", message: `${third.orgId}: ${names[1]}` },
    ]);
    const chosen = await new BrowserSession(url()).post("/v1/sessions", { email, password: PASSWORD, organizationId: third.orgId });
    expect([chosen.status, chosen.body.organization?.id]).toEqual([201, third.orgId]);
  });
});
