import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { Stack } from "./support/stack";
import { eventually } from "./support/http";
import { BrowserSession } from "./support/session";
import { NotificationsService } from "../../backend/src/modules/notifications";
import { CORE_USCC, SUPPLIER_USCC, onboardAs as onboardTrading, registerReceivable } from "./support/trade";

const PASSWORD = "correct horse battery";

/** A .eml's text part, its quoted-printable undone (nodemailer encodes Chinese so). */
const decodeQp = (raw: string) =>
  Buffer.from(
    raw
      .replace(/=\r?\n/g, "")
      .replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)))
      .split("")
      .map((c) => c.charCodeAt(0)),
  ).toString("utf8");

describe(NotificationsService.name, () => {
  let stack: Stack;
  const outbox = mkdtempSync(join(tmpdir(), "cf-mail-"));
  type Person = { userId: string; email: string; key: string };
  let core: { orgId: string; key: string }, supplier: { orgId: string; key: string }, issuer: { orgId: string; key: string }, other: { orgId: string; key: string };
  let receivableId = "";
  let draftId = "";
  let coreApprover: Person, coreClerk: Person, coreViewer: Person, supplierViewer: Person, otherClerk: Person;
  const as = (p: { key: string }) => ({ key: p.key });
  const list = async (p: Person, q = "") => {
    const r = await stack.api.get(`/v1/notifications${q}`, as(p));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.items as { id: string; kind: string; params: Record<string, string | null>; object: { type: string; id: string | null }; read: boolean }[];
  };
  const unread = async (p: Person) => (await stack.api.get("/v1/notifications/unread-count", as(p))).body.unread as number;
  const kinds = async (p: Person) => (await list(p)).map((n) => n.kind).sort();

  const onboardAs = (name: string, roles: string[], uscc: string) => onboardTrading(stack, name, roles, uscc);
  const person = (orgId: string, duty: "viewer" | "clerk" | "approver") => stack.fixtureUser(orgId, { role: "member", duty, password: PASSWORD, name: `${duty} ${orgId.slice(0, 4)}` });

  beforeAll(async () => {
    stack = await Stack.start({ env: { MAIL_OUTBOX_DIR: outbox, RATE_LIMIT_PER_MINUTE: "100000" } });
    [core, supplier, issuer, other] = await Promise.all([
      onboardAs("渝川汽车集团股份有限公司", ["core_enterprise"], CORE_USCC),
      onboardAs("重庆巴渝汽车内饰有限公司", ["supplier"], SUPPLIER_USCC),
      stack.onboard(["settlement_issuer"], "Issuer"),
      stack.onboard(["supplier"], "Other Parts"),
    ]);
    [coreApprover, coreClerk, coreViewer, supplierViewer, otherClerk] = await Promise.all([
      person(core.orgId, "approver"),
      person(core.orgId, "clerk"),
      person(core.orgId, "viewer"),
      person(supplier.orgId, "viewer"),
      person(other.orgId, "clerk"),
    ]);
  });
  afterAll(async () => {
    await stack?.close();
    rmSync(outbox, { recursive: true, force: true });
  });

  it("tells the obligor's clerks and approvers of a receivable to confirm, nobody else; counts, marks read and mails them", async () => {
    receivableId = await registerReceivable(stack, supplier, core.orgId);
    await eventually(async () => (await list(coreApprover)).length > 0, 30_000, "the approver's notification");

    const [n] = await list(coreApprover);
    expect(n).toMatchObject({ kind: "receivable.to_confirm", read: false, object: { type: "receivable", id: receivableId } });
    expect(n.params).toMatchObject({ counterparty: "重庆巴渝汽车内饰有限公司", amount: expect.stringMatching(/^\d+$/), certificateId: expect.any(String) });
    expect(await kinds(coreClerk)).toEqual(["receivable.to_confirm"]);
    // a viewer may not confirm: not told of work; the supplier and other organizations hear nothing of it
    expect(await kinds(coreViewer)).toEqual([]);
    expect(await kinds(supplierViewer)).toEqual([]);
    expect(await kinds(otherClerk)).toEqual([]);

    // read state is each person's own
    expect(await unread(coreApprover)).toBe(1);
    expect(await unread(coreClerk)).toBe(1);
    const read = await stack.api.post(`/v1/notifications/${n.id}/read`, {}, as(coreApprover));
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    expect(read.body.read).toBe(true);
    expect(await unread(coreApprover)).toBe(0);
    expect(await unread(coreClerk)).toBe(1);
    expect((await list(coreApprover, "?unread=true")).length).toBe(0);
    // another person's notification is not there for anyone else, in the organization or out of it
    expect((await stack.api.post(`/v1/notifications/${n.id}/read`, {}, as(coreClerk))).status).toBe(404);
    expect((await stack.api.post(`/v1/notifications/${n.id}/read`, {}, as(otherClerk))).status).toBe(404);
    expect((await stack.api.post("/v1/notifications/read-all", {}, as(coreClerk))).body).toEqual({ marked: 1 });
    expect(await unread(coreClerk)).toBe(0);

    // the development channel wrote the approver's mail as an .eml in the outbox, in Chinese with English, linking to the certificate
    const mail = await eventually(async () => {
      const files = readdirSync(outbox).filter((f) => f.endsWith(".eml"));
      const mine = files.map((f) => readFileSync(join(outbox, f), "utf8")).find((t) => t.includes(coreApprover.email) && t.includes(`notification-${n.id}@chainfactor`));
      return mine ?? null;
    }, 30_000, "the approver's mail in the outbox");
    const text = decodeQp(mail);
    expect(text).toContain("待您确权");
    expect(text).toContain("for you to confirm");
    expect(text).toContain(`/receivables/${receivableId}`);

    // a draft of the clerk waits for the approvers, never for its drafter
    const draft = await stack.api.post("/v1/drafts", { method: "post", path: "/v1/receivables/confirmations", body: { receivableIds: [receivableId] } }, as(coreClerk));
    expect(draft.status, JSON.stringify(draft.body)).toBe(201);
    draftId = draft.body.id;
    // the worker makes it from the draft once committed (a job; no statement on the request's path)
    await eventually(async () => (await list(coreApprover)).some((x) => x.kind === "draft.waiting"), 30_000, "the draft's notification");
    expect((await list(coreApprover)).find((x) => x.kind === "draft.waiting")).toMatchObject({ object: { type: "draft", id: draft.body.id }, params: { drafter: expect.stringContaining("clerk") } });
    expect(await kinds(coreClerk)).toEqual(["receivable.to_confirm"]);
    expect(await kinds(coreViewer)).toEqual([]);
  });

  it("tells the supplier of the confirmation, the banks that may quote of its financing request, and the supplier of the quote", async () => {
    expect((await stack.api.post(`/v1/drafts/${draftId}/approval`, {}, as(coreApprover))).status).toBe(200);
    await eventually(async () => (await kinds(supplierViewer)).includes("receivable.confirmed"), 30_000, "the confirmation's notification");
    const [bank, bankWithoutLine] = await Promise.all([stack.onboard(["bank"], "Bank A"), stack.onboard(["bank"], "Bank B")]);
    const [bankClerk, bankViewer, lonelyClerk] = await Promise.all([person(bank.orgId, "clerk"), person(bank.orgId, "viewer"), person(bankWithoutLine.orgId, "clerk")]);
    expect((await stack.api.post("/v1/credit-lines", { obligorId: core.orgId, limit: "1000000000000" }, as(bank))).status).toBe(202);
    await eventually(async () => (await stack.api.get("/v1/credit-lines", as(bank))).body.items.some((c: { limit: string }) => c.limit === "1000000000000"), 30_000, "the credit line");

    const request = await stack.api.post("/v1/financing-requests", { receivableId }, as(supplier));
    expect(request.status, JSON.stringify(request.body)).toBe(201);
    await eventually(async () => (await list(bankClerk)).length > 0, 30_000, "the request's notification");
    expect(await list(bankClerk)).toEqual([expect.objectContaining({ kind: "financing.to_quote", object: { type: "financing_request", id: request.body.id }, params: expect.objectContaining({ counterparty: "重庆巴渝汽车内饰有限公司" }) })]);
    expect(await kinds(bankViewer)).toEqual([]);
    expect(await kinds(lonelyClerk)).toEqual([]);

    const quote = await stack.api.post(
      `/v1/financing-requests/${request.body.id}/quotes`,
      { advanceRateBp: 9000, annualRateBp: 435, dayCount: 360, fee: "0", recourse: false, validUntil: new Date(Date.now() + 86_400_000).toISOString() },
      as(bank),
    );
    expect(quote.status, JSON.stringify(quote.body)).toBe(201);
    await eventually(async () => (await kinds(supplierViewer)).includes("financing.quote_arrived"), 30_000, "the quote's notification");
    expect((await list(supplierViewer)).find((n) => n.kind === "financing.quote_arrived")).toMatchObject({ object: { type: "financing_request", id: request.body.id }, params: { counterparty: "Bank A" } });
    expect((await list(otherClerk)).map((n) => n.kind)).toEqual([]);
  });

  it("tells every person of an organization that funds arrived, a session and an API key alike, and pages newest first", async () => {
    const before = await unread(supplierViewer);
    expect((await stack.api.post("/v1/settlement/deposits", { organizationId: supplier.orgId, amount: "123456" }, as(issuer))).status).toBe(202);
    await eventually(async () => (await unread(supplierViewer)) === before + 1, 30_000, "the deposit's notification");
    const browser = new BrowserSession(`http://127.0.0.1:${stack.apiPort}`);
    expect((await browser.signIn(supplierViewer.email, PASSWORD)).status).toBe(201);
    const viaSession = (await browser.get("/v1/notifications?limit=1")).body;
    expect(viaSession.items).toEqual([expect.objectContaining({ kind: "funds.arrived", params: expect.objectContaining({ amount: "123456" }), object: { type: "settlement", id: null } })]);
    expect(viaSession.next).toBe(viaSession.items[0].id);
    // a viewer marks its own notifications read (its own state, not the organization's)
    expect((await browser.post(`/v1/notifications/${viaSession.items[0].id}/read`)).status).toBe(200);
    expect(await unread(supplierViewer)).toBe(before);
    // the other supplier heard nothing
    expect((await list(otherClerk)).filter((x) => x.kind === "funds.arrived")).toEqual([]);
  });

  it("holds a count request (Prefer: wait) until the count moves from the one the client shows", async () => {
    const known = await unread(coreViewer);
    const waiting = stack.api.get(`/v1/notifications/unread-count?known=${known}`, { ...as(coreViewer), headers: { prefer: "wait=30" } });
    expect((await stack.api.post("/v1/settlement/deposits", { organizationId: core.orgId, amount: "1000" }, as(issuer))).status).toBe(202);
    const r = await waiting;
    expect(r.status).toBe(200);
    expect(r.headers.get("preference-applied")).toBe("wait=30");
    expect(r.body.unread).toBe(known + 1);
  });
});
