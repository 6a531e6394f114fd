/// <reference lib="dom" />
import { readFileSync } from "node:fs";
import { describe, it, expect, beforeAll, afterAll, afterEach } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { DEVICES, launchBrowser, missingKeys, photographer, seriousViolations, signIn, type Device } from "./support/browser";
import { CORE, DEMO_PASSWORD, TIER1, eventually, maturity, startWorld, type World } from "./support/world";
import { words } from "./support/words";
import { beyondTheScreen } from "./support/phone";
import { signDialog, signInDialog } from "./support/signing";
import { crypticWords } from "./support/plain-words";
import { splitSigned } from "../../backend/src/modules/documents";

/**
 * Signed documents in the browser (docs/signed-documents.md), on the real stack, in Chinese and
 * then in English on the same world: a bank's approver quotes and is offered the financing
 * agreement to sign at once (the first time it sets up its signing key: a passphrase typed twice,
 * the key made in the browser and certified by the CA); the supplier's approver signs the agreement
 * and accepts; the core enterprise's approver acknowledges the notice of assignment (回执) from its
 * notices page, which the bank follows read-only; the certificate's page lists its documents; an
 * anonymous visitor verifies the signed copy downloaded from the portal (every signature valid)
 * and a copy with one byte changed (CHANGED). The second language finds the keys the first set up
 * in the same browser profile, and signs with the passphrase alone (a wrong one is told so); the
 * core enterprise's approver, its passphrase forgotten, revokes its certificate and sets up a new key.
 * Phone (390×844) and desktop alternate; axe finds nothing serious; photographed.
 */
type Lang = "zh" | "en";
const PASSPHRASE: Record<string, string> = { bank: "银行复核员的签名口令", supplier: "supplier signs 2026", core: "核心企业 sign-key" };

