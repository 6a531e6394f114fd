import type { ApiKey, Organization, User } from "./onboarding.entity";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const organizationView = (o: Organization) => ({
  id: o.id,
  legalName: o.legalName,
  unifiedSocialCreditCode: o.uscc,
  roles: o.roles,
  contacts: o.contacts,
  status: o.status,
  keyCustody: o.keyCustody,
  ledgerAddress: o.ledgerAddress,
  chain: { orgId: o.chainOrgId, status: o.chainStatus, block: o.chainBlock === null ? null : o.chainBlock.toString() },
  kycApprovedAt: iso(o.kycApprovedAt),
  suspensionReason: o.suspensionReason,
  enterpriseSize: o.enterpriseSize,
  settlementLicence: o.settlementLicence,
  createdAt: o.createdAt.toISOString(),
  updatedAt: o.updatedAt.toISOString(),
});

export const userView = (u: User) => ({
  id: u.id,
  organizationId: u.organizationId,
  email: u.email,
  name: u.name,
  role: u.role,
  duty: u.duty,
  signsIn: u.passwordChangedAt !== null,
  createdAt: u.createdAt.toISOString(),
});

export const apiKeyView = (k: ApiKey) => ({
  id: k.id,
  prefix: k.prefix,
  label: k.label,
  userId: k.userId,
  organizationId: k.organizationId,
  createdAt: k.createdAt.toISOString(),
  lastUsedAt: iso(k.lastUsedAt),
  revokedAt: iso(k.revokedAt),
});

