/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { expect } from "vitest";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { PORTAL_DIR } from "../../../backend/src/shared/http/portal";

/**
 * Debian's Chromium driven by playwright-core (Playwright's own browser download is not reachable
 * here). `.ci/run` installs the package when it is missing; CHROMIUM_PATH points elsewhere.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

// Without the background-networking flags Chromium keeps trying Google's hosts, which this
// machine's closed network refuses.
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`);
  if (!existsSync(join(PORTAL_DIR, "index.html"))) throw new Error(`the portal is not built in ${PORTAL_DIR}: npm run build:portal`);
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

/** The screens the portal is looked at on: a desktop window, and a phone (an iPhone 14's 390x844 CSS pixels, touch). */
export const DEVICES = {
  desktop: { viewport: { width: 1280, height: 800 } },
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
} as const;
export type Device = keyof typeof DEVICES;

/**
 * A fresh browser profile (cookies, storage) in `lang`, on a desktop-sized window unless `device`
 * says otherwise. It asks for reduced motion: charts are drawn at once, so a photograph shows them.
 */
export async function newContext(browser: Browser, baseURL: string, lang: "zh" | "en" = "zh", device: Device = "desktop"): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL, ...DEVICES[device], locale: lang === "zh" ? "zh-CN" : "en-US", timezoneId: "Asia/Shanghai", reducedMotion: "reduce" });
  if (lang === "en") await context.addInitScript(() => localStorage.setItem("cf.lang", "en"));
  return context;
}

/** Signs in on the portal's sign-in page and waits for the signed-in shell. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/portal/signin");
  await page.locator('input[type="email"]').fill(email);
  await page.locator('input[type="password"]').fill(password);
  await page.locator('form button[type="submit"]').click();
  await page.waitForURL((u) => !u.pathname.endsWith("/signin"), { timeout: 15_000 });
  await page.locator("main h1").first().waitFor();
}

/** Catalogue keys the page asked for and did not find (the portal records them). */
export const missingKeys = (page: Page) => page.evaluate(() => [...new Set((window as unknown as { __missingKeys?: string[] }).__missingKeys ?? [])]);

const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** axe-core's serious and critical violations on the page as it is now (WCAG 2.1 A/AA rules). */
export async function seriousViolations(page: Page): Promise<{ id: string; impact: string; help: string; nodes: string[] }[]> {
  // evaluated through the DevTools protocol: the portal's CSP (rightly) refuses an inline <script>
  await page.evaluate(AXE);
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, o: object) => Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    return axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
  });
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5) }));
}

/**
 * What on the page would change something, for a read-only person (viewer, auditor): every control
 * marked `data-write` (CommitButton marks itself; controls guarded by `useDuty().canPrepare` carry
 * the attribute; see portal/src/shared/commit.tsx), and every <form> in the page's main
 * part other than a read-only one (a filter or search: `role="search"` or `data-read-only-ok`).
 */
export const writeControls = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll("[data-write], main form")]
      .filter((el) => !(el.tagName === "FORM" && (el.getAttribute("role") === "search" || el.closest("[data-read-only-ok]"))))
      .map((el) => el.outerHTML.slice(0, 160)),
  );

/**
 * Photographs whole pages into SCREENSHOTS_DIR (`npm run screenshots`), or a temporary directory
 * named for the suite; a photograph under 10 kB is a blank page and fails. Returns the file.
 */
export function photographer(suite: string): (page: Page, name: string) => Promise<string> {
  let dir = "";
  return async (page, name) => {
    dir ||= process.env.SCREENSHOTS_DIR ? resolve(process.env.SCREENSHOTS_DIR) : mkdtempSync(join(tmpdir(), `chainfactor-${suite}-`));
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    expect(statSync(file).size).toBeGreaterThan(10_000);
    return file;
  };
}
