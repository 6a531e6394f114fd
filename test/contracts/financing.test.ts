import { describe, it, expect } from "vitest";
import {
  world, nextOp, orgId, expectRevert, expectSkipped, register, confirmed, financed, financeTx, signTerms, transferred, time, DAY, YUAN, CREDIT_LIMIT,
} from "./fixtures";
import { ReceivableStatus as S } from "../../backend/src/ledger/roles";

const FACE = 1_000_000n * YUAN;

describe("Financing", () => {
  describe("credit lines", () => {
    it("sets a per-obligor limit and refuses to cut it below what is outstanding", async () => {
      const w = await world();
      const id = await confirmed(w);
      const t = await financed(w, id);
      const line = await w.ledger.creditLine(w.bankA.address, w.core1.address);
      expect([line.limit, line.used]).toEqual([CREDIT_LIMIT, t.due]);
      await expectRevert(w.ledger.connect(w.bankA).setCreditLine(w.core1.address, t.due - 1n, nextOp()), "FinancingInvalidLimit", [w.core1.address, t.due - 1n, t.due]);
      await expectRevert(w.ledger.connect(w.bankA).setCreditLine(w.core1.address, 1n << 128n, nextOp()), "FinancingInvalidLimit");
      await w.ledger.connect(w.bankA).setCreditLine(w.core1.address, t.due, nextOp()); // freeze the line at its usage
      await expectRevert(w.ledger.connect(w.bankA).setCreditLine(w.supplierA.address, 1n, nextOp()), "MemberRoleMissing", [w.supplierA.address, 1]);
    });

    it("funds up to the limit exactly and not one fen more", async () => {
      const w = await world();
      await w.ledger.connect(w.bankB).setCreditLine(w.core2.address, 1_900_000n * YUAN, nextOp());
      const [a, b] = [await confirmed(w, w.supplierA, w.core2), await confirmed(w, w.supplierA, w.core2)];
      await financed(w, a, w.supplierA, w.bankB, { due: 950_000n * YUAN });
      await expectRevert(
        financed(w, b, w.supplierA, w.bankB, { due: 950_000n * YUAN + 1n }),
        "FinancingCreditLimitExceeded",
        [w.bankB.address, w.core2.address, 950_000n * YUAN + 1n, 950_000n * YUAN],
      );
      await financed(w, b, w.supplierA, w.bankB, { due: 950_000n * YUAN });
      const line = await w.ledger.creditLine(w.bankB.address, w.core2.address);
      expect(line.used).toBe(line.limit);
    });
  });

  describe("finance", () => {
    it("is one delivery-versus-payment: lien, advance to the holder, credit line charged", async () => {
      const w = await world();
      const id = await confirmed(w);
      const [bankBefore, sellerBefore] = [await w.token.balanceOf(w.bankA.address), await w.token.balanceOf(w.supplierA.address)];
      const { terms, signature } = await signTerms(w, w.supplierA, { receivableId: id, bank: w.bankA.address, advance: 900_000n * YUAN, due: 960_000n * YUAN, recourse: true });
      const op = nextOp();
      const receipt = await (await w.ledger.connect(w.bankA).finance([terms], [signature], op)).wait();
      const ev = receipt!.logs.map((l) => { try { return w.ledger.interface.parseLog(l); } catch { return null; } }).find((e) => e?.name === "ReceivableFinanced")!;
      expect([ev.args.id, ev.args.bank, ev.args.seller, ev.args.advance, ev.args.due, ev.args.recourse, ev.args.agreement, ev.args.nonce, ev.args.opId]).toEqual([
        id, w.bankA.address, w.supplierA.address, 900_000n * YUAN, 960_000n * YUAN, true, terms.agreement, terms.nonce, op,
      ]);
      const r = await w.ledger.receivable(id);
      expect(r.status).toBe(BigInt(S.Financed));
      expect(r.flags & 1n).toBe(1n); // recourse
      const lien = await w.ledger.lienOf(id);
      expect([lien.bank, lien.due]).toEqual([w.bankA.address, 960_000n * YUAN]);
      expect(await w.token.balanceOf(w.bankA.address)).toBe(bankBefore - 900_000n * YUAN);
      expect(await w.token.balanceOf(w.supplierA.address)).toBe(sellerBefore + 900_000n * YUAN);
      expect((await w.ledger.creditLine(w.bankA.address, w.core1.address)).used).toBe(960_000n * YUAN);
      expect(await w.ledger.ownerOf(id)).toBe(w.supplierA.address); // title stays; the lien freezes it
    });

    it("can never finance a certificate twice, by the same or another bank", async () => {
      const w = await world();
      const id = await confirmed(w);
      await financed(w, id, w.supplierA, w.bankA);
      for (const bank of [w.bankA, w.bankB]) {
        await expectSkipped(w, financeTx(w, id, w.supplierA, bank), [[id, "ReceivableInvalidStatus"]]);
      }
      expect((await w.ledger.lienOf(id)).bank).toBe(w.bankA.address);
      // in one batch the first copy is funded and the second skipped: one lien, one advance
      const other = await confirmed(w);
      const s1 = await signTerms(w, w.supplierA, { receivableId: other, bank: w.bankB.address });
      const s2 = await signTerms(w, w.supplierA, { receivableId: other, bank: w.bankB.address });
      const balance = await w.token.balanceOf(w.supplierA.address);
      await expectSkipped(w, w.ledger.connect(w.bankB).finance([s1.terms, s2.terms], [s1.signature, s2.signature], nextOp()), [[other, "ReceivableInvalidStatus"]]);
      expect((await w.ledger.receivable(other)).status).toBe(BigInt(S.Financed));
      expect((await w.ledger.creditLine(w.bankB.address, w.core1.address)).used).toBe(s1.terms.due);
      expect(await w.token.balanceOf(w.supplierA.address)).toBe(balance + s1.terms.advance);
      expect(await w.ledger.nonceUsed(w.supplierA.address, s2.terms.nonce)).toBe(false);
    });

    it("freezes an encumbered certificate: no split, transfer or cancel", async () => {
      const w = await world();
      const id = await confirmed(w);
      await financed(w, id);
      await expectRevert(w.ledger.connect(w.supplierA).split(id, [{ to: w.supplierB.address, amount: FACE / 2n }, { to: w.supplierA.address, amount: FACE / 2n }], nextOp()), "ReceivableInvalidStatus", [id, S.Financed, S.Confirmed]);
      await expectRevert(w.ledger.connect(w.supplierA).transferCertificate(w.supplierB.address, id, nextOp()), "ReceivableInvalidStatus", [id, S.Financed, S.Confirmed]);
      // nor by ERC-721, for anyone: neither the holder nor the bank holding the lien
      await expectRevert(w.ledger.connect(w.supplierA).approve(w.supplierB.address, id), "CertificateMovesByOffer", [id]);
      for (const who of [w.supplierA, w.bankA]) {
        await expectRevert(w.ledger.connect(who).transferFrom(w.supplierA.address, who.address, id), "CertificateMovesByOffer", [id]);
      }
      await expectRevert(w.ledger.connect(w.supplierA).cancel([id], nextOp()), "ReceivableInvalidStatus", [id, S.Financed, S.Pending]);
      expect(await w.ledger.ownerOf(id)).toBe(w.supplierA.address);
    });

    it("enforces the pricing bounds: 0 < advance <= due <= face", async () => {
      const w = await world();
      const id = await confirmed(w);
      await expectRevert(financed(w, id, w.supplierA, w.bankA, { due: FACE + 1n }), "FinancingDueExceedsFace", [id, FACE + 1n, FACE]);
      await expectRevert(financed(w, id, w.supplierA, w.bankA, { advance: 0n, due: FACE }), "FinancingInvalidAdvance", [id, 0n, FACE]);
      await expectRevert(financed(w, id, w.supplierA, w.bankA, { advance: 951n, due: 950n }), "FinancingInvalidAdvance", [id, 951n, 950n]);
      await financed(w, id, w.supplierA, w.bankA, { advance: FACE, due: FACE }); // interest-free at face: allowed
    });

    it("finances only Confirmed certificates before maturity, held by an active member", async () => {
      const w = await world();
      const [pending] = await register(w, w.supplierA, w.core1.address);
      await expectSkipped(w, financeTx(w, pending), [[pending, "ReceivableInvalidStatus"]]);
      const id = await confirmed(w);
      const sig = await signTerms(w, w.supplierA, { receivableId: id, bank: w.bankA.address, deadline: (await time.latest()) + 400 * 86400 });
      await w.membership.connect(w.operator).suspend(orgId("supplierA"), orgId("aml"), nextOp());
      await expectSkipped(w, w.ledger.connect(w.bankA).finance([sig.terms], [sig.signature], nextOp()), [[id, "MemberInactive"]]);
      expect(await w.ledger.nonceUsed(w.supplierA.address, sig.terms.nonce)).toBe(false); // a skipped item spends nothing
      await w.membership.connect(w.operator).reinstate(orgId("supplierA"), nextOp());
      await time.increase(90n * DAY);
      await expectSkipped(w, w.ledger.connect(w.bankA).finance([sig.terms], [sig.signature], nextOp()), [[id, "ReceivableMatured"]]);
      expect((await w.ledger.receivable(id)).status).toBe(BigInt(S.Confirmed));
    });

    it("is atomic: a bank without funds or allowance changes nothing", async () => {
      const w = await world();
      const id = await confirmed(w);
      await w.token.connect(w.bankA).approve(await w.ledger.getAddress(), 0n);
      await expectRevert(financed(w, id), "ERC20InsufficientAllowance");
      expect((await w.ledger.receivable(id)).status).toBe(BigInt(S.Confirmed));
      expect((await w.ledger.lienOf(id)).bank).toBe("0x0000000000000000000000000000000000000000");
      expect((await w.ledger.creditLine(w.bankA.address, w.core1.address)).used).toBe(0n);
    });

    it("funds a batch from several holders with one advance transfer per holder", async () => {
      const w = await world();
      const holders = [w.supplierA, w.supplierA, w.supplierB, w.supplierB, w.supplierB];
      const ids = [];
      for (const h of holders) ids.push(await confirmed(w, h));
      const signed = await Promise.all(ids.map((id, i) => signTerms(w, holders[i], { receivableId: id, bank: w.bankA.address })));
      const before = [await w.token.balanceOf(w.supplierA.address), await w.token.balanceOf(w.supplierB.address)];
      const receipt = await (await w.ledger.connect(w.bankA).finance(signed.map((s) => s.terms), signed.map((s) => s.signature), nextOp())).wait();
      const transfers = receipt!.logs.filter((l) => l.address === w.token.target).map((l) => w.token.interface.parseLog(l)!).filter((e) => e.name === "Transfer");
      expect(transfers.map((t) => [t.args.to, t.args.value])).toEqual([
        [w.supplierA.address, 2n * signed[0].terms.advance],
        [w.supplierB.address, 3n * signed[0].terms.advance],
      ]);
      expect(await w.token.balanceOf(w.supplierA.address)).toBe(before[0] + 2n * signed[0].terms.advance);
      expect(await w.token.balanceOf(w.supplierB.address)).toBe(before[1] + 3n * signed[0].terms.advance);
      await expectRevert(w.ledger.connect(w.bankA).finance([signed[0].terms], [], nextOp()), "LedgerLengthMismatch", [1n, 0n]);
    });

    it("funds the rest of a batch when holders cancel, transfer, split or revoke after signing (defect 12)", async () => {
      const w = await world();
      // six certificates, terms signed by their holders for bankA; then each holder but the last changes its mind
      const ids: bigint[] = [];
      for (let i = 0; i < 6; i++) ids.push(await confirmed(w));
      const [pending] = await register(w, w.supplierA, w.core1.address);
      const signed = await Promise.all([...ids, pending].map((id) => signTerms(w, w.supplierA, { receivableId: id, bank: w.bankA.address })));
      await w.ledger.connect(w.supplierA).cancel([pending], nextOp());
      await transferred(w, w.supplierA, w.supplierB, ids[0]);
      await w.ledger.connect(w.supplierA).split(ids[1], [{ to: w.supplierA.address, amount: FACE / 2n }, { to: w.supplierB.address, amount: FACE / 2n }], nextOp());
      const nonce = signed[2].terms.nonce;
      await w.ledger.connect(w.supplierA).invalidateNonces(nonce >> 8n, 1n << (nonce & 0xffn));
      await financed(w, ids[3], w.supplierA, w.bankB); // the holder took bankB's offer meanwhile
      const expired = await signTerms(w, w.supplierA, { receivableId: ids[4], bank: w.bankA.address, deadline: (await time.latest()) + 5 });
      await time.increase(10);
      signed[4] = expired;

      const balance = await w.token.balanceOf(w.supplierA.address);
      await expectSkipped(w, w.ledger.connect(w.bankA).finance(signed.map((s) => s.terms), signed.map((s) => s.signature), nextOp()), [
        [ids[0], "SignatureInvalid"], // transferred (and accepted): the signature is no longer the holder's
        [ids[1], "ReceivableInvalidStatus"], // split
        [ids[2], "SignatureNonceUsed"], // revoked
        [ids[3], "ReceivableInvalidStatus"], // financed by another bank
        [ids[4], "SignatureExpired"],
        [pending, "ReceivableInvalidStatus"], // cancelled
      ]);
      // the one still good is funded, and only it
      expect((await w.ledger.receivable(ids[5])).status).toBe(BigInt(S.Financed));
      expect(await w.token.balanceOf(w.supplierA.address)).toBe(balance + signed[5].terms.advance);
      expect((await w.ledger.creditLine(w.bankA.address, w.core1.address)).used).toBe(signed[5].terms.due);
    });

    it("still refuses the whole batch for the bank's own mistakes: another bank's terms, amounts, its credit line", async () => {
      const w = await world();
      const [a, b] = [await confirmed(w), await confirmed(w)];
      const good = await signTerms(w, w.supplierA, { receivableId: a, bank: w.bankA.address });
      const foreign = await signTerms(w, w.supplierA, { receivableId: b, bank: w.bankB.address });
      await expectRevert(w.ledger.connect(w.bankA).finance([good.terms, foreign.terms], [good.signature, foreign.signature], nextOp()), "FinancingNotBank", [b, w.bankB.address, w.bankA.address]);
      const tooMuch = await signTerms(w, w.supplierA, { receivableId: b, bank: w.bankA.address, due: FACE + 1n });
      await expectRevert(w.ledger.connect(w.bankA).finance([good.terms, tooMuch.terms], [good.signature, tooMuch.signature], nextOp()), "FinancingDueExceedsFace");
      await w.ledger.connect(w.bankA).setCreditLine(w.core1.address, good.terms.due, nextOp());
      const over = await signTerms(w, w.supplierA, { receivableId: b, bank: w.bankA.address });
      await expectRevert(w.ledger.connect(w.bankA).finance([good.terms, over.terms], [good.signature, over.signature], nextOp()), "FinancingCreditLimitExceeded");
      expect((await w.ledger.receivable(a)).status).toBe(BigInt(S.Confirmed));
    });
  });
});
