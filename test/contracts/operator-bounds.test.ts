/**
 * What the operator's key can do to members' money is bounded (issue 15, defect 11): grace and
 * default periods have floors and are fixed per certificate when it is created, a pause expires
 * unless governance extends it, and a change of the settlement token's clearing house is
 * scheduled ahead. Each test first shows the attack the bound stops.
 */
import { describe, it, expect } from "vitest";
import { world, nextOp, orgId, expectRevert, confirmed, financed, issue, register, input, attested, time, now, DAY, YUAN, DEFAULT_PARAMS, type World } from "./fixtures";
import { ReceivableStatus as S } from "../../backend/src/ledger/roles";
import { encodeBytes32String, MaxUint256 } from "ethers";
import { SettlementToken__factory } from "../../typechain-types";

const GRACE = BigInt(DEFAULT_PARAMS.gracePeriod);
const DEFAULT_PERIOD = BigInt(DEFAULT_PARAMS.defaultPeriod);
const DUE = 950_000n * YUAN;

const setParams = (w: World, change: Partial<typeof DEFAULT_PARAMS>) => w.ledger.connect(w.operator).setParams({ ...DEFAULT_PARAMS, ...change });
const financedWithRecourse = async (w: World) => {
  const id = await confirmed(w);
  await financed(w, id, w.supplierA, w.bankA, { due: DUE, advance: DUE - 50_000n * YUAN, recourse: true });
  return id;
};
const maturityOf = async (w: World, id: bigint) => (await w.ledger.receivable(id)).maturity;
const statusOf = async (w: World, id: bigint) => (await w.ledger.receivable(id)).status;

