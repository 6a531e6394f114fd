/**
 * The portal's signing dialog as a person uses it (portal/src/modules/documents/SignDocument.tsx):
 * the first time in a browser, a signing key set up with a passphrase typed twice; then the
 * passphrase that signs.
 */
import type { Page } from "playwright-core";
import { words } from "./words";

type Lang = "zh" | "en";
type Act = "confirm" | "sign-for" | "quote" | "accept" | "acknowledge";

export const signDialog = (page: Page, lang: Lang, act: Act) => page.getByRole("dialog", { name: words(lang, `documents:act.title.${act}`) });

/** Sets up the key if this browser has none for the person, then signs; resolves once the dialog is gone. */
export async function signInDialog(page: Page, lang: Lang, act: Act, passphrase: string, o: { setUp?: boolean; photograph?: (step: "setup" | "sign") => Promise<void> } = {}): Promise<void> {
  const t = (ref: string, values?: Record<string, string | number>) => words(lang, ref, values);
  const dialog = signDialog(page, lang, act);
  await dialog.waitFor({ timeout: 20_000 });
  const setUp = dialog.getByRole("button", { name: t("documents:key.create") });
  const sign = dialog.getByRole("button", { name: t(`documents:act.submit.${act}`) });
  await setUp.or(sign).first().waitFor({ timeout: 20_000 });
  if (o.setUp ?? (await setUp.isVisible())) {
    await dialog.getByLabel(t("documents:key.passphrase"), { exact: true }).fill(passphrase);
    await dialog.getByLabel(t("documents:key.again"), { exact: true }).fill(passphrase);
    await o.photograph?.("setup");
    await setUp.click();
    await dialog.getByText(t("documents:key.ready")).waitFor({ timeout: 30_000 });
  }
  await dialog.getByLabel(t("documents:sign.passphrase"), { exact: true }).fill(passphrase);
  await o.photograph?.("sign");
  await sign.click();
  await dialog.waitFor({ state: "detached", timeout: 30_000 });
}
