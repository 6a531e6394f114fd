/**
 * Consent (签收 / 拒签, 银发〔2025〕77号): a certificate a core enterprise issues, one a holder
 * transfers and a split part for another supplier wait, Offered, until the receiver accepts them.
 * The receiver may refuse (with a reason), the sender withdraw, and anyone return an offer once
 * its acceptance period or the certificate's maturity has passed. Returned, an issued certificate
 * is Void (owing nothing, its invoice keys free again); a transfer or split part is Confirmed with
 * its sender, lineage intact. Nothing can be done with an Offered certificate.
 */
import { describe, it, expect } from "vitest";
import { ZeroAddress, ZeroHash, encodeBytes32String } from "ethers";
import {
  world, nextOp, orgId, expectRevert, expectSkipped, eventsOf, register, issue, accept, confirmed, financeTx, financed, transferred,
  input, attested, confirmItems, now, time, freshInvoice, DAY, YUAN, DEFAULT_PARAMS, type World,
} from "./fixtures";
import { OfferReturn, ReceivableStatus as S } from "../../backend/src/ledger/roles";

const FACE = 1_000_000n * YUAN;
const ACCEPTANCE = BigInt(DEFAULT_PARAMS.acceptancePeriod);
const WRONG_GOODS = encodeBytes32String("wrong goods delivered");

const statusOf = async (w: World, id: bigint) => Number((await w.ledger.receivable(id)).status);
const offerOf = async (w: World, id: bigint) => {
  const o = await w.ledger.offerOf(id);
  return { to: o.to, expires: o.expires };
};
const NO_OFFER = { to: ZeroAddress, expires: 0n };
const giveBack = (w: World, who: { address: string }, ids: bigint[], reason = WRONG_GOODS) =>
  w.ledger.connect(who as never).returnOffers(ids, reason, nextOp());

