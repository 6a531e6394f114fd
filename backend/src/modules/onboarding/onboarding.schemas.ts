import { getAddress } from "ethers";
import { z } from "../../shared/http/openapi";
import { Uuid } from "../../shared/http/schemas";
import { OperationView } from "../../ledger/outbox/operation.view";
import { usccProblem } from "./uscc";

import { DUTIES, ENTERPRISE_SIZES } from "./onboarding.entity";

export const MEMBER_ROLES = ["core_enterprise", "supplier", "bank", "auditor", "settlement_issuer"] as const;

/** An address, normalized to its checksummed form (so one address is one address, whatever its case). */
const Address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte hex address")
  .transform((v) => getAddress(v.toLowerCase()));

const Uscc = z
  .string()
  .transform((v) => v.trim().toUpperCase())
  .superRefine((v, ctx) => {
    const problem = usccProblem(v);
    if (problem) ctx.addIssue({ code: "custom", message: `is not a valid unified social credit code: ${problem}` });
  })
  .openapi({ description: "Unified social credit code (GB 32100-2015), 18 characters, checksum verified.", example: "91350100M000100Y43" });

const Contact = z
  .object({
    name: z.string().trim().min(1).max(100),
    email: z.string().trim().email("must be an email address").max(200),
    phone: z.string().trim().regex(/^\+?[0-9 -]{5,20}$/, "must be a phone number").optional(),
    title: z.string().trim().max(100).optional(),
  })
  .strict();

const EnterpriseSize = z.enum(ENTERPRISE_SIZES).openapi({
  description:
    "MIIT enterprise size (《中小企业划型标准规定》): large 大型, medium 中型, small 小型, micro 微型. Required for core enterprises and suppliers: the 60-day payment rule of 国务院令第802号 protects SMEs (medium, small, micro) against large enterprises.",
});

const SettlementLicence = z
  .object({
    kind: z.enum(["bank", "clearing_institution"]).openapi({ description: "bank: 金融许可证; clearing_institution: a licensed clearing or payment institution" }),
    number: z.string().trim().min(4).max(64),
    authority: z.string().trim().min(2).max(100).openapi({ example: "国家金融监督管理总局" }),
  })
  .strict()
  .openapi({ description: "Required for settlement issuers: only a bank or a licensed clearing institution may issue and hold settlement money (77号文: the platform never pools funds)." });

export const OrganizationCreate = z
  .object({
    legalName: z.string().trim().min(2).max(200).openapi({ example: "重庆长安汽车零部件有限公司" }),
    unifiedSocialCreditCode: Uscc,
    roles: z
      .array(z.enum(MEMBER_ROLES))
      .min(1, "needs at least one role")
      .max(MEMBER_ROLES.length)
      .refine((r) => new Set(r).size === r.length, "must not repeat a role"),
    contacts: z.array(Contact).max(10).default([]),
    ledgerAddress: Address.optional().openapi({
      description: "The organization's own ledger address, if it keeps its own key; omitted: the platform holds a custodial key for it.",
    }),
    enterpriseSize: EnterpriseSize.optional(),
    settlementLicence: SettlementLicence.optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (!o.enterpriseSize && o.roles.some((r) => r === "core_enterprise" || r === "supplier")) {
      ctx.addIssue({ code: "custom", path: ["enterpriseSize"], message: "is required for a core enterprise or supplier: large, medium, small or micro (MIIT classification)" });
    }
    if (!o.settlementLicence && o.roles.includes("settlement_issuer")) {
      ctx.addIssue({ code: "custom", path: ["settlementLicence"], message: "is required for a settlement issuer: the bank's or licensed clearing institution's licence (kind, number, authority)" });
    }
  })
  .openapi("OrganizationCreate");

export const OrganizationView = z
  .object({
    id: z.string().uuid(),
    legalName: z.string(),
    unifiedSocialCreditCode: z.string(),
    roles: z.array(z.string()),
    contacts: z.array(Contact),
    status: z.enum(["pending", "kyc_approved", "active", "suspended"]),
    keyCustody: z.enum(["custodial", "external"]),
    ledgerAddress: z.string().nullable(),
    chain: z.object({
      orgId: z.string(),
      status: z.enum(["none", "registered", "suspended"]),
      block: z.string().nullable(),
    }),
    kycApprovedAt: z.string().nullable(),
    suspensionReason: z.string().nullable(),
    enterpriseSize: z.enum(ENTERPRISE_SIZES).nullable(),
    settlementLicence: SettlementLicence.nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Organization");

export const Accepted = z.object({ organization: OrganizationView, operation: OperationView }).openapi("OrganizationOperation");

export const KycApproval = z.object({ note: z.string().trim().max(500).optional() }).strict();
export const Suspension = z.object({ reason: z.string().trim().min(3).max(500) }).strict();
export const Reinstatement = z.object({ note: z.string().trim().max(500).optional() }).strict();

export const UserCreate = z
  .object({
    email: z.string().trim().toLowerCase().email("must be an email address").max(200),
    name: z.string().trim().min(1).max(100),
    role: z.enum(["admin", "member"]),
    duty: z.enum(DUTIES).default("approver").openapi({ description: "viewer reads; clerk prepares (drafts); approver commits. Default approver." }),
  })
  .strict()
  .openapi("UserCreate");

export const UserView = z
  .object({
    id: z.string().uuid(),
    organizationId: z.string().uuid(),
    email: z.string(),
    name: z.string(),
    role: z.enum(["admin", "member"]),
    duty: z.enum(DUTIES),
    signsIn: z.boolean().openapi({ description: "Whether the person has a password for the portal." }),
    createdAt: z.string(),
  })
  .openapi("User");

export const ApiKeyCreate = z
  .object({
    label: z.string().trim().min(1).max(100),
    userId: Uuid.optional().openapi({ description: "Issue for another user of your organization (its admins who are approvers); default: yourself." }),
  })
  .strict()
  .openapi("ApiKeyCreate");

export const ApiKeyView = z
  .object({
    id: z.string().uuid(),
    prefix: z.string(),
    label: z.string(),
    userId: z.string().uuid(),
    organizationId: z.string().uuid(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .openapi("ApiKey");

export const ApiKeyIssued = ApiKeyView.extend({
  key: z.string().openapi({ description: "The key itself. Shown once: store it now." }),
}).openapi("ApiKeyIssued");

export const MemberView = z
  .object({
    id: z.string().uuid(),
    legalName: z.string(),
    unifiedSocialCreditCode: z.string(),
    roles: z.array(z.string()),
    status: z.string().openapi({ description: "active or suspended" }),
  })
  .openapi("Member");

export const Page = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    after: Uuid.optional().openapi({ description: "The id of the last item of the previous page." }),
  })
  .strict();
