import { describe, it, expect } from "vitest";
import { AppError } from "../../backend/src/shared/errors";
import { readsAll, type AuthContext } from "../../backend/src/shared/http/auth";
import type { Organization } from "../../backend/src/modules/onboarding";
import type { ReceivableRow } from "../../backend/src/modules/receivables";
import type { Financing, FinancingRequest, Quote } from "../../backend/src/modules/financing/financing.entity";
import {
  cheapestFirst,
  expiredSignature,
  expiresTooSoon,
  financeTerms,
  hideOtherBanks,
  inactiveParty,
  MAX_UINT256,
  needsLedgerApproval,
  priceQuote,
  requireActiveParties,
  requireFinanceable,
  requireHeld,
  requireReviewOfLongTerm,
  requireLimitCovers,
  requireOpenQuote,
  requireRoom,
  roomOn,
  type PartyStanding,
  type QuoteInput,
} from "../../backend/src/modules/financing/financing.rules";
import { price } from "../../backend/src/modules/financing/pricing";

const DAY = 86_400_000;
const NOW = new Date("2026-03-01T00:00:00Z");
const BANK = "bank-1";
const OTHER_BANK = "bank-2";
const SUPPLIER = "supplier-1";
const OBLIGOR = "obligor-1";

/** The AppError `f` throws (undefined: none). */
function thrown(f: () => unknown): AppError | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  return undefined;
}

const receivable = (over: Partial<ReceivableRow> = {}): ReceivableRow =>
  ({
    id: "r-1",
    chainId: 7n,
    origin: "issued",
    obligorOrganizationId: OBLIGOR,
    creditorOrganizationId: SUPPLIER,
    holderOrganizationId: SUPPLIER,
    amount: 100_000_000n,
    currency: "CNY",
    maturity: new Date(NOW.getTime() + 90 * DAY),
    status: "confirmed",
    financingBankOrganizationId: null,
    createdAt: NOW,
    ...over,
  }) as ReceivableRow;

const request = (over: Partial<FinancingRequest> = {}): FinancingRequest => ({
  id: "req-1",
  receivableId: "r-1",
  supplierOrganizationId: SUPPLIER,
  obligorOrganizationId: OBLIGOR,
  status: "open",
  acceptedQuoteId: null,
  financingId: null,
  createdAt: NOW,
  updatedAt: NOW,
  ...over,
});

const quote = (over: Partial<Quote> = {}): Quote => ({
  id: "q-1",
  requestId: "req-1",
  bankOrganizationId: BANK,
  advance: 90_000_000n,
  annualRateBp: 435,
  dayCount: 360,
  fee: 50_000n,
  days: 90,
  interest: 978_750n,
  due: 91_028_750n,
  recourse: false,
  validUntil: new Date(NOW.getTime() + DAY),
  status: "open",
  reasonablenessReview: null,
  createdAt: NOW,
  ...over,
});

const org = (id: string, status: Organization["status"] = "active"): Organization => ({ id, legalName: `${id} Ltd`, status, ledgerAddress: `0x${id.length.toString().padStart(40, "0")}` }) as Organization;

const financing = (deadline: bigint): Financing =>
  ({ id: "f-1", bankOrganizationId: BANK, supplierOrganizationId: SUPPLIER, terms: { deadline: deadline.toString() } }) as Financing;

const auth = (...roles: string[]) => ({ organization: org(BANK), has: (r: string) => roles.includes(r) }) as unknown as AuthContext;

