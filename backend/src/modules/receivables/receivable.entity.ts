import { EntitySchema } from "typeorm";
import { col } from "../../shared/db-types";

/**
 * Platform statuses: the contract's states in lower case, plus `registering` (accepted by the
 * platform, not yet seen on chain) and `failed` (the ledger refused the registration). `offered`:
 * waiting for its receiver's acceptance (签收); `void`: an issued certificate its supplier never
 * accepted (refused, withdrawn or expired), which owes nothing.
 */
export type ReceivableStatus =
  | "registering"
  | "pending"
  | "confirmed"
  | "financed"
  | "split"
  | "settled"
  | "overdue"
  | "defaulted"
  | "rejected"
  | "cancelled"
  | "offered"
  | "void"
  | "failed";

/** Contract `Status` enum index → platform status. */
export const CHAIN_STATUS: ReceivableStatus[] = ["registering", "pending", "confirmed", "financed", "split", "settled", "overdue", "defaulted", "rejected", "cancelled", "offered", "void"];

/** What an offer is: a certificate issued to its supplier, a transfer, or a part of a split for another supplier. */
export type OfferKind = "issue" | "transfer" | "split";
/** Why an offer went back unaccepted (the contract's `OfferReturn`). */
export type OfferReturned = "refused" | "withdrawn" | "expired";
/** Contract `OfferReturn` enum index → platform name. */
export const OFFER_RETURN: OfferReturned[] = ["refused", "withdrawn", "expired"];

/** A receivable certificate as the platform knows it: the indexer's projection of the chain. */
export interface ReceivableRow {
  id: string;
  chainId: bigint | null;
  origin: "registered" | "issued" | "split";
  obligorOrganizationId: string;
  creditorOrganizationId: string;
  holderOrganizationId: string;
  amount: bigint;
  currency: string;
  maturity: Date;
  status: ReceivableStatus;
  tier: number;
  parentId: string | null;
  invoicesRoot: string | null;
  invoiceKeys: string[];
  /** The latest operation writing a change to it (its registration, then a confirmation, a financing, a settlement…). */
  operationId: bigint | null;
  /** The operation that registered or issued it on the ledger (null for a split part, or one registered outside the platform). */
  registrationOperationId: bigint | null;
  financingBankOrganizationId: string | null;
  due: bigint | null;
  recourse: boolean;
  repaid: bigint;
  recovered: bigint;
  paidToBank: bigint;
  paidToHolder: bigint;
  failureCode: string | null;
  failureReason: string | null;
  settleAttemptedAt: Date | null;
  chainBlock: bigint | null;
  /** The certificate's latest offer (its receiver's acceptance is awaited while the status is `offered`). */
  offerKind: OfferKind | null;
  offerFromOrganizationId: string | null;
  offerToOrganizationId: string | null;
  offerExpiresAt: Date | null;
  /** Why its latest offer went back unaccepted, and the reason as the ledger keeps it (bytes32). */
  offerReturned: OfferReturned | null;
  offerReturnReason: string | null;
  offerReturnText: string | null;
  /** Why its core enterprise rejected it (`rejected`): the reason as the ledger keeps it (bytes32) and its text where known. */
  rejectionReason: string | null;
  rejectionText: string | null;
  /** Overdue beyond grace: counts against its obligor (who may not issue or confirm) until settled or resumed. */
  delinquent: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export const ReceivableEntity = new EntitySchema<ReceivableRow>({
  name: "Receivable",
  tableName: "receivables",
  columns: {
    id: { ...col.uuid, primary: true, generated: "uuid" },
    chainId: { ...col.bigint, name: "chain_id", nullable: true },
    origin: col.text,
    obligorOrganizationId: { ...col.uuid, name: "obligor_organization_id" },
    creditorOrganizationId: { ...col.uuid, name: "creditor_organization_id" },
    holderOrganizationId: { ...col.uuid, name: "holder_organization_id" },
    amount: { ...col.bigint, type: "numeric", precision: 78, scale: 0 },
    currency: { type: "char", length: 3 },
    maturity: col.timestamp,
    status: col.text,
    tier: { type: "int" },
    parentId: { ...col.uuid, name: "parent_id", nullable: true },
    invoicesRoot: { ...col.hash, name: "invoices_root", nullable: true },
    invoiceKeys: { type: "text", array: true, name: "invoice_keys" },
    operationId: { ...col.bigint, name: "operation_id", nullable: true },
    registrationOperationId: { ...col.bigint, name: "registration_operation_id", nullable: true },
    financingBankOrganizationId: { ...col.uuid, name: "financing_bank_organization_id", nullable: true },
    due: { ...col.bigint, type: "numeric", precision: 78, scale: 0, nullable: true },
    recourse: { type: "boolean" },
    repaid: { ...col.bigint, type: "numeric", precision: 78, scale: 0 },
    recovered: { ...col.bigint, type: "numeric", precision: 78, scale: 0 },
    paidToBank: { ...col.bigint, type: "numeric", precision: 78, scale: 0, name: "paid_to_bank" },
    paidToHolder: { ...col.bigint, type: "numeric", precision: 78, scale: 0, name: "paid_to_holder" },
    failureCode: { ...col.text, name: "failure_code", nullable: true },
    failureReason: { ...col.text, name: "failure_reason", nullable: true },
    settleAttemptedAt: { ...col.timestamp, name: "settle_attempted_at", nullable: true },
    chainBlock: { ...col.bigint, name: "chain_block", nullable: true },
    offerKind: { ...col.text, name: "offer_kind", nullable: true },
    offerFromOrganizationId: { ...col.uuid, name: "offer_from_organization_id", nullable: true },
    offerToOrganizationId: { ...col.uuid, name: "offer_to_organization_id", nullable: true },
    offerExpiresAt: { ...col.timestamp, name: "offer_expires_at", nullable: true },
    offerReturned: { ...col.text, name: "offer_returned", nullable: true },
    offerReturnReason: { ...col.hash, name: "offer_return_reason", nullable: true },
    offerReturnText: { ...col.text, name: "offer_return_text", nullable: true },
    rejectionReason: { ...col.hash, name: "rejection_reason", nullable: true },
    rejectionText: { ...col.text, name: "rejection_text", nullable: true },
    delinquent: { type: "boolean" },
    createdAt: { ...col.timestamp, name: "created_at", createDate: true },
    updatedAt: { ...col.timestamp, name: "updated_at", updateDate: true },
  },
});
