/// <reference lib="dom" />
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, it, expect, beforeAll, afterAll, afterEach } from "vitest";
import hre from "hardhat";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchBrowser, missingKeys, newContext, seriousViolations, signIn, type Device } from "./support/browser";
import { CORE, DEMO_PASSWORD, OTHER_CORE, TIER1, TIER2, eventually, maturity, startWorld, type World } from "./support/world";
import { words } from "./support/words";
import { navEntry } from "./support/phone";
import invoiceSeeds from "../../seeds/invoices.json";

/**
 * Consent (签收 / 拒签, 银发〔2025〕77号) in the browser, in Chinese and in English, against the
 * real stack: a core enterprise issues (开立) certificates in the portal and they wait, 待签收,
 * until its supplier reads them in its inbox (obligor and code, amount, maturity, term marked
 * beyond six months, kind, sender, deadline) and signs for them (签收) or refuses them (拒签, the
 * issued certificate void); a supplier splits a certificate down to its tier-2 supplier, who refuses
 * the part with a reason that its sender then reads; a supplier withdraws (撤回) a transfer; a bank's
 * quote on a long-term certificate takes its reasonableness review; a core enterprise paused as a
 * delinquent obligor is told why, naming the overdue certificate, and its supplier sees the pause
 * before signing. The supplier's and tier-2 supplier's pages are looked at on a phone (390×844).
 *
 * Organizations, money and the certificates the people start from are set up through the API with
 * keys (support/world.ts); what a person decides is done in the browser.
 */

type Lang = "zh" | "en";
type Inv = { supplier: string; expected?: string; duplicateOf?: unknown; invoice: { invoiceNumber: string; buyerTaxId: string } };
const seeds = (invoiceSeeds as unknown as { invoices: Inv[] }).invoices.filter((i) => i.supplier === TIER1 && !i.expected && !i.duplicateOf);
/** The supplier's invoices the world loads: eight billed to the core enterprise, three to the one that will be paused. */
const LOADED = new Set([...seeds.filter((i) => i.invoice.buyerTaxId === CORE).slice(0, 8), ...seeds.filter((i) => i.invoice.buyerTaxId === OTHER_CORE).slice(0, 3)].map((i) => i.invoice.invoiceNumber));

/** formatFen of the portal (shared/money.ts): "123456" → "¥1,234.56". */
const yuan = (fen: string | bigint) => {
  const v = BigInt(fen);
  return `¥${(v / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.${(v % 100n).toString().padStart(2, "0")}`;
};
const plain = (fen: bigint) => `${fen / 100n}.${String(fen % 100n).padStart(2, "0")}`;

type Receivable = { id: string; certificateId: string | null; status: string; amount: string; holderId: string; offer: { toOrganizationId: string } | null; offerReturn: { cause: string; reason: string | null } | null };

