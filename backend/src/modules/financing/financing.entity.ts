import type { FinancePayload } from "../../ledger/outbox/operations";
import { EntitySchema } from "typeorm";
import { col } from "../../shared/db-types";

export interface CreditLine {
  bankOrganizationId: string;
  obligorOrganizationId: string;
  /** As the ledger knows it (the indexer's projection). */
  limitAmount: bigint;
  used: bigint;
  /** What the bank asked for, until the ledger has it. */
  requestedLimit: bigint | null;
  operationId: bigint | null;
  /** The line's term, China Standard Time dates (YYYY-MM-DD), both inclusive; null: no term (a line set before terms). */
  validFrom: string | null;
  validUntil: string | null;
  updatedAt: Date;
}

export const CreditLineEntity = new EntitySchema<CreditLine>({
  name: "CreditLine",
  tableName: "credit_lines",
  columns: {
    bankOrganizationId: { ...col.uuid, name: "bank_organization_id", primary: true },
    obligorOrganizationId: { ...col.uuid, name: "obligor_organization_id", primary: true },
    limitAmount: { ...col.bigint, type: "numeric", precision: 78, scale: 0, name: "limit_amount" },
    used: { ...col.bigint, type: "numeric", precision: 78, scale: 0 },
    requestedLimit: { ...col.bigint, type: "numeric", precision: 78, scale: 0, name: "requested_limit", nullable: true },
    operationId: { ...col.bigint, name: "operation_id", nullable: true },
    validFrom: { type: "date", name: "valid_from", nullable: true },
    validUntil: { type: "date", name: "valid_until", nullable: true },
    updatedAt: { ...col.timestamp, name: "updated_at", updateDate: true },
  },
});

export type RequestStatus = "open" | "accepted" | "funded" | "failed" | "cancelled";

export interface FinancingRequest {
  id: string;
  receivableId: string;
  supplierOrganizationId: string;
  obligorOrganizationId: string;
  status: RequestStatus;
  acceptedQuoteId: string | null;
  /** The financing the accepted quote became. */
  financingId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export const FinancingRequestEntity = new EntitySchema<FinancingRequest>({
  name: "FinancingRequest",
  tableName: "financing_requests",
  columns: {
    id: { ...col.uuid, primary: true, generated: "uuid" },
    receivableId: { ...col.uuid, name: "receivable_id" },
    supplierOrganizationId: { ...col.uuid, name: "supplier_organization_id" },
    obligorOrganizationId: { ...col.uuid, name: "obligor_organization_id" },
    status: col.text,
    acceptedQuoteId: { ...col.uuid, name: "accepted_quote_id", nullable: true },
    financingId: { ...col.uuid, name: "financing_id", nullable: true },
    createdAt: { ...col.timestamp, name: "created_at", createDate: true },
    updatedAt: { ...col.timestamp, name: "updated_at", updateDate: true },
  },
});

export interface Quote {
  id: string;
  requestId: string;
  bankOrganizationId: string;
  advance: bigint;
  annualRateBp: number;
  dayCount: 360 | 365;
  fee: bigint;
  days: number;
  interest: bigint;
  due: bigint;
  recourse: boolean;
  validUntil: Date;
  status: "open" | "accepted" | "closed" | "withdrawn";
  /** The bank's review that a term over 6 months is reasonable (77号文); null for shorter terms. */
  reasonablenessReview: ReasonablenessReview | null;
  createdAt: Date;
}

export interface ReasonablenessReview {
  reviewer: string;
  reason: string;
}

export const QuoteEntity = new EntitySchema<Quote>({
  name: "Quote",
  tableName: "quotes",
  columns: {
    id: { ...col.uuid, primary: true, generated: "uuid" },
    requestId: { ...col.uuid, name: "request_id" },
    bankOrganizationId: { ...col.uuid, name: "bank_organization_id" },
    advance: { ...col.bigint, type: "numeric", precision: 78, scale: 0 },
    annualRateBp: { type: "int", name: "annual_rate_bp" },
    dayCount: { type: "int", name: "day_count" },
    fee: { ...col.bigint, type: "numeric", precision: 78, scale: 0 },
    days: { type: "int" },
    interest: { ...col.bigint, type: "numeric", precision: 78, scale: 0 },
    due: { ...col.bigint, type: "numeric", precision: 78, scale: 0 },
    recourse: { type: "boolean" },
    validUntil: { ...col.timestamp, name: "valid_until" },
    status: col.text,
    reasonablenessReview: { type: "jsonb", name: "reasonableness_review", nullable: true },
    createdAt: { ...col.timestamp, name: "created_at", createDate: true },
  },
});

export interface Financing {
  id: string;
  requestId: string;
  quoteId: string;
  receivableId: string;
  bankOrganizationId: string;
  supplierOrganizationId: string;
  advance: bigint;
  due: bigint;
  recourse: boolean;
  /** The FinanceTerms the holder signed (decimal strings). */
  terms: FinancePayload["terms"];
  signature: string;
  status: "registry_check" | "submitting" | "funded" | "failed";
  registryRegistrationId: string | null;
  failureCode: string | null;
  failureReason: string | null;
  operationId: bigint | null;
  acceptedAt: Date;
  fundedAt: Date | null;
  updatedAt: Date;
}

export const FinancingEntity = new EntitySchema<Financing>({
  name: "Financing",
  tableName: "financings",
  columns: {
    id: { ...col.uuid, primary: true, generated: "uuid" },
    requestId: { ...col.uuid, name: "request_id" },
    quoteId: { ...col.uuid, name: "quote_id" },
    receivableId: { ...col.uuid, name: "receivable_id" },
    bankOrganizationId: { ...col.uuid, name: "bank_organization_id" },
    supplierOrganizationId: { ...col.uuid, name: "supplier_organization_id" },
    advance: { ...col.bigint, type: "numeric", precision: 78, scale: 0 },
    due: { ...col.bigint, type: "numeric", precision: 78, scale: 0 },
    recourse: { type: "boolean" },
    terms: { type: "jsonb" },
    signature: col.text,
    status: col.text,
    registryRegistrationId: { ...col.text, name: "registry_registration_id", nullable: true },
    failureCode: { ...col.text, name: "failure_code", nullable: true },
    failureReason: { ...col.text, name: "failure_reason", nullable: true },
    operationId: { ...col.bigint, name: "operation_id", nullable: true },
    acceptedAt: { ...col.timestamp, name: "accepted_at", createDate: true },
    fundedAt: { ...col.timestamp, name: "funded_at", nullable: true },
    updatedAt: { ...col.timestamp, name: "updated_at", updateDate: true },
  },
});
