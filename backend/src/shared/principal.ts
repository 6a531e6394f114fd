/**
 * Who acts on the platform: an organization (a member, the operator or an auditor) and its people.
 * The onboarding module keeps them (its tables map these shapes); the HTTP layer authorizes by
 * them.
 */

export const ORG_ROLES = ["operator", "core_enterprise", "supplier", "bank", "auditor", "settlement_issuer"] as const;
export type OrgRole = (typeof ORG_ROLES)[number];
export type OrgStatus = "pending" | "kyc_approved" | "active" | "suspended";

export interface Contact {
  name: string;
  email: string;
  phone?: string;
  title?: string;
}

export interface Organization {
  id: string;
  legalName: string;
  uscc: string;
  roles: OrgRole[];
  contacts: Contact[];
  status: OrgStatus;
  /** bytes32 id on chain: keccak256 of the unified social credit code. */
  chainOrgId: string;
  keyCustody: "custodial" | "external";
  ledgerAddress: string | null;
  chainStatus: "none" | "registered" | "suspended";
  chainBlock: bigint | null;
  kycApprovedAt: Date | null;
  kycApprovedBy: string | null;
  suspensionReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** What a person may do within its organization: read; prepare (drafts); commit (and approve drafts). */
export const DUTIES = ["viewer", "clerk", "approver"] as const;
export type Duty = (typeof DUTIES)[number];

export interface User {
  id: string;
  organizationId: string;
  email: string;
  name: string;
  role: "admin" | "member";
  duty: Duty;
  /** argon2id; null for a user that only has API keys. */
  passwordHash: string | null;
  passwordChangedAt: Date | null;
  createdAt: Date;
  disabledAt: Date | null;
}
