/// <reference lib="dom" />
/**
 * What a phone needs of a page (portal/src/app/app.css, Shell.tsx): nothing beyond the screen's
 * right edge, controls a finger's size, the navigation behind the menu button.
 */
import type { Locator, Page } from "playwright-core";

/** The screen's width in CSS pixels (a phone's layout viewport grows with a page that is too wide, the screen does not). */
const screenWidth = (page: Page) => page.viewportSize()!.width;

/**
 * What sticks out beyond the screen's right edge: the document's own width, and every visible
 * control and piece of text whose right edge is past it, unless an ellipsis cuts it on purpose
 * (the organization's name in the bar). A table scrolling in its frame counts: on a phone its rows
 * are cards.
 */
export async function beyondTheScreen(page: Page): Promise<string[]> {
  const width = screenWidth(page);
  return page.evaluate((width) => {
    const found: string[] = [];
    const scroll = document.documentElement.scrollWidth;
    if (scroll > width) found.push(`the page is ${scroll}px wide`);
    const describe = (el: Element) => `${el.tagName.toLowerCase()}${el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : ""} "${(el.textContent ?? "").trim().slice(0, 40)}"`;
    const visible = (el: Element) => {
      const style = getComputedStyle(el);
      if (style.visibility === "hidden" || style.display === "none") return false;
      const r = el.getBoundingClientRect();
      return r.width > 1 && r.height > 1; // a visually hidden label is 1px
    };
    const ellipsis = (el: Element | null) => {
      for (let a = el; a; a = a.parentElement) if (getComputedStyle(a).textOverflow === "ellipsis") return true;
      return false;
    };
    for (const el of document.querySelectorAll("button, a, input, select, textarea, .btn")) {
      if (!visible(el) || el.closest(".skip-link")) continue;
      const r = el.getBoundingClientRect();
      if (r.right > width + 1 || r.left < -1) found.push(`${describe(el)} spans ${Math.round(r.left)}–${Math.round(r.right)}px`);
    }
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const parent = n.parentElement;
      if (!parent || !(n.textContent ?? "").trim() || !visible(parent) || parent.closest(".skip-link, .visually-hidden, .brand-name") || ellipsis(parent)) continue;
      const range = document.createRange();
      range.selectNodeContents(n);
      const r = range.getBoundingClientRect();
      if (r.width > 0 && r.right > width + 1) found.push(`text ${describe(parent)} reaches ${Math.round(r.right)}px`);
      // within the screen, yet out of its card (a table's row on a phone)
      const card = parent.closest("table.data-table tbody tr");
      if (card && getComputedStyle(card).display === "grid" && r.width > 0 && r.right > card.getBoundingClientRect().right + 1) found.push(`text ${describe(parent)} leaves its card`);
    }
    return [...new Set(found)].slice(0, 12);
  }, width);
}

/** Visible controls (buttons, fields, the menu's links) less than 44 CSS pixels tall. */
export async function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll("header button, main button, main .btn, main input:not([type=checkbox]):not([type=radio]):not([type=file]), main select, main textarea, #nav-drawer a, #nav-drawer button")]
      .filter((el) => {
        const style = getComputedStyle(el);
        const r = el.getBoundingClientRect();
        return style.display !== "none" && style.visibility !== "hidden" && r.width > 1 && r.height > 1 && r.height < 43.5;
      })
      .map((el) => `${el.tagName.toLowerCase()} "${(el.textContent ?? el.getAttribute("aria-label") ?? "").trim().slice(0, 30)}" ${Math.round(el.getBoundingClientRect().height)}px`),
  );
}

/**
 * The navigation's entry whose name starts with `name`, as a person uses it: on a phone clicking it
 * opens the menu first (a person taps ☰); its text is read even while the drawer is closed.
 */
export function navEntry(page: Page, name: string) {
  const link = (includeHidden: boolean): Locator =>
    page.locator("nav.sidenav").getByRole("link", { name: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`), includeHidden });
  return {
    click: async () => {
      const menu = page.locator("header .menu-btn");
      if ((await menu.isVisible()) && (await menu.getAttribute("aria-expanded")) !== "true") await menu.click();
      await link(false).click();
    },
    textContent: () => link(true).textContent(),
  };
}
