/// <reference lib="dom" />
import { mkdirSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchBrowser, missingKeys, newContext, seriousViolations, signIn } from "./browser";
import { CORE, DEMO_PASSWORD, TIER1, TIER2, startWorld, type World } from "./world";
import { buildData } from "./pages-data";

/**
 * Every role's portal in both languages: the main page and every page of its navigation render
 * with no missing catalogue key and no raw key on screen; the main page has no serious or critical
 * axe-core violation and works from the keyboard (Tab reaches the navigation and an action in the
 * page, focus is visible, Enter follows a link). The main pages are photographed in Chinese, into
 * a temporary directory, or into SCREENSHOTS_DIR (`npm run screenshots` → docs/screenshots).
 *
 * The pages show real data, built through the API in beforeAll: invoices verified and refused,
 * certificates pending, confirmed, split, financed and settled, a funded financing, an open request
 * with a quote, credit lines; a certificate issued to the supplier waiting for its acceptance (待签收,
 * term beyond six months), a part offered to the tier-2 supplier, a split abnormal for its tiny part,
 * a long-term certificate the bank quotes on, and a payout the ledger holds for a suspended member.
 *
 * The pages of consent and conformity (offers, issuing, the conformity pages) are also opened on a
 * phone (390×844) in both languages: every word, no serious axe violation, nothing wider than the
 * screen; photographed in Chinese, into a temporary directory (the log names it). On the desktop
 * the navigation's pages above and the consent and story suites open them.
 */

export const ROLES = ["supplier", "core", "bank", "issuer", "operator", "auditor"] as const;
export type Role = (typeof ROLES)[number];
const LANGS = ["zh", "en"] as const;

/** The pages of this issue each role has, opened at phone size too (paths under /portal; `request` is the long-term request). */
const NEW_PAGES: Record<Role, string[]> = {
  supplier: ["/receivables/offers", "/receivables/offers/sent", "/receivables"],
  core: ["/receivables/issue", "/"],
  bank: ["/financing", "request", "/financing/credit-lines"],
  issuer: ["/conformity/held-funds"],
  operator: ["/conformity/abnormal-flows", "/conformity/feed", "/conformity/held-funds"],
  auditor: ["/conformity/abnormal-flows", "/conformity/feed", "/conformity/held-funds"],
};

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

/** The suite for `roles`: two files share the six roles, so that two forks run them side by side. */
export function rolesSuite(roles: readonly Role[]): void {
  describe(`the pages of ${roles.join(", ")}, in Chinese and in English`, () => {
    let world: World;
    let browser: Browser;
    const contexts: BrowserContext[] = [];
    let shots = "";
    /** Where the main pages' photographs go: SCREENSHOTS_DIR (`npm run screenshots` → docs/screenshots), else a temporary directory. */
    const screens = () => {
      shots ||= process.env.SCREENSHOTS_DIR ? resolve(process.env.SCREENSHOTS_DIR) : mkdtempSync(join(tmpdir(), "chainfactor-screens-"));
      mkdirSync(shots, { recursive: true });
      return shots;
    };
    /** The phone photographs of the pages of consent and conformity, to look at: always a temporary directory. */
    let pageShots = "";
    const pagesDir = () => (pageShots ||= mkdtempSync(join(tmpdir(), "chainfactor-pages-")));
    const login: Record<Role, () => string> = {
      supplier: () => world.email(TIER1, "approver"),
      core: () => world.email(CORE, "approver"),
      bank: () => world.email(world.banks[0].uscc, "approver"),
      issuer: () => world.email(world.issuer.uscc, "approver"),
      operator: () => world.email("operator", "approver"),
      auditor: () => world.email("regulator", "approver"),
    };
    const pages = new Map<string, Page>();
    let longTermRequest = "";
    const signedIn = async (role: Role, lang: "zh" | "en", device: "desktop" | "phone" = "desktop") => {
      const k = `${role}/${lang}/${device}`;
      if (!pages.has(k)) {
        const context = await newContext(browser, world.baseURL, lang, device);
        contexts.push(context);
        const page = await context.newPage();
        await signIn(page, login[role](), DEMO_PASSWORD);
        pages.set(k, page);
      }
      return pages.get(k)!;
    };

    beforeAll(async () => {
      [world, browser] = await Promise.all([
        startWorld({ suppliers: [TIER1, TIER2], invoices: () => true, invoicesPerSupplier: 20, people: [TIER1, CORE] }),
        launchBrowser(),
      ]);
      const { invitePeople } = await import("../../../backend/src/ops/demo/people");
      const { ApiClient } = await import("../../../backend/src/ops/demo/client");
      await invitePeople(new ApiClient(world.baseURL), world.stack.operatorKey, [world.banks[0], world.issuer], ["approver"]);
      longTermRequest = await buildData(world);
    }, 300_000);

    afterAll(async () => {
      if (shots) console.info(`screenshots in ${shots}`);
      if (pageShots) console.info(`phone photographs of the pages of consent and conformity in ${pageShots}`);
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser?.close();
      await world?.close();
    });

    for (const role of roles) {
      it(`${role}: the pages of consent and conformity work on a phone (390×844) in both languages, and are photographed`, async () => {
        const paths = NEW_PAGES[role].map((p) => (p === "request" ? `/financing/requests/${longTermRequest}` : p));
        for (const lang of LANGS) {
          const phone = await signedIn(role, lang, "phone");
          for (const path of paths) {
            await phone.goto(`/portal${path}`);
            await settled(phone);
            const where = `${role}/${lang}/phone ${path}`;
            expect(await missingKeys(phone), where).toEqual([]);
            expect(await rawKeys(phone), where).toEqual([]);
            expect(await seriousViolations(phone), where).toEqual([]);
            // tables scroll inside their frame; the page itself is never wider than the phone (measured
            // against the screen: a phone's layout viewport grows with a page that is too wide)
            expect((await phone.evaluate(() => document.documentElement.scrollWidth)) - phone.viewportSize()!.width, where).toBeLessThanOrEqual(0);
            if (lang === "zh") {
              const slug = path.replace(/\/requests\/[0-9a-f-]{36}$/, "/long-term-request").replace(/\W+/g, "-").replace(/^-|-$/g, "");
              const name = `${role}-${slug || "home"}`;
              await phone.screenshot({ path: join(pagesDir(), `phone-${name}.png`), fullPage: true });
            }
          }
        }
      });

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
            const file = join(screens(), `${role}.png`);
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
}

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
