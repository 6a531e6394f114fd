/// <reference lib="dom" />
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { Stack } from "../backend/support/stack";
import { launchBrowser, photographer, missingKeys, newContext, seriousViolations, signIn, type Device } from "./support/browser";
import { words } from "./support/words";
import { crypticWords } from "./support/plain-words";

/**
 * The withdrawal names the bank account the money goes to (issue 18, item 7). A supplier's approver
 * opens the settlement account with no payout account on file: the withdrawal form says to set it
 * first, and a withdrawal asked for anyway is refused in words the person can act on. The approver
 * sets the account in the payout form; the card shows it (in full, to the approver) and the
 * withdrawal form names it. The same organization's viewer sees it masked. In Chinese and English,
 * on a phone and on a desktop, with no crypto words on the page; photographed into a temporary
 * directory (or SCREENSHOTS_DIR).
 */

const PASSWORD = "payout account passphrase";
const ACCOUNT = { bankName: "中国工商银行", branch: "重庆两江支行", accountName: "重庆中和汽车照明有限公司", accountNumber: "3100 0210 0920 0123 456" };

describe("the payout bank account on the settlement page", () => {
  let stack: Stack;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  const photographed = photographer("payout");
  const photograph = async (page: Page, name: string) => console.log(`photographed ${await photographed(page, name)}`);

  /** What on the page is wider than the screen (a phone must not scroll sideways). */
  const overflowing = (page: Page) =>
    page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      const out = document.documentElement.scrollWidth > width ? [`page ${document.documentElement.scrollWidth} > ${width}`] : [];
      for (const el of document.querySelectorAll("main .card, main button, main input")) {
        const r = el.getBoundingClientRect();
        if (r.left < 0 || r.right > width) out.push(`${el.tagName}.${el.className} ${Math.round(r.left)}..${Math.round(r.right)}`);
      }
      return out;
    });

  /** The page's words, without the short reference codes (a ledger account number, a ledger reference) shown in monospace. */
  const pageWords = (page: Page) =>
    page.evaluate(() => {
      const main = document.querySelector("main")!.cloneNode(true) as HTMLElement;
      main.querySelectorAll(".mono, .visually-hidden").forEach((e) => e.remove());
      return main.innerText;
    });

  beforeAll(async () => {
    // Chromium keeps no Secure cookie over plain http://127.0.0.1 (see support/world.ts)
    [stack, browser] = await Promise.all([Stack.start({ env: { SESSION_COOKIE_SECURE: "false" } }), launchBrowser()]);
  }, 180_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await stack?.close();
  });

  for (const lang of ["zh", "en"] as const) {
    for (const device of ["phone", "desktop"] as Device[]) {
      it(`${lang}, ${device}: asks for the account first, then names it in the withdrawal form`, async () => {
        const supplier = await stack.onboard(["supplier"], `${ACCOUNT.accountName}-${randomBytes(2).toString("hex")}`);
        const approver = await stack.fixtureUser(supplier.orgId, { role: "member", duty: "approver", password: PASSWORD });
        const context = await newContext(browser, stack.api.baseUrl, lang, device);
        contexts.push(context);
        const page = await context.newPage();
        await signIn(page, approver.email, PASSWORD);
        await page.goto("/portal/settlement");
        const payoutCard = page.locator("section.card", { has: page.getByRole("heading", { name: words(lang, "settlement:payout.title") }) });
        const withdrawCard = page.locator("section.card", { has: page.getByRole("heading", { name: words(lang, "settlement:withdraw.title") }) });
        await payoutCard.getByText(words(lang, "settlement:payout.noneOwn")).waitFor();
        await withdrawCard.getByText(words(lang, "settlement:withdraw.noAccount")).waitFor();

        // a withdrawal asked for anyway: refused, saying what to do
        await withdrawCard.getByLabel(words(lang, "settlement:withdraw.amount")).fill("100");
        await withdrawCard.getByRole("button", { name: words(lang, "settlement:withdraw.submit") }).click();
        await withdrawCard.getByText(words(lang, "errors:SETTLEMENT.NO_PAYOUT_ACCOUNT")).waitFor();
        await photograph(page, `payout-none-${lang}-${device}`);
        expect(await missingKeys(page)).toEqual([]);
        expect(await overflowing(page)).toEqual([]);

        // a wrong number is caught in the form; then the approver sets the account
        await payoutCard.getByLabel(words(lang, "settlement:payout.bankName")).fill(ACCOUNT.bankName);
        await payoutCard.getByLabel(words(lang, "settlement:payout.branchOptional")).fill(ACCOUNT.branch);
        await payoutCard.getByLabel(words(lang, "settlement:payout.accountName"), { exact: true }).fill(ACCOUNT.accountName);
        await payoutCard.getByLabel(words(lang, "settlement:payout.accountNumber")).fill("12-34");
        await payoutCard.getByRole("button", { name: words(lang, "settlement:payout.save") }).click();
        await payoutCard.getByText(words(lang, "settlement:payout.accountNumberInvalid")).waitFor();
        await payoutCard.getByLabel(words(lang, "settlement:payout.accountNumber")).fill(ACCOUNT.accountNumber);
        await payoutCard.getByRole("button", { name: words(lang, "settlement:payout.save") }).click();

        // the card shows it in full to the approver; the withdrawal form names it
        await payoutCard.getByText("3100021009200123456").waitFor();
        const to = [ACCOUNT.bankName, ACCOUNT.branch, ACCOUNT.accountName, "3100021009200123456"].join(" · ");
        await withdrawCard.getByText(to).waitFor();
        expect(await withdrawCard.getByText(words(lang, "settlement:withdraw.noAccount")).count()).toBe(0);
        expect(await withdrawCard.getByText(words(lang, "errors:SETTLEMENT.NO_PAYOUT_ACCOUNT")).count(), "the refusal no longer stands").toBe(0);

        await photograph(page, `payout-set-${lang}-${device}`);
        expect(await missingKeys(page)).toEqual([]);
        expect(await seriousViolations(page)).toEqual([]);
        expect(await overflowing(page)).toEqual([]);
        expect(crypticWords(lang, await pageWords(page))).toEqual([]);

        // a viewer of the same organization reads it masked
        const viewer = await stack.fixtureUser(supplier.orgId, { role: "member", duty: "viewer" });
        const read = await stack.api.get("/v1/settlement/payout-account", { key: viewer.key });
        expect(read.body.account).toMatchObject({ bankName: ACCOUNT.bankName, accountNumber: "****3456", masked: true });
      });
    }
  }
});
