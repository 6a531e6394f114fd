import { describe, it, expect } from "vitest";
import { ZeroHash as ZERO32 } from "ethers";
import { world, nextOp, orgId, expectRevert, revertOf, time, ADMIN_DELAY, confirmed, transferred } from "./fixtures";
import { MemberRole } from "../../backend/src/ledger/roles";

describe("Membership", () => {
  it("registers organizations with roles and several accounts", async () => {
    const w = await world();
    const [key1, key2] = w.spare;
    const op = nextOp();
    await expect(
      w.membership.connect(w.operator).registerOrganization(orgId("tier2"), MemberRole.Supplier | MemberRole.CoreEnterprise, [key1.address, key2.address], op),
    ).resolves.toBeTruthy();
    const org = await w.membership.organization(orgId("tier2"));
    expect(org.roles).toBe(3n);
    expect(org.suspended).toBe(false);
    expect(org.accounts).toEqual([key1.address, key2.address]);
    for (const k of [key1, key2]) {
      expect(await w.membership.activeRoles(k.address)).toBe(3n);
      expect(await w.membership.organizationOf(k.address)).toBe(orgId("tier2"));
    }
    expect(await w.membership.operationExecuted(w.operator.address, op)).toBe(true);
  });

  it("rejects duplicate organizations, bad role masks and accounts already taken", async () => {
    const w = await world();
    const m = w.membership.connect(w.operator);
    await expectRevert(m.registerOrganization(orgId("core1"), MemberRole.Bank, [], nextOp()), "MembershipOrganizationExists", [orgId("core1")]);
    await expectRevert(m.registerOrganization(orgId("x"), 0, [], nextOp()), "MembershipInvalidRoles", [0]);
    await expectRevert(m.registerOrganization(orgId("x"), 32, [], nextOp()), "MembershipInvalidRoles", [32]);
    await expectRevert(
      m.registerOrganization(orgId("x"), MemberRole.Bank, [w.bankA.address], nextOp()),
      "MembershipAccountTaken",
      [w.bankA.address, orgId("bankA")],
    );
    await expectRevert(m.addAccount(orgId("nobody"), w.spare[0].address, nextOp()), "MembershipUnknownOrganization", [orgId("nobody")]);
    await expectRevert(m.removeAccount(w.outsider.address, nextOp()), "MembershipUnknownAccount", [w.outsider.address]);
    await expectRevert(m.setRoles(orgId("core1"), 64, nextOp()), "MembershipInvalidRoles", [64]);
  });

  it("rotates keys: add the new key, move certificates, remove the old key", async () => {
    const w = await world();
    const newKey = w.spare[0];
    const id = await confirmed(w);
    await w.membership.connect(w.operator).addAccount(orgId("supplierA"), newKey.address, nextOp());
    await transferred(w, w.supplierA, newKey, id); // the new key accepts what the old one offers it
    await w.membership.connect(w.operator).removeAccount(w.supplierA.address, nextOp());
    expect(await w.ledger.ownerOf(id)).toBe(newKey.address);
    expect(await w.membership.isActive(w.supplierA.address)).toBe(false);
    expect((await w.membership.organization(orgId("supplierA"))).accounts).toEqual([newKey.address]);
    // the old key can no longer act
    await expectRevert(w.ledger.connect(w.supplierA).setCreditLine(w.core1.address, 1n, nextOp()), "MemberInactive", [w.supplierA.address]);
  });

  it("suspends and reinstates every account of an organization", async () => {
    const w = await world();
    const m = w.membership.connect(w.operator);
    await m.addAccount(orgId("bankA"), w.spare[0].address, nextOp());
    await m.suspend(orgId("bankA"), orgId("sanctions screening"), nextOp());
    for (const a of [w.bankA.address, w.spare[0].address]) {
      expect(await w.membership.activeRoles(a)).toBe(0n);
      expect(await w.membership.isActive(a)).toBe(false);
    }
    await expectRevert(m.suspend(orgId("bankA"), orgId("again"), nextOp()), "MembershipSuspensionUnchanged", [orgId("bankA"), true]);
    await m.reinstate(orgId("bankA"), nextOp());
    expect(await w.membership.activeRoles(w.spare[0].address)).toBe(BigInt(MemberRole.Bank));
    await expectRevert(m.reinstate(orgId("bankA"), nextOp()), "MembershipSuspensionUnchanged", [orgId("bankA"), false]);
  });

  it("applies role changes to every account at once", async () => {
    const w = await world();
    await w.membership.connect(w.operator).setRoles(orgId("supplierA"), MemberRole.Supplier | MemberRole.CoreEnterprise, nextOp());
    expect(await w.membership.activeRoles(w.supplierA.address)).toBe(3n);
  });

  it("rejects a repeated operation id with OperationAlreadyExecuted", async () => {
    const w = await world();
    const op = nextOp();
    await w.membership.connect(w.operator).registerOrganization(orgId("new"), MemberRole.Supplier, [], op);
    await expectRevert(
      w.membership.connect(w.operator).registerOrganization(orgId("other"), MemberRole.Supplier, [], op),
      "OperationAlreadyExecuted",
      [w.operator.address, op],
    );
  });

  it("hands the default admin over in two steps with a delay; operators and relayers hold no admin power", async () => {
    const w = await world();
    const next = w.spare[0];
    expect(await w.membership.defaultAdminDelay()).toBe(ADMIN_DELAY);
    // operator and relayer cannot start a handover or grant roles
    for (const s of [w.operator, w.relayer]) {
      expect((await revertOf(w.membership.connect(s).beginDefaultAdminTransfer(next.address))).name).toBe("AccessControlUnauthorizedAccount");
      expect((await revertOf(w.membership.connect(s).grantRole(await w.membership.OPERATOR_ROLE(), s.address))).name).toBe(
        "AccessControlUnauthorizedAccount",
      );
    }
    await w.membership.connect(w.admin).beginDefaultAdminTransfer(next.address);
    expect((await revertOf(w.membership.connect(next).acceptDefaultAdminTransfer())).name).toBe("AccessControlEnforcedDefaultAdminDelay");
    await time.increase(ADMIN_DELAY + 1n);
    await w.membership.connect(next).acceptDefaultAdminTransfer();
    expect(await w.membership.defaultAdmin()).toBe(next.address);
    expect(await w.membership.isGovernor(w.admin.address)).toBe(false);
    expect(await w.membership.isGovernor(next.address)).toBe(true);
  });

  describe("operator keys and member accounts are kept apart (the operator never holds money)", () => {
    it("refuses an operator key as an organization's account, and OPERATOR_ROLE to a member's account", async () => {
      const w = await world();
      const m = w.membership.connect(w.operator);
      const OPERATOR_ROLE = await w.membership.OPERATOR_ROLE();
      await expectRevert(m.addAccount(orgId("supplierA"), w.operator.address, nextOp()), "MembershipOperatorAccount", [w.operator.address]);
      await expectRevert(m.registerOrganization(orgId("opco"), MemberRole.Supplier, [w.spare[0].address, w.operator.address], nextOp()), "MembershipOperatorAccount", [w.operator.address]);
      expect(await w.membership.organizationOf(w.spare[0].address)).toBe(ZERO32); // the whole registration was refused
      await expectRevert(w.membership.connect(w.admin).grantRole(OPERATOR_ROLE, w.supplierA.address), "MembershipOperatorAccount", [w.supplierA.address]);
      // a suspended member's account is still a member's
      await m.suspend(orgId("bankB"), orgId("review"), nextOp());
      await expectRevert(w.membership.connect(w.admin).grantRole(OPERATOR_ROLE, w.bankB.address), "MembershipOperatorAccount", [w.bankB.address]);
      // a fresh key made an operator can never be added to an organization afterwards
      await w.membership.connect(w.admin).grantRole(OPERATOR_ROLE, w.spare[1].address);
      await expectRevert(m.addAccount(orgId("supplierC"), w.spare[1].address, nextOp()), "MembershipOperatorAccount", [w.spare[1].address]);
      expect(await w.membership.isOperator(w.supplierA.address)).toBe(false);
      expect(await w.membership.organizationOf(w.operator.address)).toBe(ZERO32);
    });

    it("so the operator can never receive or move settlement tokens, nor be the clearing house", async () => {
      const w = await world();
      const ledger = await w.ledger.getAddress();
      await expectRevert(w.token.connect(w.issuer).mint(w.operator.address, 1n, nextOp()), "SettlementAccountNotEligible", [w.operator.address]);
      await expectRevert(w.token.connect(w.supplierA).transfer(w.operator.address, 1n), "SettlementAccountNotEligible", [w.operator.address]);
      await w.token.connect(w.supplierA).approve(w.bankA.address, 1n);
      await expectRevert(w.token.connect(w.bankA).transferFrom(w.supplierA.address, w.operator.address, 1n), "SettlementAccountNotEligible", [w.operator.address]);
      await expectRevert(w.token.connect(w.admin).setClearingHouse(w.operator.address), "SettlementInvalidClearingHouse", []);
      expect([await w.token.balanceOf(w.operator.address), await w.token.clearingHouse()]).toEqual([0n, ledger]);
      // nor move a member's money between members, whatever the member approved
      await w.token.connect(w.supplierA).approve(w.operator.address, 1n);
      await expectRevert(w.token.connect(w.operator).transferFrom(w.supplierA.address, w.supplierB.address, 1n), "SettlementAccountNotEligible", [w.operator.address]);
      expect(await w.token.allowance(w.supplierA.address, w.operator.address)).toBe(1n);
      // nor hold a certificate, which is what the ledger pays out to
      await expectRevert(w.ledger.connect(w.supplierA).transferCertificate(w.operator.address, await confirmed(w), nextOp()), "MemberInactive", [w.operator.address]);
    });
  });
});
