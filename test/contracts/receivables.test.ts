import { describe, it, expect } from "vitest";
import {
  world, nextOp, orgId, expectRevert, register, issue, accept, confirmed, financed, transferred, splitInto, input, now, time, freshInvoice,
  DAY, YUAN, DEFAULT_PARAMS, attested, confirmItems,
} from "./fixtures";
import { ReceivableStatus as S } from "../../backend/src/ledger/roles";

describe("ReceivableRegistry", () => {
  describe("register", () => {
    it("creates Pending certificates held by the supplier, with every field on chain", async () => {
      const w = await world();
      const maturity = (await now()) + 120n * DAY;
      const inv = freshInvoice();
      const [id] = await register(w, w.supplierA, w.core1.address, [{ amount: 123_456n, maturity, keys: [inv.key], root: inv.root }]);
      const r = await w.ledger.receivable(id);
      expect([r.obligor, r.creditor, r.amount, r.maturity, r.status, r.tier, r.parentId, r.invoicesRoot]).toEqual([
        w.core1.address, w.supplierA.address, 123_456n, maturity, BigInt(S.Pending), 0n, 0n, inv.root,
      ]);
      expect(await w.ledger.ownerOf(id)).toBe(w.supplierA.address);
      expect(await w.ledger.balanceOf(w.supplierA.address)).toBe(1n);
      expect(await w.ledger.receivableOfInvoice(inv.key)).toBe(id);
      expect(await w.ledger.invoicesRootOf(id)).toBe(inv.root);
    });

    it("registers a batch with consecutive ids and one event per certificate", async () => {
      const w = await world();
      const items = await Promise.all([0, 1, 2].map(() => input({ counterparty: w.core1.address })));
      const before = await w.ledger.lastReceivableId();
      const receipt = await (await w.ledger.connect(w.supplierA).register(...(await attested(w.ledger, w.supplierA, false, items)), nextOp())).wait();
      const ids = receipt!.logs.map((l) => w.ledger.interface.parseLog(l)).filter((e) => e?.name === "ReceivableRegistered").map((e) => e!.args.id);
      expect(ids).toEqual([before + 1n, before + 2n, before + 3n]);
      expect(await w.ledger.lastReceivableId()).toBe(before + 3n);
    });

    it("rejects amounts, maturities and invoice sets that break the rules", async () => {
      const w = await world();
      const t = await now();
      const reg = (d: Parameters<typeof input>[0]) => input(d).then(async (i) => w.ledger.connect(w.supplierA).register(...(await attested(w.ledger, w.supplierA, false, [i])), nextOp()));
      const c = w.core1.address;
      await expectRevert(reg({ counterparty: c, amount: 0n }), "ReceivableAmountOutOfRange", [0n]);
      await expectRevert(reg({ counterparty: c, amount: 1n << 80n }), "ReceivableAmountOutOfRange", [1n << 80n]);
      await expectRevert(reg({ counterparty: c, maturity: t }), "ReceivableMaturityInPast");
      await expectRevert(reg({ counterparty: c, maturity: t + 400n * DAY }), "ReceivableTenorTooLong");
      await expectRevert(reg({ counterparty: c, keys: [] }), "ReceivableNoInvoices");
      await expectRevert(reg({ counterparty: c, root: "0x" + "00".repeat(32) }), "ReceivableNoInvoices");
      await expectRevert(reg({ counterparty: w.supplierB.address }), "MemberRoleMissing", [w.supplierB.address, 1]);
      await expectRevert(w.ledger.connect(w.supplierA).register(...(await attested(w.ledger, w.supplierA, false, [])), nextOp()), "LedgerEmptyBatch");
    });

    it("allows a tenor of exactly the maximum and not a second more", async () => {
      const w = await world();
      const item = await input({ counterparty: w.core1.address });
      // the next block is mined one second later
      const t = (await now()) + 1n;
      await time.setNextBlockTimestamp(t);
      await w.ledger.connect(w.supplierA).register(...(await attested(w.ledger, w.supplierA, false, [{ ...item, maturity: t + BigInt(DEFAULT_PARAMS.maxTenor) }])), nextOp());
      const item2 = await input({ counterparty: w.core1.address });
      await time.setNextBlockTimestamp(t + 10n);
      await expectRevert(
        w.ledger.connect(w.supplierA).register(...(await attested(w.ledger, w.supplierA, false, [{ ...item2, maturity: t + 10n + BigInt(DEFAULT_PARAMS.maxTenor) + 1n }])), nextOp()),
        "ReceivableTenorTooLong",
        [t + 10n + BigInt(DEFAULT_PARAMS.maxTenor) + 1n, t + 10n + BigInt(DEFAULT_PARAMS.maxTenor)],
      );
    });
  });

  describe("issue", () => {
    it("lets a core enterprise issue certificates directly to suppliers, Offered until the supplier accepts them", async () => {
      const w = await world();
      const [id] = await issue(w, w.core1, w.supplierB.address);
      const r = await w.ledger.receivable(id);
      expect([r.status, r.obligor, r.creditor]).toEqual([BigInt(S.Offered), w.core1.address, w.supplierB.address]);
      expect(await w.ledger.ownerOf(id)).toBe(w.supplierB.address); // its creditor's on record, but not yet accepted
      await accept(w, w.supplierB, [id]);
      expect((await w.ledger.receivable(id)).status).toBe(BigInt(S.Confirmed));
      await expectRevert(input({ counterparty: w.bankA.address }).then(async (i) => w.ledger.connect(w.core1).issue(...(await attested(w.ledger, w.core1, true, [i])), nextOp())), "MemberRoleMissing", [
        w.bankA.address, 2,
      ]);
    });
  });

  describe("confirm, reject, cancel", () => {
    it("confirms a batch; a second confirmation is an invalid transition", async () => {
      const w = await world();
      const ids = await register(w, w.supplierA, w.core1.address, [{}, {}]);
      await w.ledger.connect(w.core1).confirm(await confirmItems(w.ledger, ids), nextOp());
      for (const id of ids) expect((await w.ledger.receivable(id)).status).toBe(BigInt(S.Confirmed));
      await expectRevert(w.ledger.connect(w.core1).confirm(await confirmItems(w.ledger, [ids[0]]), nextOp()), "ReceivableInvalidStatus", [ids[0], S.Confirmed, S.Pending]);
    });

    it("confirms nothing if one id of the batch is not the caller's", async () => {
      const w = await world();
      const [mine] = await register(w, w.supplierA, w.core1.address);
      const [theirs] = await register(w, w.supplierA, w.core2.address);
      await expectRevert(w.ledger.connect(w.core1).confirm(await confirmItems(w.ledger, [mine, theirs]), nextOp()), "ReceivableNotObligor", [theirs, w.core1.address]);
      expect((await w.ledger.receivable(mine)).status).toBe(BigInt(S.Pending));
      await expectRevert(w.ledger.connect(w.core1).confirm(await confirmItems(w.ledger, [999n]), nextOp()), "ReceivableNotFound", [999n]);
    });

    it("rejects and cancels Pending certificates only", async () => {
      const w = await world();
      const [a, b] = await register(w, w.supplierA, w.core1.address, [{}, {}]);
      await w.ledger.connect(w.core1).reject([a], orgId("amount mismatch"), nextOp());
      await w.ledger.connect(w.supplierA).cancel([b], nextOp());
      expect((await w.ledger.receivable(a)).status).toBe(BigInt(S.Rejected));
      expect((await w.ledger.receivable(b)).status).toBe(BigInt(S.Cancelled));
      const c = await confirmed(w);
      await expectRevert(w.ledger.connect(w.supplierA).cancel([c], nextOp()), "ReceivableInvalidStatus", [c, S.Confirmed, S.Pending]);
      await expectRevert(w.ledger.connect(w.core1).reject([c], orgId("late"), nextOp()), "ReceivableInvalidStatus", [c, S.Confirmed, S.Pending]);
    });
  });

  describe("split", () => {
    it("splits into parts that sum to the parent, keep obligor and maturity, and record parent and tier", async () => {
      const w = await world();
      const parent = await confirmed(w, w.supplierA, w.core1, { amount: 1000n * YUAN });
      const p = await w.ledger.receivable(parent);
      const first = await w.ledger.connect(w.supplierA).split.staticCall(parent, [{ to: w.supplierB.address, amount: 600n * YUAN }, { to: w.supplierA.address, amount: 400n * YUAN }], 1n << 200n);
      await w.ledger.connect(w.supplierA).split(parent, [{ to: w.supplierB.address, amount: 600n * YUAN }, { to: w.supplierA.address, amount: 400n * YUAN }], nextOp());
      expect((await w.ledger.receivable(parent)).status).toBe(BigInt(S.Split));
      const [c1, c2] = [await w.ledger.receivable(first), await w.ledger.receivable(first + 1n)];
      expect(c1.amount + c2.amount).toBe(p.amount);
      // supplierB's part waits for its acceptance, held by the splitter; the splitter's own part is Confirmed
      expect([c1.status, c2.status]).toEqual([BigInt(S.Offered), BigInt(S.Confirmed)]);
      expect([await w.ledger.ownerOf(first), await w.ledger.ownerOf(first + 1n)]).toEqual([w.supplierA.address, w.supplierA.address]);
      await accept(w, w.supplierB, [first]);
      for (const c of [await w.ledger.receivable(first), c2]) {
        expect([c.obligor, c.maturity, c.parentId, c.tier, c.status]).toEqual([p.obligor, p.maturity, parent, 1n, BigInt(S.Confirmed)]);
        expect(c.invoicesRoot).toBe("0x" + "00".repeat(32));
      }
      expect(await w.ledger.ownerOf(first)).toBe(w.supplierB.address);
      expect(await w.ledger.invoicesRootOf(first)).toBe(p.invoicesRoot);
      // the parent can no longer move, be split or financed
      await expectRevert(w.ledger.connect(w.supplierA).transferCertificate(w.supplierC.address, parent, nextOp()), "ReceivableInvalidStatus", [parent, S.Split, S.Confirmed]);
    });

    it("goes down the chain tier by tier until the maximum tier", async () => {
      const w = await world();
      let id = await confirmed(w, w.supplierA, w.core1, { amount: 10_000n * YUAN });
      const holders = [w.supplierA, w.supplierB, w.supplierC, w.supplierA];
      for (let tier = 1; tier <= Number(DEFAULT_PARAMS.maxTier); tier++) {
        const holder = holders[tier - 1];
        const next = holders[tier];
        const amount = (await w.ledger.receivable(id)).amount;
        [id] = await splitInto(w, holder, id, [{ to: next, amount: amount - 100n * YUAN }, { to: holder, amount: 100n * YUAN }]);
        expect((await w.ledger.receivable(id)).tier).toBe(BigInt(tier));
      }
      const last = holders[Number(DEFAULT_PARAMS.maxTier)];
      await expectRevert(
        w.ledger.connect(last).split(id, [{ to: w.supplierB.address, amount: 5000n * YUAN }, { to: w.supplierC.address, amount: (await w.ledger.receivable(id)).amount - 5000n * YUAN }], nextOp()),
        "SplitTierTooDeep",
        [4n, 3n],
      );
    });

    it("rejects sums that differ, parts below the minimum, single parts and non-supplier recipients", async () => {
      const w = await world();
      const id = await confirmed(w, w.supplierA, w.core1, { amount: 1000n * YUAN });
      const s = (parts: { to: string; amount: bigint }[]) => w.ledger.connect(w.supplierA).split(id, parts, nextOp());
      const A = w.supplierA.address;
      const B = w.supplierB.address;
      await expectRevert(s([{ to: B, amount: 600n * YUAN }, { to: A, amount: 399n * YUAN }]), "SplitAmountMismatch", [id, 1000n * YUAN, 999n * YUAN]);
      await expectRevert(s([{ to: B, amount: 600n * YUAN }, { to: A, amount: 401n * YUAN }]), "SplitAmountMismatch", [id, 1000n * YUAN, 1001n * YUAN]);
      await expectRevert(s([{ to: B, amount: 99n * YUAN + 99n }, { to: A, amount: 900n * YUAN + 1n }]), "SplitPartTooSmall", [99n * YUAN + 99n, 100n * YUAN]);
      await expectRevert(s([{ to: B, amount: 1000n * YUAN }]), "SplitTooFewParts", [1n]);
      await expectRevert(s([{ to: w.bankA.address, amount: 500n * YUAN }, { to: A, amount: 500n * YUAN }]), "MemberRoleMissing", [w.bankA.address, 2]);
      await expectRevert(s([{ to: w.outsider.address, amount: 500n * YUAN }, { to: A, amount: 500n * YUAN }]), "MemberInactive", [w.outsider.address]);
      // a huge part cannot wrap around to make the sum match
      await expectRevert(s([{ to: B, amount: (1n << 80n) + 500n * YUAN }, { to: A, amount: 500n * YUAN }]), "SplitAmountMismatch");
    });
  });

  describe("transfer", () => {
    it("offers a Confirmed certificate to another active supplier, which holds it once it accepts; ERC-721 moves nothing", async () => {
      const w = await world();
      const id = await confirmed(w);
      await w.ledger.connect(w.supplierA).transferCertificate(w.supplierB.address, id, nextOp());
      expect((await w.ledger.receivable(id)).status).toBe(BigInt(S.Offered));
      expect(await w.ledger.ownerOf(id)).toBe(w.supplierA.address); // still the sender's until accepted
      await accept(w, w.supplierB, [id]);
      expect(await w.ledger.ownerOf(id)).toBe(w.supplierB.address);
      expect((await w.ledger.receivable(id)).creditor).toBe(w.supplierA.address); // the original creditor stays on record
      await expectRevert(w.ledger.connect(w.supplierB).transferFrom(w.supplierB.address, w.supplierC.address, id), "CertificateMovesByOffer", [id]);
      await transferred(w, w.supplierB, w.supplierC, id);
      expect(await w.ledger.ownerOf(id)).toBe(w.supplierC.address);
      expect([await w.ledger.balanceOf(w.supplierA.address), await w.ledger.balanceOf(w.supplierC.address)]).toEqual([0n, 1n]);
    });

    it("refuses Pending, financed and matured certificates and ineligible recipients", async () => {
      const w = await world();
      const [pending] = await register(w, w.supplierA, w.core1.address);
      await expectRevert(w.ledger.connect(w.supplierA).transferCertificate(w.supplierB.address, pending, nextOp()), "ReceivableInvalidStatus", [pending, S.Pending, S.Confirmed]);
      const fin = await confirmed(w);
      await financed(w, fin);
      await expectRevert(w.ledger.connect(w.supplierA).transferCertificate(w.supplierB.address, fin, nextOp()), "ReceivableInvalidStatus", [fin, S.Financed, S.Confirmed]);
      await expectRevert(w.ledger.connect(w.supplierA).transferFrom(w.supplierA.address, w.supplierB.address, fin), "CertificateMovesByOffer", [fin]);
      const id = await confirmed(w);
      await expectRevert(w.ledger.connect(w.supplierA).transferCertificate(w.bankA.address, id, nextOp()), "MemberRoleMissing", [w.bankA.address, 2]);
      await expectRevert(w.ledger.connect(w.supplierA).transferCertificate(w.outsider.address, id, nextOp()), "MemberInactive", [w.outsider.address]);
      await w.membership.connect(w.operator).suspend(orgId("supplierA"), orgId("frozen"), nextOp());
      await expectRevert(w.ledger.connect(w.supplierA).transferCertificate(w.supplierB.address, id, nextOp()), "MemberInactive", [w.supplierA.address]);
      await w.membership.connect(w.operator).reinstate(orgId("supplierA"), nextOp());
      await time.increase(91n * DAY);
      const r = await w.ledger.receivable(id);
      await expectRevert(w.ledger.connect(w.supplierA).transferCertificate(w.supplierB.address, id, nextOp()), "ReceivableMatured", [id, r.maturity]);
    });

    it("keeps the ERC-721 balance right across lazy ownership", async () => {
      const w = await world();
      const ids = await register(w, w.supplierA, w.core1.address, [{}, {}, {}]);
      expect(await w.ledger.balanceOf(w.supplierA.address)).toBe(3n);
      await w.ledger.connect(w.core1).confirm(await confirmItems(w.ledger, ids), nextOp());
      await w.ledger.connect(w.supplierA).transferCertificate(w.supplierB.address, ids[1], nextOp());
      expect([await w.ledger.balanceOf(w.supplierA.address), await w.ledger.balanceOf(w.supplierB.address)]).toEqual([3n, 0n]); // offered, not moved
      await accept(w, w.supplierB, [ids[1]]);
      expect([await w.ledger.balanceOf(w.supplierA.address), await w.ledger.balanceOf(w.supplierB.address)]).toEqual([2n, 1n]);
      await transferred(w, w.supplierB, w.supplierA, ids[1]);
      expect(await w.ledger.ownerOf(ids[1])).toBe(w.supplierA.address);
      expect([await w.ledger.balanceOf(w.supplierA.address), await w.ledger.balanceOf(w.supplierB.address)]).toEqual([3n, 0n]);
      await expectRevert(w.ledger.ownerOf(12345n), "ERC721NonexistentToken", [12345n]);
    });
  });

  describe("operation ids and pause", () => {
    it("rejects a resubmitted operation with OperationAlreadyExecuted and applies nothing", async () => {
      const w = await world();
      const op = nextOp();
      const item = await input({ counterparty: w.core1.address });
      await w.ledger.connect(w.supplierA).register(...(await attested(w.ledger, w.supplierA, false, [item])), op);
      const last = await w.ledger.lastReceivableId();
      const item2 = await input({ counterparty: w.core1.address });
      await expectRevert(w.ledger.connect(w.supplierA).register(...(await attested(w.ledger, w.supplierA, false, [item2])), op), "OperationAlreadyExecuted", [w.supplierA.address, op]);
      expect(await w.ledger.lastReceivableId()).toBe(last);
      // ids are per submitter: another member may use the same number
      await w.ledger.connect(w.core1).confirm(await confirmItems(w.ledger, [last]), op);
      expect(await w.ledger.operationExecuted(w.core1.address, op)).toBe(true);
    });

    it("stops every lifecycle operation while paused", async () => {
      const w = await world();
      const id = await confirmed(w);
      const [pending] = await register(w, w.supplierA, w.core1.address);
      await w.ledger.connect(w.operator).pause();
      const item = await input({ counterparty: w.core1.address });
      await expectRevert(w.ledger.connect(w.supplierA).register(...(await attested(w.ledger, w.supplierA, false, [item])), nextOp()), "EnforcedPause");
      await expectRevert(w.ledger.connect(w.core1).confirm(await confirmItems(w.ledger, [pending]), nextOp()), "EnforcedPause");
      await expectRevert(w.ledger.connect(w.supplierA).transferCertificate(w.supplierB.address, id, nextOp()), "EnforcedPause");
      await expectRevert(w.ledger.connect(w.supplierA).split(id, [{ to: w.supplierB.address, amount: 1n }, { to: w.supplierA.address, amount: 1n }], nextOp()), "EnforcedPause");
      await expectRevert(financed(w, id), "EnforcedPause");
      await w.ledger.connect(w.operator).unpause();
      await financed(w, id);
    });

    it("lets the operator change policy within bounds", async () => {
      const w = await world();
      await expectRevert(w.ledger.connect(w.operator).setParams({ ...DEFAULT_PARAMS, maxTenor: 400n * DAY }), "LedgerInvalidParams");
      await expectRevert(w.ledger.connect(w.operator).setParams({ ...DEFAULT_PARAMS, maxTier: 0 }), "LedgerInvalidParams");
      await w.ledger.connect(w.operator).setParams({ ...DEFAULT_PARAMS, maxTenor: 180n * DAY });
      expect((await w.ledger.params()).maxTenor).toBe(180n * DAY);
      await expectRevert(input({ counterparty: w.core1.address, maturity: (await now()) + 200n * DAY }).then(async (i) => w.ledger.connect(w.supplierA).register(...(await attested(w.ledger, w.supplierA, false, [i])), nextOp())), "ReceivableTenorTooLong");
    });
  });
});
