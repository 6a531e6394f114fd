/// <reference lib="dom" />
import { mkdirSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import hre from "hardhat";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchBrowser, missingKeys, newContext, seriousViolations, signIn } from "./support/browser";
import { CORE, DEMO_PASSWORD, TIER1, TIER2, eventually, maturity, startWorld, type World } from "./support/world";

/**
 * Every role's portal in both languages: the main page and every page of its navigation render
 * with no missing catalogue key and no raw key on screen; the main page has no serious or critical
 * axe-core violation and works from the keyboard (Tab reaches the navigation and an action in the
 * page, focus is visible, Enter follows a link). The main pages are photographed in Chinese, into
 * a temporary directory, or into SCREENSHOTS_DIR (`npm run screenshots` → docs/screenshots).
 *
 * The pages show real data, built through the API in beforeAll: invoices verified and refused,
 * certificates pending, confirmed, split, financed and settled, a funded financing, an open request
 * with a quote, credit lines.
 */

const ROLES = ["supplier", "core", "bank", "issuer", "operator", "auditor"] as const;
type Role = (typeof ROLES)[number];
const LANGS = ["zh", "en"] as const;

/** A text node that is nothing but a catalogue key ("financing:quote.fee", "status.pending"). */
const rawKeys = (page: Page) =>
  page.evaluate(() => {
    const found: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = (n.textContent ?? "").trim();
      if (/^([a-z]+:)?[a-z][a-zA-Z]*(\.[A-Za-z0-9_]+)+$/.test(text) && !/\.(demo|example|com|cn)$/.test(text)) found.push(text);
    }
    for (const el of document.querySelectorAll("[aria-label],[title],[placeholder]"))
      for (const a of ["aria-label", "title", "placeholder"]) {
        const v = el.getAttribute(a)?.trim() ?? "";
        if (/^([a-z]+:)?[a-z][a-zA-Z]*(\.[A-Za-z0-9_]+)+$/.test(v)) found.push(`${a}=${v}`);
      }
    return found;
  });

/** Waits until the page's queries have answered: its heading shown and nothing loading. */
async function settled(page: Page) {
  await page.locator("main h1").first().waitFor();
  await page.waitForFunction(() => !document.querySelector("main .loading, main [aria-busy='true']"), undefined, { timeout: 20_000 });
  await page.waitForTimeout(150); // lazy parts mounted after the data arrived
}

