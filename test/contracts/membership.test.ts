import { describe, it, expect } from "vitest";
import { world, nextOp, orgId, expectRevert, time, ADMIN_DELAY } from "./fixtures";
import { MemberRole } from "../../backend/src/ledger/roles";

describe("Membership", () => {
  it("registers organizations with roles and reports them active", async () => {
    const w = await world();
    expect(await w.membership.activeRoles(w.core1.address)).toBe(BigInt(MemberRole.CoreEnterprise));
    expect(await w.membership.isActive(w.outsider.address)).toBe(false);
    expect(await w.membership.organizationOf(w.bankA.address)).toBe(orgId("bankA"));
  });
});
