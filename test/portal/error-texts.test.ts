/**
 * Every error code the backend can answer with has words in both languages: the portal shows
 * `errors:<CODE>` and falls back to the server's English detail only for a code it does not know,
 * which a Chinese reader then sees in English. The codes are collected from the backend's source
 * (every "DOMAIN.PROBLEM" literal: AppError, conflict, badRequest, operation failures) and from the
 * ledger's error catalogue the revert decoder maps; an invoice's rejection reasons have theirs in
 * the invoices catalogue (`rejection.<CODE>`), where the invoice pages look them up.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REJECTION_CODES } from "../../backend/src/modules/invoices/verifier";
import ledgerCatalogue from "../../backend/src/ledger/error-catalogue.json";

const ROOT = join(__dirname, "..", "..");
const BACKEND = join(ROOT, "backend", "src");
const I18N = join(ROOT, "portal", "src", "i18n");
const LANGUAGES = ["zh", "en"] as const;
/** Codes the portal makes itself (client.ts: no answer at all). */
const PORTAL_CODES = ["NETWORK.UNREACHABLE"];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith(".ts") ? [path] : [];
  });
}

/** "DOMAIN.PROBLEM" string literals of the backend's source. */
export function literalCodes(source: string): string[] {
  return [...source.matchAll(/(["'])([A-Z][A-Z0-9_]*\.[A-Z][A-Z0-9_]*)\1/g)].map((m) => m[2]);
}

const catalogue = (lng: string, ns: string) => JSON.parse(readFileSync(join(I18N, lng, `${ns}.json`), "utf8")) as Record<string, string>;

describe("error texts", () => {
  const rejections = new Set<string>(REJECTION_CODES);
  const fromSource = new Set(sources(BACKEND).flatMap((f) => literalCodes(readFileSync(f, "utf8"))));
  const fromLedger = new Set((ledgerCatalogue as { code: string }[]).map((e) => e.code));
  const codes = [...new Set([...fromSource, ...fromLedger])].filter((c) => !rejections.has(c)).sort();

  it("finds the codes it checks", () => {
    expect(literalCodes(`throw conflict("ORGANIZATION.DUPLICATE", "x"); new AppError(\n "SESSION.NONE", 400, 'y')`)).toEqual(["ORGANIZATION.DUPLICATE", "SESSION.NONE"]);
    for (const c of ["ORGANIZATION.DUPLICATE", "RESOURCE.NOT_FOUND", "REQUEST.INVALID", "LEDGER.OUT_OF_GAS", "DRAFT.OWN"]) expect(fromSource, c).toContain(c);
    expect(fromLedger).toContain("CONFIRMATION.MISMATCH");
    expect(codes.length).toBeGreaterThan(100);
  });

  for (const lng of LANGUAGES) {
    it(`${lng}: every code the backend answers with has a text in errors.json`, () => {
      const errors = catalogue(lng, "errors");
      expect(codes.filter((c) => !errors[c]?.trim())).toEqual([]);
    });

    it(`${lng}: every rejection reason of an invoice has a text in invoices.json`, () => {
      const invoices = catalogue(lng, "invoices");
      expect([...rejections].filter((c) => !invoices[`rejection.${c}`]?.trim())).toEqual([]);
    });

    it(`${lng}: errors.json names no code the backend no longer has`, () => {
      const known = new Set([...codes, ...PORTAL_CODES]);
      expect(Object.keys(catalogue(lng, "errors")).filter((c) => !known.has(c))).toEqual([]);
    });
  }
});
