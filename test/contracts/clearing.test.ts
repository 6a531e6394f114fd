import { describe, it, expect } from "vitest";
import {
  world, transferred, nextOp, orgId, expectRevert, register, confirmed, financed, time, now, DAY, YUAN, DEFAULT_PARAMS, type World,
} from "./fixtures";
import { ReceivableStatus as S } from "../../backend/src/ledger/roles";

const FACE = 1_000_000n * YUAN;
const DUE = 950_000n * YUAN;
const GRACE = BigInt(DEFAULT_PARAMS.gracePeriod);
const DEFAULT_PERIOD = BigInt(DEFAULT_PARAMS.defaultPeriod);

/** Limits what the ledger may pull from core1 (its repayment authorization). */
const authorize = async (w: World, amount: bigint, obligor = w.core1) => w.token.connect(obligor).approve(await w.ledger.getAddress(), amount);
const balances = async (w: World, ...who: { address: string }[]) => Promise.all(who.map((x) => w.token.balanceOf(x.address)));
const toMaturity = async (w: World, id: bigint, extra = 0n) => time.increaseTo((await w.ledger.receivable(id)).maturity + extra);
const settle = (w: World, ids: bigint[]) => w.ledger.connect(w.relayer).settle(ids, nextOp());
/** The ids a settlement skipped, with the status each had. */
async function skipped(w: World, ids: bigint[]) {
  const receipt = await (await settle(w, ids)).wait();
  return receipt!.logs
    .map((l) => { try { return w.ledger.interface.parseLog(l); } catch { return null; } })
    .filter((e) => e?.name === "SettlementSkipped")
    .map((e) => [e!.args.id, Number(e!.args.status)]);
}

async function financedCert(w: World, due = DUE, recourse = false) {
  const id = await confirmed(w);
  await financed(w, id, w.supplierA, w.bankA, { due, advance: due - 50_000n * YUAN, recourse });
  return id;
}