describe("every role's pages, in Chinese and in English", () => {
  let world: World;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let shots = "";
  const login: Record<Role, () => string> = {
    supplier: () => world.email(TIER1, "approver"),
    core: () => world.email(CORE, "approver"),
    bank: () => world.email(world.banks[0].uscc, "approver"),
    issuer: () => world.email(world.issuer.uscc, "approver"),
    operator: () => world.email("operator", "approver"),
    auditor: () => world.email("regulator", "approver"),
  };
  const pages = new Map<string, Page>();
  const signedIn = async (role: Role, lang: "zh" | "en") => {
    const k = `${role}/${lang}`;
    if (!pages.has(k)) {
      const context = await newContext(browser, world.baseURL, lang);
      contexts.push(context);
      const page = await context.newPage();
      await signIn(page, login[role](), DEMO_PASSWORD);
      pages.set(k, page);
    }
    return pages.get(k)!;
  };

  beforeAll(async () => {
    [world, browser] = await Promise.all([
      startWorld({ suppliers: [TIER1, TIER2], invoices: () => true, invoicesPerSupplier: 16, people: [TIER1, CORE] }),
      launchBrowser(),
    ]);
    const { invitePeople } = await import("../../backend/src/ops/demo/people");
    const { ApiClient } = await import("../../backend/src/ops/demo/client");
    await invitePeople(new ApiClient(world.baseURL), world.stack.operatorKey, [world.banks[0], world.issuer], ["approver"]);
    await buildData(world);
  }, 240_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await world?.close();
  });

  for (const role of ROLES) {
    it(`${role}: the main page has every word, no serious accessibility violation, works from the keyboard, and is photographed`, async () => {
      await Promise.all(LANGS.map(async (lang) => {
        const page = await signedIn(role, lang);
        await page.goto("/portal/");
        await settled(page);
        expect(await missingKeys(page), `${role}/${lang}`).toEqual([]);
        expect(await rawKeys(page), `${role}/${lang}`).toEqual([]);
        expect(await page.evaluate(() => document.documentElement.lang), `${role}/${lang}`).toMatch(lang === "zh" ? /^zh/ : /^en/);
        expect(await seriousViolations(page), `${role}/${lang}`).toEqual([]);
        if (lang === "zh") {
          shots ||= process.env.SCREENSHOTS_DIR ? resolve(process.env.SCREENSHOTS_DIR) : mkdtempSync(join(tmpdir(), "chainfactor-screens-"));
          mkdirSync(shots, { recursive: true });
          const file = join(shots, `${role}.png`);
          await page.screenshot({ path: file, fullPage: true });
          expect(statSync(file).size).toBeGreaterThan(10_000);
          expect(readFileSync(file).subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a"); // a PNG
        }
      }));
      await keyboard(await signedIn(role, "en"));
    });

    it(`${role}: every page of its navigation renders without a missing key, in both languages`, async () => {
      // the two languages side by side, each in its own browser profile
      await Promise.all(LANGS.map(async (lang) => {
        const page = await signedIn(role, lang);
        await page.goto("/portal/");
        await settled(page);
        const links = await page.locator("nav.sidenav a").evaluateAll((as) => [...new Set(as.map((a) => (a as HTMLAnchorElement).pathname))]);
        expect(links.length, `${role}/${lang}`).toBeGreaterThan(1);
        for (const path of links) {
          // through the navigation, as a person goes (the shell stays; the page's heading is a new one)
          if (new URL(page.url()).pathname !== path) {
            const before = await page.locator("main h1").first().textContent();
            await page.locator(`nav.sidenav a[href="${path}"]`).first().click();
            await page.waitForURL((u) => u.pathname === path);
            // the new page's heading (two pages may share one: then the page had 2 s to change)
            await page
              .waitForFunction((old) => document.querySelector("main h1")?.textContent !== old, before, { timeout: 2_000 })
              .catch(() => undefined);
          }
          await settled(page);
          expect(await missingKeys(page), `${role}/${lang} ${path}`).toEqual([]);
          expect(await rawKeys(page), `${role}/${lang} ${path}`).toEqual([]);
        }
      }));
    });
  }
});

/**
 * From the keyboard alone: Tab goes through the skip link and the navigation into the page, focus
 * is visible on each stop, and Enter on a navigation link opens its page.
 */
async function keyboard(page: Page) {
  await page.goto("/portal/");
  await settled(page);
  type Stop = { inNav: boolean; inMain: boolean; tag: string; href: string | null; visible: boolean; text: string };
  const stops: Stop[] = [];
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press("Tab");
    const stop = await page.evaluate((): Stop | null => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const style = getComputedStyle(el);
      const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
      const shadow = style.boxShadow !== "none";
      return {
        inNav: !!el.closest("nav.sidenav"),
        inMain: !!el.closest("main"),
        tag: el.tagName,
        href: el instanceof HTMLAnchorElement ? el.pathname : null,
        visible: el.matches(":focus-visible") && (outline || shadow),
        text: (el.textContent ?? "").trim().slice(0, 40),
      };
    });
    if (stop) stops.push(stop);
    if (stop?.inMain && ["A", "BUTTON", "INPUT", "SELECT"].includes(stop.tag)) break;
  }
  expect(stops.some((s) => s.inNav), JSON.stringify(stops)).toBe(true);
  expect(stops.some((s) => s.inMain), JSON.stringify(stops)).toBe(true);
  expect(stops.filter((s) => !s.visible), "every focus stop shows its focus").toEqual([]);

  // Enter on the second link of the navigation (the first is the home page itself) opens it
  await page.goto("/portal/");
  await settled(page);
  const target = await page.locator("nav.sidenav a").nth(1).evaluate((a) => (a as HTMLAnchorElement).pathname);
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate((t) => document.activeElement instanceof HTMLAnchorElement && document.activeElement.pathname === t && !!document.activeElement.closest("nav"), target)) break;
  }
  await page.keyboard.press("Enter");
  await page.waitForURL((u) => u.pathname === target);
  await settled(page);
}

/**
 * What the pages show: invoices (verified and refused), certificates pending, confirmed, split,
 * financed and settled, a funded financing, an open request with one quote, the credit lines.
 */