describe("signed documents in the browser: the agreement, the notice's acknowledgment, verification", () => {
  let world: World;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const photograph = photographer("documents");
  /** Each person's signing key, as this browser profile keeps it (localStorage), carried to the person's next context. */
  const keys = new Map<string, [string, string][]>();
  /** Certificates confirmed through the API, each with its financing request: one per language. */
  const certs: { id: string; chainId: string; request: string }[] = [];

  const w = (lang: Lang) => (ref: string, values?: Record<string, string | number>) => words(lang, ref, values);

  const person = async (who: "bank" | "supplier" | "core", lang: Lang, device: Device): Promise<Page> => {
    const context = await browser.newContext({ baseURL: world.baseURL, ...DEVICES[device], locale: lang === "zh" ? "zh-CN" : "en-US", timezoneId: "Asia/Shanghai", reducedMotion: "reduce", acceptDownloads: true });
    contexts.push(context);
    await context.addInitScript((lng) => localStorage.setItem("cf.lang", lng), lang);
    const kept = keys.get(who) ?? [];
    if (kept.length) await context.addInitScript((entries) => entries.forEach(([k, v]) => localStorage.getItem(k) ?? localStorage.setItem(k, v)), kept);
    const page = await context.newPage();
    const uscc = who === "bank" ? world.banks[0].uscc : who === "supplier" ? TIER1 : CORE;
    await signIn(page, world.email(uscc, "approver"), DEMO_PASSWORD);
    return page;
  };
  /** The signing keys this person's browser holds now, for its next context. */
  const keepKeys = async (who: string, page: Page) =>
    keys.set(who, await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("chainfactor.signing-key.")).map((k) => [k, localStorage.getItem(k)!] as [string, string])));

  const settled = async (page: Page) => {
    await page.locator("main h1").first().waitFor();
    await page.waitForFunction(() => !document.querySelector("main .loading, main [aria-busy='true'], dialog .loading"), undefined, { timeout: 20_000 });
    await page.waitForTimeout(150);
  };
  /** Every word found, in plain words, no serious accessibility violation, nothing beyond a phone's screen; photographed. */
  const look = async (page: Page, lang: Lang, name: string) => {
    await settled(page);
    expect(await missingKeys(page), name).toEqual([]);
    expect(await seriousViolations(page), name).toEqual([]);
    if (page.viewportSize()!.width < 500) expect(await beyondTheScreen(page), name).toEqual([]);
    // what a person reads, less the values (fingerprints, ledger references) and the server's own detail
    const text = await page.evaluate(() => {
      const root = document.body.cloneNode(true) as HTMLElement;
      root.querySelectorAll("code, .mono, details p, .visually-hidden").forEach((el) => el.remove());
      return root.innerText;
    });
    expect(crypticWords(lang, text), name).toEqual([]);
    await photograph(page, name);
  };

  /**
   * A navigation entry followed as a person does (on a phone through the menu). The menu is opened
   * again if it closed before the link was tapped (a route change just after signing in closes it).
   */
  const openNav = async (page: Page, name: string) => {
    const menu = page.locator("header .menu-btn");
    const link = page.locator("nav.sidenav").getByRole("link", { name: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`) });
    await expect
      .poll(async () => {
        if (await link.isVisible()) return true;
        if ((await menu.isVisible()) && (await menu.getAttribute("aria-expanded")) !== "true") await menu.click();
        return link.isVisible();
      }, { timeout: 15_000 })
      .toBe(true);
    await link.click();
  };

  const verifyApi = async (file: Buffer) => (await world.api.post("/v1/verify", { content: file.toString("base64") }, {})).body;

  beforeAll(async () => {
    [world, browser] = await Promise.all([
      startWorld({ suppliers: [TIER1], invoices: (inv) => inv.supplier === TIER1 && inv.invoice.buyerTaxId === CORE, invoicesPerSupplier: 4, people: [TIER1, CORE] }),
      launchBrowser(),
    ]);
    const { invitePeople } = await import("../../backend/src/ops/demo/people");
    const { ApiClient } = await import("../../backend/src/ops/demo/client");
    await invitePeople(new ApiClient(world.baseURL), world.stack.operatorKey, [world.banks[0]], ["approver"]);
    const invoices = ((await world.api.get("/v1/invoices?status=verified&attached=false&limit=100", { key: world.key(TIER1) })).body.items as { id: string; buyerTaxId: string }[]).filter((i) => i.buyerTaxId === CORE);
    expect(invoices.length).toBeGreaterThanOrEqual(2);
    const registered = await world.api.post("/v1/receivables", { items: invoices.slice(0, 2).map((i) => ({ obligorId: world.id(CORE), invoiceIds: [i.id], maturityDate: maturity(90) })) }, { key: world.key(TIER1) });
    expect(registered.status, JSON.stringify(registered.body)).toBe(202);
    const ids: string[] = registered.body.items.map((x: { receivable: { id: string } }) => x.receivable.id);
    for (const id of ids) await world.receivable(id, world.key(TIER1), "pending");
    expect((await world.api.post("/v1/receivables/confirmations", { receivableIds: ids }, { key: world.key(CORE) })).status).toBe(202);
    for (const id of ids) {
      const r = await world.receivable(id, world.key(TIER1), "confirmed");
      const request = await world.api.post("/v1/financing-requests", { receivableId: id }, { key: world.key(TIER1) });
      expect(request.status, JSON.stringify(request.body)).toBe(201);
      certs.push({ id, chainId: r.certificateId, request: request.body.id });
    }
  }, 300_000);

  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== "fail") return;
    let n = 0;
    for (const c of contexts) for (const p of c.pages()) await photograph(p, `failed-${ctx.task.name.slice(0, 20).replace(/\W+/g, "-")}-${n++}`).catch(() => undefined);
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await world?.close();
  });

  const rounds: { lang: Lang; cert: number; bank: Device; supplier: Device; core: Device; visitor: Device }[] = [
    { lang: "zh", cert: 0, bank: "desktop", supplier: "phone", core: "desktop", visitor: "phone" },
    { lang: "en", cert: 1, bank: "phone", supplier: "desktop", core: "phone", visitor: "desktop" },
  ];

  for (const round of rounds) {
    const { lang } = round;
    const first = lang === "zh";
    let signedAgreement: Buffer;
    let noticeId = "";

    it(`${lang}: the bank's approver quotes and signs the financing agreement at once${first ? ", setting up its signing key" : " with its passphrase"}`, async () => {
      const t = w(lang);
      const cert = certs[round.cert];
      const bank = await person("bank", lang, round.bank);
      await bank.goto(`/portal/financing/requests/${cert.request}`);
      await bank.getByLabel(t("financing:quote.annualRatePercent")).fill("4.10");
      await bank.getByRole("button", { name: t("financing:quote.submit") }).click();
      // the quote is made: its agreement is offered for signature at once
      const dialog = signDialog(bank, lang, "quote");
      await dialog.waitFor({ timeout: 20_000 });
      await dialog.getByText(t("documents:kind.agreement"), { exact: true }).waitFor();
      expect(await dialog.getByRole("link", { name: t("documents:sign.openPdf", { kind: t("documents:kind.agreement") }) }).getAttribute("href")).toMatch(/^\/v1\/documents\/[0-9a-f-]{36}\/pdf$/);
      if (first) {
        // the focus is in the dialog, on the passphrase; the passphrase is explained and checked before anything is made
        await expect.poll(() => bank.evaluate(() => (document.activeElement?.closest("dialog") ? document.activeElement.getAttribute("type") : null))).toBe("password");
        for (const fact of ["documents:key.stays", "documents:key.never", "documents:key.forgotten"]) await dialog.getByText(t(fact)).waitFor();
        await dialog.getByLabel(t("documents:key.passphrase"), { exact: true }).fill("short");
        await dialog.getByRole("button", { name: t("documents:key.create") }).click();
        await dialog.getByText(t("documents:key.tooShort", { min: 8 })).waitFor();
        await dialog.getByLabel(t("documents:key.passphrase"), { exact: true }).fill(PASSPHRASE.bank);
        await dialog.getByLabel(t("documents:key.again"), { exact: true }).fill(`${PASSPHRASE.bank}!`);
        await dialog.getByRole("button", { name: t("documents:key.create") }).click();
        await dialog.getByText(t("documents:key.mismatch")).waitFor();
        expect((await world.api.get("/v1/signing/certificates", { key: world.banks[0].key })).body.items).toEqual([]);
        await look(bank, lang, `bank-setup-key-${lang}-${round.bank}`);
        // Escape closes the dialog, unsigned: the quote says its agreement waits for the bank, here and in the requests' list
        await bank.keyboard.press("Escape");
        await dialog.waitFor({ state: "detached" });
        await bank.locator("article.quote-card").getByText(t("financing:agreement.bankUnsigned")).waitFor();
        await bank.goto("/portal/financing");
        const row = bank.getByRole("row").filter({ hasText: t("financing:field.certificateNo", { id: cert.chainId }) });
        await row.getByText(t("financing:agreement.bankUnsigned")).waitFor({ timeout: 20_000 });
        await bank.goto(`/portal/financing/requests/${cert.request}`);
        await bank.getByRole("button", { name: t("financing:agreement.sign") }).click();
      } else {
        // a wrong passphrase is told so, and nothing is signed
        await dialog.getByLabel(t("documents:sign.passphrase"), { exact: true }).fill("not my passphrase");
        await dialog.getByRole("button", { name: t("documents:act.submit.quote") }).click();
        await dialog.getByText(t("documents:sign.wrongPassphrase")).waitFor({ timeout: 20_000 });
        await look(bank, lang, `bank-wrong-passphrase-${lang}-${round.bank}`);
      }
      await signInDialog(bank, lang, "quote", PASSPHRASE.bank, { setUp: first });
      await bank.getByText(t("financing:agreement.bankSigned")).waitFor({ timeout: 20_000 });
      await look(bank, lang, `bank-quote-signed-${lang}-${round.bank}`);
      await keepKeys("bank", bank);
      const [quote] = (await world.api.get(`/v1/financing-requests/${cert.request}/quotes`, { key: world.key(TIER1) })).body.items;
      const agreement = (await world.api.get(`/v1/quotes/${quote.id}/agreement`, { key: world.key(TIER1) })).body;
      expect(agreement.signatures.map((s: { act: string; organization: string }) => [s.act, s.organization])).toEqual([["quote", world.banks[0].name]]);
    });

    it(`${lang}: the supplier's approver signs the agreement and accepts; the certificate's page lists its documents`, async () => {
      const t = w(lang);
      const cert = certs[round.cert];
      const supplier = await person("supplier", lang, round.supplier);
      await supplier.goto(`/portal/financing/requests/${cert.request}`);
      const card = supplier.locator("article.quote-card");
      await card.getByRole("button", { name: t("financing:quotes.review") }).click();
      await card.getByRole("button", { name: t("financing:quotes.signAndAccept", { bank: world.banks[0].name }) }).click();
      await signInDialog(supplier, lang, "accept", PASSPHRASE.supplier, {
        setUp: first,
        photograph: async (step) => {
          if (step === "sign") await look(supplier, lang, `supplier-sign-agreement-${lang}-${round.supplier}`);
        },
      });
      // signed, then accepted: the financing is followed until the funds arrive
      await supplier.waitForURL(/\/portal\/financing\/financings\/[0-9a-f-]{36}$/, { timeout: 20_000 });
      const financingId = supplier.url().split("/").pop()!;
      await eventually(async () => (await world.api.get(`/v1/financings/${financingId}`, { key: world.key(TIER1) })).body.status === "funded", 60_000, "funding");
      await keepKeys("supplier", supplier);

      await supplier.goto(`/portal/receivables/${cert.id}`);
      const section = supplier.getByRole("region", { name: t("documents:certificate.title") });
      const agreementItem = section.locator("li.doc-item").filter({ has: supplier.getByRole("heading", { name: t("documents:kind.agreement") }) });
      await agreementItem.getByText(t("documents:act.done.quote")).waitFor({ timeout: 20_000 });
      await agreementItem.getByText(t("documents:act.done.accept")).waitFor();
      await section.locator("li.doc-item").filter({ has: supplier.getByRole("heading", { name: t("documents:kind.certificate") }) }).waitFor();
      await look(supplier, lang, `certificate-documents-${lang}-${round.supplier}`);
      // the signed copy, as the portal gives it
      const [download] = await Promise.all([supplier.waitForEvent("download"), agreementItem.getByRole("link", { name: new RegExp(`^${t("documents:files.signed")}`) }).click()]);
      signedAgreement = readFileSync((await download.path())!);
      expect(signedAgreement.subarray(0, 5).toString()).toBe("%PDF-");
      expect(splitSigned(signedAgreement).signatures?.map((s) => s.act)).toEqual(["quote", "accept"]);
    });

    it(`${lang}: the bank follows the notice waiting for acknowledgment (read-only); the core enterprise's approver acknowledges it`, async () => {
      const t = w(lang);
      const cert = certs[round.cert];
      const notice = await eventually(
        async () => ((await world.api.get("/v1/documents?kind=notice&awaiting=acknowledge", { key: world.banks[0].key })).body.items as { id: string; receivableId: string }[]).find((d) => d.receivableId === cert.chainId) ?? null,
        30_000,
        "the notice of assignment",
      );
      noticeId = notice.id;
      const title = t("documents:notices.itemTitle", { id: cert.chainId });

      const bank = await person("bank", lang, round.bank);
      await openNav(bank, t("documents:nav.notices"));
      const bankItem = bank.locator("li.doc-item").filter({ has: bank.getByRole("heading", { name: title }) });
      await bankItem.waitFor({ timeout: 20_000 });
      expect(await bankItem.getByRole("button").count()).toBe(0);
      await bank.getByText(t("documents:notices.introBank")).waitFor();

      const core = await person("core", lang, round.core);
      await openNav(core, t("documents:nav.notices"));
      const item = core.locator("li.doc-item").filter({ has: core.getByRole("heading", { name: title }) });
      await item.waitFor({ timeout: 20_000 });
      expect(await item.textContent()).toContain(world.banks[0].name);
      await look(core, lang, `notices-${lang}-${round.core}`);
      await item.getByRole("button", { name: new RegExp(`^${t("documents:act.submit.acknowledge")}`) }).click();
      if (!first) {
        // a forgotten passphrase: the certificate is revoked (the CA publishes it) and a new key set up in its place
        const dialog = signDialog(core, lang, "acknowledge");
        await dialog.getByText(t("documents:key.forgotQuestion")).click();
        await dialog.getByText(t("documents:key.forgotExplained")).waitFor();
        await look(core, lang, `core-forgotten-passphrase-${lang}-${round.core}`);
        await dialog.getByRole("button", { name: t("documents:key.revokeAndRenew") }).click();
        await dialog.getByRole("button", { name: t("documents:key.create") }).waitFor({ timeout: 20_000 });
        const revocations = (await world.api.get("/v1/signing/ca")).body.revocations as { reason: string }[];
        expect(revocations.map((r) => r.reason)).toEqual([t("documents:key.revokeReason")]);
      }
      await signInDialog(core, lang, "acknowledge", first ? PASSPHRASE.core : `${PASSPHRASE.core} renewed`, {
        setUp: true,
        photograph: async (step) => {
          if (step === "setup" && first) await look(core, lang, `core-setup-key-${lang}-${round.core}`);
        },
      });
      await core.getByText(t("documents:notices.acknowledged", { id: cert.chainId })).waitFor();
      await expect.poll(() => item.count(), { timeout: 20_000 }).toBe(0);
      await keepKeys("core", core);
      // no longer waiting, for the bank either
      await eventually(async () => !((await world.api.get("/v1/documents?kind=notice&awaiting=acknowledge", { key: world.banks[0].key })).body.items as { id: string }[]).some((d) => d.id === noticeId), 30_000, "the notice acknowledged");
    });

    it(`${lang}: an anonymous visitor verifies the signed copy (every signature valid) and a copy with a changed byte (CHANGED)`, async () => {
      const t = w(lang);
      // the funding's record of the agreement is indexed: the platform's own check says valid
      await eventually(async () => (await verifyApi(signedAgreement)).verdict === "valid", 30_000, "the agreement on the ledger");
      const context = await browser.newContext({ baseURL: world.baseURL, ...DEVICES[round.visitor], locale: lang === "zh" ? "zh-CN" : "en-US", timezoneId: "Asia/Shanghai", reducedMotion: "reduce" });
      contexts.push(context);
      await context.addInitScript((lng) => localStorage.setItem("cf.lang", lng), lang);
      const visitor = await context.newPage();
      // from the sign-in page, without signing in
      await visitor.goto("/portal/signin");
      await visitor.getByRole("link", { name: t("onboarding:signIn.verify") }).click();
      await visitor.waitForURL(/\/portal\/verify$/);
      await visitor.getByLabel(t("documents:verify.file")).setInputFiles({ name: "agreement-signed.pdf", mimeType: "application/pdf", buffer: signedAgreement });
      await visitor.getByRole("button", { name: t("documents:verify.submit") }).click();
      const report = visitor.locator(".verify-report");
      await report.waitFor({ timeout: 20_000 });
      expect(await report.getAttribute("data-verdict")).toBe("valid");
      await report.getByText(t("documents:verdict.valid"), { exact: true }).waitFor();
      await report.getByText(t("documents:report.onLedgerYes")).waitFor();
      expect(await report.getByText(t("documents:report.ledgerReference")).count()).toBeGreaterThan(0);
      const signatures = report.locator("li.verify-signature");
      expect(await signatures.count()).toBe(2);
      for (const [i, org] of [world.banks[0].name, world.orgs.get(TIER1)!.name].entries()) {
        const s = signatures.nth(i);
        expect(await s.textContent()).toContain(org);
        // both answers "yes": the signature, and the certificate when it signed
        expect(await s.getByText(t("documents:report.yes"), { exact: true }).count()).toBe(2);
      }
      await look(visitor, lang, `verify-valid-${lang}-${round.visitor}`);

      // one byte changed in the document: the file is not the one on the ledger
      const { document } = splitSigned(signedAgreement);
      const changed = Buffer.from(signedAgreement);
      changed[Math.floor(document.length / 2)] ^= 1;
      await visitor.getByLabel(t("documents:verify.file")).setInputFiles({ name: "agreement-changed.pdf", mimeType: "application/pdf", buffer: changed });
      await visitor.getByRole("button", { name: t("documents:verify.submit") }).click();
      await expect.poll(() => report.getAttribute("data-verdict"), { timeout: 20_000 }).toBe("invalid");
      await report.locator('li[data-code="CHANGED"]').getByText(t("documents:problem.CHANGED")).waitFor();
      await report.getByText(t("documents:verdict.invalid"), { exact: true }).waitFor();
      await look(visitor, lang, `verify-changed-${lang}-${round.visitor}`);

      // the QR code's page, opened by the same anonymous visitor: the platform's copy of the acknowledged notice, its
      // signature valid once the ledger's record is read
      let last: { verdict?: string } = {};
      await eventually(async () => (last = (await world.api.get(`/v1/verify/documents/${noticeId}`, { key: "" })).body).verdict === "valid", 30_000, "the acknowledgment on the ledger").catch((e: Error) => {
        throw new Error(`${e.message}: ${JSON.stringify(last)}`);
      });
      const qr = visitor;
      await qr.goto(`/portal/verify/${noticeId}`);
      const issued = qr.locator(".verify-report");
      await issued.waitFor({ timeout: 20_000 });
      expect(await issued.getAttribute("data-verdict")).toBe("valid");
      expect(await issued.textContent()).toContain(world.orgs.get(CORE)!.name);
      await issued.getByText(t("documents:act.name.acknowledge")).first().waitFor();
      if (first) await look(qr, lang, `verify-notice-${lang}-${round.visitor}`);
    });
  }
});