describe("Clearing", () => {
  it("pays the holder the face amount of an unfinanced certificate at maturity", async () => {
    const w = await world();
    const id = await confirmed(w);
    await expectRevert(settle(w, [id]), "ClearingNotMatured");
    await toMaturity(w, id);
    const [core, holder] = await balances(w, w.core1, w.supplierA);
    await settle(w, [id]);
    expect(await balances(w, w.core1, w.supplierA)).toEqual([core - FACE, holder + FACE]);
    expect((await w.ledger.receivable(id)).status).toBe(BigInt(S.Settled));
    expect(await w.ledger.outstandingOf(id)).toBe(0n);
    expect(await skipped(w, [id])).toEqual([[id, S.Settled]]);
    expect(await balances(w, w.core1, w.supplierA)).toEqual([core - FACE, holder + FACE]); // nothing pulled twice
  });

  it("pays the bank min(face, due) first and the holder the rest, releasing the credit line and the lien", async () => {
    const w = await world();
    const id = await financedCert(w);
    await toMaturity(w, id);
    const [core, bank, holder] = await balances(w, w.core1, w.bankA, w.supplierA);
    await settle(w, [id]);
    expect(await balances(w, w.core1, w.bankA, w.supplierA)).toEqual([core - FACE, bank + DUE, holder + FACE - DUE]);
    expect((await w.ledger.creditLine(w.bankA.address, w.core1.address)).used).toBe(0n);
    expect((await w.ledger.lienOf(id)).bank).toBe("0x0000000000000000000000000000000000000000");
  });

  it("pays whoever holds the certificate at maturity", async () => {
    const w = await world();
    const id = await confirmed(w);
    await transferred(w, w.supplierA, w.supplierC, id);
    await toMaturity(w, id);
    const [before] = await balances(w, w.supplierC);
    await settle(w, [id]);
    expect((await balances(w, w.supplierC))[0]).toBe(before + FACE);
  });

  it("leaves a shortfall outstanding, turns it Overdue after the grace period, and does not fail the rest of the batch", async () => {
    const w = await world();
    const short = await financedCert(w);
    const fine = await confirmed(w, w.supplierB, w.core2);
    await toMaturity(w, fine); // registered last, so it matures last
    await authorize(w, 600_000n * YUAN);
    const [bank, holder] = await balances(w, w.bankA, w.supplierA);
    await settle(w, [short, fine]); // within grace: partial payment, status unchanged
    expect((await w.ledger.receivable(short)).status).toBe(BigInt(S.Financed));
    expect((await w.ledger.receivable(fine)).status).toBe(BigInt(S.Settled));
    expect(await balances(w, w.bankA, w.supplierA)).toEqual([bank + 600_000n * YUAN, holder]); // bank first
    expect(await w.ledger.outstandingOf(short)).toBe(400_000n * YUAN);
    expect((await w.ledger.creditLine(w.bankA.address, w.core1.address)).used).toBe(DUE - 600_000n * YUAN);

    await time.increase(GRACE);
    await settle(w, [short]); // nothing left to pull, grace over: Overdue
    expect((await w.ledger.receivable(short)).status).toBe(BigInt(S.Overdue));
    expect(await w.ledger.outstandingOf(short)).toBe(400_000n * YUAN);
  });

  it("clears an Overdue certificate when the obligor repays later, paying the bank exactly its due in total", async () => {
    const w = await world();
    const id = await financedCert(w);
    await toMaturity(w, id, GRACE);
    await authorize(w, 300_000n * YUAN);
    const [bank0, holder0] = await balances(w, w.bankA, w.supplierA);
    await settle(w, [id]);
    expect((await w.ledger.receivable(id)).status).toBe(BigInt(S.Overdue));
    await authorize(w, 2_000_000n * YUAN);
    await settle(w, [id]);
    expect((await w.ledger.receivable(id)).status).toBe(BigInt(S.Settled));
    const [bank1, holder1] = await balances(w, w.bankA, w.supplierA);
    expect([bank1 - bank0, holder1 - holder0]).toEqual([DUE, FACE - DUE]);
    expect((await w.ledger.repaymentOf(id)).repaid).toBe(FACE);
    expect((await w.ledger.creditLine(w.bankA.address, w.core1.address)).used).toBe(0n);
  });

  it("pulls nothing from a suspended obligor and holds payouts for a suspended payee until it withdraws", async () => {
    const w = await world();
    const a = await financedCert(w);
    const b = await confirmed(w, w.supplierB, w.core2);
    await toMaturity(w, a, GRACE);
    await w.membership.connect(w.operator).suspend(orgId("core1"), orgId("frozen"), nextOp());
    await w.membership.connect(w.operator).suspend(orgId("supplierB"), orgId("frozen"), nextOp());
    await settle(w, [a, b]);
    expect((await w.ledger.receivable(a)).status).toBe(BigInt(S.Overdue));
    expect((await w.ledger.receivable(b)).status).toBe(BigInt(S.Settled));
    expect(await w.ledger.heldPayouts(w.supplierB.address)).toBe(FACE);
    expect(await w.token.balanceOf(await w.ledger.getAddress())).toBe(FACE);
    await expectRevert(w.ledger.connect(w.supplierB).withdrawHeldPayouts(), "MemberInactive", [w.supplierB.address]);
    await w.membership.connect(w.operator).reinstate(orgId("supplierB"), nextOp());
    const [before] = await balances(w, w.supplierB);
    await w.ledger.connect(w.supplierB).withdrawHeldPayouts();
    expect((await balances(w, w.supplierB))[0]).toBe(before + FACE);
    expect(await w.token.balanceOf(await w.ledger.getAddress())).toBe(0n);
    await expectRevert(w.ledger.connect(w.supplierB).withdrawHeldPayouts(), "ClearingNothingHeld", [w.supplierB.address]);
  });

  it("pays what is held for a removed account to another account of its organization, and to nobody else", async () => {
    const w = await world();
    const id = await confirmed(w, w.supplierB, w.core2);
    await toMaturity(w, id);
    await w.membership.connect(w.operator).suspend(orgId("supplierB"), orgId("frozen"), nextOp());
    await settle(w, [id]);
    await w.membership.connect(w.operator).reinstate(orgId("supplierB"), nextOp());
    expect(await w.ledger.heldPayouts(w.supplierB.address)).toBe(FACE);
    const [newKey] = w.spare;
    // while the old key is a member, its organization's other keys cannot take what is held for it
    await w.membership.connect(w.operator).addAccount(orgId("supplierB"), newKey.address, nextOp());
    await expectRevert(w.ledger.connect(newKey).withdrawHeldPayoutsOf(w.supplierB.address), "ClearingNotSameOrganization", [w.supplierB.address, newKey.address]);
    // the key is retired: it can no longer withdraw, and its payout is not stuck
    await w.membership.connect(w.operator).removeAccount(w.supplierB.address, nextOp());
    expect(await w.membership.formerOrganizationOf(w.supplierB.address)).toBe(orgId("supplierB"));
    await expectRevert(w.ledger.connect(w.supplierB).withdrawHeldPayouts(), "MemberInactive", [w.supplierB.address]);
    await expectRevert(w.ledger.connect(w.supplierA).withdrawHeldPayoutsOf(w.supplierB.address), "ClearingNotSameOrganization", [w.supplierB.address, w.supplierA.address]);
    const [before] = await balances(w, newKey);
    await w.ledger.connect(newKey).withdrawHeldPayoutsOf(w.supplierB.address);
    expect((await balances(w, newKey))[0]).toBe(before + FACE);
    expect(await w.ledger.heldPayouts(w.supplierB.address)).toBe(0n);
    await expectRevert(w.ledger.connect(newKey).withdrawHeldPayoutsOf(w.supplierB.address), "ClearingNothingHeld", [w.supplierB.address]);
    // added back, it is a member again and no longer "former"
    await w.membership.connect(w.operator).addAccount(orgId("supplierB"), w.supplierB.address, nextOp());
    expect(await w.membership.formerOrganizationOf(w.supplierB.address)).toBe("0x" + "0".repeat(64));
  });

  it("declares default only after the default period, only by the creditor, and releases the credit line", async () => {
    const w = await world();
    const id = await financedCert(w);
    await toMaturity(w, id, GRACE);
    await authorize(w, 100_000n * YUAN);
    await settle(w, [id]);
    await expectRevert(w.ledger.connect(w.bankA).declareDefault([id], nextOp()), "ClearingDefaultPeriodRunning");
    await time.increase(DEFAULT_PERIOD);
    await expectRevert(w.ledger.connect(w.supplierA).declareDefault([id], nextOp()), "ClearingNotCreditor", [id, w.supplierA.address]);
    await w.ledger.connect(w.bankA).declareDefault([id], nextOp());
    expect((await w.ledger.receivable(id)).status).toBe(BigInt(S.Defaulted));
    expect((await w.ledger.creditLine(w.bankA.address, w.core1.address)).used).toBe(0n);
    expect(await w.ledger.outstandingOf(id)).toBe(FACE - 100_000n * YUAN);
    expect(await skipped(w, [id])).toEqual([[id, S.Defaulted]]);
    expect((await w.ledger.receivable(id)).status).toBe(BigInt(S.Defaulted));
  });

  it("lets the holder of an unfinanced Overdue certificate declare default", async () => {
    const w = await world();
    const id = await confirmed(w);
    await toMaturity(w, id, GRACE);
    await authorize(w, 0n);
    await settle(w, [id]);
    await time.increase(DEFAULT_PERIOD);
    await expectRevert(w.ledger.connect(w.bankA).declareDefault([id], nextOp()), "ClearingNotCreditor", [id, w.bankA.address]);
    await w.ledger.connect(w.supplierA).declareDefault([id], nextOp());
    expect((await w.ledger.receivable(id)).status).toBe(BigInt(S.Defaulted));
  });

  it("recovers what the bank is still owed from the seller when financed with recourse", async () => {
    const w = await world();
    const id = await financedCert(w, DUE, true);
    const plain = await financedCert(w, DUE, false);
    await toMaturity(w, plain, GRACE);
    await authorize(w, 200_000n * YUAN);
    await settle(w, [id, plain]);
    await time.increase(DEFAULT_PERIOD);
    await w.ledger.connect(w.bankA).declareDefault([id, plain], nextOp());
    await expectRevert(w.ledger.connect(w.bankA).claimRecourse([plain], nextOp()), "ClearingNoRecourse", [plain]);
    await expectRevert(w.ledger.connect(w.bankB).claimRecourse([id], nextOp()), "ClearingNotCreditor", [id, w.bankB.address]);
    const owed = DUE - 200_000n * YUAN;
    // the seller can only cover part of it for now
    await w.token.connect(w.supplierA).approve(await w.ledger.getAddress(), 500_000n * YUAN);
    const [bank0, seller0] = await balances(w, w.bankA, w.supplierA);
    await w.ledger.connect(w.bankA).claimRecourse([id], nextOp());
    expect(await balances(w, w.bankA, w.supplierA)).toEqual([bank0 + 500_000n * YUAN, seller0 - 500_000n * YUAN]);
    await w.token.connect(w.supplierA).approve(await w.ledger.getAddress(), 10n ** 30n);
    await w.ledger.connect(w.bankA).claimRecourse([id], nextOp());
    expect((await balances(w, w.bankA))[0]).toBe(bank0 + owed);
    expect((await w.ledger.repaymentOf(id)).recovered).toBe(owed);
    // nothing more is owed: a further claim moves nothing
    await w.ledger.connect(w.bankA).claimRecourse([id], nextOp());
    expect((await balances(w, w.bankA))[0]).toBe(bank0 + owed);
  });

  it("recovers by recourse what one seller can pay across a batch of its certificates, first one first", async () => {
    const w = await world();
    const ids = [await financedCert(w, DUE, true), await financedCert(w, DUE, true)];
    await toMaturity(w, ids[1], GRACE + DEFAULT_PERIOD);
    await authorize(w, 0n);
    await settle(w, ids);
    await w.ledger.connect(w.bankA).declareDefault(ids, nextOp());
    const available = 1_000_000n * YUAN; // less than the 1,900,000 yuan the two shortfalls add up to
    await w.token.connect(w.supplierA).approve(await w.ledger.getAddress(), available);
    const [bank0] = await balances(w, w.bankA);
    await w.ledger.connect(w.bankA).claimRecourse(ids, nextOp());
    expect((await balances(w, w.bankA))[0]).toBe(bank0 + available);
    expect((await w.ledger.repaymentOf(ids[0])).recovered).toBe(DUE);
    expect((await w.ledger.repaymentOf(ids[1])).recovered).toBe(available - DUE);
  });

  it("keeps settling while paused, and paused time counts towards neither grace nor default", async () => {
    const w = await world();
    const id = await financedCert(w);
    await toMaturity(w, id, GRACE);
    await authorize(w, 0n);
    await settle(w, [id]);
    const overdueAt = await now();
    await w.ledger.connect(w.operator).pause();
    await time.increase(5n * DAY);
    await authorize(w, 1n * YUAN);
    await settle(w, [id]); // repayment works while paused
    expect(await w.ledger.outstandingOf(id)).toBe(FACE - YUAN);
    await expectRevert(w.ledger.connect(w.bankA).declareDefault([id], nextOp()), "EnforcedPause");
    await w.ledger.connect(w.operator).unpause();
    // 5 paused days do not count: the default period ends 5 days later than it would have
    await time.increaseTo(overdueAt + DEFAULT_PERIOD + 3n * DAY);
    await expectRevert(w.ledger.connect(w.bankA).declareDefault([id], nextOp()), "ClearingDefaultPeriodRunning");
    await time.increaseTo(overdueAt + DEFAULT_PERIOD + 5n * DAY + 60n);
    await w.ledger.connect(w.bankA).declareDefault([id], nextOp());
  });

  it("excludes every pause interval from the active clock", async () => {
    const w = await world();
    const t0 = await now();
    for (let i = 0; i < 3; i++) {
      await time.increase(DAY);
      await w.ledger.connect(w.operator).pause();
      await time.increase(2n * DAY);
      await w.ledger.connect(w.operator).unpause();
    }
    await time.increase(DAY);
    await w.ledger.connect(w.operator).pause(); // still paused now
    await time.increase(DAY);
    const elapsed = (await now()) - t0;
    const active = await w.ledger.activeTimeSince(t0);
    // 4 active days and a few seconds for the transactions; 7 paused days left out
    expect(elapsed - active >= 7n * DAY && elapsed - active <= 7n * DAY + 10n).toBe(true);
    expect(await w.ledger.activeTimeSince((await now()) + 100n)).toBe(0n);
  });

  it("settles the rest of the keeper's batch when someone settled one of its certificates first (no griefing)", async () => {
    const w = await world();
    const ids = [await confirmed(w), await financedCert(w), await confirmed(w)];
    await toMaturity(w, ids[2]);
    // anyone may settle: an outsider front-runs the keeper with the batch's middle certificate
    await w.ledger.connect(w.outsider).settle([ids[1]], nextOp());
    const [core, bank, holder] = await balances(w, w.core1, w.bankA, w.supplierA);
    expect(await skipped(w, ids)).toEqual([[ids[1], S.Settled]]);
    expect(await balances(w, w.core1, w.bankA, w.supplierA)).toEqual([core - 2n * FACE, bank, holder + 2n * FACE]);
    for (const id of ids) expect((await w.ledger.receivable(id)).status).toBe(BigInt(S.Settled));
  });

  it("nets a batch into one transfer per payee", async () => {
    const w = await world();
    const ids = [];
    for (let i = 0; i < 6; i++) ids.push(await financedCert(w));
    await toMaturity(w, ids[5]);
    const receipt = await (await settle(w, ids)).wait();
    const transfers = receipt!.logs.filter((l) => l.address === w.token.target).map((l) => w.token.interface.parseLog(l)!).filter((e) => e.name === "Transfer");
    expect(transfers.map((t) => [t.args.from, t.args.to, t.args.value])).toEqual([
      [w.core1.address, w.bankA.address, 6n * DUE],
      [w.core1.address, w.supplierA.address, 6n * (FACE - DUE)],
    ]);
    const cleared = receipt!.logs.map((l) => { try { return w.ledger.interface.parseLog(l); } catch { return null; } }).filter((e) => e?.name === "ReceivableCleared");
    expect(cleared.map((e) => [e!.args.id, e!.args.toBank, e!.args.toHolder, e!.args.status])).toEqual(ids.map((id) => [id, DUE, FACE - DUE, BigInt(S.Settled)]));
  });

  it("skips what is not settleable and refuses what does not exist or has not matured", async () => {
    const w = await world();
    const [pending] = await register(w, w.supplierA, w.core1.address);
    await toMaturity(w, pending);
    expect(await skipped(w, [pending])).toEqual([[pending, S.Pending]]);
    expect((await w.ledger.receivable(pending)).status).toBe(BigInt(S.Pending));
    await expectRevert(settle(w, [424242n]), "ReceivableNotFound", [424242n]);
    const young = await confirmed(w);
    await expectRevert(settle(w, [young]), "ClearingNotMatured");
    await expectRevert(settle(w, []), "LedgerEmptyBatch");
  });
});
