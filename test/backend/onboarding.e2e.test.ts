import { describe, it, expect, beforeAll, afterAll } from "vitest";
import hre from "hardhat";
import { Membership__factory } from "../../typechain-types";
import { Stack, randomUscc } from "./support/stack";
import { eventually } from "./support/http";
import { MemberRole } from "../../backend/src/ledger/roles";

describe("onboarding through the public API", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await Stack.start();
  });
  afterAll(async () => stack?.close());

  it("creates an organization, approves KYC, and the member becomes active on chain and through the API", async () => {
    const op = { key: stack.operatorKey };
    const uscc = randomUscc();
    const created = await stack.api.post(
      "/v1/organizations",
      { legalName: "赣州市南康区某家具有限公司", unifiedSocialCreditCode: uscc, roles: ["supplier", "core_enterprise"], enterpriseSize: "large", contacts: [{ name: "Wang Fang", email: "wang@example.com" }] },
      op,
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: "pending", keyCustody: "custodial", ledgerAddress: null, chain: { status: "none" }, enterpriseSize: "large", settlementLicence: null });

    const approved = await stack.api.post(`/v1/organizations/${created.body.id}/kyc-approval`, { note: "documents checked" }, op);
    expect(approved.status).toBe(202);
    expect(approved.body.organization.status).toBe("kyc_approved");
    expect(approved.body.organization.ledgerAddress).toMatch(/^0x[0-9a-fA-F]{40}$/);
    const operationId = approved.body.operation.id;

    const operation = await eventually(async () => {
      const r = await stack.api.get(`/v1/operations/${operationId}`, op);
      return r.body.status === "mined" ? r.body : null;
    }, 20_000, "the registration to be mined");
    expect(operation.txHash).toMatch(/^0x[0-9a-f]{64}$/);
    const org = await eventually(async () => {
      const r = await stack.api.get(`/v1/organizations/${created.body.id}`, op);
      return r.body.status === "active" ? r.body : null;
    }, 20_000, "the indexer to project the registration");
    expect(org.chain.status).toBe("registered");

    // the chain agrees
    const membership = Membership__factory.connect(stack.deployment.membership, hre.ethers.provider);
    expect(await membership.activeRoles(org.ledgerAddress)).toBe(BigInt(MemberRole.Supplier | MemberRole.CoreEnterprise));
    expect(await membership.organizationOf(org.ledgerAddress)).toBe(org.chain.orgId);
  });

  it("asks a core enterprise or supplier for its enterprise size and a settlement issuer for its licence", async () => {
    const op = { key: stack.operatorKey };
    const noSize = await stack.api.post("/v1/organizations", { legalName: "无规模供应商", unifiedSocialCreditCode: randomUscc(), roles: ["supplier"] }, op);
    expect(noSize.status).toBe(422);
    expect(JSON.stringify(noSize.body.errors)).toMatch(/enterpriseSize.*large, medium, small or micro/);
    const noLicence = await stack.api.post("/v1/organizations", { legalName: "无牌照清算机构", unifiedSocialCreditCode: randomUscc(), roles: ["settlement_issuer"] }, op);
    expect(noLicence.status).toBe(422);
    expect(JSON.stringify(noLicence.body.errors)).toMatch(/settlementLicence/);
    const licence = { kind: "bank", number: "B0001H250000001", authority: "国家金融监督管理总局" };
    const issuer = await stack.api.post("/v1/organizations", { legalName: "持牌银行", unifiedSocialCreditCode: randomUscc(), roles: ["bank", "settlement_issuer"], settlementLicence: licence }, op);
    expect(issuer.status).toBe(201);
    expect(issuer.body).toMatchObject({ enterpriseSize: null, settlementLicence: licence });
    const bank = await stack.api.post("/v1/organizations", { legalName: "普通银行", unifiedSocialCreditCode: randomUscc(), roles: ["bank"] }, op);
    expect(bank.status).toBe(201);
    expect(bank.body.enterpriseSize).toBeNull();
  });

  it("rejects a second KYC approval and a duplicate registration", async () => {
    const { orgId } = await stack.onboard(["bank"]);
    const again = await stack.api.post(`/v1/organizations/${orgId}/kyc-approval`, {}, { key: stack.operatorKey });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("ORGANIZATION.NOT_PENDING");
    const org = (await stack.api.get(`/v1/organizations/${orgId}`, { key: stack.operatorKey })).body;
    const dup = await stack.api.post(
      "/v1/organizations",
      { legalName: "Copy", unifiedSocialCreditCode: org.unifiedSocialCreditCode, roles: ["bank"] },
      { key: stack.operatorKey },
    );
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe("ORGANIZATION.DUPLICATE");
  });

  it("suspends and reinstates a member on chain; a suspended member can read but not write", async () => {
    const member = await stack.onboard(["supplier"]);
    const op = { key: stack.operatorKey };
    const suspended = await stack.api.post(`/v1/organizations/${member.orgId}/suspension`, { reason: "sanctions screening hit" }, op);
    expect(suspended.status).toBe(202);
    await eventually(async () => (await stack.api.get(`/v1/organizations/${member.orgId}`, op)).body.status === "suspended", 20_000, "suspension");
    const membership = Membership__factory.connect(stack.deployment.membership, hre.ethers.provider);
    const address = (await stack.api.get(`/v1/organizations/${member.orgId}`, op)).body.ledgerAddress;
    expect(await membership.isActive(address)).toBe(false);

    expect((await stack.api.get("/v1/me", { key: member.key })).status).toBe(200);
    const write = await stack.api.post("/v1/api-keys", { label: "more" }, { key: member.key });
    expect(write.status).toBe(403);
    expect(write.body.code).toBe("ORGANIZATION.SUSPENDED");

    expect((await stack.api.post(`/v1/organizations/${member.orgId}/reinstatement`, {}, op)).status).toBe(202);
    await eventually(async () => (await stack.api.get(`/v1/organizations/${member.orgId}`, op)).body.status === "active", 20_000, "reinstatement");
    expect(await membership.isActive(address)).toBe(true);
  });

  it("lets an organization admin issue and revoke its own keys; a revoked key stops working", async () => {
    const member = await stack.onboard(["supplier"]);
    const me = (await stack.api.get("/v1/me", { key: member.key })).body;
    const colleague = await stack.api.post(`/v1/organizations/${member.orgId}/users`, { email: "clerk@example.com", name: "Clerk", role: "member" }, { key: member.key });
    expect(colleague.status).toBe(201);
    const issued = await stack.api.post("/v1/api-keys", { label: "clerk laptop", userId: colleague.body.id }, { key: member.key });
    expect(issued.status).toBe(201);
    expect(issued.body.key).toMatch(/^cf_[a-z2-9]{12}_[A-Za-z0-9_-]{43}$/);
    expect((await stack.api.get("/v1/me", { key: issued.body.key })).body.user.id).toBe(colleague.body.id);

    // listing shows keys without secrets
    const list = await stack.api.get("/v1/api-keys", { key: member.key });
    expect(list.body.items.map((k: { id: string }) => k.id)).toContain(issued.body.id);
    const secret = /^cf_[a-z2-9]{12}_(.+)$/.exec(issued.body.key)![1]; // the secret may itself contain "_"
    expect(JSON.stringify(list.body)).not.toContain(secret);

    // a member cannot issue keys for others
    const clerkTries = await stack.api.post("/v1/api-keys", { label: "x", userId: me.user.id }, { key: issued.body.key });
    expect(clerkTries.status).toBe(403);

    expect((await stack.api.delete(`/v1/api-keys/${issued.body.id}`, { key: member.key })).status).toBe(204);
    const after = await stack.api.get("/v1/me", { key: issued.body.key });
    expect(after.status).toBe(401);
    expect(after.body.detail).toMatch(/revoked/);
  });
});
