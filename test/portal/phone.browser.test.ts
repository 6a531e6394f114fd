/// <reference lib="dom" />
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchBrowser, newContext, seriousViolations, signIn } from "./support/browser";
import { CORE, DEMO_PASSWORD, TIER1, maturity, startWorld, type World } from "./support/world";
import { beyondTheScreen, smallTargets } from "./support/phone";
import { words } from "./support/words";

/**
 * The portal on a phone (390×844, touch) and on a desktop (1366×900), in Chinese and in English,
 * for every role's home: nothing reaches past the screen's right edge, no serious or critical
 * axe-core violation. On the phone the bar is one line, the navigation a drawer the menu button
 * opens and closes (mouse, keyboard: Escape, Tab past its end; a link followed), sign-out and the language switch are
 * reachable, every control is 44 px tall; on the desktop the navigation is a column, no menu button.
 * On the phone a supplier requests financing, and a table page shows its rows as cards.
 * Photographed into a temporary directory (the log names it), or into SCREENSHOTS_DIR
 * (`npm run screenshots` → docs/screenshots: phone-<role>.png and desktop-<role>.png, -en in English).
 */

const ROLES = ["supplier", "core", "bank", "operator", "auditor"] as const;
type Role = (typeof ROLES)[number];
type Lang = "zh" | "en";
type Size = "phone" | "desktop";
const LOOKS: [Lang, Size][] = [
  ["zh", "phone"],
  ["en", "phone"],
  ["zh", "desktop"],
  ["en", "desktop"],
];

async function settled(page: Page) {
  await page.locator("main h1").first().waitFor();
  await page.waitForFunction(() => !document.querySelector("main .loading, main [aria-busy='true']"), undefined, { timeout: 20_000 });
  await page.waitForTimeout(150); // lazy parts mounted after the data arrived
}

