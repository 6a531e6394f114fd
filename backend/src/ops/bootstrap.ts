import type { DataSource } from "typeorm";
import type { KeyVault } from "../ledger/key-vault";
import { LedgerKeyEntity } from "../ledger/ledger.entity";
import { issueApiKey } from "../modules/onboarding/api-key-secret";
import { ApiKeyEntity, OrganizationEntity, UserEntity } from "../modules/onboarding/onboarding.entity";
import { chainOrgId } from "../modules/onboarding/onboarding.service";
import { usccProblem } from "../modules/onboarding/uscc";
import { createInvitation } from "../modules/onboarding/people.service";

export interface BootstrapInput {
  legalName: string;
  uscc: string;
  adminEmail: string;
  adminName: string;
}

/**
 * Creates the consortium operator's organization, its first admin user with an API key and an
 * invitation to choose a portal password, and the platform's operator ledger key (if `deploy` has
 * not made one yet). Refuses to run twice.
 */
export async function bootstrap(ds: DataSource, vault: KeyVault, input: BootstrapInput) {
  const problem = usccProblem(input.uscc);
  if (problem) throw new Error(`--uscc ${input.uscc} is not a valid unified social credit code: ${problem}`);
  return ds.transaction(async (em) => {
    await em.query(`LOCK TABLE organizations IN EXCLUSIVE MODE`);
    const [existing] = await em.query(`SELECT id, legal_name FROM organizations WHERE 'operator' = ANY(roles) LIMIT 1`);
    if (existing) throw new Error(`already bootstrapped: the operator organization is ${existing.legal_name} (${existing.id})`);
    const org = await em.getRepository(OrganizationEntity).save(
      em.getRepository(OrganizationEntity).create({
        legalName: input.legalName,
        uscc: input.uscc,
        roles: ["operator"],
        contacts: [{ name: input.adminName, email: input.adminEmail }],
        status: "active",
        chainOrgId: chainOrgId(input.uscc),
        keyCustody: "custodial",
        chainStatus: "none",
      }),
    );
    const user = await em.getRepository(UserEntity).save(
      em.getRepository(UserEntity).create({ organizationId: org.id, email: input.adminEmail.toLowerCase(), name: input.adminName, role: "admin", duty: "approver" }),
    );
    const issued = issueApiKey();
    await em.getRepository(ApiKeyEntity).insert({ organizationId: org.id, userId: user.id, prefix: issued.prefix, secretHash: issued.secretHash, label: "bootstrap" });
    const invitation = await createInvitation(em, {
      organizationId: org.id,
      email: user.email,
      name: user.name,
      duty: "approver",
      role: "admin",
      invitedBy: user.id,
      userId: user.id,
    });
    const operatorKey = await operatorKeyAddress(em, vault, org.id);
    return { organizationId: org.id, userId: user.id, apiKey: issued.key, invitationToken: invitation.token, operatorAddress: operatorKey };
  });
}

/** The live operator ledger key, created (and attached to the operator organization) if missing. */
export async function operatorKeyAddress(em: DataSource["manager"], vault: KeyVault, organizationId: string | null): Promise<string> {
  const repo = em.getRepository(LedgerKeyEntity);
  const live = await repo.findOne({ where: { purpose: "operator" }, order: { createdAt: "DESC" } });
  if (live && !live.retiredAt) {
    if (organizationId && !live.organizationId) await repo.update({ id: live.id }, { organizationId });
    return live.address;
  }
  return vault.create(em, "operator", organizationId);
}
