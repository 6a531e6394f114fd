import { EntitySchema } from "typeorm";
import { col } from "../../shared/db-types";
import type { Organization, User } from "../../shared/principal";

export { ORG_ROLES, DUTIES, ENTERPRISE_SIZES, isSme, type EnterpriseSize, type SettlementLicence, type OrgRole, type OrgStatus, type Contact, type Organization, type Duty, type User } from "../../shared/principal";

export const OrganizationEntity = new EntitySchema<Organization>({
  name: "Organization",
  tableName: "organizations",
  columns: {
    id: { ...col.uuid, primary: true, generated: "uuid" },
    legalName: { ...col.text, name: "legal_name" },
    uscc: { type: "char", length: 18 },
    roles: { type: "text", array: true },
    contacts: { type: "jsonb" },
    status: col.text,
    chainOrgId: { ...col.hash, name: "chain_org_id" },
    keyCustody: { ...col.text, name: "key_custody" },
    ledgerAddress: { ...col.address, name: "ledger_address", nullable: true },
    chainStatus: { ...col.text, name: "chain_status" },
    chainBlock: { ...col.bigint, name: "chain_block", nullable: true },
    kycApprovedAt: { ...col.timestamp, name: "kyc_approved_at", nullable: true },
    kycApprovedBy: { ...col.uuid, name: "kyc_approved_by", nullable: true },
    suspensionReason: { ...col.text, name: "suspension_reason", nullable: true },
    enterpriseSize: { ...col.text, name: "enterprise_size", nullable: true },
    settlementLicence: { type: "jsonb", name: "settlement_licence", nullable: true },
    createdAt: { ...col.timestamp, name: "created_at", createDate: true },
    updatedAt: { ...col.timestamp, name: "updated_at", updateDate: true },
  },
});

export const UserEntity = new EntitySchema<User>({
  name: "User",
  tableName: "users",
  columns: {
    id: { ...col.uuid, primary: true, generated: "uuid" },
    organizationId: { ...col.uuid, name: "organization_id" },
    email: col.text,
    name: col.text,
    role: col.text,
    duty: col.text,
    passwordHash: { ...col.text, name: "password_hash", nullable: true, select: false },
    passwordChangedAt: { ...col.timestamp, name: "password_changed_at", nullable: true },
    createdAt: { ...col.timestamp, name: "created_at", createDate: true },
    disabledAt: { ...col.timestamp, name: "disabled_at", nullable: true },
  },
});

export interface ApiKey {
  id: string;
  organizationId: string;
  userId: string;
  prefix: string;
  secretHash: Buffer;
  label: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export const ApiKeyEntity = new EntitySchema<ApiKey>({
  name: "ApiKey",
  tableName: "api_keys",
  columns: {
    id: { ...col.uuid, primary: true, generated: "uuid" },
    organizationId: { ...col.uuid, name: "organization_id" },
    userId: { ...col.uuid, name: "user_id" },
    prefix: col.text,
    secretHash: { type: "bytea", name: "secret_hash" },
    label: col.text,
    createdAt: { ...col.timestamp, name: "created_at", createDate: true },
    lastUsedAt: { ...col.timestamp, name: "last_used_at", nullable: true },
    revokedAt: { ...col.timestamp, name: "revoked_at", nullable: true },
  },
});