describe("financing rules", () => {
  it("reads everything only as the operator or an auditor", () => {
    expect([readsAll(auth("operator")), readsAll(auth("auditor")), readsAll(auth("bank")), readsAll(auth("supplier", "core_enterprise"))]).toEqual([true, true, false, false]);
  });

  it("gives a line room under the lower of its ledger limit and a limit being set", () => {
    const line = { limitAmount: 1_000n, used: 300n, requestedLimit: null };
    expect(roomOn(line, 200n)).toBe(500n);
    // a cut binds before the ledger has it; a raise waits for the ledger
    expect(roomOn({ ...line, requestedLimit: 600n }, 200n)).toBe(100n);
    expect(roomOn({ ...line, requestedLimit: 2_000n }, 200n)).toBe(500n);
    // below nothing when a cut goes under what the line carries
    expect(roomOn({ ...line, requestedLimit: 400n }, 200n)).toBe(-100n);
  });

  it("refuses a limit below what the line carries, funded and committed", () => {
    expect(thrown(() => requireLimitCovers(500n, 300n, 200n))).toBeUndefined();
    const e = thrown(() => requireLimitCovers(499n, 300n, 200n));
    expect([e?.code, e?.status, e?.fields[0].field]).toEqual(["REQUEST.INVALID", 422, "body.limit"]);
    expect(e?.fields[0].message).toMatch(/at least 500 fen/);
  });

  it("authorizes the ledger again only when the allowance is absent or below half the maximum", () => {
    expect(needsLedgerApproval(null)).toBe(true);
    expect(needsLedgerApproval(0n)).toBe(true);
    expect(needsLedgerApproval(MAX_UINT256 / 2n - 1n)).toBe(true);
    expect(needsLedgerApproval(MAX_UINT256 / 2n)).toBe(false);
    expect(needsLedgerApproval(MAX_UINT256)).toBe(false);
  });

  it("finances only a confirmed certificate of its holder maturing more than a day out", () => {
    const r = receivable();
    expect(requireFinanceable(r, SUPPLIER, r.id, NOW)).toBe(r);
    expect(thrown(() => requireFinanceable(null, SUPPLIER, "r-9", NOW))?.code).toBe("RESOURCE.NOT_FOUND");
    // another organization's certificate is as absent as one that does not exist
    expect(thrown(() => requireFinanceable(r, OTHER_BANK, r.id, NOW))?.status).toBe(404);
    expect(thrown(() => requireFinanceable(receivable({ status: "pending" }), SUPPLIER, r.id, NOW))?.code).toBe("RECEIVABLE.INVALID_STATUS");
    expect(thrown(() => requireFinanceable(receivable({ maturity: new Date(NOW.getTime() + DAY - 1) }), SUPPLIER, r.id, NOW))?.code).toBe("RECEIVABLE.MATURES_TOO_SOON");
    expect(thrown(() => requireFinanceable(receivable({ maturity: new Date(NOW.getTime() + DAY) }), SUPPLIER, r.id, NOW))).toBeUndefined();
  });

  it("hides another bank's winning quote, financing and funding from a bank, but not its own", () => {
    const theirs = { request: request({ id: "a", status: "accepted", acceptedQuoteId: "q-theirs", financingId: "f-theirs" }), receivable: receivable({ financingBankOrganizationId: OTHER_BANK }) };
    const mine = { request: request({ id: "b", status: "accepted", acceptedQuoteId: "q-mine", financingId: "f-mine" }), receivable: receivable({ financingBankOrganizationId: BANK }) };
    const [a, b] = hideOtherBanks(BANK, [theirs, mine], new Set(["q-mine"]));
    expect([a.request.acceptedQuoteId, a.request.financingId, a.receivable.financingBankOrganizationId]).toEqual([null, null, null]);
    expect([b.request.acceptedQuoteId, b.request.financingId, b.receivable.financingBankOrganizationId]).toEqual(["q-mine", "f-mine", BANK]);
    // the rows read are not changed
    expect(theirs.request.acceptedQuoteId).toBe("q-theirs");
    // an organization reading its own request as supplier sees it whole
    const own = { request: request({ supplierOrganizationId: BANK, acceptedQuoteId: "q-theirs" }), receivable: receivable({ financingBankOrganizationId: OTHER_BANK }) };
    expect(hideOtherBanks(BANK, [own], new Set())[0]).toEqual(own);
  });

  describe("quoting", () => {
    const r = receivable();
    const input: QuoteInput = { advance: 90_000_000n, annualRateBp: 435, dayCount: 360, fee: 50_000n, recourse: false, validUntil: new Date(NOW.getTime() + DAY) };

    it("prices the quote to the maturity's day and takes an advance rate of the face amount", () => {
      const q = priceQuote(r, input, 91_028_750n, NOW);
      expect([q.advance, q.days, q.priced.interest, q.priced.due]).toEqual([90_000_000n, 90, 978_750n, 91_028_750n]);
      const byRate = priceQuote(r, { ...input, advance: undefined, advanceRateBp: 8_000 }, 10n ** 18n, NOW);
      expect(byRate.advance).toBe(80_000_000n);
    });

    it("refuses a validity already over, or past the maturity", () => {
      const past = thrown(() => priceQuote(r, { ...input, validUntil: NOW }, 10n ** 18n, NOW));
      expect([past?.code, past?.fields[0]]).toEqual(["REQUEST.INVALID", { field: "body.validUntil", message: "is in the past" }]);
      const late = thrown(() => priceQuote(r, { ...input, validUntil: new Date(r.maturity.getTime() + 1) }, 10n ** 18n, NOW));
      expect(late?.fields[0].message).toBe("is after the certificate's maturity");
      expect(thrown(() => priceQuote(r, { ...input, validUntil: r.maturity }, 10n ** 18n, NOW))).toBeUndefined();
    });

    it("refuses terms that do not price, and a due the line has no room for", () => {
      const over = thrown(() => priceQuote(r, { ...input, advance: r.amount }, 10n ** 18n, NOW));
      expect([over?.code, over?.status]).toEqual(["QUOTE.INVALID_TERMS", 422]);
      const short = thrown(() => priceQuote(r, input, 91_028_749n, NOW));
      expect([short?.code, short?.status]).toEqual(["CREDIT_LINE.INSUFFICIENT", 422]);
      expect(short?.message).toMatch(/91028749 fen available; this quote needs 91028750/);
    });

    it("needs the bank's reasonableness review for a term over 6 months (77号文), and only then", () => {
      const long = receivable({ maturity: new Date(NOW.getTime() + 200 * DAY) });
      const missing = thrown(() => requireReviewOfLongTerm(NOW, long, undefined));
      expect([missing?.code, missing?.fields[0].field]).toEqual(["REQUEST.INVALID", "body.reasonablenessReview"]);
      expect(missing?.fields[0].message).toMatch(/term \(200 days\) exceeds 6 months/);
      expect(thrown(() => requireReviewOfLongTerm(NOW, long, { reviewer: "授信审批部 王敏", reason: "整车厂账期惯例，已核对历史履约" }))).toBeUndefined();
      expect(thrown(() => requireReviewOfLongTerm(NOW, r, undefined))).toBeUndefined();
      // a split part made later counts from its root's issue: still over six months
      expect(thrown(() => requireReviewOfLongTerm(new Date(NOW.getTime() - 30 * DAY), receivable({ maturity: new Date(NOW.getTime() + 160 * DAY) }), undefined))?.code).toBe("REQUEST.INVALID");
      // a quote stored without it (made before the rule) cannot be accepted either
      expect(thrown(() => requireReviewOfLongTerm(NOW, long, quote().reasonablenessReview))?.code).toBe("REQUEST.INVALID");
    });

    it("lists the lowest effective annual cost first, then the larger advance", () => {
      const priced = (advance: bigint, annualRateBp: number) => ({ advance, priced: price(r.amount, { advance, annualRateBp, dayCount: 360, fee: 0n, days: 90 }) });
      const sorted = [priced(80_000_000n, 500), priced(80_000_000n, 400), priced(90_000_000n, 400)].sort(cheapestFirst);
      expect(sorted.map((x) => [x.advance, x.priced.effectiveAnnualCostBp])).toEqual([
        [90_000_000n, 400],
        [80_000_000n, 400],
        [80_000_000n, 500],
      ]);
    });
  });

  describe("acceptance", () => {
    it("accepts only an open, unexpired quote on an open request", () => {
      const now = NOW.getTime();
      expect(thrown(() => requireOpenQuote(request(), quote(), now))).toBeUndefined();
      // the request's state is told before the quote's
      expect(thrown(() => requireOpenQuote(request({ status: "accepted" }), quote({ status: "closed" }), now))?.code).toBe("FINANCING.REQUEST_CLOSED");
      expect(thrown(() => requireOpenQuote(request(), quote({ status: "withdrawn" }), now))?.code).toBe("QUOTE.NOT_OPEN");
      expect(thrown(() => requireOpenQuote(request(), quote({ validUntil: NOW }), now))?.code).toBe("QUOTE.EXPIRED");
      expect(thrown(() => requireOpenQuote(request(), quote({ validUntil: new Date(now + 1) }), now))).toBeUndefined();
    });

    it("needs the certificate still confirmed and still the supplier's", () => {
      expect(thrown(() => requireHeld(receivable(), SUPPLIER))).toBeUndefined();
      expect(thrown(() => requireHeld(receivable({ holderOrganizationId: "someone-else" }), SUPPLIER))?.code).toBe("RECEIVABLE.INVALID_STATUS");
      expect(thrown(() => requireHeld(receivable({ status: "financed" }), SUPPLIER))?.code).toBe("RECEIVABLE.INVALID_STATUS");
    });

    it("refuses a party that is not active, or is being suspended", () => {
      const active: PartyStanding = { id: BANK, legalName: "Bank Ltd", status: "active", suspending: false };
      expect(thrown(() => requireActiveParties([active, { ...active, id: SUPPLIER }]))).toBeUndefined();
      const suspending = thrown(() => requireActiveParties([active, { ...active, id: SUPPLIER, legalName: "Supplier Ltd", suspending: true }]));
      expect([suspending?.code, suspending?.status, suspending?.extra]).toEqual(["ORGANIZATION.NOT_ACTIVE", 409, { organizationId: SUPPLIER }]);
      expect(suspending?.message).toMatch(/^Supplier Ltd is being suspended/);
      expect(thrown(() => requireActiveParties([{ ...active, status: "suspended" }]))?.message).toMatch(/^Bank Ltd is suspended/);
    });

    it("refuses a due above the line's room now, never showing a negative room", () => {
      expect(thrown(() => requireRoom(quote(), "Bank Ltd", 91_028_750n))).toBeUndefined();
      const short = thrown(() => requireRoom(quote(), "Bank Ltd", -5n));
      expect([short?.code, short?.status]).toEqual(["CREDIT_LINE.INSUFFICIENT", 422]);
      expect(short?.message).toMatch(/^Bank Ltd's credit line for this core enterprise has 0 fen available now/);
    });

    it("signs the quote's terms in decimal strings, bound to the financing agreement", () => {
      const agreement = "0x" + "5c".repeat(32);
      expect(financeTerms(quote({ recourse: true }), receivable(), org(BANK), 255n, 1_700_000_000n, agreement)).toEqual({
        receivableId: "7",
        bank: org(BANK).ledgerAddress,
        advance: "90000000",
        due: "91028750",
        recourse: true,
        agreement,
        nonce: "255",
        deadline: "1700000000",
      });
    });

    it("binds no agreement (zero) when none is given", () => {
      expect(financeTerms(quote(), receivable(), org(BANK), 1n, 1_700_000_000n).agreement).toBe("0x" + "0".repeat(64));
    });
  });

  describe("a funding that can never succeed", () => {
    const ledgerNow = 1_700_000_000n;

    it("takes a signature within two minutes of its deadline on the ledger's clock as expired", () => {
      expect(expiresTooSoon(ledgerNow + 120n, ledgerNow)).toBe(true);
      expect(expiresTooSoon(ledgerNow + 121n, ledgerNow)).toBe(false);
      expect(expiredSignature(financing(ledgerNow + 121n), ledgerNow)).toBeNull();
      expect(expiredSignature(financing(ledgerNow + 120n), ledgerNow)?.code).toBe("SIGNATURE.EXPIRED");
      expect(expiredSignature(financing(ledgerNow - 1n), ledgerNow)?.reason).toMatch(`expires at ${ledgerNow - 1n} (unix seconds) and the ledger's clock reads ${ledgerNow}`);
    });

    it("names the party that is no longer an active member, by its role", () => {
      const f = financing(ledgerNow + 3_600n);
      expect(inactiveParty(f, [org(BANK), org(SUPPLIER), org(OBLIGOR)])).toBeNull();
      const role = (id: string) => inactiveParty(f, [org(BANK), org(SUPPLIER), org(OBLIGOR)].map((o) => (o.id === id ? org(id, "suspended") : o)));
      expect(role(BANK)?.reason).toMatch(/^bank-1 Ltd \(the bank\) is suspended/);
      expect(role(SUPPLIER)?.reason).toMatch(/\(the holder\)/);
      expect(role(OBLIGOR)?.reason).toMatch(/\(the obligor\)/);
      expect(role(OBLIGOR)?.code).toBe("ORGANIZATION.NOT_ACTIVE");
    });
  });
});