describe("ReceivableLedger: the operator's bounds", () => {
  it("refuses grace and default periods outside their bounds (zero periods would default a certificate in one block)", async () => {
    const w = await world();
    for (const bad of [
      { gracePeriod: 0 },
      { defaultPeriod: 0 },
      { gracePeriod: Number(DAY - 1n) },
      { gracePeriod: Number(30n * DAY + 1n) },
      { defaultPeriod: Number(7n * DAY - 1n) },
      { defaultPeriod: Number(180n * DAY + 1n) },
    ]) {
      await expectRevert(setParams(w, bad), "LedgerInvalidParams");
    }
    await setParams(w, { gracePeriod: Number(DAY), defaultPeriod: Number(7n * DAY) }); // the floors themselves are allowed
  });

  it("keeps the periods a certificate was created with when the operator shortens them: a suspended obligor's certificate cannot be rushed into default and recourse", async () => {
    const w = await world();
    const old = await financedWithRecourse(w);
    await setParams(w, { gracePeriod: Number(DAY), defaultPeriod: Number(7n * DAY) });
    const young = await financedWithRecourse(w);
    expect(await w.ledger.periodsOf(old)).toEqual([GRACE, DEFAULT_PERIOD]);
    expect(await w.ledger.periodsOf(young)).toEqual([DAY, 7n * DAY]);

    // the attack: suspend the obligor at maturity, so nothing can be pulled from it
    await w.membership.connect(w.operator).suspend(orgId("core1"), encodeBytes32String("attack"), nextOp());
    await time.increaseTo((await maturityOf(w, old)) + DAY + 60n);
    await w.ledger.connect(w.relayer).settle([old], nextOp());
    expect(await statusOf(w, old)).toBe(BigInt(S.Financed)); // still within its own 3-day grace
    await time.increaseTo((await maturityOf(w, old)) + DAY + 7n * DAY + 120n);
    await w.ledger.connect(w.relayer).settle([old], nextOp());
    expect(await statusOf(w, old)).toBe(BigInt(S.Overdue));
    // the shortened default period does not apply to it: a default now is refused
    await expectRevert(w.ledger.connect(w.bankA).declareDefault([old], nextOp()), "ClearingDefaultPeriodRunning");
    // the certificate created after the change has the short periods: overdue and in default by now
    await w.ledger.connect(w.relayer).settle([young], nextOp());
    expect(await statusOf(w, young)).toBe(BigInt(S.Overdue));
    await w.ledger.connect(w.bankA).declareDefault([young], nextOp());
    expect(await statusOf(w, young)).toBe(BigInt(S.Defaulted));
  });

  it("gives split parts the periods in force at the split, and a setting repeated adds no version", async () => {
    const w = await world();
    const parent = await confirmed(w);
    await setParams(w, { gracePeriod: Number(2n * DAY) });
    await setParams(w, { gracePeriod: Number(2n * DAY) });
    const half = 500_000n * YUAN;
    await w.ledger.connect(w.supplierA).split(parent, [{ to: w.supplierB.address, amount: half }, { to: w.supplierC.address, amount: half }], nextOp());
    const first = (await w.ledger.lastReceivableId()) - 1n;
    expect(await w.ledger.periodsOf(parent)).toEqual([GRACE, DEFAULT_PERIOD]);
    expect(await w.ledger.periodsOf(first)).toEqual([2n * DAY, DEFAULT_PERIOD]);
    await expectRevert(w.ledger.periodsOf(first + 5n), "ReceivableNotFound", [first + 5n]);
  });

  it("keeps the acceptance period between an hour and 30 days; a change applies to offers made from then on", async () => {
    const w = await world();
    for (const bad of [0n, 3_600n - 1n, 30n * DAY + 1n]) await expectRevert(setParams(w, { acceptancePeriod: bad }), "LedgerInvalidParams");
    await setParams(w, { acceptancePeriod: 3_600n }); // the bounds themselves are allowed
    const [short] = await issue(w, w.core1, w.supplierB.address);
    const shortExpires = (await now()) + 3_600n;
    expect((await w.ledger.offerOf(short)).expires).toBe(shortExpires);
    await setParams(w, { acceptancePeriod: 30n * DAY });
    expect((await w.ledger.offerOf(short)).expires).toBe(shortExpires); // an offer keeps its expiry
    const [long] = await issue(w, w.core1, w.supplierB.address);
    expect((await w.ledger.offerOf(long)).expires).toBe((await now()) + 30n * DAY);
  });

  it("lets the operator lower the maximum tenor to six months (183 days); a longer issue or registration is refused then", async () => {
    const w = await world();
    const SIX_MONTHS = 183n * DAY;
    await expectRevert(setParams(w, { maxTenor: 366n * DAY + 1n }), "LedgerInvalidParams");
    await setParams(w, { maxTenor: SIX_MONTHS });
    expect((await w.ledger.params()).maxTenor).toBe(SIX_MONTHS);
    const t = (await now()) + 10n;
    await time.setNextBlockTimestamp(t);
    const tooLong = await input({ counterparty: w.supplierA.address, maturity: t + SIX_MONTHS + 1n });
    await expectRevert(w.ledger.connect(w.core1).issue(...(await attested(w.ledger, w.core1, true, [tooLong])), nextOp()), "ReceivableTenorTooLong", [t + SIX_MONTHS + 1n, t + SIX_MONTHS]);
    await expectRevert(register(w, w.supplierA, w.core1.address, [{ maturity: (await now()) + 200n * DAY }]), "ReceivableTenorTooLong");
    const t2 = (await now()) + 100n;
    const exact = await input({ counterparty: w.supplierA.address, maturity: t2 + SIX_MONTHS });
    const args = await attested(w.ledger, w.core1, true, [exact]);
    await time.setNextBlockTimestamp(t2);
    await w.ledger.connect(w.core1).issue(...args, nextOp()); // exactly six months is allowed
    expect((await w.ledger.receivable(await w.ledger.lastReceivableId())).maturity).toBe(t2 + SIX_MONTHS);
  });

  it("ends an operator's pause after 7 days, after which defaults run again; only governance extends a pause", async () => {
    const w = await world();
    await w.ledger.connect(w.operator).pause();
    const pausedAt = await now();
    expect(await w.ledger.pauseEnds()).toBe(pausedAt + 7n * DAY);
    await expectRevert(w.ledger.connect(w.operator).extendPause(pausedAt + 60n * DAY), "LedgerUnauthorizedGovernor", [w.operator.address]);
    await time.increaseTo(pausedAt + 7n * DAY);
    expect(await w.ledger.paused()).toBe(false);
    expect(await w.ledger.pauseEnds()).toBe(0n);
    const id = await confirmed(w); // operations work again without an unpause
    // the clock counts again from the pause's end
    const t = await now();
    await time.increase(DAY);
    expect(await w.ledger.activeTimeSince(t)).toBe(DAY);
    // the operator may pause again; governance lengthens it
    await w.ledger.connect(w.operator).pause();
    const until = (await now()) + 40n * DAY;
    await w.ledger.connect(w.admin).extendPause(until);
    await time.increaseTo(until - 10n);
    expect(await w.ledger.paused()).toBe(true);
    await expectRevert(w.ledger.connect(w.supplierA).transferCertificate(w.supplierB.address, id, nextOp()), "EnforcedPause");
    await expectRevert(w.ledger.connect(w.admin).extendPause((await now()) - 1n), "LedgerInvalidPauseEnd");
    await time.increaseTo(until);
    expect(await w.ledger.paused()).toBe(false);
    await expectRevert(w.ledger.connect(w.admin).extendPause(until + DAY), "ExpectedPause");
  });

  it("counts an expired pause only up to its end in the default period (no indefinite freeze of default and recourse)", async () => {
    const w = await world();
    const id = await financedWithRecourse(w);
    await time.increaseTo((await maturityOf(w, id)) + GRACE);
    await w.token.connect(w.core1).approve(await w.ledger.getAddress(), 0n);
    await w.ledger.connect(w.relayer).settle([id], nextOp());
    expect(await statusOf(w, id)).toBe(BigInt(S.Overdue));
    const overdueAt = await now();
    await w.ledger.connect(w.operator).pause(); // and never unpaused
    await time.increaseTo(overdueAt + 7n * DAY + DEFAULT_PERIOD + 60n);
    await w.ledger.connect(w.bankA).declareDefault([id], nextOp());
    expect(await statusOf(w, id)).toBe(BigInt(S.Defaulted));
  });
});

