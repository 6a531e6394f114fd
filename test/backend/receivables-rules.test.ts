import { describe, it, expect } from "vitest";
import { Wallet, decodeBytes32String, keccak256, toUtf8Bytes } from "ethers";
import type { AuthContext } from "../../backend/src/shared/http/auth";
import type { Organization, OrgRole } from "../../backend/src/shared/principal";
import { CONFIRM_TYPES, ledgerDomain } from "../../backend/src/ledger/typed-data";
import type { ReceivableRow } from "../../backend/src/modules/receivables";
import {
  canSee,
  checkConfirmationSignature,
  checkSplitPart,
  checkSplitTotal,
  confirmedFacts,
  reasonBytes32,
  requireNotMatured,
  requireParty,
} from "../../backend/src/modules/receivables/receivables.rules";
import { requireOffer, requireOfferOpen } from "../../backend/src/modules/receivables/receivables.offers";

const HOLDER = "00000000-0000-4000-8000-000000000001";
const OBLIGOR = "00000000-0000-4000-8000-000000000002";
const CREDITOR = "00000000-0000-4000-8000-000000000003";
const BANK = "00000000-0000-4000-8000-000000000004";
const STRANGER = "00000000-0000-4000-8000-000000000005";
const ROOT = `0x${"ab".repeat(32)}`;

const certificate = (o: Partial<ReceivableRow> = {}): ReceivableRow => ({
  id: "10000000-0000-4000-8000-000000000000",
  chainId: 7n,
  origin: "registered",
  obligorOrganizationId: OBLIGOR,
  creditorOrganizationId: CREDITOR,
  holderOrganizationId: HOLDER,
  amount: 1_000_000n,
  currency: "CNY",
  maturity: new Date("2030-01-01T00:00:00+08:00"),
  status: "pending",
  tier: 0,
  parentId: null,
  invoicesRoot: ROOT,
  invoiceKeys: [],
  operationId: null,
  registrationOperationId: null,
  financingBankOrganizationId: null,
  due: null,
  recourse: false,
  repaid: 0n,
  recovered: 0n,
  paidToBank: 0n,
  paidToHolder: 0n,
  failureCode: null,
  failureReason: null,
  settleAttemptedAt: null,
  chainBlock: null,
  offerKind: null,
  offerFromOrganizationId: null,
  offerToOrganizationId: null,
  offerExpiresAt: null,
  offerReturned: null,
  offerReturnReason: null,
  offerReturnText: null,
  rejectionReason: null,
  rejectionText: null,
  delinquent: false,
  createdAt: new Date(),
  updatedAt: new Date(),
  ...o,
});

const organization = (id: string, ledgerAddress: string | null = null): Organization =>
  ({ id, legalName: id, uscc: "", roles: [], contacts: [], status: "active", ledgerAddress }) as unknown as Organization;

const caller = (id: string, roles: OrgRole[] = []): AuthContext =>
  ({ organization: organization(id), has: (r: OrgRole) => roles.includes(r) }) as unknown as AuthContext;

/** The error `f` throws, for its code and status. */
const thrown = (f: () => void) => {
  try {
    f();
  } catch (e) {
    return e as { code: string; status: number; message: string };
  }
  throw new Error("expected it to throw");
};