describe("the portal on a phone and on a desktop, in Chinese and in English", () => {
  let world: World;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const pages = new Map<string, Page>();
  let confirmed: string[] = [];
  let shots = "";
  const screens = () => {
    shots ||= process.env.SCREENSHOTS_DIR ? resolve(process.env.SCREENSHOTS_DIR) : mkdtempSync(join(tmpdir(), "chainfactor-phone-"));
    mkdirSync(shots, { recursive: true });
    return shots;
  };
  /** Every page of the navigation on the phone, to look at: always a temporary directory. */
  let looked = "";
  const looks = () => (looked ||= mkdtempSync(join(tmpdir(), "chainfactor-phone-pages-")));
  const login: Record<Role, () => string> = {
    supplier: () => world.email(TIER1, "approver"),
    core: () => world.email(CORE, "approver"),
    bank: () => world.email(world.banks[0].uscc, "approver"),
    operator: () => world.email("operator", "approver"),
    auditor: () => world.email("regulator", "approver"),
  };
  const signedIn = async (role: Role, lang: Lang, size: Size) => {
    const k = `${role}/${lang}/${size}`;
    if (!pages.has(k)) {
      const context = await newContext(browser, world.baseURL, lang, size);
      contexts.push(context);
      const page = await context.newPage();
      if (size === "desktop") await page.setViewportSize({ width: 1366, height: 900 });
      await signIn(page, login[role](), DEMO_PASSWORD);
      pages.set(k, page);
    }
    return pages.get(k)!;
  };

  beforeAll(async () => {
    [world, browser] = await Promise.all([startWorld({ suppliers: [TIER1], invoices: () => true, invoicesPerSupplier: 6, people: [TIER1, CORE] }), launchBrowser()]);
    const { invitePeople } = await import("../../backend/src/ops/demo/people");
    const { ApiClient } = await import("../../backend/src/ops/demo/client");
    await invitePeople(new ApiClient(world.baseURL), world.stack.operatorKey, [world.banks[0]], ["approver"]);
    // three certificates: two confirmed (one to finance on the phone), one for the core enterprise to confirm
    const { api } = world;
    const free = (await api.get("/v1/invoices?status=verified&limit=100", { key: world.key(TIER1) })).body.items.filter((i: { buyerTaxId: string }) => i.buyerTaxId === CORE);
    expect(free.length).toBeGreaterThanOrEqual(3);
    const registered = await api.post(
      "/v1/receivables",
      { items: free.slice(0, 3).map((inv: { id: string }) => ({ obligorId: world.id(CORE), invoiceIds: [inv.id], maturityDate: maturity(90) })) },
      { key: world.key(TIER1) },
    );
    expect(registered.status, JSON.stringify(registered.body)).toBe(202);
    const ids: string[] = registered.body.items.map((x: { receivable: { id: string } }) => x.receivable.id);
    for (const id of ids) await world.receivable(id, world.key(TIER1), "pending");
    confirmed = ids.slice(0, 2);
    expect((await api.post("/v1/receivables/confirmations", { receivableIds: confirmed }, { key: world.key(CORE) })).status).toBe(202);
    for (const id of confirmed) await world.receivable(id, world.key(CORE), "confirmed");
  }, 300_000);

  afterAll(async () => {
    if (shots) console.info(`phone and desktop screenshots in ${shots}`);
    if (looked) console.info(`every page on the phone, photographed, in ${looked}`);
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await world?.close();
  });

  for (const role of ROLES) {
    it(`${role}: the home fits a phone and a desktop in both languages; the phone's navigation is a drawer`, async () => {
      await Promise.all(
        LOOKS.map(async ([lang, size]) => {
          const page = await signedIn(role, lang, size);
          const where = `${role}/${lang}/${size}`;
          await page.goto("/portal/");
          await settled(page);
          expect(await beyondTheScreen(page), where).toEqual([]);
          expect(await seriousViolations(page), where).toEqual([]);
          const menu = page.locator("header .menu-btn");
          const nav = page.locator("nav.sidenav");
          await page.screenshot({ path: join(screens(), `${size}-${role}${lang === "en" ? "-en" : ""}.png`), scale: "css" });
          if (size === "desktop") {
            expect(await menu.isVisible(), where).toBe(false);
            expect(await nav.isVisible(), where).toBe(true);
          } else {
            expect(await smallTargets(page), where).toEqual([]);
            await drawer(page, lang, where);
          }
        }),
      );
    });
  }

  for (const role of ROLES) {
    // one language a role, the two alternating (both passed when this was written; CI time matters)
    const lang: Lang = role === "core" || role === "operator" ? "en" : "zh";
    it(`${role}: every page of its navigation fits a phone (in ${lang === "zh" ? "Chinese" : "English"})`, async () => {
      const page = await signedIn(role, lang, "phone");
      await page.goto("/portal/");
      await settled(page);
      const paths = await page.locator("nav.sidenav a").evaluateAll((as) => [...new Set(as.map((a) => (a as HTMLAnchorElement).pathname))]);
      expect(paths.length).toBeGreaterThan(1);
      for (const path of paths) {
        await page.goto(path);
        await settled(page);
        expect(await beyondTheScreen(page), `${role}/${lang} ${path}`).toEqual([]);
        expect(await smallTargets(page), `${role}/${lang} ${path}`).toEqual([]);
        await page.screenshot({ path: join(looks(), `${role}-${lang}${path.replace(/\W+/g, "-")}.png`), scale: "css", fullPage: true });
      }
    });
  }

  /** The phone's bar and drawer, by mouse and keyboard. */
  async function drawer(page: Page, lang: Lang, where: string) {
    const menu = page.locator("header .menu-btn");
    const nav = page.locator("nav.sidenav");
    const header = await page.locator("header.topbar").boundingBox();
    expect(header!.height, `${where}: the bar is one line`).toBeLessThanOrEqual(64);
    expect(await page.locator("header .org-name").isVisible(), where).toBe(true);
    expect(await page.locator("header .lang-switch").isVisible(), where).toBe(true);
    // collapsed; the menu button opens it, focus on its first link, sign-out within reach
    expect(await nav.isVisible(), where).toBe(false);
    expect(await menu.getAttribute("aria-expanded"), where).toBe("false");
    expect(await menu.getAttribute("aria-label"), where).toBe(words(lang, "common:shell.nav"));
    await menu.click();
    expect(await menu.getAttribute("aria-expanded"), where).toBe("true");
    expect(await nav.isVisible(), where).toBe(true);
    expect(await page.evaluate(() => !!document.activeElement?.closest("nav.sidenav")), `${where}: focus in the navigation`).toBe(true);
    await page
      .locator("#nav-drawer")
      .getByRole("button", { name: words(lang, "common:shell.signOut") })
      .waitFor();
    expect(await beyondTheScreen(page), `${where} drawer open`).toEqual([]);
    if (where.startsWith("supplier/")) await page.screenshot({ path: join(looks(), `drawer-${lang}.png`), scale: "css" });
    expect(await seriousViolations(page), `${where} drawer open`).toEqual([]);
    // Escape closes it, focus back on the menu button; Enter opens it again; the close button closes it
    await page.keyboard.press("Escape");
    expect(await menu.getAttribute("aria-expanded"), where).toBe("false");
    expect(await nav.isVisible(), where).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.classList.contains("menu-btn")), `${where}: focus back on the menu button`).toBe(true);
    await page.keyboard.press("Enter");
    expect(await nav.isVisible(), where).toBe(true);
    // Tab through its links, the password link and sign-out: past the last, the drawer closes
    let tabs = 0;
    while ((await menu.getAttribute("aria-expanded")) === "true" && tabs++ < 40) await page.keyboard.press("Tab");
    expect(await nav.isVisible(), `${where}: tabbed out of the drawer`).toBe(false);
    expect(tabs, where).toBeGreaterThan(2);
    expect(await page.evaluate(() => !!document.activeElement?.closest("main")), `${where}: focus went on into the page`).toBe(true);
    await menu.click();
    expect(await nav.isVisible(), where).toBe(true);
    await page
      .locator("#nav-drawer")
      .getByRole("button", { name: words(lang, "common:action.close") })
      .click();
    expect(await nav.isVisible(), where).toBe(false);
    // a link followed opens its page and closes the drawer
    await menu.click();
    const link = nav.locator("a").nth(1);
    const path = await link.evaluate((a) => (a as HTMLAnchorElement).pathname);
    await link.click();
    await page.waitForURL((u) => u.pathname === path);
    await settled(page);
    expect(await nav.isVisible(), where).toBe(false);
    expect(await menu.getAttribute("aria-expanded"), where).toBe("false");
    expect(await beyondTheScreen(page), `${where} ${path}`).toEqual([]);
  }

  it("on a phone, a supplier requests financing, and its tables are cards", async () => {
    for (const lang of ["zh", "en"] as const) {
      const phone = await signedIn("supplier", lang, "phone");
      // the certificates: a card a row, each value under its column's name, no header row
      await phone.goto("/portal/receivables");
      await settled(phone);
      const where = `supplier/${lang} /receivables`;
      const cards = await phone.evaluate(() =>
        [...document.querySelectorAll("main table.data-table tbody tr")].map((tr) => ({
          display: getComputedStyle(tr).display,
          labels: [...tr.querySelectorAll("td[data-label]")].map((td) => getComputedStyle(td, "::before").content),
        })),
      );
      expect(cards.length, where).toBeGreaterThanOrEqual(3);
      for (const card of cards) {
        expect(card.display, where).toBe("grid");
        expect(card.labels.length, where).toBeGreaterThan(0);
        expect(
          card.labels.every((c) => c !== "none" && c.length > 2),
          where,
        ).toBe(true);
      }
      expect(await phone.locator("main table.data-table thead th:not(.select-col)").first().isVisible(), where).toBe(false);
      expect(await beyondTheScreen(phone), where).toEqual([]);
      expect(await smallTargets(phone), where).toEqual([]);
      expect(await seriousViolations(phone), where).toEqual([]);
      if (lang === "zh") await phone.screenshot({ path: join(screens(), "phone-supplier-receivables.png"), scale: "css", fullPage: true });

      // the request, one certificate in each language
      await phone.goto("/portal/financing");
      await settled(phone);
      expect(await beyondTheScreen(phone), `supplier/${lang} /financing`).toEqual([]);
      expect(await smallTargets(phone), `supplier/${lang} /financing`).toEqual([]);
      await phone
        .locator("form")
        .getByLabel(words(lang, "financing:request.certificate"))
        .selectOption(confirmed[lang === "zh" ? 0 : 1]);
      await phone.getByRole("button", { name: words(lang, "financing:request.submit") }).tap();
      await phone.waitForURL(/\/portal\/financing\/requests\/[0-9a-f-]{36}$/);
      await settled(phone);
      expect(await beyondTheScreen(phone), `supplier/${lang} the request`).toEqual([]);
      expect(await seriousViolations(phone), `supplier/${lang} the request`).toEqual([]);
      if (lang === "zh") await phone.screenshot({ path: join(screens(), "phone-supplier-request.png"), scale: "css", fullPage: true });
    }
    const requests = (await world.api.get("/v1/financing-requests", { key: world.key(TIER1) })).body.items as { request: { receivableId: string } }[];
    expect(requests.map((r) => r.request.receivableId).sort()).toEqual([...confirmed].sort());
  });
});
