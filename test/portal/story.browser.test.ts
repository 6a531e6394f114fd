/// <reference lib="dom" />
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it, expect, beforeAll, afterAll, afterEach } from "vitest";
import hre from "hardhat";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchBrowser, newContext, signIn, writeControls } from "./support/browser";
import { CORE, DEMO_PASSWORD, OTHER_TIER1, TIER1, TIER2, eventually, startWorld, type World } from "./support/world";
import { en } from "./support/words";
import { signInDialog } from "./support/signing";
import invoiceSeeds from "../../seeds/invoices.json";
import taxBureau from "../../seeds/tax-bureau.json";
import { formatFen } from "../../portal/src/shared/money";

/**
 * The issue's story in the browser, against the real stack: a tier-1 supplier uploads invoices as a
 * file (a planted fake among them is refused, with its reason in words), registers receivables, the
 * core enterprise confirms them in one batch, the supplier splits one down to its tier-2 supplier,
 * who signs for (签收) its part in its inbox, the core enterprise issues (开立) a certificate the
 * supplier signs for, the supplier requests financing, two banks quote through the portal, the
 * supplier accepts the cheaper and watches the funds arrive; at maturity the certificate is settled
 * and the bank's reconciliation finds no mismatch. (Refusals, withdrawals and both languages:
 * consent.browser.test.ts.) Around it, what must not happen: a clerk accepting a quote, an auditor
 * writing, a supplier reading another's certificate, a cross-site form post.
 *
 * Money, credit lines and organizations are set up through the API with keys (support/world.ts);
 * what a person does in the story is done in the browser.
 */

type Inv = { supplier: string; expected?: string; duplicateOf?: unknown; invoice: Record<string, unknown> & { invoiceNumber: string; buyerTaxId: string } };
const seeds = (invoiceSeeds as unknown as { invoices: Inv[] }).invoices.filter((i) => i.supplier === TIER1);
const REAL = seeds.filter((i) => !i.expected && !i.duplicateOf && i.invoice.buyerTaxId === CORE).slice(0, 3);
/** One more of the supplier's invoices, the core enterprise issues a certificate against. */
const FOR_ISSUE = seeds.filter((i) => !i.expected && !i.duplicateOf && i.invoice.buyerTaxId === CORE)[3];
const FAKE = seeds.find((i) => i.expected === "INVOICE.AMOUNT_MISMATCH")!;

const yuan = (fen: bigint) => `${fen / 100n}.${String(fen % 100n).padStart(2, "0")}`;
const chinaToday = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

/** A POST from the page's own session, with the CSRF header the portal would send (a forged write). */
const postFromPage = (page: Page, path: string, body: unknown = {}) =>
  page.evaluate(
    async ({ path, body }) => {
      const csrf = decodeURIComponent(document.cookie.split("; ").find((c) => c.startsWith("cf_csrf="))?.slice("cf_csrf=".length) ?? "");
      const res = await fetch(path, { method: "POST", credentials: "same-origin", headers: { "content-type": "application/json", "x-csrf-token": csrf }, body: JSON.stringify(body) });
      const text = await res.text();
      return { status: res.status, code: (text ? JSON.parse(text) : {}).code as string | undefined, hadCsrf: csrf.length > 0 };
    },
    { path, body },
  );

