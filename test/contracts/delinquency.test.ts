/**
 * Delinquent obligors pause (国务院令第802号): an obligor with a certificate overdue beyond its
 * grace period, or defaulted, may neither issue nor confirm until it has paid, unless governance
 * resumes it and records why. Settling its last overdue certificate resumes it by itself.
 */
import { describe, it, expect } from "vitest";
import { encodeBytes32String, ZeroHash } from "ethers";
import {
  world, nextOp, expectRevert, eventsOf, register, issue, issued, accept, confirmed, financed, input, attested, confirmItems, signConfirm,
  now, time, DAY, YUAN, DEFAULT_PARAMS, type World,
} from "./fixtures";
import { ReceivableStatus as S } from "../../backend/src/ledger/roles";

const FACE = 1_000_000n * YUAN;
const GRACE = BigInt(DEFAULT_PARAMS.gracePeriod);
const DEFAULT_PERIOD = BigInt(DEFAULT_PARAMS.defaultPeriod);
const RESTRUCTURING = encodeBytes32String("restructuring 2026-17");

const authorize = async (w: World, obligor: World["core1"], amount: bigint) => w.token.connect(obligor).approve(await w.ledger.getAddress(), amount);
const maturityOf = async (w: World, id: bigint) => (await w.ledger.receivable(id)).maturity;
const statusOf = async (w: World, id: bigint) => Number((await w.ledger.receivable(id)).status);
const settle = (w: World, ids: bigint[], op = nextOp()) => w.ledger.connect(w.relayer).settle(ids, op);

/** What a paused obligor may no longer do: issue, confirm, confirm by signature (each reverts ObligorDelinquent(obligor, count)). */
async function expectPaused(w: World, obligor: World["core1"], count: bigint) {
  const item = await input({ counterparty: w.supplierA.address });
  await expectRevert(w.ledger.connect(obligor).issue(...(await attested(w.ledger, obligor, true, [item])), nextOp()), "ObligorDelinquent", [obligor.address, count]);
  const [pending] = await register(w, w.supplierA, obligor.address);
  await expectRevert(w.ledger.connect(obligor).confirm(await confirmItems(w.ledger, [pending]), nextOp()), "ObligorDelinquent", [obligor.address, count]);
  const sig = await signConfirm(w, obligor, [pending]);
  await expectRevert(
    w.ledger.connect(w.relayer).confirmBySig(sig.items, obligor.address, sig.nonce, sig.deadline, sig.signature, nextOp()),
    "ObligorDelinquent",
    [obligor.address, count],
  );
  return pending;
}

/** Two unfinanced certificates of supplierA owed by core1, matured beyond grace with nothing authorized. */
async function twoUnpaid(w: World) {
  const ids = await register(w, w.supplierA, w.core1.address, [{}, {}]);
  await w.ledger.connect(w.core1).confirm(await confirmItems(w.ledger, ids), nextOp());
  await authorize(w, w.core1, 0n);
  await time.increaseTo((await maturityOf(w, ids[1])) + GRACE);
  return ids;
}

