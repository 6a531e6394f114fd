import type { EntityManager } from "typeorm";
import { issueApiKey } from "./api-key-secret";
import { ApiKeyEntity, OrganizationEntity, UserEntity } from "./onboarding.entity";
import { chainOrgId } from "./onboarding.service";
import { createInvitation } from "./people.service";

export interface OperatorInput {
  legalName: string;
  uscc: string;
  adminEmail: string;
  adminName: string;
}

/**
 * The consortium operator's organization and its first admin (an approver) with an API key and an
 * invitation to choose a portal password (`ops bootstrap`). Refuses to run twice.
 */
export async function createOperator(em: EntityManager, input: OperatorInput) {
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
  return { org, user, apiKey: issued.key, invitationToken: invitation.token };
}