describe("the portal's story in the browser", () => {
  let world: World;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  /** A signed-in page of `email` in a fresh browser profile (English, so the test reads the words it finds). */
  const person = async (email: string): Promise<Page> => {
    const context = await newContext(browser, world.baseURL, "en");
    contexts.push(context);
    const page = await context.newPage();
    await signIn(page, email, DEMO_PASSWORD);
    return page;
  };

  let supplier: Page;
  let receivableIds: string[] = [];
  let requestId: string;

  beforeAll(async () => {
    expect(REAL).toHaveLength(3);
    expect(FAKE).toBeDefined();
    [world, browser] = await Promise.all([startWorld({ suppliers: [TIER1, TIER2, OTHER_TIER1], people: [TIER1, TIER2, OTHER_TIER1, CORE] }), launchBrowser()]);
    const [bankA, bankB] = world.banks;
    // the banks' people: their approvers quote through the portal
    const { invitePeople } = await import("../../backend/src/ops/demo/people");
    const { ApiClient } = await import("../../backend/src/ops/demo/client");
    await invitePeople(new ApiClient(world.baseURL), world.stack.operatorKey, [bankA, bankB], ["approver"]);
  }, 240_000);

  // a failed step leaves a screenshot of every open page, to see what the person saw
  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== "fail") return;
    const dir = join(tmpdir(), "chainfactor-story-failures");
    mkdirSync(dir, { recursive: true });
    let n = 0;
    for (const c of contexts) for (const p of c.pages()) await p.screenshot({ path: join(dir, `${ctx.task.name.slice(0, 40).replace(/\W+/g, "-")}-${n++}.png`), fullPage: true }).catch(() => undefined);
    console.error(`screenshots of the failed step in ${dir}`);
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await world?.close();
  });

  it("uploads invoices as a file: the real ones are verified, the planted fake is refused with its reason in words", async () => {
    supplier = await person(world.email(TIER1, "approver"));
    await supplier.getByRole("navigation").getByRole("link", { name: en("invoices:nav.list"), exact: true }).click();
    await supplier.getByRole("main").getByRole("link", { name: en("invoices:list.upload") }).click();
    const file = { name: "invoices.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify({ invoices: [...REAL, FAKE].map((i) => i.invoice) })) };
    await supplier.getByLabel(en("invoices:upload.file")).setInputFiles(file);
    await supplier.getByRole("button", { name: en("invoices:upload.send", { count: 4 }) }).click();
    await supplier.getByText(en("invoices:upload.done", { count: 4 })).waitFor();
    await supplier.getByRole("main").getByRole("link", { name: en("invoices:upload.seeResults") }).click();
    // the list reads again while any is being verified: the outcomes appear without a reload
    const row = (number: string) => supplier.getByRole("row").filter({ hasText: number });
    await row(FAKE.invoice.invoiceNumber).getByText(en("invoices:rejection.INVOICE.AMOUNT_MISMATCH")).waitFor({ timeout: 30_000 });
    await expect(row(FAKE.invoice.invoiceNumber).textContent()).resolves.toContain(en("invoices:status.rejected"));
    // the refusal shows the tax bureau's figure beside the one submitted
    const recorded = (taxBureau.invoices as { invoiceNumber: string; total: string }[]).find((t) => t.invoiceNumber === FAKE.invoice.invoiceNumber)!;
    const line = en("invoices:mismatch.line", { field: en("invoices:mismatch.field.total"), taxBureau: formatFen(recorded.total), submitted: formatFen(String(FAKE.invoice.total)) });
    await row(FAKE.invoice.invoiceNumber).getByText(line).waitFor();
    for (const inv of REAL) await row(inv.invoice.invoiceNumber).getByText(en("invoices:status.verified"), { exact: true }).waitFor({ timeout: 30_000 });
    // the same file again: nothing is sent twice, and the page names each invoice skipped
    await supplier.getByRole("main").getByRole("link", { name: en("invoices:list.upload") }).click();
    await supplier.getByLabel(en("invoices:upload.file")).setInputFiles(file);
    await supplier.getByRole("button", { name: en("invoices:upload.send", { count: 4 }) }).click();
    await supplier.getByText(en("invoices:upload.duplicates", { count: 4 })).waitFor();
    await supplier.getByText(en("invoices:upload.done", { count: 0 })).waitFor();
  });

  it("registers receivables from the verified invoices, one certificate per invoice (the fake is not offered)", async () => {
    await supplier.goto("/portal/receivables/new");
    await supplier.getByRole("table").waitFor();
    await expect(supplier.getByLabel(en("receivables:register.select", { number: FAKE.invoice.invoiceNumber })).count()).resolves.toBe(0);
    // the portal registers the selected invoices of one buyer as one receivable: one at a time gives three
    for (const [n, inv] of REAL.entries()) {
      const box = supplier.getByLabel(en("receivables:register.select", { number: inv.invoice.invoiceNumber }));
      await box.check();
      await supplier.getByRole("button", { name: en("receivables:register.submit") }).click();
      await box.waitFor({ state: "detached" }); // the invoice is used now
      await eventually(async () => (await world.api.get("/v1/receivables?limit=50", { key: world.key(TIER1) })).body.items.length === n + 1, 15_000, "the registration");
    }
    await supplier.getByText(en("receivables:register.finished", { done: 1, failed: 0 })).waitFor({ timeout: 30_000 });
    const mine = await eventually(async () => {
      const items = (await world.api.get("/v1/receivables?limit=50", { key: world.key(TIER1) })).body.items as { id: string; status: string; amount: string }[];
      return items.every((r) => r.status === "pending") ? items : null;
    }, 30_000, "three pending receivables");
    expect(mine.map((r) => r.amount).sort()).toEqual(REAL.map((i) => String(i.invoice.total)).sort());
    receivableIds = mine.map((r) => r.id);
  });

  it("lets the core enterprise's approver confirm them in one batch", async () => {
    const core = await person(world.email(CORE, "approver"));
    await core.getByRole("navigation").getByRole("link", { name: en("receivables:nav.confirmations") }).click();
    // it can see what it confirms: the invoices behind a receivable
    const first = core.getByRole("row").filter({ has: core.getByLabel(en("receivables:confirm.select", { id: receivableIds[0].slice(0, 8) })) });
    await first.getByText(en("receivables:confirm.showInvoices")).click();
    const backing = (await world.api.get(`/v1/receivables/${receivableIds[0]}/invoices`, { key: world.key(TIER1) })).body.items[0].invoiceNumber;
    await first.getByText(backing).waitFor();
    for (const id of receivableIds) await core.getByLabel(en("receivables:confirm.select", { id: id.slice(0, 8) })).check();
    await core.getByRole("button", { name: en("receivables:confirm.confirm", { count: 3 }) }).click();
    await core.getByText(en("receivables:confirm.onLedger", { done: 1, total: 1 })).waitFor({ timeout: 30_000 }); // one ledger transaction for the batch
    for (const id of receivableIds) await world.receivable(id, world.key(CORE), "confirmed");
  });

  it("splits a certificate down to the tier-2 supplier it buys from, who signs for (签收) its part in its inbox", async () => {
    const id = receivableIds[0];
    const cert = (await world.api.get(`/v1/receivables/${id}`, { key: world.key(TIER1) })).body;
    const half = BigInt(cert.amount) / 2n;
    await supplier.goto(`/portal/receivables/${id}`);
    const form = supplier.locator("form").filter({ has: supplier.getByRole("heading", { name: en("receivables:split.title") }) }).or(supplier.locator(".card").filter({ hasText: en("receivables:split.title") }).locator("form"));
    const orgs = form.first().getByLabel(en("receivables:split.organization"));
    const amounts = form.first().getByLabel(en("receivables:split.amountYuan"));
    await orgs.nth(0).selectOption({ label: world.orgs.get(TIER2)!.name });
    await amounts.nth(0).fill(yuan(half));
    await orgs.nth(1).selectOption(world.id(TIER1));
    await amounts.nth(1).fill(yuan(BigInt(cert.amount) - half));
    await supplier.getByRole("button", { name: en("receivables:split.submit"), exact: true }).click();
    await supplier.getByText(en("receivables:status.split"), { exact: true }).first().waitFor({ timeout: 30_000 });
    // the family tree names the supplier as the holder of the part it kept
    const tree = supplier.locator("ul.tree");
    await tree.locator(".tree-node").nth(2).waitFor({ timeout: 30_000 });
    expect(await tree.getByText(en("receivables:lineage.holderHidden")).count()).toBe(0);
    // the part is offered to the tier-2 supplier: the supplier keeps it until it is signed for
    const offered = await eventually(async () => {
      const items = (await world.api.get("/v1/receivables/offers", { key: world.key(TIER2) })).body.items as { receivableId: string; certificateId: string; amount: string; kind: string }[];
      return items.find((o) => o.kind === "split") ?? null;
    }, 20_000, "the part offered to the tier-2 supplier");
    expect(offered.amount).toBe(half.toString());
    const tier2 = await person(world.email(TIER2, "approver"));
    await tier2.getByRole("navigation").getByRole("link", { name: new RegExp(`^${en("receivables:nav.offers")}`) }).click();
    const card = tier2.locator("article.offer-card").filter({ hasText: `#${offered.certificateId}` });
    expect(await card.textContent()).toContain(world.orgs.get(TIER1)!.name); // from whom
    await card.getByRole("button", { name: en("receivables:offer.accept", { label: `#${offered.certificateId}` }) }).click();
    await tier2.getByText(en("receivables:offers.did.accept", { label: `#${offered.certificateId}` })).waitFor();
    const part = await world.receivable(offered.receivableId, world.key(TIER2), "confirmed");
    expect(part.holderId).toBe(world.id(TIER2));
  });

  it("lets the core enterprise issue (开立) a certificate in the portal; it waits until the supplier signs for it (签收)", async () => {
    const submitted = await world.api.post("/v1/invoices", FOR_ISSUE.invoice, { key: world.key(TIER1) });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
    await eventually(async () => (await world.api.get(`/v1/invoices/${submitted.body.id}`, { key: world.key(TIER1) })).body.status === "verified", 30_000, "the invoice verified");
    const core = await person(world.email(CORE, "approver"));
    await core.getByRole("navigation").getByRole("link", { name: en("receivables:nav.issue") }).click();
    await core.getByLabel(en("receivables:issue.supplier"), { exact: true }).selectOption({ label: world.orgs.get(TIER1)!.name });
    // the supplier gives the core enterprise its invoice's id (its invoice list shows it)
    await core.getByLabel(en("receivables:issue.invoiceIds"), { exact: true }).fill(submitted.body.id);
    await core.getByRole("button", { name: en("receivables:issue.submit"), exact: true }).click();
    await core.getByText(en("receivables:issue.waitsForSupplier", { name: world.orgs.get(TIER1)!.name })).waitFor({ timeout: 30_000 });
    const issued = (await world.api.get(`/v1/invoices/${submitted.body.id}`, { key: world.key(TIER1) })).body.receivableId as string;
    const offered = await world.receivable(issued, world.key(CORE), "offered");
    await core.locator("article.offer-card").filter({ hasText: `#${offered.certificateId}` }).waitFor();

    await supplier.goto("/portal/");
    await supplier.getByRole("navigation").getByRole("link", { name: new RegExp(`^${en("receivables:nav.offers")}`) }).click();
    const card = supplier.locator("article.offer-card").filter({ hasText: `#${offered.certificateId}` });
    for (const shown of [world.orgs.get(CORE)!.name, CORE, en("receivables:offer.kind.issue")]) expect(await card.textContent()).toContain(shown);
    const agree = card.locator(".sme-term").getByRole("checkbox");
    if (await agree.count()) await agree.check(); // the SME agrees to a term beyond 60 days of delivery (802号令)
    await card.getByRole("button", { name: en("receivables:offer.accept", { label: `#${offered.certificateId}` }) }).click();
    await supplier.locator(".outcomes").getByText(en("common:operation.mined")).waitFor({ timeout: 30_000 });
    const mine = await world.receivable(issued, world.key(TIER1), "confirmed");
    expect([mine.holderId, mine.origin]).toEqual([world.id(TIER1), "issued"]);
  });

  it("requests financing; two banks quote through the portal; a clerk can only submit an acceptance for approval", async () => {
    await supplier.goto("/portal/financing");
    await supplier.locator("form").getByLabel(en("financing:request.certificate")).selectOption(receivableIds[1]);
    await supplier.getByRole("button", { name: en("financing:request.submit") }).click();
    await supplier.waitForURL(/\/portal\/financing\/requests\/[0-9a-f-]{36}$/);
    requestId = supplier.url().split("/").pop()!;

    const quotes = [
      { bank: world.banks[0], rate: "4.35", fee: "100" },
      { bank: world.banks[1], rate: "3.90", fee: "50" },
    ];
    for (const q of quotes) {
      const bank = await person(world.email(q.bank.uscc, "approver"));
      await bank.goto(`/portal/financing/requests/${requestId}`);
      await bank.getByLabel(en("financing:quote.annualRatePercent")).fill(q.rate);
      await bank.getByLabel(en("financing:quote.feeYuan")).fill(q.fee);
      await bank.getByRole("button", { name: en("financing:quote.submit") }).click();
      // the form gives way to the bank's own open quote (its "sent" notice goes with the form)
      await bank.getByRole("button", { name: en("financing:quotes.withdraw") }).waitFor();
    }

    // the clerk sees "submit for approval" where the approver sees the acceptance, and the API refuses it the action itself
    const clerk = await person(world.email(TIER1, "clerk"));
    await clerk.goto(`/portal/financing/requests/${requestId}`);
    await expect.poll(() => clerk.locator("article.quote-card, [role=listitem]").count(), { timeout: 20_000 }).toBe(2);
    // the terms are shown once more before anything is sent: then the clerk's button submits it for approval
    await clerk.locator("article.quote-card").first().getByRole("button", { name: en("financing:quotes.review") }).click();
    expect(await clerk.getByRole("button", { name: new RegExp(`^${en("common:commit.submitForApproval")}`) }).count()).toBe(1);
    expect(await clerk.getByRole("button", { name: new RegExp(`^${en("financing:quotes.accept", { bank: "" }).trim()}`) }).count()).toBe(0);
    const open = (await world.api.get(`/v1/financing-requests/${requestId}/quotes`, { key: world.key(TIER1) })).body.items;
    const refused = await postFromPage(clerk, `/v1/quotes/${open[0].id}/acceptance`);
    expect(refused).toEqual({ status: 403, code: "DUTY.APPROVER_REQUIRED", hadCsrf: true });

    // the clerk submits it: the quote is marked as submitted for approval where the clerk and the approver see it
    await clerk.getByRole("button", { name: new RegExp(`^${en("common:commit.submitForApproval")}`) }).click();
    await clerk.getByText(en("common:commit.submitted")).waitFor();
    await clerk.locator("article.quote-card [data-submitted]").first().waitFor();
    // the approver reads the action in words and the certificate by its number, not the API's summary or an id fragment
    const number = (await world.api.get(`/v1/receivables/${receivableIds[1]}`, { key: world.key(TIER1) })).body.certificateId as string;
    await supplier.goto("/portal/approvals");
    const card = supplier.locator("section.card", { has: supplier.getByRole("heading", { name: en("approvals:action.financing.acceptQuote") }) });
    await card.waitFor();
    const said = (await card.textContent())!;
    expect(said).toContain(en("approvals:subject.quoteCertificate", { number: `#${number}` }));
    expect(said).not.toMatch(/Accept a quote:|registry search|[0-9a-f]{8}-[0-9a-f]{4}/);
    // the clerk thinks better of it and withdraws its draft: the approver's queue no longer has it
    await clerk.goto("/portal/approvals/mine");
    await clerk.getByRole("button", { name: en("approvals:draft.withdraw") }).click();
    await clerk.getByText(en("approvals:status.withdrawn")).waitFor();
    await supplier.reload();
    await supplier.getByText(en("approvals:queue.empty")).waitFor();
    await supplier.goto(`/portal/financing/requests/${requestId}`);
  });

  it("shows both quotes with their effective annual cost; the supplier accepts the cheaper and sees the funds arrive live", async () => {
    const quotes = (await world.api.get(`/v1/financing-requests/${requestId}/quotes`, { key: world.key(TIER1) })).body.items as { id: string; bankId: string; bankName?: string; effectiveAnnualCostBp: number }[];
    expect(quotes).toHaveLength(2);
    const cheaper = [...quotes].sort((a, b) => a.effectiveAnnualCostBp - b.effectiveAnnualCostBp)[0];
    const pct = (bp: number) => `${Math.trunc(bp / 100)}.${String(bp % 100).padStart(2, "0")}%`;
    await supplier.reload();
    const cards = supplier.locator("article.quote-card");
    await expect.poll(() => cards.count(), { timeout: 20_000 }).toBe(2);
    for (const q of quotes) {
      const card = cards.filter({ hasText: world.banks.find((b) => b.id === q.bankId)!.name });
      const text = await card.textContent();
      expect(text).toContain(en("financing:quote.effective"));
      expect(text).toContain(pct(q.effectiveAnnualCostBp));
    }
    // cash received, cost and recourse first on each card, and what recourse means in one sentence
    for (const label of ["financing:quote.cashNow", "financing:quote.cost", "financing:quote.recourse"]) expect(await cards.first().locator(".quote-summary").textContent()).toContain(en(label));
    expect(await supplier.locator(".recourse-means").textContent()).toBe(en("financing:quotes.recourseMeans"));
    // ranked by lowest cost unless the supplier asks otherwise: the cheaper is marked
    const best = cards.filter({ hasText: en("financing:quotes.best.cost") });
    expect(await best.count()).toBe(1);
    expect(await best.textContent()).toContain(world.banks.find((b) => b.id === cheaper.bankId)!.name);
    await supplier.getByRole("radio", { name: en("financing:quotes.rank.cash") }).check();
    await cards.filter({ hasText: en("financing:quotes.best.cash") }).waitFor();
    await supplier.getByRole("radio", { name: en("financing:quotes.rank.cost") }).check();

    const before = BigInt((await world.api.get("/v1/settlement/account", { key: world.key(TIER1) })).body.balance);
    await supplier.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
    // acceptance shows the terms once more before it commits
    await best.getByRole("button", { name: en("financing:quotes.review") }).click();
    const terms = await best.locator(".quote-confirm").textContent();
    for (const shown of [en("financing:quotes.confirm.cash"), en("financing:quotes.confirm.due")]) expect(terms).toContain(shown);
    // the approver signs the quote's financing agreement (setting up its signing key, the first time), then it is accepted
    await best.getByRole("button", { name: new RegExp(en("financing:quotes.signAndAccept", { bank: "" }).trim()) }).click();
    await signInDialog(supplier, "en", "accept", "the supplier's signing passphrase", { setUp: true });
    await supplier.waitForURL(/\/portal\/financing\/financings\/[0-9a-f-]{36}$/);
    await supplier.getByText(en("financing:financing.fundsArrived", { time: "" }).replace(/ \.$/, "").trim()).waitFor({ timeout: 45_000 });
    // followed live: the same document, never reloaded
    expect(await supplier.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    const financing = (await world.api.get(`/v1/financings/${supplier.url().split("/").pop()}`, { key: world.key(TIER1) })).body;
    expect([financing.status, financing.bankId]).toEqual(["funded", cheaper.bankId]);
    const after = BigInt((await world.api.get("/v1/settlement/account", { key: world.key(TIER1) })).body.balance);
    expect(after - before).toBe(BigInt(financing.advance));
  });

  it("settles the certificate at maturity, and the bank's reconciliation finds no mismatch", async () => {
    const financed = receivableIds[1];
    await hre.network.provider.send("evm_increaseTime", [120 * 86_400]);
    await hre.network.provider.send("evm_mine", []);
    await world.receivable(financed, world.key(TIER1), "settled");
    await supplier.goto(`/portal/receivables/${financed}`);
    await supplier.locator("dl.details").getByText(en("receivables:status.settled"), { exact: true }).waitFor();

    // the winning bank uploads its statement of the day, consistent with the platform's records
    const financing = (await world.api.get(`/v1/financings`, { key: world.key(TIER1) })).body.items[0];
    const bank = world.banks.find((b) => b.id === financing.bankId)!;
    const today = chinaToday();
    const report = (await world.api.get(`/v1/reconciliation/report?date=${today}`, { key: bank.key })).body;
    const lines = ["value_date,reference,type,amount,counterparty,bank_reference"];
    for (const f of report.financings as { financingId: string; supplier: { uscc: string }; obligor: { uscc: string }; day: { advancePaid: string; repaymentsReceived: string } }[]) {
      if (f.day.advancePaid !== "0") lines.push(`${today},${f.financingId},advance,${f.day.advancePaid},${f.supplier.uscc},ADV-${lines.length}`);
      if (f.day.repaymentsReceived !== "0") lines.push(`${today},${f.financingId},repayment,${f.day.repaymentsReceived},${f.obligor.uscc},REP-${lines.length}`);
    }
    expect(lines.length).toBeGreaterThan(1); // the advance was paid today
    const banker = await person(world.email(bank.uscc, "approver"));
    await banker.getByRole("navigation").getByRole("link", { name: en("reconciliation:nav.report") }).click();
    // before its statement is uploaded, the day's report says so, not that all agrees with the statement
    await banker.getByText(en("reconciliation:report.noStatementYet")).waitFor();
    expect(await banker.getByText(en("reconciliation:report.noMismatch")).count()).toBe(0);
    await banker.getByLabel(en("reconciliation:upload.date")).fill(today);
    await banker.getByLabel(en("reconciliation:upload.file")).setInputFiles({ name: `statement-${today}.csv`, mimeType: "text/csv", buffer: Buffer.from(lines.join("\n") + "\n") });
    await banker.getByRole("button", { name: en("reconciliation:upload.submit") }).click();
    await banker.getByText(en("reconciliation:upload.done", { lines: lines.length - 1, matched: lines.length - 1 })).waitFor();
    await banker.getByText(en("reconciliation:report.noMismatch")).first().waitFor();
    expect(await banker.getByText(new RegExp(en("reconciliation:report.mismatches", { count: 0 }).replace(/^0 /, "\\d+ "))).count()).toBe(0);
    const checked = (await world.api.get(`/v1/reconciliation/report?date=${today}`, { key: bank.key })).body;
    expect([checked.statement?.lines, checked.summary.mismatches]).toEqual([lines.length - 1, 0]);
  });

  it("makes a clerk's change of the repayment authorization wait for an approver, who runs it from the approval queue", async () => {
    const amountOf = async () => BigInt((await world.api.get("/v1/settlement/account", { key: world.key(CORE) })).body.repaymentAuthorization ?? "0");
    const before = await amountOf();
    const target = before + 12_345_678n; // fen
    const clerk = await person(world.email(CORE, "clerk"));
    await clerk.goto("/portal/payables");
    await clerk.getByLabel(en("receivables:coverage.newAuthorization")).fill(yuan(target));
    await clerk.getByRole("button", { name: new RegExp(`^${en("common:commit.submitForApproval")}`) }).click();
    await clerk.getByText(en("common:commit.submitted")).waitFor();
    expect(await amountOf()).toBe(before); // nothing moves on a clerk's word

    const approver = await person(world.email(CORE, "approver"));
    await approver.getByRole("navigation").getByRole("link", { name: en("approvals:nav.queue") }).click();
    const draft = approver.locator("main").getByText(world.email(CORE, "clerk"), { exact: false }).first();
    await draft.waitFor();
    // the action by its name and the authorization's figures before and after, not the API's summary
    const card = approver.locator("section.card", { has: approver.getByRole("heading", { name: en("approvals:action.settlement.authorizeRepayment") }) }).first();
    expect(await card.textContent()).toContain(en("approvals:subject.repaymentAuthorization"));
    await approver.getByRole("button", { name: en("approvals:draft.approve") }).first().click();
    // the draft runs and leaves the queue (its card, with the "ran" notice, goes with it)
    await approver.getByText(en("approvals:queue.empty")).waitFor({ timeout: 30_000 });
    await eventually(async () => (await amountOf()) === target, 30_000, "the authorization approved by the approver");
    const [drafted] = (await world.api.get("/v1/drafts?status=approved", { key: world.key(CORE) })).body.items;
    expect([drafted.path, drafted.createdBy.email, drafted.decidedBy.email]).toEqual(["/v1/settlement/repayment-authorization", world.email(CORE, "clerk"), world.email(CORE, "approver")]);
  });

  it("offers the auditor no write control on its pages, and refuses a write forged from its session", async () => {
    // the check sees write controls where there are some: the supplier's approver has them on its invoices page
    await supplier.goto("/portal/invoices");
    await supplier.locator("main h1").first().waitFor();
    expect((await writeControls(supplier)).length).toBeGreaterThan(0);
    const auditor = await person(world.email("regulator", "approver"));
    const links = await auditor.locator("nav a").evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).pathname));
    expect(links.length).toBeGreaterThan(2);
    for (const path of [...new Set(links)]) {
      await auditor.goto(path);
      await auditor.locator("main h1").first().waitFor();
      // every section loaded (not "network idle": the bell holds a request open for the unread count)
      await auditor.waitForFunction(() => !document.querySelector("main .loading"));
      expect(await writeControls(auditor), path).toEqual([]);
    }
    // a write its organization's role may not make at all, and one any admin could make elsewhere
    const forged = await postFromPage(auditor, "/v1/financing-requests", { receivableId: receivableIds[2] });
    expect(forged).toMatchObject({ status: 403, hadCsrf: true });
    const me = await auditor.evaluate(async () => (await (await fetch("/v1/me")).json()).organization.id as string);
    const invite = await postFromPage(auditor, `/v1/organizations/${me}/invitations`, { email: "someone@regulator.example", name: "Someone", duty: "approver", role: "admin" });
    expect(invite).toEqual({ status: 403, code: "DUTY.READ_ONLY", hadCsrf: true });
    expect((await world.api.get("/v1/financing-requests", { key: world.key(TIER1) })).body.items).toHaveLength(1);
  });

  it("shows another supplier's certificate as not found", async () => {
    const stranger = await person(world.email(OTHER_TIER1, "approver"));
    await stranger.goto(`/portal/receivables/${receivableIds[2]}`);
    await stranger.getByRole("heading", { name: en("common:notFound.title") }).waitFor();
    expect(await stranger.locator("main").textContent()).not.toContain(receivableIds[2].slice(0, 8));
  });

  it("refuses a cross-site form post made with the supplier's signed-in browser", async () => {
    const before = (await world.api.get("/v1/financing-requests", { key: world.key(TIER1) })).body.items.length;
    const target = `${world.baseURL}/v1/financing-requests`;
    const server: Server = createServer((_, res) => {
      res.setHeader("content-type", "text/html");
      res.end(`<!doctype html><form id=f method=post action="${target}" enctype="text/plain"><input name='{"receivableId":"${receivableIds[2]}","x":"' value='"}'></form><script>document.getElementById("f").submit()</script>`);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      // "localhost" is another site than "127.0.0.1" where the portal and its cookies live
      const evil = `http://localhost:${(server.address() as AddressInfo).port}/`;
      const answer = supplier.waitForResponse((r) => r.url() === target && r.request().method() === "POST");
      await supplier.goto(evil);
      const res = await answer;
      // refused before the body is read: the browser says the request comes from another site
      expect([res.status(), (await res.json()).code]).toEqual([403, "CSRF.REFUSED"]);
    } finally {
      await new Promise((r) => server.close(r));
    }
    // nothing changed, and the supplier is still signed in at home
    expect((await world.api.get("/v1/financing-requests", { key: world.key(TIER1) })).body.items.length).toBe(before);
    await supplier.goto("/portal/financing");
    await supplier.locator("main h1").first().waitFor();
    expect(supplier.url()).not.toContain("/signin");
  });
});
