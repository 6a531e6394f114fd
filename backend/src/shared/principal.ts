/**
 * Who acts on the platform: an organization (a member, the operator or an auditor) and its people.
 * The onboarding module keeps them (its tables map these shapes); the HTTP layer authorizes by
 * them.
 */

export const ORG_ROLES = ["operator", "core_enterprise", "supplier", "bank", "auditor", "settlement_issuer"] as const;
export type OrgRole = (typeof ORG_ROLES)[number];
export type OrgStatus = "pending" | "kyc_approved" | "active" | "suspended";

/**
 * Enterprise size by the MIIT classification (《中小企业划型标准规定》, 工信部联企业〔2011〕300号):
 * 大型 / 中型 / 小型 / 微型. The 《保障中小企业款项支付条例》 (国务院令第802号) protects the last three
 * (SMEs) against a large enterprise's long payment terms.
 */
export const ENTERPRISE_SIZES = ["large", "medium", "small", "micro"] as const;
export type EnterpriseSize = (typeof ENTERPRISE_SIZES)[number];
export const isSme = (size: EnterpriseSize | null) => size !== null && size !== "large";

/**
 * The licence that lets a settlement issuer hold clients' money: a bank's 金融许可证 or a clearing
 * institution's licence (e.g. 银行卡清算机构 / 支付业务许可证). 77号文: an information-service
 * platform never pools funds; money moves only through banks and licensed institutions.
 */
export interface SettlementLicence {
  kind: "bank" | "clearing_institution";
  number: string;
  authority: string;
}

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
  /** Null for roles the payment rules do not concern (banks, auditors, issuers, the operator). */
  enterpriseSize: EnterpriseSize | null;
  /** Settlement issuers only. */
  settlementLicence: SettlementLicence | null;
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
