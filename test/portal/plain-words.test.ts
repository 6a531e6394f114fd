/**
 * Money in words people use: what a person reads in the portal says the trade's words — 账本登记,
 * 登记编号, 结算资金, 账户余额, 入金, 提现, 凭证编号; "ledger record", "settlement funds", "deposit",
 * "withdrawal" — never crypto vocabulary, which a Chinese bank or SME distrusts (issue 18, item 7).
 * Every value of every catalogue is read, and the Chinese text written into the portal's pages
 * (.tsx), against the words of support/plain-words.ts (the browser tests hold a page to them too). An auditor's technical detail stays, in plain words: a
 * transaction hash is a 账本凭据号 / "Ledger reference", a block a 账本批次 / "Ledger batch".
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { crypticWords } from "./support/plain-words";

const ROOT = join(__dirname, "..", "..");
const I18N = join(ROOT, "portal", "src", "i18n");
const PAGES = join(ROOT, "portal", "src");

/**
 * Where a forbidden word is the right one, and why ("lng:ns:key" → reason). Small on purpose: an
 * entry needs a reason a reviewer would accept.
 */
export const EXCEPTIONS: Record<string, string> = {
  "zh:operator:create.addressHint": "the operator types an own-key organization's ledger account in its only format, 0x and 40 hex digits",
  "zh:operator:create.addressInvalid": "the same field's error names that format",
  "en:operator:create.addressHint": "the operator types an own-key organization's ledger account in its only format, 0x and 40 hex digits",
  "en:operator:create.addressInvalid": "the same field's error names that format",
};

type Catalogue = Record<string, string>;
const LANGUAGES = ["zh", "en"] as const;
const catalogues = (lng: string): [string, Catalogue][] =>
  readdirSync(join(I18N, lng))
    .filter((f) => f.endsWith(".json"))
    .map((f) => [f.slice(0, -".json".length), JSON.parse(readFileSync(join(I18N, lng, f), "utf8")) as Catalogue]);

function tsxFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "i18n" || name === "api" ? [] : tsxFiles(path);
    return name.endsWith(".tsx") ? [path] : [];
  });
}

/** The Chinese a page writes itself (outside comments): runs of CJK text with what surrounds them. */
const chineseOf = (source: string) =>
  source
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/(^|[^:])\/\/.*$/gm, "$1")
    .match(/[^\s"'`<>{}]*[\u4e00-\u9fff][^"'`<>{}\n]*/g) ?? [];

describe("plain words", () => {
  it("knows the words it forbids, and finds them", () => {
    expect(crypticWords("zh", "结算代币已销毁，见链上交易哈希 0xabc")).toEqual(expect.arrayContaining(["链上", "哈希", "交易哈希", "代币", "销毁"]));
    expect(crypticWords("en", "Tokens minted on-chain in block 7 (tx hash)")).toEqual(expect.arrayContaining(["token", "mint", "on-chain / on chain", "hash", "tx", "block / block number"]));
    expect(crypticWords("zh", "融资放款 — 渝州银行 — 凭证 #1，账本凭据号")).toEqual([]);
    expect(crypticWords("en", "Financing advance — Yuzhou Bank — certificate #1; ledger reference, ledger batch 7 (ChainFactor Supply-Chain Finance)")).toEqual([]);
  });

  for (const lng of LANGUAGES) {
    it(`${lng}: no catalogue value uses crypto words`, () => {
      const found: string[] = [];
      for (const [ns, cat] of catalogues(lng))
        for (const [key, value] of Object.entries(cat)) {
          if (`${lng}:${ns}:${key}` in EXCEPTIONS) continue;
          for (const word of crypticWords(lng, value)) found.push(`${ns}:${key} says ${word}: ${value}`);
        }
      expect(found).toEqual([]);
    });

    it(`${lng}: every exception is still needed`, () => {
      const cats = new Map(catalogues(lng));
      const stale = Object.keys(EXCEPTIONS)
        .filter((k) => k.startsWith(`${lng}:`))
        .filter((k) => {
          const [, ns, key] = k.split(":");
          const value = cats.get(ns)?.[key];
          return value === undefined || crypticWords(lng, value).length === 0;
        });
      expect(stale).toEqual([]);
    });
  }

  it("en: the pages write no crypto words themselves (text between tags, labels, titles, placeholders)", () => {
    const englishOf = (source: string) => [
      ...[...source.matchAll(/>([^<>{}]*[A-Za-z][^<>{}]*)</g)].map((m) => m[1]),
      ...[...source.matchAll(/\b(?:label|title|placeholder|aria-label)="([^"]+)"/g)].map((m) => m[1]),
    ];
    const texts = tsxFiles(PAGES).flatMap((f) => englishOf(readFileSync(f, "utf8")).map((text) => ({ f, text })));
    expect(texts.length, "the scan reads the pages' text").toBeGreaterThan(20);
    const found = texts.flatMap(({ f, text }) => crypticWords("en", text).map((w) => `${relative(ROOT, f)} says ${w}: ${text.trim()}`));
    expect(found).toEqual([]);
  });

  it("zh: the pages write no crypto words themselves", () => {
    const texts = tsxFiles(PAGES).flatMap((f) => chineseOf(readFileSync(f, "utf8")).map((text) => ({ f, text })));
    expect(texts.length, "the scan reads the pages' Chinese").toBeGreaterThan(0);
    const found = texts.flatMap(({ f, text }) => crypticWords("zh", text).map((w) => `${relative(ROOT, f)} says ${w}: ${text.trim()}`));
    expect(found).toEqual([]);
  });
});