describe("SettlementToken: the clearing house changes only after a delay", () => {
  it("schedules a change two days ahead, which anyone applies once due; never the zero address", async () => {
    const w = await world();
    const ledger = await w.ledger.getAddress();
    expect(await w.token.clearingHouse()).toBe(ledger);
    await w.token.connect(w.admin).setClearingHouse(w.spare[0].address);
    const due = (await now()) + 2n * DAY;
    expect(await w.token.clearingHouse()).toBe(ledger);
    expect(await w.token.pendingClearingHouse()).toEqual([w.spare[0].address, due]);
    await expectRevert(w.token.connect(w.outsider).applyClearingHouse(), "SettlementClearingHouseNotDue", [due]);
    await time.increaseTo(due);
    await w.token.connect(w.outsider).applyClearingHouse();
    expect(await w.token.clearingHouse()).toBe(w.spare[0].address);
    expect(await w.token.pendingClearingHouse()).toEqual(["0x0000000000000000000000000000000000000000", 0n]);
    await expectRevert(w.token.connect(w.outsider).applyClearingHouse(), "SettlementClearingHouseNotDue", [0n]);
    await expectRevert(w.token.connect(w.admin).setClearingHouse("0x0000000000000000000000000000000000000000"), "SettlementInvalidClearingHouse");
  });
});

describe("SettlementToken: what an issuer may mint is governance's to allow", () => {
  it("lets an issuer the operator onboarded mint nothing until governance raises its cap, which waits two days; lowering is at once", async () => {
    const w = await world();
    // a production deployment: no default cap
    const token = await new SettlementToken__factory(w.admin).deploy(w.membership, "eCNY", "eCNY", 0n);
    const issuerOrg = orgId("issuer");
    const mint = (amount: bigint) => token.connect(w.issuer).mint(w.bankA.address, amount, nextOp());
    await expectRevert(mint(1n), "SettlementIssuerCapExceeded", [issuerOrg, 1n, 0n]);
    await expectRevert(token.connect(w.operator).setIssuerCap(issuerOrg, 1_000n), "SettlementUnauthorizedGovernor", [w.operator.address]);

    await token.connect(w.admin).setIssuerCap(issuerOrg, 1_000n);
    const due = (await now()) + 2n * DAY;
    expect(await token.issuerCap(issuerOrg)).toEqual([0n, 0n, 1_000n, due]);
    await expectRevert(mint(1n), "SettlementIssuerCapExceeded", [issuerOrg, 1n, 0n]);
    await expectRevert(token.applyIssuerCap(issuerOrg), "SettlementIssuerCapNotDue", [issuerOrg, due]);
    await time.increaseTo(due);
    await token.connect(w.outsider).applyIssuerCap(issuerOrg);

    await mint(1_000n);
    await expectRevert(mint(1n), "SettlementIssuerCapExceeded", [issuerOrg, 1n, 0n]);
    // a withdrawal (burn) makes room again
    await token.connect(w.bankA).approve(w.issuer.address, MaxUint256);
    await token.connect(w.issuer).burn(w.bankA.address, 400n, nextOp());
    expect((await token.issuerCap(issuerOrg))[1]).toBe(600n);
    await mint(400n);
    // lowering below what is outstanding takes effect at once and stops further minting
    await token.connect(w.admin).setIssuerCap(issuerOrg, 500n);
    expect(await token.issuerCap(issuerOrg)).toEqual([500n, 1_000n, 0n, 0n]);
    await expectRevert(mint(1n), "SettlementIssuerCapExceeded", [issuerOrg, 1n, 0n]);
    await expectRevert(token.connect(w.admin).setIssuerCap(issuerOrg, 1n << 128n), "SettlementInvalidIssuerCap", [issuerOrg, 1n << 128n]);
  });
});
