import { EntitySchema } from "typeorm";
import { col } from "../../shared/db-types";

export type InvoiceStatus = "received" | "verifying" | "verified" | "rejected";

/** A field the tax bureau records otherwise than it was submitted (money in fen, as decimal strings). */
export interface Mismatch {
  field: "sellerTaxId" | "buyerTaxId" | "issueDate" | "amount" | "tax" | "total" | "currency";
  submitted: string;
  taxBureau: string;
}

/** One correction of a refused invoice: the refusal it answered and what the supplier changed. */
export interface Correction {
  at: string;
  rejection: { code: string; reason: string; mismatch: Mismatch[] };
  changes: { field: string; from: unknown; to: unknown }[];
}

/** One piece of verification evidence: which source said what, and a hash of its answer. */
export interface Evidence {
  source: "tax" | "logistics" | "registry" | "platform";
  result: "pass" | "fail";
  detail: string;
  /** keccak256 of the source's canonical answer. */
  hash: string;
  at: string;
  /** The source's answer as canonical JSON (what `hash` hashes), so anyone can check it later. */
  answer?: unknown;
}

/** A supplier's invoice; the document itself stays off chain, its key and evidence hash go on chain. */
export interface Invoice {
  id: string;
  organizationId: string;
  buyerOrganizationId: string | null;
  /** The invoice's identity (see identity.ts): the 20-digit e-invoice number, or `<code>-<8-digit number>`. */
  invoiceNumber: string;
  invoiceCode: string | null;
  sellerTaxId: string;
  buyerTaxId: string;
  issueDate: string;
  amount: bigint;
  tax: bigint;
  total: bigint;
  currency: string;
  waybillNumbers: string[];
  attachments: { name: string; sha256: string }[];
  /** keccak256(abi.encode(seller tax id, invoice number)): its identity on chain. */
  invoiceKey: string;
  status: InvoiceStatus;
  rejectionCode: string | null;
  rejectionReason: string | null;
  /** Where the tax bureau disagreed with the submission, when that was the refusal. */
  rejectionMismatch: Mismatch[] | null;
  /** Each correction after a refusal, oldest first. */
  corrections: Correction[];
  evidence: Evidence[];
  /** keccak256 of the canonical evidence list: the leaf's second half in the receivable's invoice root. */
  evidenceHash: string | null;
  verifiedAt: Date | null;
  receivableId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export const InvoiceEntity = new EntitySchema<Invoice>({
  name: "Invoice",
  tableName: "invoices",
  columns: {
    id: { ...col.uuid, primary: true, generated: "uuid" },
    organizationId: { ...col.uuid, name: "organization_id" },
    buyerOrganizationId: { ...col.uuid, name: "buyer_organization_id", nullable: true },
    invoiceNumber: { ...col.text, name: "invoice_number" },
    invoiceCode: { ...col.text, name: "invoice_code", nullable: true },
    sellerTaxId: { type: "char", length: 18, name: "seller_tax_id" },
    buyerTaxId: { type: "char", length: 18, name: "buyer_tax_id" },
    issueDate: { type: "date", name: "issue_date" },
    amount: col.bigint,
    tax: col.bigint,
    total: col.bigint,
    currency: { type: "char", length: 3 },
    waybillNumbers: { type: "text", array: true, name: "waybill_numbers" },
    attachments: { type: "jsonb" },
    invoiceKey: { ...col.hash, name: "invoice_key" },
    status: col.text,
    rejectionCode: { ...col.text, name: "rejection_code", nullable: true },
    rejectionReason: { ...col.text, name: "rejection_reason", nullable: true },
    rejectionMismatch: { type: "jsonb", name: "rejection_mismatch", nullable: true },
    corrections: { type: "jsonb", default: () => "'[]'" },
    evidence: { type: "jsonb" },
    evidenceHash: { ...col.hash, name: "evidence_hash", nullable: true },
    verifiedAt: { ...col.timestamp, name: "verified_at", nullable: true },
    receivableId: { ...col.uuid, name: "receivable_id", nullable: true },
    createdAt: { ...col.timestamp, name: "created_at", createDate: true },
    updatedAt: { ...col.timestamp, name: "updated_at", updateDate: true },
  },
});