describe("consent in the browser: 开立, 签收, 拒签, 撤回, the review of a long term, a paused obligor", () => {
  let world: World;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let shots = "";
  /** Certificates the supplier holds to split (registered and confirmed through the API). */
  let held: string[] = [];
  /** The long-term certificate the supplier accepted in the first step (for the bank's review). */
  let longTerm: Receivable;

  const person = async (uscc: string, lang: Lang, device: Device = "desktop", duty: "approver" | "clerk" = "approver"): Promise<Page> => {
    const context = await newContext(browser, world.baseURL, lang, device);
    contexts.push(context);
    const page = await context.newPage();
    await signIn(page, world.email(uscc, duty), DEMO_PASSWORD);
    return page;
  };
  const w = (lang: Lang) => (ref: string, values?: Record<string, string | number>) => words(lang, ref, values);
  const nav = navEntry; // on a phone, through the menu
  const settled = async (page: Page) => {
    await page.locator("main h1").first().waitFor();
    await page.waitForFunction(() => !document.querySelector("main .loading, main [aria-busy='true']"), undefined, { timeout: 20_000 });
    await page.waitForTimeout(150);
  };
  /** Every word found, no serious accessibility violation, nothing wider than the screen; photographed. */
  const look = async (page: Page, name: string) => {
    await settled(page);
    expect(await missingKeys(page), name).toEqual([]);
    expect(await seriousViolations(page), name).toEqual([]);
    // against the screen's own width: a phone's layout viewport grows with a page that is too wide
    const overflow = (await page.evaluate(() => document.documentElement.scrollWidth)) - page.viewportSize()!.width;
    expect(overflow, `${name}: the page is wider than the screen`).toBeLessThanOrEqual(0);
    shots ||= process.env.SCREENSHOTS_DIR ? resolve(process.env.SCREENSHOTS_DIR) : mkdtempSync(join(tmpdir(), "chainfactor-consent-"));
    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  };
  const freeInvoice = async (buyer: string, skip = 0) => {
    const items = (await world.api.get("/v1/invoices?status=verified&attached=false&limit=100", { key: world.key(TIER1) })).body.items as { id: string; buyerTaxId: string; total: string }[];
    const free = items.filter((i) => i.buyerTaxId === buyer);
    expect(free.length).toBeGreaterThan(skip);
    return free[skip];
  };
  const get = async (id: string, uscc = TIER1): Promise<Receivable> => (await world.api.get(`/v1/receivables/${id}`, { key: world.key(uscc) })).body;

  beforeAll(async () => {
    [world, browser] = await Promise.all([
      startWorld({
        suppliers: [TIER1, TIER2],
        invoices: (inv) => inv.supplier === TIER1 && LOADED.has(inv.invoice.invoiceNumber),
        people: [TIER1, TIER2, CORE, OTHER_CORE],
      }),
      launchBrowser(),
    ]);
    const { invitePeople } = await import("../../backend/src/ops/demo/people");
    const { ApiClient } = await import("../../backend/src/ops/demo/client");
    await invitePeople(new ApiClient(world.baseURL), world.stack.operatorKey, [world.banks[0]], ["approver"]);
    // two certificates the supplier holds, confirmed, to split down to its tier-2 supplier
    const invoices = [await freeInvoice(CORE, 0), await freeInvoice(CORE, 1)];
    const registered = await world.api.post("/v1/receivables", { items: invoices.map((i) => ({ obligorId: world.id(CORE), invoiceIds: [i.id], maturityDate: maturity(90) })) }, { key: world.key(TIER1) });
    expect(registered.status, JSON.stringify(registered.body)).toBe(202);
    held = registered.body.items.map((x: { receivable: { id: string } }) => x.receivable.id);
    for (const id of held) await world.receivable(id, world.key(TIER1), "pending");
    const confirmed = await world.api.post("/v1/receivables/confirmations", { receivableIds: held }, { key: world.key(CORE) });
    expect(confirmed.status).toBe(202);
    for (const id of held) await world.receivable(id, world.key(TIER1), "confirmed");
  }, 240_000);

  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== "fail") return;
    const dir = join(tmpdir(), "chainfactor-consent-failures");
    mkdirSync(dir, { recursive: true });
    let n = 0;
    for (const c of contexts) for (const p of c.pages()) await p.screenshot({ path: join(dir, `${ctx.task.name.slice(0, 30).replace(/\W+/g, "-")}-${n++}.png`), fullPage: true }).catch(() => undefined);
    console.error(`screenshots of the failed step in ${dir}`);
  });

  afterAll(async () => {
    if (shots) console.info(`consent screenshots in ${shots}`);
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await world?.close();
  });

  /** The core enterprise issues one certificate in the portal: supplier, invoice id, maturity; returns it once offered. */
  async function issue(core: Page, lang: Lang, invoiceId: string, days: number): Promise<Receivable> {
    const t = w(lang);
    const before = new Set(((await world.api.get("/v1/receivables?role=obligor&limit=500", { key: world.key(CORE) })).body.items as Receivable[]).map((r) => r.id));
    await core.getByLabel(t("receivables:issue.supplier"), { exact: true }).selectOption({ label: world.orgs.get(TIER1)!.name });
    await core.getByLabel(t("receivables:issue.invoiceIds"), { exact: true }).fill(invoiceId);
    await core.getByLabel(t("receivables:field.maturityDate"), { exact: true }).fill(maturity(days));
    await core.getByRole("button", { name: t("receivables:issue.submit"), exact: true }).click();
    const cert = await eventually(async () => {
      const items = (await world.api.get("/v1/receivables?role=obligor&status=offered&limit=500", { key: world.key(CORE) })).body.items as Receivable[];
      return items.find((r) => !before.has(r.id) && r.certificateId) ?? null;
    }, 30_000, "the issued certificate, offered");
    // the form says it is issued and waits for the supplier
    await core.getByText(t("receivables:issue.waitsForSupplier", { name: world.orgs.get(TIER1)!.name })).waitFor({ timeout: 30_000 });
    return cert;
  }

  it("zh: the core enterprise issues (开立) a long-term certificate; it waits 待签收 until the supplier, on its phone, reads everything it needs and signs for it (签收)", async () => {
    const t = w("zh");
    const core = await person(CORE, "zh");
    await nav(core, t("receivables:nav.issue")).click();
    await core.getByLabel(t("receivables:field.maturityDate"), { exact: true }).fill(maturity(200));
    // the term is shown as the maturity is chosen, marked beyond six months
    await core.locator("form").getByText(t("common:term.beyondSixMonths"), { exact: true }).waitFor();
    await core.getByText(t("receivables:issue.longTerm")).waitFor();
    const invoice = await freeInvoice(CORE);
    const cert = await issue(core, "zh", invoice.id, 200);
    const label = `#${cert.certificateId}`;
    expect([cert.status, cert.offer?.toOrganizationId]).toEqual(["offered", world.id(TIER1)]);
    // it is shown as waiting for the supplier, with a way to take it back
    const outgoing = core.locator("article.offer-card").filter({ hasText: label });
    await outgoing.waitFor({ timeout: 20_000 });
    expect(await outgoing.textContent()).toContain(world.orgs.get(TIER1)!.name);
    await outgoing.getByRole("button", { name: new RegExp(`^${t("receivables:offer.withdraw")}`) }).waitFor();
    await look(core, "core-issue-zh");

    const supplier = await person(TIER1, "zh", "phone");
    // the count beside 待签收 in the navigation, and the offer on the home page
    await expect.poll(async () => (await nav(supplier, t("receivables:nav.offers")).textContent())?.trim(), { timeout: 25_000 }).toBe(`${t("receivables:nav.offers")}1${t("receivables:offers.countLabel", { count: 1 })}`);
    await supplier.getByRole("heading", { name: t("receivables:offers.homeTitle", { count: 1 }) }).waitFor();
    await look(supplier, "supplier-home-phone-zh");
    await nav(supplier, t("receivables:nav.offers")).click();
    const card = supplier.locator("article.offer-card").filter({ hasText: label });
    await card.waitFor();
    const offer = ((await world.api.get("/v1/receivables/offers", { key: world.key(TIER1) })).body.items as { receivableId: string; termDays: number; beyondSixMonths: boolean }[]).find((o) => o.receivableId === cert.id)!;
    expect(offer.beyondSixMonths).toBe(true);
    const text = (await card.textContent())!;
    for (const shown of [
      world.orgs.get(CORE)!.name, // the obligor by name…
      CORE, // …and its unified social credit code
      yuan(cert.amount),
      t(offer.termDays === 1 ? "common:term.days_one" : "common:term.days_other", { count: offer.termDays }),
      t("common:term.beyondSixMonths"),
      t("receivables:offer.kind.issue"),
      t("receivables:offer.kindLong.issue"),
      t("receivables:offer.expires"),
    ])
      expect(text, shown).toContain(shown);
    // not paused: no warning about the obligor
    expect(text).not.toContain(t("receivables:standing.paused", { name: world.orgs.get(CORE)!.name }));
    await look(supplier, "supplier-offers-phone-zh");

    // 802号令: a large core enterprise pays this SME beyond 60 days of delivery: signing for it needs its explicit agreement
    const smeTerm = card.locator(".sme-term");
    expect(await smeTerm.textContent()).toContain("60");
    expect(await card.getByRole("button", { name: t("receivables:offer.accept", { label }) }).isDisabled()).toBe(true);
    await smeTerm.getByRole("checkbox").check();
    await card.getByRole("button", { name: t("receivables:offer.accept", { label }) }).click();
    await supplier.getByText(t("receivables:offers.did.accept", { label })).waitFor();
    await supplier.locator(".outcomes").getByText(t("common:operation.mined")).waitFor({ timeout: 30_000 });
    longTerm = await world.receivable(cert.id, world.key(TIER1), "confirmed");
    expect(longTerm.holderId).toBe(world.id(TIER1));
    // gone from the inbox and its count; in the certificates, confirmed and marked beyond six months
    await supplier.getByText(t("receivables:offers.empty")).waitFor();
    await expect.poll(() => nav(supplier, t("receivables:nav.offers")).textContent(), { timeout: 20_000 }).toBe(t("receivables:nav.offers"));
    await supplier.goto("/portal/receivables");
    const row = supplier.getByRole("row").filter({ hasText: label });
    await row.waitFor();
    expect(await row.textContent()).toContain(t("receivables:status.confirmed"));
    expect(await row.textContent()).toContain(t("common:term.beyondSixMonths"));
    await look(supplier, "supplier-certificates-phone-zh");
  });

  it("en: the supplier signs for (签收) one issued certificate and refuses (拒签) another with its reason: that one is void, and the core enterprise reads why", async () => {
    const t = w("en");
    const core = await person(CORE, "en");
    await nav(core, t("receivables:nav.issue")).click();
    const accepted = await issue(core, "en", (await freeInvoice(CORE, 0)).id, 60);
    const refused = await issue(core, "en", (await freeInvoice(CORE, 0)).id, 45);

    const supplier = await person(TIER1, "en");
    await nav(supplier, t("receivables:nav.offers")).click();
    await expect.poll(() => supplier.locator("article.offer-card").count(), { timeout: 25_000 }).toBe(2);
    const card = (r: Receivable) => supplier.locator("article.offer-card").filter({ hasText: `#${r.certificateId}` });
    // within six months: no mark
    expect(await card(accepted).textContent()).not.toContain(t("common:term.beyondSixMonths"));
    const agree = card(accepted).locator(".sme-term").getByRole("checkbox");
    if (await agree.count()) await agree.check(); // the SME agrees to a term beyond 60 days of delivery (802号令)
    await card(accepted).getByRole("button", { name: t("receivables:offer.accept", { label: `#${accepted.certificateId}` }) }).click();
    await supplier.getByText(t("receivables:offers.did.accept", { label: `#${accepted.certificateId}` })).waitFor();

    const reason = "Amount does not match our delivery note";
    await card(refused).getByRole("button", { name: `${t("receivables:offer.refuse")} #${refused.certificateId}` }).click();
    // a refusal needs its reason
    await card(refused).getByRole("button", { name: t("receivables:offer.confirmRefuse", { label: `#${refused.certificateId}` }) }).click();
    await card(refused).getByText(t("receivables:offer.reasonRequired")).waitFor();
    await card(refused).getByLabel(t("receivables:offer.reason")).fill(reason);
    await card(refused).getByRole("button", { name: t("receivables:offer.confirmRefuse", { label: `#${refused.certificateId}` }) }).click();
    await supplier.getByText(t("receivables:offers.did.refuse", { label: `#${refused.certificateId}` })).waitFor();
    await expect.poll(() => supplier.locator(".outcomes").getByText(t("common:operation.mined")).count(), { timeout: 30_000 }).toBe(2);
    await world.receivable(accepted.id, world.key(TIER1), "confirmed");
    const voided = await world.receivable(refused.id, world.key(CORE), "void");
    expect(voided.offerReturn).toMatchObject({ cause: "refused", reason });

    // the core enterprise reads what became of it, and the certificate reads as void
    await core.reload();
    const back = core.getByRole("row").filter({ hasText: `#${refused.certificateId}` });
    await back.waitFor({ timeout: 20_000 });
    for (const shown of [t("receivables:status.void"), t("receivables:offer.returned.refused"), reason]) expect(await back.textContent()).toContain(shown);
    await back.getByRole("link").click();
    await core.locator("dl.details").getByText(t("receivables:status.void"), { exact: true }).waitFor();
    await core.getByText(t("receivables:detail.void")).waitFor();
    expect(await missingKeys(core)).toEqual([]);
  });

  /** The supplier splits `id` in the portal, a part for the tier-2 supplier; returns that part once offered. */
  async function splitForTier2(page: Page, lang: Lang, id: string): Promise<Receivable> {
    const t = w(lang);
    const cert = await get(id);
    const part = BigInt(cert.amount) / 2n;
    await page.goto(`/portal/receivables/${id}`);
    const orgs = page.getByLabel(t("receivables:split.organization"));
    const amounts = page.getByLabel(t("receivables:split.amountYuan"));
    await orgs.nth(0).selectOption({ label: world.orgs.get(TIER2)!.name });
    await amounts.nth(0).fill(plain(part));
    await orgs.nth(1).selectOption(world.id(TIER1));
    await amounts.nth(1).fill(plain(BigInt(cert.amount) - part));
    await page.getByRole("button", { name: t("receivables:split.submit"), exact: true }).click();
    await page.locator("dl.details").getByText(t("receivables:status.split"), { exact: true }).waitFor({ timeout: 30_000 });
    return eventually(async () => {
      const offers = (await world.api.get("/v1/receivables/offers?direction=outgoing", { key: world.key(TIER1) })).body.items as { receivableId: string; kind: string }[];
      const mine = offers.find((o) => o.kind === "split");
      return mine ? get(mine.receivableId) : null;
    }, 30_000, "the part offered to the tier-2 supplier");
  }

  for (const [lang, device, id] of [["zh", "phone", 0], ["en", "desktop", 1]] as const) {
    it(`${lang}: the supplier splits a certificate down to its tier-2 supplier, who refuses (拒签) its part${device === "phone" ? " on a phone" : ""}; the part is the supplier's again and it reads the reason`, async () => {
      const t = w(lang);
      const supplier = await person(TIER1, lang);
      const part = await splitForTier2(supplier, lang, held[id]);
      const label = `#${part.certificateId}`;
      expect([part.status, part.holderId]).toEqual(["offered", world.id(TIER1)]);
      // the supplier's offers it made: the part waits for the tier-2 supplier
      await nav(supplier, t("receivables:nav.offers")).click();
      await supplier.getByRole("link", { name: new RegExp(`^${t("receivables:offers.outgoing")}`) }).click();
      const sent = supplier.locator("article.offer-card").filter({ hasText: label });
      await sent.waitFor();
      expect(await sent.textContent()).toContain(world.orgs.get(TIER2)!.name);
      expect(await sent.textContent()).toContain(t("receivables:offer.kind.split"));

      const tier2 = await person(TIER2, lang, device);
      await nav(tier2, t("receivables:nav.offers")).click();
      const card = tier2.locator("article.offer-card").filter({ hasText: label });
      await card.waitFor({ timeout: 25_000 });
      for (const shown of [t("receivables:offer.kind.split"), world.orgs.get(TIER1)!.name, world.orgs.get(CORE)!.name, CORE, yuan(part.amount)]) expect(await card.textContent(), shown).toContain(shown);
      const reason = lang === "zh" ? "与本期送货数量不符" : "Not what we agreed for this delivery";
      await card.getByRole("button", { name: `${t("receivables:offer.refuse")} ${label}` }).click();
      await card.getByLabel(t("receivables:offer.reason")).fill(reason);
      if (device === "phone") await look(tier2, `tier2-refusing-phone-${lang}`);
      await card.getByRole("button", { name: t("receivables:offer.confirmRefuse", { label }) }).click();
      await tier2.getByText(t("receivables:offers.did.refuse", { label })).waitFor();
      await tier2.locator(".outcomes").getByText(t("common:operation.mined")).waitFor({ timeout: 30_000 });
      const back = await world.receivable(part.id, world.key(TIER1), "confirmed");
      expect([back.holderId, back.offerReturn?.cause, back.offerReturn?.reason]).toEqual([world.id(TIER1), "refused", reason]);
      // the tier-2 supplier no longer sees it; the supplier reads why on the part's page
      expect((await world.api.get(`/v1/receivables/${part.id}`, { key: world.key(TIER2) })).status).toBe(404);
      await supplier.goto(`/portal/receivables/${part.id}`);
      await supplier.locator("dl.details").getByText(t("receivables:status.confirmed"), { exact: true }).waitFor();
      await supplier.getByText(t("receivables:offer.returnedReason", { reason })).waitFor();
      expect(await supplier.locator("dl.details").textContent()).toContain(t("receivables:offer.returned.refused"));
      expect(await missingKeys(supplier)).toEqual([]);
    });
  }

  it("zh: the supplier transfers (转让) a certificate, sees it 待签收 by the receiver, and withdraws (撤回) it", async () => {
    const t = w("zh");
    const supplier = await person(TIER1, "zh", "phone");
    const id = held[0];
    const parts = ((await world.api.get("/v1/receivables?limit=500", { key: world.key(TIER1) })).body.items as (Receivable & { parentId: string | null })[]).filter((r) => r.parentId === id && r.status === "confirmed");
    const cert = parts[0];
    await supplier.goto(`/portal/receivables/${cert.id}`);
    await supplier.getByLabel(t("receivables:transfer.to")).selectOption({ label: world.orgs.get(TIER2)!.name });
    await supplier.getByRole("button", { name: t("receivables:transfer.submit"), exact: true }).click();
    await world.receivable(cert.id, world.key(TIER1), "offered");
    // the certificate's own page: 待签收, by whom, and the way to take it back
    await supplier.reload();
    await supplier.locator("dl.details").getByText(t("receivables:status.offered"), { exact: true }).waitFor();
    await supplier.getByRole("heading", { name: t("receivables:detail.offeredBy", { name: world.orgs.get(TIER2)!.name }) }).waitFor();
    await supplier.goto("/portal/receivables");
    const row = supplier.getByRole("row").filter({ hasText: `#${cert.certificateId}` });
    // the receiver's name comes with the member directory, which may load after the list
    await expect.poll(() => row.textContent(), { timeout: 15_000 }).toContain(t("receivables:list.offeredTo", { name: world.orgs.get(TIER2)!.name }));
    await supplier.goto("/portal/receivables/offers/sent");
    const card = supplier.locator("article.offer-card").filter({ hasText: `#${cert.certificateId}` });
    expect(await card.textContent()).toContain(t("receivables:offer.kind.transfer"));
    await look(supplier, "supplier-sent-phone-zh");
    await card.getByRole("button", { name: `${t("receivables:offer.withdraw")} #${cert.certificateId}` }).click();
    await supplier.getByText(t("receivables:offers.did.withdraw", { label: `#${cert.certificateId}` })).waitFor();
    const back = await world.receivable(cert.id, world.key(TIER1), "confirmed");
    expect(back.offerReturn?.cause).toBe("withdrawn");
  });

  it("zh and en: a bank's quote on a certificate whose term exceeds six months requires its reasonableness review, and shows it", async () => {
    const request = await world.api.post("/v1/financing-requests", { receivableId: longTerm.id }, { key: world.key(TIER1) });
    expect(request.status, JSON.stringify(request.body)).toBe(201);
    const t = w("zh");
    const bank = await person(world.banks[0].uscc, "zh");
    await bank.goto(`/portal/financing/requests/${request.body.id}`);
    await bank.getByRole("group", { name: t("financing:review.titleRequired") }).waitFor();
    await bank.getByText(t("common:term.beyondSixMonths")).first().waitFor();
    // the credit officer quotes with the trade before it: the invoices behind the certificate and the supplier's history
    await bank.getByRole("heading", { name: t("financing:dossier.invoicesTitle") }).waitFor();
    await bank.getByRole("table", { name: t("financing:dossier.invoicesCaption") }).getByText(t("financing:dossier.source.tax")).first().waitFor();
    await bank.getByText(t("financing:dossier.memberSince")).first().waitFor();
    await look(bank, "bank-quote-review-zh");
    // without the review the form says what is missing, and nothing is sent
    await bank.getByRole("button", { name: t("financing:quote.submit") }).click();
    await bank.getByText(t("financing:review.reviewerRequired")).waitFor();
    await bank.getByText(t("financing:review.reasonTooShort", { min: 10 })).waitFor();
    expect((await world.api.get(`/v1/financing-requests/${request.body.id}/quotes`, { key: world.key(TIER1) })).body.items).toEqual([]);
    const review = { reviewer: "授信审批部 王敏", reason: "汽车照明件行业惯例账期 210 天，与核心企业年度框架合同一致。" };
    await bank.getByLabel(t("financing:review.reviewer")).fill(review.reviewer);
    await bank.getByLabel(t("financing:review.reason")).fill(review.reason);
    await bank.getByRole("button", { name: t("financing:quote.submit") }).click();
    await bank.getByRole("button", { name: t("financing:quotes.withdraw") }).waitFor({ timeout: 20_000 });
    const [quote] = (await world.api.get(`/v1/financing-requests/${request.body.id}/quotes`, { key: world.key(TIER1) })).body.items;
    expect(quote.reasonablenessReview).toEqual(review);
    const card = bank.locator("article.quote-card");
    expect(await card.textContent()).toContain(review.reason);

    // the supplier, in English, reads the review on the quote it may accept
    const e = w("en");
    const supplier = await person(TIER1, "en");
    await supplier.goto(`/portal/financing/requests/${request.body.id}`);
    const quoteCard = supplier.locator("article.quote-card");
    await quoteCard.waitFor();
    expect(await quoteCard.textContent()).toContain(e("financing:review.onQuote"));
    expect(await quoteCard.textContent()).toContain(e("financing:review.by", { reviewer: review.reviewer }));
    expect(await supplier.locator("dl.details").first().textContent()).toContain(e("common:term.beyondSixMonths"));
    expect(await missingKeys(supplier)).toEqual([]);
  });

  it("zh and en: a core enterprise paused as a delinquent obligor is told why, naming the overdue certificate; its supplier sees the pause before signing", async () => {
    // the other core enterprise owes a certificate due tomorrow and has no money on the platform; it
    // has issued another to the supplier, still to be signed for
    const other = world.id(OTHER_CORE);
    const registered = await world.api.post("/v1/receivables", { items: [{ obligorId: other, invoiceIds: [(await freeInvoice(OTHER_CORE, 0)).id], maturityDate: maturity(1) }] }, { key: world.key(TIER1) });
    expect(registered.status, JSON.stringify(registered.body)).toBe(202);
    const due = registered.body.items[0].receivable.id as string;
    await world.receivable(due, world.key(TIER1), "pending");
    const confirmed = await world.api.post("/v1/receivables/confirmations", { receivableIds: [due] }, { key: world.key(OTHER_CORE) });
    expect(confirmed.status).toBe(202);
    await world.receivable(due, world.key(TIER1), "confirmed");
    const issued = await world.api.post("/v1/receivables/issuances", { items: [{ supplierId: world.id(TIER1), invoiceIds: [(await freeInvoice(OTHER_CORE, 0)).id], maturityDate: maturity(90) }] }, { key: world.key(OTHER_CORE) });
    expect(issued.status, JSON.stringify(issued.body)).toBe(202);
    const offered = await world.receivable(issued.body.items[0].receivable.id, world.key(TIER1), "offered");

    // past maturity and the three days' grace, unpaid: the obligor is paused
    await hre.network.provider.send("evm_increaseTime", [5 * 86_400]);
    await hre.network.provider.send("evm_mine", []);
    const standing = await eventually(async () => {
      const s = (await world.api.get(`/v1/obligors/${other}/standing`, { key: world.key(TIER1) })).body;
      return s.paused ? s : null;
    }, 60_000, "the obligor paused");
    const overdue = `#${(await get(due)).certificateId}`;
    expect(standing.certificateIds).toEqual([overdue.slice(1)]);

    for (const lang of ["zh", "en"] as const) {
      const t = w(lang);
      const core = await person(OTHER_CORE, lang, lang === "zh" ? "phone" : "desktop");
      await nav(core, t("receivables:nav.issue")).click();
      await core.getByText(t("receivables:standing.ownPaused")).waitFor();
      await core.getByText(t("receivables:standing.ownOverdue", { certificates: overdue })).waitFor();
      // no form the ledger would refuse
      expect(await core.getByRole("button", { name: t("receivables:issue.submit"), exact: true }).count()).toBe(0);
      if (lang === "zh") await look(core, "core-paused-phone-zh");
    }

    const t = w("zh");
    const supplier = await person(TIER1, "zh", "phone");
    await nav(supplier, t("receivables:nav.offers")).click();
    const card = supplier.locator("article.offer-card").filter({ hasText: `#${offered.certificateId}` });
    await card.waitFor({ timeout: 25_000 });
    await card.getByText(t("receivables:standing.paused", { name: world.orgs.get(OTHER_CORE)!.name })).waitFor();
    await card.getByText(t("receivables:standing.overdue", { certificates: overdue })).waitFor();
    // the warning comes before the decision
    const [warning, accept] = await Promise.all([
      card.locator(".notice:not(.sme-term)").boundingBox(),
      card.getByRole("button", { name: t("receivables:offer.accept", { label: `#${offered.certificateId}` }) }).boundingBox(),
    ]);
    expect(warning!.y).toBeLessThan(accept!.y);
    await look(supplier, "supplier-offer-paused-obligor-phone-zh");
  });
});
