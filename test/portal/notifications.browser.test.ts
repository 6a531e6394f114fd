/// <reference lib="dom" />
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import type { Browser } from "playwright-core";
import { Stack } from "../backend/support/stack";
import { eventually } from "../backend/support/http";
import { CORE_USCC, SUPPLIER_USCC, onboardAs, registerReceivable } from "../backend/support/trade";
import { launchBrowser, photographer, missingKeys, newContext, seriousViolations, signIn, type Device } from "./support/browser";

/**
 * The bell: a core enterprise's approver, told of a receivable to confirm, sees the unread count
 * in the top bar, opens the notifications and follows the one about the receivable to its page.
 * In Chinese and English, on a phone (390x844) and a desktop (1366x900); photographed into a
 * temporary directory, or into SCREENSHOTS_DIR.
 */
const PASSWORD = "a bell that rings";
const SUPPLIER = "重庆巴渝汽车内饰有限公司";

describe("the notification bell", () => {
  let stack: Stack;
  let browser: Browser;
  let approver: { email: string; key: string };
  let receivableId = "";

  const photograph = photographer("bell");
  const unread = async () => (await stack.api.get("/v1/notifications/unread-count", { key: approver.key })).body.unread as number;

  beforeAll(async () => {
    stack = await Stack.start({ env: { SESSION_COOKIE_SECURE: "false" } });
    const [core, supplier, issuer] = await Promise.all([
      onboardAs(stack, "渝川汽车集团股份有限公司", ["core_enterprise"], CORE_USCC),
      onboardAs(stack, SUPPLIER, ["supplier"], SUPPLIER_USCC),
      stack.onboard(["settlement_issuer"], "Issuer"),
    ]);
    approver = await stack.fixtureUser(core.orgId, { role: "member", duty: "approver", password: PASSWORD, name: "王建国" });
    // two things to be told of: a receivable to confirm, and funds that arrived
    receivableId = await registerReceivable(stack, supplier, core.orgId);
    expect((await stack.api.post("/v1/settlement/deposits", { organizationId: core.orgId, amount: "100000000" }, { key: issuer.key })).status).toBe(202);
    await eventually(async () => (await unread()) === 2, 30_000, "two notifications");
    browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  const BELL = { zh: { some: (n: number) => `通知：${n} 条未读`, none: "通知：没有未读" }, en: { some: (n: number) => `Notifications: ${n} unread`, none: "Notifications: none unread" } };
  const RECEIVABLE = { zh: `${SUPPLIER}提交了一笔应收账款待您确权`, en: `${SUPPLIER} registered a receivable for you to confirm` };
  const FUNDS = { zh: "资金已入账：¥1,000,000.00", en: "Funds credited to your account: ¥1,000,000.00" };
  // the first two follow an unread notification each (2 → 1 → 0); the last two find both read
  const cases: { lang: "zh" | "en"; device: Device; text: Record<"zh" | "en", string> }[] = [
    { lang: "zh", device: "phone", text: RECEIVABLE },
    { lang: "en", device: "desktop", text: FUNDS },
    { lang: "zh", device: "desktop", text: RECEIVABLE },
    { lang: "en", device: "phone", text: FUNDS },
  ];

  it.each(cases)("shows the unread count and leads to the object ($lang, $device)", async ({ lang, device, text: texts }) => {
    const text = texts[lang];
    const context = await newContext(browser, stack.api.baseUrl, lang, device);
    try {
      const page = await context.newPage();
      if (device === "desktop") await page.setViewportSize({ width: 1366, height: 900 });
      await signIn(page, approver.email, PASSWORD);
      const count = await unread();
      const link = page.locator("header a.bell");
      const label = (n: number) => (n > 0 ? BELL[lang].some(n) : BELL[lang].none);
      await expect.poll(() => link.getAttribute("aria-label")).toBe(label(count));
      if (count > 0) expect(await link.locator(".bell-count").textContent()).toBe(String(count));
      else expect(await link.locator(".bell-count").count()).toBe(0);

      await link.click();
      await page.waitForURL(/\/portal\/notifications$/);
      const item = page.locator(".notification-list a", { hasText: text });
      await item.waitFor();
      expect(await seriousViolations(page)).toEqual([]);
      await photograph(page, `notifications-${lang}-${device}`);

      const wasUnread = (await item.locator("xpath=ancestor::li").getAttribute("class"))!.includes("notification-unread");
      expect(wasUnread).toBe(count > 0);
      const target = (await item.getAttribute("href"))!;
      expect(target).toMatch(text.includes("¥1,000,000.00") ? /\/portal\/settlement$/ : new RegExp(`/portal/receivables/${receivableId}$`));
      await item.click();
      await page.waitForURL((u) => u.pathname === target);
      await page.locator("main h1").first().waitFor();
      // following an unread notification marks it read, and the bell shows one fewer
      await expect.poll(() => link.getAttribute("aria-label"), { timeout: 10_000 }).toBe(label(wasUnread ? count - 1 : count));
      expect(await missingKeys(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