describe("Consent (签收 / 拒签)", () => {
  describe("an issued certificate (开立)", () => {
    it("waits, Offered, for its supplier until the acceptance period ends", async () => {
      const w = await world();
      const item = await input({ counterparty: w.supplierB.address });
      const op = nextOp();
      const tx = w.ledger.connect(w.core1).issue(...(await attested(w.ledger, w.core1, true, [item])), op);
      const events = await eventsOf(w, tx);
      const id = await w.ledger.lastReceivableId();
      const expires = BigInt(await time.latest()) + ACCEPTANCE;
      expect(events.map(([name]) => name)).toEqual(["Transfer", "ReceivableIssued", "CertificateOffered"]);
      expect(events[2][1]).toEqual([id, w.core1.address, w.supplierB.address, expires, op]);
      expect(await statusOf(w, id)).toBe(S.Offered);
      expect(await offerOf(w, id)).toEqual({ to: w.supplierB.address, expires });
    });

    it("is the supplier's once it accepts it: Confirmed, OfferAccepted, no transfer (it was already its creditor)", async () => {
      const w = await world();
      const [id] = await issue(w, w.core1, w.supplierB.address);
      const op = nextOp();
      const events = await eventsOf(w, w.ledger.connect(w.supplierB).accept([id], op));
      expect(events).toEqual([["OfferAccepted", [id, w.supplierB.address, op]]]);
      expect(await statusOf(w, id)).toBe(S.Confirmed);
      expect(await offerOf(w, id)).toEqual(NO_OFFER);
      expect(await w.ledger.ownerOf(id)).toBe(w.supplierB.address);
      await financed(w, id, w.supplierB); // and it is worth something now
    });

    it("is Void when its supplier refuses it (拒签), with the reason recorded; its invoice keys back a new certificate", async () => {
      const w = await world();
      const inv = freshInvoice();
      const [id] = await issue(w, w.core1, w.supplierB.address, [{ keys: [inv.key], root: inv.root }]);
      // while it waits, its key is taken
      await expectRevert(register(w, w.supplierA, w.core1.address, [{ keys: [inv.key] }]), "ReceivableDuplicateInvoice", [inv.key, id]);
      const op = nextOp();
      const events = await eventsOf(w, w.ledger.connect(w.supplierB).returnOffers([id], WRONG_GOODS, op));
      expect(events).toEqual([["OfferReturned", [id, w.supplierB.address, BigInt(OfferReturn.Refused), WRONG_GOODS, op]]]);
      expect(await statusOf(w, id)).toBe(S.Void);
      expect(await offerOf(w, id)).toEqual(NO_OFFER);
      expect(await w.ledger.outstandingOf(id)).toBe(0n); // it owes nothing
      expect(await w.ledger.receivableOfInvoice(inv.key)).toBe(0n);
      // the corrected certificate on the same invoice: issued again, and accepted this time
      const [again] = await issue(w, w.core1, w.supplierB.address, [{ keys: [inv.key], root: inv.root, amount: FACE / 2n }]);
      expect(await w.ledger.receivableOfInvoice(inv.key)).toBe(again);
      await accept(w, w.supplierB, [again]);
      // the void one can be neither accepted nor returned again, and settles to nothing
      await expectRevert(w.ledger.connect(w.supplierB).accept([id], nextOp()), "ReceivableInvalidStatus", [id, S.Void, S.Offered]);
      await expectRevert(giveBack(w, w.supplierB, [id]), "ReceivableInvalidStatus", [id, S.Void, S.Offered]);
      await time.increaseTo((await w.ledger.receivable(id)).maturity);
      const settled = await eventsOf(w, w.ledger.connect(w.relayer).settle([id], nextOp()));
      expect(settled.map(([name, args]) => [name, args[0], Number(args[1])])).toEqual([["SettlementSkipped", id, S.Void]]);
    });

    it("can also back the invoice of a registration once it is Void", async () => {
      const w = await world();
      const inv = freshInvoice();
      const [id] = await issue(w, w.core1, w.supplierA.address, [{ keys: [inv.key], root: inv.root }]);
      await giveBack(w, w.supplierA, [id]);
      const [registered] = await register(w, w.supplierA, w.core1.address, [{ keys: [inv.key] }]);
      expect(await w.ledger.receivableOfInvoice(inv.key)).toBe(registered);
    });

    it("is Void when its obligor withdraws it before the supplier answers", async () => {
      const w = await world();
      const [id] = await issue(w, w.core1, w.supplierB.address);
      const op = nextOp();
      const events = await eventsOf(w, w.ledger.connect(w.core1).returnOffers([id], ZeroHash, op));
      expect(events).toEqual([["OfferReturned", [id, w.supplierB.address, BigInt(OfferReturn.Withdrawn), ZeroHash, op]]]);
      expect(await statusOf(w, id)).toBe(S.Void);
      await expectRevert(w.ledger.connect(w.supplierB).accept([id], nextOp()), "ReceivableInvalidStatus", [id, S.Void, S.Offered]);
    });

    it("can be accepted until the last second before it expires, and returned by anyone from then on", async () => {
      const w = await world();
      const [early, late] = await issue(w, w.core1, w.supplierB.address, [{}, {}]);
      const { expires } = await offerOf(w, early);
      // not returnable by a third party before it expires
      await time.setNextBlockTimestamp(expires - 2n);
      await expectRevert(giveBack(w, w.relayer, [early]), "OfferNotReturnable", [early, expires]); // Hardhat mines the reverted transaction
      await time.setNextBlockTimestamp(expires - 1n);
      await accept(w, w.supplierB, [early]);
      expect(await statusOf(w, early)).toBe(S.Confirmed);
      // at expiry: no longer acceptable; anyone (here a non-member keeper) returns it
      await time.setNextBlockTimestamp(expires);
      await expectRevert(w.ledger.connect(w.supplierB).accept([late], nextOp()), "OfferExpired", [late, expires]);
      const op = nextOp();
      const events = await eventsOf(w, w.ledger.connect(w.relayer).returnOffers([late], ZeroHash, op));
      expect(events).toEqual([["OfferReturned", [late, w.supplierB.address, BigInt(OfferReturn.Expired), ZeroHash, op]]]);
      expect(await statusOf(w, late)).toBe(S.Void);
    });

    it("can be returned by anyone at maturity, even within the acceptance period, and no longer accepted", async () => {
      const w = await world();
      await w.ledger.connect(w.operator).setParams({ ...DEFAULT_PARAMS, acceptancePeriod: 30n * DAY });
      const maturity = (await now()) + 10n * DAY;
      const [id] = await issue(w, w.core1, w.supplierB.address, [{ maturity }]);
      await time.setNextBlockTimestamp(maturity - 1n);
      await expectRevert(giveBack(w, w.relayer, [id]), "OfferNotReturnable", [id, maturity]);
      await expectRevert(w.ledger.connect(w.supplierB).accept([id], nextOp()), "ReceivableMatured", [id, maturity]);
      await giveBack(w, w.relayer, [id], ZeroHash);
      expect(await statusOf(w, id)).toBe(S.Void);
    });

    it("is accepted only by the supplier it was issued to", async () => {
      const w = await world();
      const [id] = await issue(w, w.core1, w.supplierB.address);
      await expectRevert(w.ledger.connect(w.supplierA).accept([id], nextOp()), "OfferNotReceiver", [id, w.supplierA.address]);
      await expectRevert(w.ledger.connect(w.core1).accept([id], nextOp()), "MemberRoleMissing", [w.core1.address, 2]);
      await expectRevert(w.ledger.connect(w.outsider).accept([id], nextOp()), "MemberInactive", [w.outsider.address]);
      const { expires } = await offerOf(w, id);
      await expectRevert(giveBack(w, w.supplierA, [id]), "OfferNotReturnable", [id, expires]);
      expect(await statusOf(w, id)).toBe(S.Offered);
    });
  });

  describe("nothing can be done with an Offered certificate", () => {
    it("refuses to finance, split, transfer, confirm, reject or cancel it, and settlement skips it", async () => {
      const w = await world();
      const maturity = (await now()) + 5n * DAY;
      const [issued] = await issue(w, w.core1, w.supplierA.address, [{ maturity }]);
      const moved = await confirmed(w, w.supplierA, w.core1, { maturity });
      await w.ledger.connect(w.supplierA).transferCertificate(w.supplierB.address, moved, nextOp());
      for (const id of [issued, moved]) {
        // a bank's batch skips it (the rest would be funded)
        await expectSkipped(w, financeTx(w, id, w.supplierA), [[id, "ReceivableInvalidStatus"]]);
        await expectSkipped(w, financeTx(w, id, w.supplierB), [[id, "ReceivableInvalidStatus"]]);
        for (const who of [w.supplierA, w.supplierB]) {
          await expectRevert(w.ledger.connect(who).split(id, [{ to: w.supplierC.address, amount: FACE / 2n }, { to: who.address, amount: FACE / 2n }], nextOp()), "ReceivableInvalidStatus", [id, S.Offered, S.Confirmed]);
          await expectRevert(w.ledger.connect(who).transferCertificate(w.supplierC.address, id, nextOp()), "ReceivableInvalidStatus", [id, S.Offered, S.Confirmed]);
        }
        await expectRevert(w.ledger.connect(w.core1).confirm(await confirmItems(w.ledger, [id]), nextOp()), "ReceivableInvalidStatus", [id, S.Offered, S.Pending]);
        await expectRevert(w.ledger.connect(w.core1).reject([id], WRONG_GOODS, nextOp()), "ReceivableInvalidStatus", [id, S.Offered, S.Pending]);
        await expectRevert(w.ledger.connect(w.supplierA).cancel([id], nextOp()), "ReceivableInvalidStatus", [id, S.Offered, S.Pending]);
      }
      // at maturity the keeper's batch skips both and pulls nothing
      await time.increaseTo(maturity);
      const before = await w.token.balanceOf(w.core1.address);
      const op = nextOp();
      const events = await eventsOf(w, w.ledger.connect(w.relayer).settle([issued, moved], op));
      expect(events).toEqual([["SettlementSkipped", [issued, BigInt(S.Offered), op]], ["SettlementSkipped", [moved, BigInt(S.Offered), op]]]);
      expect(await w.token.balanceOf(w.core1.address)).toBe(before);
      expect(await w.ledger.outstandingOf(issued)).toBe(0n);
      // returned at maturity, the transfer is its sender's and settles; the issue is void
      await giveBack(w, w.relayer, [issued, moved], ZeroHash);
      expect([await statusOf(w, issued), await statusOf(w, moved)]).toEqual([S.Void, S.Confirmed]);
      const holder = await w.token.balanceOf(w.supplierA.address);
      await w.ledger.connect(w.relayer).settle([issued, moved], nextOp());
      expect(await statusOf(w, moved)).toBe(S.Settled);
      expect(await w.token.balanceOf(w.supplierA.address)).toBe(holder + FACE);
    });
  });

  describe("a transfer (转让)", () => {
    it("is an offer: the holder keeps the certificate until the receiver accepts it, then it moves", async () => {
      const w = await world();
      const id = await confirmed(w);
      const op = nextOp();
      const offered = await eventsOf(w, w.ledger.connect(w.supplierA).transferCertificate(w.supplierB.address, id, op));
      const expires = BigInt(await time.latest()) + ACCEPTANCE;
      expect(offered).toEqual([["CertificateOffered", [id, w.supplierA.address, w.supplierB.address, expires, op]]]);
      expect([await statusOf(w, id), await w.ledger.ownerOf(id)]).toEqual([S.Offered, w.supplierA.address]);
      const acceptOp = nextOp();
      const accepted = await eventsOf(w, w.ledger.connect(w.supplierB).accept([id], acceptOp));
      expect(accepted).toEqual([
        ["Transfer", [w.supplierA.address, w.supplierB.address, id]],
        ["ReceivableTransferred", [id, w.supplierA.address, w.supplierB.address, acceptOp]],
        ["OfferAccepted", [id, w.supplierB.address, acceptOp]],
      ]);
      expect([await statusOf(w, id), await w.ledger.ownerOf(id), (await w.ledger.receivable(id)).creditor]).toEqual([S.Confirmed, w.supplierB.address, w.supplierA.address]);
    });

    it("refused, withdrawn or expired, stays with its sender, Confirmed, free to be offered, split or financed again", async () => {
      const w = await world();
      const [a, b, c] = [await confirmed(w), await confirmed(w), await confirmed(w)];
      for (const id of [a, b, c]) await w.ledger.connect(w.supplierA).transferCertificate(w.supplierB.address, id, nextOp());
      const expires = (await offerOf(w, c)).expires;
      const refused = await eventsOf(w, w.ledger.connect(w.supplierB).returnOffers([a], WRONG_GOODS, nextOp()));
      expect(refused[0][1].slice(0, 4)).toEqual([a, w.supplierB.address, BigInt(OfferReturn.Refused), WRONG_GOODS]);
      const withdrawn = await eventsOf(w, w.ledger.connect(w.supplierA).returnOffers([b], ZeroHash, nextOp()));
      expect(withdrawn[0][1].slice(0, 3)).toEqual([b, w.supplierB.address, BigInt(OfferReturn.Withdrawn)]);
      await expectRevert(giveBack(w, w.core1, [c]), "OfferNotReturnable", [c, expires]); // the obligor has no say in a transfer
      await time.increaseTo(expires);
      const expired = await eventsOf(w, w.ledger.connect(w.core1).returnOffers([c], ZeroHash, nextOp()));
      expect(expired[0][1].slice(0, 3)).toEqual([c, w.supplierB.address, BigInt(OfferReturn.Expired)]);
      for (const id of [a, b, c]) {
        expect([await statusOf(w, id), await w.ledger.ownerOf(id), await offerOf(w, id)]).toEqual([S.Confirmed, w.supplierA.address, NO_OFFER]);
      }
      expect(await w.ledger.balanceOf(w.supplierB.address)).toBe(0n);
      await transferred(w, w.supplierA, w.supplierC, a);
      await w.ledger.connect(w.supplierA).split(b, [{ to: w.supplierA.address, amount: FACE / 2n }, { to: w.supplierA.address, amount: FACE / 2n }], nextOp());
      await financed(w, c);
    });

    it("cannot be offered to its own holder", async () => {
      const w = await world();
      const id = await confirmed(w);
      await expectRevert(w.ledger.connect(w.supplierA).transferCertificate(w.supplierA.address, id, nextOp()), "CertificateSelfTransfer", [id]);
      expect(await statusOf(w, id)).toBe(S.Confirmed);
    });

    it("cannot be accepted once the certificate has matured, even before the offer expires", async () => {
      const w = await world();
      await w.ledger.connect(w.operator).setParams({ ...DEFAULT_PARAMS, acceptancePeriod: 30n * DAY });
      const maturity = (await now()) + 10n * DAY;
      const id = await confirmed(w, w.supplierA, w.core1, { maturity });
      await w.ledger.connect(w.supplierA).transferCertificate(w.supplierB.address, id, nextOp());
      await time.setNextBlockTimestamp(maturity);
      await expectRevert(w.ledger.connect(w.supplierB).accept([id], nextOp()), "ReceivableMatured", [id, maturity]);
      expect(await w.ledger.ownerOf(id)).toBe(w.supplierA.address);
    });

    it("is not accepted from a sender suspended since the offer", async () => {
      const w = await world();
      const id = await confirmed(w);
      await w.ledger.connect(w.supplierA).transferCertificate(w.supplierB.address, id, nextOp());
      await w.membership.connect(w.operator).suspend(orgId("supplierA"), WRONG_GOODS, nextOp());
      await expectRevert(w.ledger.connect(w.supplierB).accept([id], nextOp()), "MemberInactive", [w.supplierA.address]);
      // nor may the suspended sender withdraw it, nor a suspended receiver refuse it: both would be acting
      await expectRevert(giveBack(w, w.supplierA, [id]), "MemberInactive", [w.supplierA.address]);
      await w.membership.connect(w.operator).reinstate(orgId("supplierA"), nextOp());
      await w.membership.connect(w.operator).suspend(orgId("supplierB"), WRONG_GOODS, nextOp());
      await expectRevert(giveBack(w, w.supplierB, [id]), "MemberInactive", [w.supplierB.address]);
      await w.membership.connect(w.operator).reinstate(orgId("supplierB"), nextOp());
      await accept(w, w.supplierB, [id]);
      expect(await w.ledger.ownerOf(id)).toBe(w.supplierB.address);
    });
  });

  describe("a split part for another supplier", () => {
    it("is the splitter's, Offered, until its supplier accepts it; the splitter's own part is Confirmed at once", async () => {
      const w = await world();
      const parent = await confirmed(w);
      const op = nextOp();
      const events = await eventsOf(w, w.ledger.connect(w.supplierA).split(parent, [
        { to: w.supplierB.address, amount: 600_000n * YUAN }, { to: w.supplierA.address, amount: 400_000n * YUAN },
      ], op));
      const [b, a] = [parent + 1n, parent + 2n];
      const expires = BigInt(await time.latest()) + ACCEPTANCE;
      expect(events.filter(([name]) => name !== "Transfer")).toEqual([
        ["ReceivableSplit", [parent, b, w.supplierA.address, 600_000n * YUAN, 1n, op]],
        ["CertificateOffered", [b, w.supplierA.address, w.supplierB.address, expires, op]],
        ["ReceivableSplit", [parent, a, w.supplierA.address, 400_000n * YUAN, 1n, op]],
      ]);
      expect([await statusOf(w, b), await statusOf(w, a)]).toEqual([S.Offered, S.Confirmed]);
      expect([await w.ledger.ownerOf(b), await w.ledger.ownerOf(a)]).toEqual([w.supplierA.address, w.supplierA.address]);
      await accept(w, w.supplierB, [b]);
      expect([await statusOf(w, b), await w.ledger.ownerOf(b)]).toEqual([S.Confirmed, w.supplierB.address]);
    });

    it("refused or expired, is the splitter's, Confirmed, with its parent, tier and amount intact", async () => {
      const w = await world();
      const parent = await confirmed(w);
      await w.ledger.connect(w.supplierA).split(parent, [
        { to: w.supplierB.address, amount: 300_000n * YUAN }, { to: w.supplierC.address, amount: 700_000n * YUAN },
      ], nextOp());
      const [b, c] = [parent + 1n, parent + 2n];
      await giveBack(w, w.supplierB, [b]);
      await time.increaseTo((await offerOf(w, c)).expires);
      await giveBack(w, w.outsider, [c], ZeroHash);
      for (const [id, amount] of [[b, 300_000n * YUAN], [c, 700_000n * YUAN]] as const) {
        const r = await w.ledger.receivable(id);
        expect([Number(r.status), r.parentId, r.tier, r.amount, r.creditor]).toEqual([S.Confirmed, parent, 1n, amount, w.supplierA.address]);
        expect(await w.ledger.ownerOf(id)).toBe(w.supplierA.address);
        expect(await w.ledger.invoicesRootOf(id)).toBe((await w.ledger.receivable(parent)).invoicesRoot);
      }
      expect(await statusOf(w, parent)).toBe(S.Split);
      // the splitter may offer a returned part again, to someone else
      await transferred(w, w.supplierA, w.supplierC, b);
      expect(await w.ledger.ownerOf(b)).toBe(w.supplierC.address);
    });
  });

  describe("batches", () => {
    it("accepts and returns several offers at once, all or none", async () => {
      const w = await world();
      const [i1, i2] = await issue(w, w.core1, w.supplierB.address, [{}, {}]);
      const t = await confirmed(w);
      await w.ledger.connect(w.supplierA).transferCertificate(w.supplierB.address, t, nextOp());
      const [other] = await issue(w, w.core2, w.supplierC.address);
      // one id not offered to supplierB spoils the batch
      await expectRevert(w.ledger.connect(w.supplierB).accept([i1, t, other], nextOp()), "OfferNotReceiver", [other, w.supplierB.address]);
      expect([await statusOf(w, i1), await statusOf(w, t)]).toEqual([S.Offered, S.Offered]);
      await expectRevert(w.ledger.connect(w.supplierB).accept([], nextOp()), "LedgerEmptyBatch", []);
      await expectRevert(giveBack(w, w.supplierB, []), "LedgerEmptyBatch", []);
      await accept(w, w.supplierB, [i1, t]);
      expect([await w.ledger.ownerOf(i1), await w.ledger.ownerOf(t)]).toEqual([w.supplierB.address, w.supplierB.address]);
      // a refusal batch: the issued one goes Void, each with the same reason
      const op = nextOp();
      const events = await eventsOf(w, w.ledger.connect(w.supplierB).returnOffers([i2], WRONG_GOODS, op));
      expect(events).toEqual([["OfferReturned", [i2, w.supplierB.address, BigInt(OfferReturn.Refused), WRONG_GOODS, op]]]);
      expect(await statusOf(w, i2)).toBe(S.Void);
    });

    it("rejects a resubmitted acceptance with OperationAlreadyExecuted", async () => {
      const w = await world();
      const [a, b] = await issue(w, w.core1, w.supplierB.address, [{}, {}]);
      const op = nextOp();
      await w.ledger.connect(w.supplierB).accept([a], op);
      await expectRevert(w.ledger.connect(w.supplierB).accept([b], op), "OperationAlreadyExecuted", [w.supplierB.address, op]);
      await expectRevert(w.ledger.connect(w.supplierB).returnOffers([b], WRONG_GOODS, op), "OperationAlreadyExecuted", [w.supplierB.address, op]);
      expect(await statusOf(w, b)).toBe(S.Offered);
    });

    it("stops accepting and returning while the ledger is paused", async () => {
      const w = await world();
      const [id] = await issue(w, w.core1, w.supplierB.address);
      await w.ledger.connect(w.operator).pause();
      await expectRevert(w.ledger.connect(w.supplierB).accept([id], nextOp()), "EnforcedPause");
      await expectRevert(giveBack(w, w.supplierB, [id]), "EnforcedPause");
      await w.ledger.connect(w.operator).unpause();
      await accept(w, w.supplierB, [id]);
    });
  });
});