async function buildData(w: World) {
  const { api } = w;
  const as = (uscc: string) => ({ key: w.key(uscc) });
  const [bankA, bankB] = w.banks;
  const free = (await api.get("/v1/invoices?status=verified&limit=100", as(TIER1))).body.items.filter((i: { receivableId: string | null; buyerTaxId: string }) => !i.receivableId && i.buyerTaxId === CORE);
  expect(free.length).toBeGreaterThanOrEqual(5);
  // one certificate falls due tomorrow (settled below), the others in three months
  const registered = await api.post(
    "/v1/receivables",
    { items: free.slice(0, 5).map((inv: { id: string }, i: number) => ({ obligorId: w.id(CORE), invoiceIds: [inv.id], maturityDate: maturity(i === 0 ? 1 : 90) })) },
    as(TIER1),
  );
  expect(registered.status, JSON.stringify(registered.body)).toBe(202);
  const ids: string[] = registered.body.items.map((x: { receivable: { id: string } }) => x.receivable.id);
  for (const id of ids) await w.receivable(id, w.key(TIER1), "pending");
  const confirmed = await api.post("/v1/receivables/confirmations", { receivableIds: ids.slice(0, 4) }, as(CORE)); // the fifth stays pending
  expect(confirmed.status).toBe(202);
  for (const id of ids.slice(0, 4)) await w.receivable(id, w.key(CORE), "confirmed");

  // a split down to the tier-2 supplier
  const cert = (await api.get(`/v1/receivables/${ids[1]}`, as(TIER1))).body;
  const part = BigInt(cert.amount) / 3n;
  const split = await api.post(`/v1/receivables/${ids[1]}/splits`, { parts: [{ organizationId: w.id(TIER2), amount: part.toString() }, { organizationId: w.id(TIER1), amount: (BigInt(cert.amount) - part).toString() }] }, as(TIER1));
  expect(split.status).toBe(202);
  await w.receivable(ids[1], w.key(TIER1), "split");
  // the tier-2 supplier accepts its part (签收)
  const offer = await eventually(async () => (await api.get("/v1/receivables/offers", as(TIER2))).body.items[0], 20_000, "the tier-2 part offered");
  expect((await api.post("/v1/receivables/acceptances", { receivableIds: [offer.receivableId] }, as(TIER2))).status).toBe(202);
  await w.receivable(offer.receivableId, w.key(TIER2), "confirmed");

  // a funded financing (two quotes, the cheaper accepted) and an open request with one quote
  const validUntil = new Date(Date.now() + 7 * 86_400_000).toISOString();
  const request = await api.post("/v1/financing-requests", { receivableId: ids[2] }, as(TIER1));
  expect(request.status).toBe(201);
  // the bank photographed (the first) wins the funded one, and has the open request still to quote on
  const qa = await api.post(`/v1/financing-requests/${request.body.id}/quotes`, { advanceRateBp: 9200, annualRateBp: 390, dayCount: 365, fee: "5000", validUntil }, { key: bankA.key });
  const qb = await api.post(`/v1/financing-requests/${request.body.id}/quotes`, { advanceRateBp: 9000, annualRateBp: 435, dayCount: 360, fee: "10000", validUntil }, { key: bankB.key });
  expect([qa.status, qb.status]).toEqual([201, 201]);
  const side = (await api.get(`/v1/financing-requests/${request.body.id}/quotes`, as(TIER1))).body.items;
  expect(side[0].bankId).toBe(bankA.id); // the cheaper
  const accepted = await api.post(`/v1/quotes/${side[0].id}/acceptance`, {}, as(TIER1));
  expect(accepted.status).toBe(202);
  await eventually(async () => (await api.get(`/v1/financings/${accepted.body.id}`, as(TIER1))).body.status === "funded", 30_000, "funding");
  const open = await api.post("/v1/financing-requests", { receivableId: ids[3] }, as(TIER1));
  expect(open.status).toBe(201);
  const q = await api.post(`/v1/financing-requests/${open.body.id}/quotes`, { advanceRateBp: 8800, annualRateBp: 450, dayCount: 360, fee: "0", validUntil }, { key: bankB.key });
  expect(q.status).toBe(201);

  // two days later the first certificate is settled (the others fall due in three months)
  await hre.network.provider.send("evm_increaseTime", [2 * 86_400]);
  await hre.network.provider.send("evm_mine", []);
  await w.receivable(ids[0], w.key(TIER1), "settled");
}
