import { describe, it, expect } from "vitest";
import { world, nextOp, orgId, expectRevert, INITIAL_BALANCE, YUAN } from "./fixtures";

describe("SettlementToken", () => {
  it("has two decimals: one unit is one fen", async () => {
    const w = await world();
    expect(await w.token.decimals()).toBe(2n);
  });

  it("mints deposits and burns withdrawals by the settlement issuer only, once per operation id", async () => {
    const w = await world();
    const op = nextOp();
    await w.token.connect(w.issuer).mint(w.supplierB.address, 500n * YUAN, op);
    expect(await w.token.balanceOf(w.supplierB.address)).toBe(INITIAL_BALANCE + 500n * YUAN);
    await expectRevert(w.token.connect(w.issuer).mint(w.supplierB.address, 500n * YUAN, op), "OperationAlreadyExecuted", [w.issuer.address, op]);
    await expectRevert(w.token.connect(w.issuer).mint(w.supplierB.address, 0n, nextOp()), "SettlementZeroAmount");

    // a withdrawal needs the member's allowance to the issuer
    await expectRevert(w.token.connect(w.issuer).burn(w.supplierB.address, 100n, nextOp()), "ERC20InsufficientAllowance");
    await w.token.connect(w.supplierB).approve(w.issuer.address, 100n);
    const supply = await w.token.totalSupply();
    await w.token.connect(w.issuer).burn(w.supplierB.address, 100n, nextOp());
    expect(await w.token.totalSupply()).toBe(supply - 100n);
  });

  it("moves only between active members and the clearing house", async () => {
    const w = await world();
    await w.token.connect(w.bankA).transfer(w.supplierA.address, 1n);
    await expectRevert(w.token.connect(w.bankA).transfer(w.outsider.address, 1n), "SettlementAccountNotEligible", [w.outsider.address]);
    await w.membership.connect(w.operator).suspend(orgId("supplierB"), orgId("kyc expired"), nextOp());
    await expectRevert(w.token.connect(w.bankA).transfer(w.supplierB.address, 1n), "SettlementAccountNotEligible", [w.supplierB.address]);
    await expectRevert(w.token.connect(w.supplierB).transfer(w.bankA.address, 1n), "SettlementAccountNotEligible", [w.supplierB.address]);
    await expectRevert(w.token.connect(w.issuer).mint(w.supplierB.address, 1n, nextOp()), "SettlementAccountNotEligible", [w.supplierB.address]);
  });

  it("lets only governance change the clearing house", async () => {
    const w = await world();
    await expectRevert(w.token.connect(w.operator).setClearingHouse(w.outsider.address), "SettlementUnauthorizedGovernor", [w.operator.address]);
    expect(await w.token.clearingHouse()).toBe(await w.ledger.getAddress());
  });
});
