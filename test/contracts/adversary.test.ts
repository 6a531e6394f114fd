import { describe, it, expect } from "vitest";
import { ZeroAddress } from "ethers";
import { world, nextOp, expectRevert, input, confirmed, signConfirm, signTerms, register, YUAN } from "./fixtures";
import { ReceivableStatus as S } from "../../backend/src/ledger/roles";

/**
 * A member that keeps its own ledger key calls the contracts directly, with hostile arguments
 * (issue 15): everything the platform would have checked, the contracts must refuse themselves.
 */
describe("direct-ledger adversaries", () => {
  describe("no zero address where a member is expected (defect 10)", () => {
    it("refuses issue to address(0): no Confirmed certificate without a holder", async () => {
      const w = await world();
      const item = await input({ counterparty: ZeroAddress });
      await expectRevert(w.ledger.connect(w.core1).issue([item], nextOp()), "MemberInactive", [ZeroAddress]);
      // nor behind a first item with a real counterparty, nor as the first of a batch
      const good = await input({ counterparty: w.supplierA.address });
      await expectRevert(w.ledger.connect(w.core1).issue([good, await input({ counterparty: ZeroAddress })], nextOp()), "MemberInactive", [ZeroAddress]);
      await expectRevert(w.ledger.connect(w.core1).issue([await input({ counterparty: ZeroAddress }), good], nextOp()), "MemberInactive", [ZeroAddress]);
    });

    it("refuses register against address(0): no Pending certificate that nobody can reject", async () => {
      const w = await world();
      await expectRevert(w.ledger.connect(w.supplierA).register([await input({ counterparty: ZeroAddress })], nextOp()), "MemberInactive", [ZeroAddress]);
      const good = await input({ counterparty: w.core1.address });
      await expectRevert(w.ledger.connect(w.supplierA).register([good, await input({ counterparty: ZeroAddress })], nextOp()), "MemberInactive", [ZeroAddress]);
    });

    it("refuses address(0) as a split part's holder, a transfer's recipient, a credit line's obligor, a bank or a confirming obligor", async () => {
      const w = await world();
      const id = await confirmed(w);
      await expectRevert(
        w.ledger.connect(w.supplierA).split(id, [{ to: ZeroAddress, amount: 500_000n * YUAN }, { to: w.supplierA.address, amount: 500_000n * YUAN }], nextOp()),
        "MemberInactive",
        [ZeroAddress],
      );
      await expectRevert(w.ledger.connect(w.supplierA).transferCertificate(ZeroAddress, id, nextOp()), "ERC721InvalidReceiver", [ZeroAddress]);
      await expectRevert(w.ledger.connect(w.bankA).setCreditLine(ZeroAddress, 1n, nextOp()), "MemberInactive", [ZeroAddress]);
      const { terms, signature } = await signTerms(w, w.supplierA, { receivableId: id, bank: ZeroAddress });
      await expectRevert(w.ledger.connect(w.bankA).finance([terms], [signature], nextOp()), "FinancingNotBank", [id, ZeroAddress, w.bankA.address]);
      const [pending] = await register(w, w.supplierA, w.core1.address);
      const sig = await signConfirm(w, w.core1, [pending]);
      await expectRevert(w.ledger.connect(w.relayer).confirmBySig([pending], ZeroAddress, sig.nonce, sig.deadline, sig.signature, nextOp()), "SignatureInvalid", [ZeroAddress]);
      expect((await w.ledger.receivable(id)).status).toBe(BigInt(S.Confirmed));
    });
  });
});
