/// <reference lib="dom" />
import { randomBytes } from "node:crypto";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { Stack } from "../backend/support/stack";
import { BrowserSession } from "../backend/support/session";
import { launchBrowser, photographer, missingKeys, newContext, seriousViolations, type Device } from "./support/browser";
import { words } from "./support/words";

/**
 * One email, two organizations, one password (a person who works for both): the sign-in page asks
 * which organization, by legal name, and signs in to the one picked without the password typed
 * again. In Chinese and English, on a phone and on a desktop; the choice and the signed-in shell
 * are photographed into a temporary directory, or into SCREENSHOTS_DIR.
 */

const PASSWORD = "two organizations, one password";
// the second name is long on purpose: on a phone it has to wrap inside its choice, not overflow
const FIRST = "重庆两江精密机械有限公司";
const SECOND = "重庆西部（两江新区）汽车电子科技股份有限公司";

describe("signing in with an email that belongs to two organizations", () => {
  let stack: Stack;
  let browser: Browser;
  let orgs: { id: string; key: string; name: string }[];
  const contexts: BrowserContext[] = [];

  /** A person of both organizations with one password, invited by each one's admin; their email. */
  async function personOfBoth(): Promise<string> {
    const email = `both-${randomBytes(4).toString("hex")}@people.example`;
    for (const org of orgs) {
      const invited = await stack.api.post(`/v1/organizations/${org.id}/invitations`, { email, name: "周晓梅", duty: "approver" }, { key: org.key });
      expect(invited.status, JSON.stringify(invited.body)).toBe(201);
      const accepted = await new BrowserSession(stack.api.baseUrl).post("/v1/invitations/acceptance", { token: invited.body.token, password: PASSWORD });
      expect(accepted.status, JSON.stringify(accepted.body)).toBe(201);
    }
    return email;
  }

  const photograph = photographer("signin");

  /** What on the page is wider than the screen or sticks out of it (a phone must not scroll sideways). */
  const overflowing = (page: Page) =>
    page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      const out = document.documentElement.scrollWidth > width ? [`page ${document.documentElement.scrollWidth} > ${width}`] : [];
      for (const el of document.querySelectorAll(".auth-card, .choice, legend, .field-hint, button, input")) {
        const r = el.getBoundingClientRect();
        if (r.left < 0 || r.right > width) out.push(`${el.tagName}.${el.className} ${Math.round(r.left)}..${Math.round(r.right)}`);
      }
      return out;
    });

  beforeAll(async () => {
    // Chromium keeps no Secure cookie over plain http://127.0.0.1 (see support/world.ts)
    [stack, browser] = await Promise.all([Stack.start({ env: { SESSION_COOKIE_SECURE: "false" } }), launchBrowser()]);
    orgs = [];
    for (const [roles, name] of [[["supplier"], FIRST], [["core_enterprise"], SECOND]] as const) {
      const o = await stack.onboard([...roles], name);
      orgs.push({ id: o.orgId, key: o.key, name });
    }
  }, 180_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await stack?.close();
  });

  for (const lang of ["zh", "en"] as const) {
    for (const device of ["phone", "desktop"] as Device[]) {
      it(`${lang}, ${device}: shows both organizations by legal name and signs in to the second one picked`, async () => {
        const email = await personOfBoth();
        const context = await newContext(browser, stack.api.baseUrl, lang, device);
        contexts.push(context);
        const page = await context.newPage();
        await page.goto("/portal/signin");
        await page.locator('input[type="email"]').fill(email);
        await page.locator('input[type="password"]').fill(PASSWORD);
        await page.locator('form button[type="submit"]').click();

        // the question, in the page's language, with the two organizations in the order the API gave
        const choices = page.locator("fieldset.choices");
        await choices.waitFor();
        await expect(choices.locator("legend").textContent()).resolves.toBe(words(lang, "onboarding:signIn.organization"));
        await expect(choices.locator(".field-hint").textContent()).resolves.toBe(words(lang, "onboarding:signIn.organizationHint"));
        expect(await choices.locator("label.choice").allTextContents()).toEqual([FIRST, SECOND]);
        expect(page.url()).toMatch(/\/signin$/); // not signed in to either yet
        // the person lands on the question: the first choice has the focus, nothing is picked for them
        expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type)).toBe("radio");
        expect(await choices.locator("input:checked").count()).toBe(0);
        expect(await page.locator('[role="alert"]').count(), "no error shown for the question").toBe(0);
        expect(await missingKeys(page)).toEqual([]);
        expect(await seriousViolations(page)).toEqual([]);
        expect(await overflowing(page)).toEqual([]);
        await photograph(page, `signin-choice-${lang}-${device}`);

        // picked by touch on the phone, by the keyboard (arrow down from the focused first) on the desktop
        if (device === "phone") await choices.getByText(SECOND).tap();
        else await page.keyboard.press("ArrowDown");
        await expect(choices.getByLabel(SECOND).isChecked()).resolves.toBe(true);
        // the password is still there: the person does not type it again
        await expect(page.locator('input[type="password"]').inputValue()).resolves.toBe(PASSWORD);
        await page.locator('form button[type="submit"]').click();

        await page.waitForURL((u) => !u.pathname.endsWith("/signin"), { timeout: 15_000 });
        // the shell's page settled (its heading shown and nothing loading; the sign-in page has a heading too)
        await page.locator(".shell main h1").first().waitFor();
        await page.waitForFunction(() => !document.querySelector("main .loading, main [aria-busy='true']"), undefined, { timeout: 20_000 });
        await photograph(page, `signin-chosen-${lang}-${device}`);
        // the shell names the second organization, and the session is its
        const shown = page.locator(".topbar-org .org-name");
        await expect(shown.textContent()).resolves.toBe(SECOND);
        expect(await shown.boundingBox()).toMatchObject({ width: expect.any(Number) });
        expect((await shown.boundingBox())!.width, "the organization's name is on screen").toBeGreaterThan(100);
        const me = await page.evaluate(async () => (await (await fetch("/v1/me", { credentials: "same-origin" })).json()) as { organization: { id: string } });
        expect(me.organization.id).toBe(orgs[1].id);
        expect(await missingKeys(page)).toEqual([]);
        expect(await overflowing(page)).toEqual([]);
      });
    }
  }
});