describe("receivables rules", () => {
  it("shows a certificate to its holder, obligor, creditor and financing bank, the operator and auditors, and no one else", () => {
    const r = certificate({ financingBankOrganizationId: BANK });
    for (const id of [HOLDER, OBLIGOR, CREDITOR, BANK]) expect(canSee(caller(id), r), id).toBe(true);
    expect(canSee(caller(STRANGER), r)).toBe(false);
    expect(canSee(caller(STRANGER), certificate())).toBe(false);
    expect(canSee(caller(STRANGER, ["operator"]), r)).toBe(true);
    expect(canSee(caller(STRANGER, ["auditor"]), r)).toBe(true);
    expect(canSee(caller(STRANGER, ["bank", "supplier"]), r)).toBe(false);
  });

  it("lets only the certificate's party change it, and only in the state the change needs, once on the ledger", () => {
    const r = certificate();
    expect(() => requireParty(caller(OBLIGOR), r, "pending", "obligor")).not.toThrow();
    expect(() => requireParty(caller(HOLDER), r, "pending", "holder")).not.toThrow();
    // the holder does not confirm, the obligor does not cancel, and seeing it is not enough
    expect(thrown(() => requireParty(caller(HOLDER), r, "pending", "obligor"))).toMatchObject({ code: "AUTH.FORBIDDEN", status: 403 });
    expect(thrown(() => requireParty(caller(OBLIGOR), r, "pending", "holder"))).toMatchObject({ code: "AUTH.FORBIDDEN", status: 403 });
    expect(thrown(() => requireParty(caller(CREDITOR, ["operator"]), r, "pending", "holder"))).toMatchObject({ code: "AUTH.FORBIDDEN" });
    // a split needs a confirmed certificate; one not yet on the ledger cannot change at all
    expect(thrown(() => requireParty(caller(HOLDER), r, "confirmed", "holder"))).toMatchObject({ code: "RECEIVABLE.INVALID_STATUS", status: 409 });
    expect(thrown(() => requireParty(caller(HOLDER), certificate({ chainId: null }), "pending", "holder"))).toMatchObject({ code: "RECEIVABLE.INVALID_STATUS" });
  });

  it("shows an offered certificate to its receiver while it waits, and no longer once it went back", () => {
    const RECEIVER = STRANGER;
    const offered = certificate({ status: "offered", offerKind: "transfer", offerFromOrganizationId: HOLDER, offerToOrganizationId: RECEIVER, offerExpiresAt: new Date("2029-12-01T00:00:00Z") });
    expect(canSee(caller(RECEIVER), offered)).toBe(true);
    expect(canSee(caller(RECEIVER), { ...offered, status: "confirmed" })).toBe(false);
    expect(canSee(caller(BANK), offered)).toBe(false);
  });

  it("lets only an offer's receiver accept or refuse it and only its sender withdraw it, while it is offered and open", () => {
    const RECEIVER = STRANGER;
    const expires = new Date("2029-12-01T00:00:00Z");
    const offered = certificate({ status: "offered", offerKind: "transfer", offerFromOrganizationId: HOLDER, offerToOrganizationId: RECEIVER, offerExpiresAt: expires });
    expect(() => requireOffer(caller(RECEIVER), offered, "receiver", "accept")).not.toThrow();
    expect(() => requireOffer(caller(HOLDER), offered, "sender", "withdraw")).not.toThrow();
    // the sender does not accept its own offer, the receiver does not withdraw it, the obligor does neither
    expect(thrown(() => requireOffer(caller(HOLDER), offered, "receiver", "accept"))).toMatchObject({ code: "AUTH.FORBIDDEN", status: 403 });
    expect(thrown(() => requireOffer(caller(RECEIVER), offered, "sender", "withdraw"))).toMatchObject({ code: "AUTH.FORBIDDEN", status: 403 });
    expect(thrown(() => requireOffer(caller(OBLIGOR), offered, "receiver", "refuse"))).toMatchObject({ code: "AUTH.FORBIDDEN" });
    // accepted or returned already: nothing to accept
    expect(thrown(() => requireOffer(caller(RECEIVER), { ...offered, status: "confirmed" }, "receiver", "accept"))).toMatchObject({ code: "RECEIVABLE.INVALID_STATUS", status: 409 });
    // open until it expires (or the certificate matures, if earlier), on the ledger's clock
    const at = (d: Date) => BigInt(Math.floor(d.getTime() / 1000));
    expect(() => requireOfferOpen(offered, at(expires) - 1n)).not.toThrow();
    expect(thrown(() => requireOfferOpen(offered, at(expires)))).toMatchObject({ code: "OFFER.EXPIRED", status: 409 });
    const maturesFirst = { ...offered, maturity: new Date("2029-11-01T00:00:00Z") };
    expect(thrown(() => requireOfferOpen(maturesFirst, at(maturesFirst.maturity)))).toMatchObject({ code: "OFFER.EXPIRED" });
  });

  it("refuses a split or transfer of a matured certificate, from the instant it matures", () => {
    const maturity = new Date("2030-01-01T00:00:00Z");
    const r = certificate({ maturity });
    expect(() => requireNotMatured(r, new Date(maturity.getTime() - 1))).not.toThrow();
    expect(thrown(() => requireNotMatured(r, maturity))).toMatchObject({ code: "RECEIVABLE.MATURED", status: 409 });
    expect(thrown(() => requireNotMatured(r, new Date(maturity.getTime() + 1)))).toMatchObject({ code: "RECEIVABLE.MATURED" });
  });

  it("confirms each certificate's facts as the platform shows them, and nothing without a creditor address or invoice root", () => {
    const creditor = Wallet.createRandom().address;
    const creditors = new Map([[CREDITOR, organization(CREDITOR, creditor)]]);
    const r = certificate({ maturity: new Date("2030-01-01T00:00:00Z") });
    expect(confirmedFacts([r], creditors)).toEqual([{ id: "7", creditor, amount: "1000000", maturity: "1893456000", invoicesRoot: ROOT }]);
    expect(thrown(() => confirmedFacts([r], new Map([[CREDITOR, organization(CREDITOR)]])))).toMatchObject({ code: "RECEIVABLE.NOT_CONFIRMABLE", status: 409 });
    expect(thrown(() => confirmedFacts([r], new Map()))).toMatchObject({ code: "RECEIVABLE.NOT_CONFIRMABLE" });
    expect(thrown(() => confirmedFacts([r, certificate({ invoicesRoot: null })], creditors))).toMatchObject({ code: "RECEIVABLE.NOT_CONFIRMABLE" });
  });

  it("takes an own-key confirmation only signed by the obligor's address, for this ledger, before its deadline on the ledger's clock", async () => {
    const obligor = Wallet.createRandom();
    const deployment = { chainId: 31337n, ledger: Wallet.createRandom().address };
    const message = { items: [{ id: "7", creditor: Wallet.createRandom().address, amount: "1000000", maturity: "1893456000", invoicesRoot: ROOT }], nonce: "1", deadline: "2000" };
    const signed = await obligor.signTypedData(ledgerDomain(deployment.chainId, deployment.ledger), CONFIRM_TYPES, message);
    expect(() => checkConfirmationSignature(deployment, obligor.address, message, signed, 1999n)).not.toThrow();
    expect(() => checkConfirmationSignature(deployment, obligor.address.toLowerCase(), message, signed, 1999n)).not.toThrow();
    // the deadline counts on the ledger's clock: at the deadline it is too late
    expect(thrown(() => checkConfirmationSignature(deployment, obligor.address, message, signed, 2000n))).toMatchObject({ code: "SIGNATURE.EXPIRED", status: 422 });
    // signed by someone else, for other facts, or for another ledger: not the obligor's
    const other = await Wallet.createRandom().signTypedData(ledgerDomain(deployment.chainId, deployment.ledger), CONFIRM_TYPES, message);
    expect(thrown(() => checkConfirmationSignature(deployment, obligor.address, message, other, 0n))).toMatchObject({ code: "SIGNATURE.WRONG_SIGNER", status: 422 });
    expect(thrown(() => checkConfirmationSignature(deployment, obligor.address, { ...message, nonce: "2" }, signed, 0n))).toMatchObject({ code: "SIGNATURE.WRONG_SIGNER" });
    expect(thrown(() => checkConfirmationSignature({ ...deployment, chainId: 1n }, obligor.address, message, signed, 0n))).toMatchObject({ code: "SIGNATURE.WRONG_SIGNER" });
    expect(thrown(() => checkConfirmationSignature(deployment, obligor.address, message, "0x1234", 0n))).toMatchObject({ code: "REQUEST.INVALID", status: 422, fields: [{ field: "body.signature.signature" }] });
  });

  it("splits a certificate only into parts that add up to it exactly, each at least the smallest part allowed", () => {
    const r = certificate({ amount: 1_000n });
    expect(() => checkSplitTotal(r, [{ amount: 400n }, { amount: 600n }])).not.toThrow();
    expect(thrown(() => checkSplitTotal(r, [{ amount: 400n }, { amount: 599n }]))).toMatchObject({ code: "REQUEST.INVALID", fields: [{ field: "body.parts" }] });
    expect(thrown(() => checkSplitTotal(r, [{ amount: 400n }, { amount: 601n }]))).toMatchObject({ code: "REQUEST.INVALID", fields: [{ field: "body.parts" }] });
    expect(() => checkSplitPart(100n, { amount: 100n }, 0)).not.toThrow();
    expect(thrown(() => checkSplitPart(100n, { amount: 99n }, 1))).toMatchObject({ code: "REQUEST.INVALID", fields: [{ field: "body.parts.1.amount" }] });
  });

  it("keeps a rejection's reason itself when it fits in 31 bytes, and its hash otherwise", () => {
    expect(decodeBytes32String(reasonBytes32("wrong amount"))).toBe("wrong amount");
    const long = "the invoices do not match the goods we received";
    expect(reasonBytes32(long)).toBe(keccak256(toUtf8Bytes(long)));
  });
});