describe("Delinquent obligors", () => {
  it("pause when settlement turns a certificate Overdue: no issue, confirm or confirmBySig (ObligorPaused)", async () => {
    const w = await world();
    const id = await confirmed(w);
    await authorize(w, w.core1, 0n);
    await time.increaseTo((await maturityOf(w, id)) + GRACE);
    const op = nextOp();
    const events = await eventsOf(w, settle(w, [id], op));
    expect(events.filter(([name]) => name === "ObligorPaused")).toEqual([["ObligorPaused", [w.core1.address, id, 1n]]]);
    expect(await statusOf(w, id)).toBe(S.Overdue);
    expect(await w.ledger.delinquenciesOf(w.core1.address)).toBe(1n);
    await expectPaused(w, w.core1, 1n);
    // others are not affected: core2 issues and confirms; core1 may still reject what it does not owe
    const [fromCore2] = await issued(w, w.core2, w.supplierB);
    expect(await statusOf(w, fromCore2)).toBe(S.Confirmed);
    await confirmed(w, w.supplierB, w.core2);
    const [pending] = await register(w, w.supplierA, w.core1.address);
    await w.ledger.connect(w.core1).reject([pending], encodeBytes32String("not ours"), nextOp());
  });

  it("do not pause for a shortfall within the grace period", async () => {
    const w = await world();
    const id = await confirmed(w);
    await authorize(w, w.core1, FACE / 2n);
    await time.increaseTo(await maturityOf(w, id));
    const events = await eventsOf(w, settle(w, [id]));
    expect(events.map(([name]) => name)).not.toContain("ObligorPaused");
    expect([await statusOf(w, id), await w.ledger.delinquenciesOf(w.core1.address)]).toEqual([S.Confirmed, 0n]);
    await confirmed(w); // core1 still confirms
  });

  it("resume when the last overdue certificate is settled (ObligorResumed), not before", async () => {
    const w = await world();
    const [a, b] = await twoUnpaid(w);
    const paused = await eventsOf(w, settle(w, [a, b]));
    expect(paused.filter(([name]) => name === "ObligorPaused")).toEqual([
      ["ObligorPaused", [w.core1.address, a, 1n]],
      ["ObligorPaused", [w.core1.address, b, 2n]],
    ]);
    await authorize(w, w.core1, FACE);
    const first = await eventsOf(w, settle(w, [a]));
    expect(first.map(([name]) => name)).not.toContain("ObligorResumed");
    expect(await w.ledger.delinquenciesOf(w.core1.address)).toBe(1n);
    await expectPaused(w, w.core1, 1n);
    await authorize(w, w.core1, FACE);
    const op = nextOp();
    const second = await eventsOf(w, settle(w, [b], op));
    expect(second.filter(([name]) => name === "ObligorResumed")).toEqual([["ObligorResumed", [w.core1.address, b, ZeroHash]]]);
    expect(await w.ledger.delinquenciesOf(w.core1.address)).toBe(0n);
    // issues and confirms again
    await authorize(w, w.core1, 10n * FACE);
    const [again] = await issue(w, w.core1, w.supplierA.address);
    await accept(w, w.supplierA, [again]);
    await confirmed(w);
  });

  it("stay paused while a certificate is Defaulted: a default is never cured by settlement", async () => {
    const w = await world();
    const id = await confirmed(w);
    await financed(w, id, w.supplierA, w.bankA, { recourse: true });
    await authorize(w, w.core1, 0n);
    await time.increaseTo((await maturityOf(w, id)) + GRACE);
    await settle(w, [id]);
    await time.increase(DEFAULT_PERIOD);
    await w.ledger.connect(w.bankA).declareDefault([id], nextOp());
    expect([await statusOf(w, id), await w.ledger.delinquenciesOf(w.core1.address)]).toEqual([S.Defaulted, 1n]);
    await authorize(w, w.core1, 10n * FACE);
    const skipped = await eventsOf(w, settle(w, [id]));
    expect(skipped.map(([name]) => name)).toEqual(["SettlementSkipped"]);
    await expectPaused(w, w.core1, 1n);
  });

  it("lets suppliers still accept what their obligor issued before it was paused", async () => {
    const w = await world();
    await w.ledger.connect(w.operator).setParams({ ...DEFAULT_PARAMS, acceptancePeriod: 30n * DAY });
    const late = await confirmed(w, w.supplierA, w.core1, { maturity: (await now()) + 5n * DAY });
    const [offered] = await issue(w, w.core1, w.supplierB.address);
    await authorize(w, w.core1, 0n);
    await time.increaseTo((await maturityOf(w, late)) + GRACE);
    await settle(w, [late]);
    expect(await w.ledger.delinquenciesOf(w.core1.address)).toBe(1n);
    await accept(w, w.supplierB, [offered]);
    expect(await statusOf(w, offered)).toBe(S.Confirmed);
  });

  describe("governance (resumeObligor)", () => {
    it("resumes a delinquent obligor with a recorded reason; not the operator, not without a reason", async () => {
      const w = await world();
      const [a, b] = await twoUnpaid(w);
      await settle(w, [a, b]);
      await expectRevert(w.ledger.connect(w.operator).resumeObligor(w.core1.address, RESTRUCTURING), "LedgerUnauthorizedGovernor", [w.operator.address]);
      await expectRevert(w.ledger.connect(w.core1).resumeObligor(w.core1.address, RESTRUCTURING), "LedgerUnauthorizedGovernor", [w.core1.address]);
      await expectRevert(w.ledger.connect(w.admin).resumeObligor(w.core1.address, ZeroHash), "LedgerReasonRequired", []);
      expect(await w.ledger.delinquenciesOf(w.core1.address)).toBe(2n);
      const events = await eventsOf(w, w.ledger.connect(w.admin).resumeObligor(w.core1.address, RESTRUCTURING));
      expect(events).toEqual([["ObligorResumed", [w.core1.address, 0n, RESTRUCTURING]]]);
      expect(await w.ledger.delinquenciesOf(w.core1.address)).toBe(0n);
      await confirmed(w);
      // settling the forgiven certificates later changes nothing
      await authorize(w, w.core1, 10n * FACE);
      const paid = await eventsOf(w, settle(w, [a, b]));
      expect(paid.map(([name]) => name)).not.toContain("ObligorResumed");
      expect([await statusOf(w, a), await statusOf(w, b), await w.ledger.delinquenciesOf(w.core1.address)]).toEqual([S.Settled, S.Settled, 0n]);
    });

    it("after a resumption, a new delinquency pauses again, and paying a forgiven one does not lift that pause", async () => {
      const w = await world();
      const old = await confirmed(w);
      const later = await confirmed(w, w.supplierA, w.core1, { maturity: (await maturityOf(w, old)) + 20n * DAY });
      await authorize(w, w.core1, 0n);
      await time.increaseTo((await maturityOf(w, old)) + GRACE);
      await settle(w, [old]);
      await w.ledger.connect(w.admin).resumeObligor(w.core1.address, RESTRUCTURING);
      // the restructured debt is still owed; the next one falls behind too
      await time.increaseTo((await maturityOf(w, later)) + GRACE);
      const paused = await eventsOf(w, settle(w, [later]));
      expect(paused.filter(([name]) => name === "ObligorPaused")).toEqual([["ObligorPaused", [w.core1.address, later, 1n]]]);
      // core1 pays the forgiven one: the new delinquency still stands
      await authorize(w, w.core1, FACE);
      const oldPaid = await eventsOf(w, settle(w, [old]));
      expect(oldPaid.map(([name]) => name)).not.toContain("ObligorResumed");
      expect([await statusOf(w, old), await w.ledger.delinquenciesOf(w.core1.address)]).toEqual([S.Settled, 1n]);
      await expectPaused(w, w.core1, 1n);
      // paying the new one resumes it
      await authorize(w, w.core1, FACE);
      const laterPaid = await eventsOf(w, settle(w, [later]));
      expect(laterPaid.filter(([name]) => name === "ObligorResumed")).toEqual([["ObligorResumed", [w.core1.address, later, ZeroHash]]]);
      expect(await w.ledger.delinquenciesOf(w.core1.address)).toBe(0n);
    });
  });
});
