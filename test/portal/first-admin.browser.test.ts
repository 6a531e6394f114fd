/// <reference lib="dom" />
import { randomBytes } from "node:crypto";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import type { Browser, BrowserContext } from "playwright-core";
import { Stack, randomUscc } from "../backend/support/stack";
import { launchBrowser, photographer, missingKeys, newContext, seriousViolations, signIn, type Device } from "./support/browser";
import { words } from "./support/words";

/**
 * The operator invites a new organization's first admin from the organization's page: the form
 * takes the person's email and name, and the invitation link (shown once) is what the operator hands
 * over; opened, it lets the person choose a password and signs them in to their organization as
 * its admin. Afterwards the organization has an admin and the form is gone. In Chinese and English,
 * on a phone and on a desktop; photographed into a temporary directory, or into SCREENSHOTS_DIR.
 */

const OPERATOR_PASSWORD = "the operator's own password";
const PASSWORD = "the first admin's new password";

describe("the operator invites a new organization's first admin", () => {
  let stack: Stack;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  const photograph = photographer("first-admin");

  beforeAll(async () => {
    // Chromium keeps no Secure cookie over plain http://127.0.0.1 (see support/world.ts)
    [stack, browser] = await Promise.all([Stack.start({ env: { SESSION_COOKIE_SECURE: "false" } }), launchBrowser()]);
    const accepted = await stack.api.post("/v1/invitations/acceptance", { token: stack.operatorInvitation, password: OPERATOR_PASSWORD });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(201);
  }, 180_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await stack?.close();
  });

  for (const lang of ["zh", "en"] as const) {
    for (const device of ["phone", "desktop"] as Device[]) {
      it(`${lang}, ${device}: invites by email, shows the link once, and the link makes its holder the organization's admin`, async () => {
        const legalName = `重庆江北新材料有限公司 ${randomBytes(2).toString("hex")}`;
        const created = await stack.api.post(
          "/v1/organizations",
          { legalName, unifiedSocialCreditCode: randomUscc(), roles: ["supplier"], enterpriseSize: "small", contacts: [{ name: "周敏", email: "zhou.min@jiangbei.example" }] },
          { key: stack.operatorKey },
        );
        expect(created.status, JSON.stringify(created.body)).toBe(201);
        const email = `first-admin-${randomBytes(4).toString("hex")}@jiangbei.example`;

        const context = await newContext(browser, stack.api.baseUrl, lang, device);
        contexts.push(context);
        const page = await context.newPage();
        await signIn(page, "op@test.example", OPERATOR_PASSWORD);
        await page.goto(`/portal/operator/organizations/${created.body.id}`);
        const card = page.getByRole("region", { name: words(lang, "operator:firstAdmin.title"), exact: true });
        await card.getByLabel(words(lang, "operator:firstAdmin.email")).fill(email);
        await card.getByLabel(words(lang, "operator:firstAdmin.name")).fill("周敏");
        // a phone does not scroll sideways: the organization's long contact email wraps
        expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
        await card.getByRole("button", { name: words(lang, "operator:firstAdmin.submit") }).click();

        // the link to hand over, shown once; the API holds only its hash
        const link = (await card.locator('[role="status"] .mono').textContent({ timeout: 15_000 }))!.trim();
        expect(link).toMatch(new RegExp(`^${stack.api.baseUrl.replace(/[.]/g, "\\.")}/portal/invitation/[A-Za-z0-9_-]{20,}$`));
        const stored = await stack.ds.query(`SELECT email, role, duty FROM invitations WHERE organization_id = $1`, [created.body.id]);
        expect(stored).toEqual([{ email, role: "admin", duty: "approver" }]);
        expect(await missingKeys(page)).toEqual([]);
        expect(await seriousViolations(page)).toEqual([]);
        await photograph(page, `first-admin-invited-${lang}-${device}`);

        // the person opens the link in a browser of their own, chooses a password and is signed in to their organization
        const theirs = await newContext(browser, stack.api.baseUrl, lang, device);
        contexts.push(theirs);
        const person = await theirs.newPage();
        await person.goto(link);
        const passwords = person.locator('input[type="password"]');
        await passwords.nth(0).fill(PASSWORD);
        await passwords.nth(1).fill(PASSWORD);
        await person.locator('form button[type="submit"]').click();
        await person.waitForURL((u) => !u.pathname.includes("/invitation/"), { timeout: 15_000 });
        const me = await person.evaluate(async () => (await fetch("/v1/me")).json());
        expect(me.organization.id).toBe(created.body.id);
        expect(me.user).toMatchObject({ email, role: "admin", duty: "approver" });

        // now the organization has its admin: the operator's form is gone (the API would refuse a second one)
        await page.reload();
        await page.locator("main h1").first().waitFor();
        await page.waitForFunction(() => !document.querySelector("main .loading, main [aria-busy='true']"), undefined, { timeout: 20_000 });
        await expect(page.getByText(email).count()).resolves.toBeGreaterThan(0);
        expect(await page.getByRole("button", { name: words(lang, "operator:firstAdmin.submit") }).count()).toBe(0);
      });
    }
  }
});
