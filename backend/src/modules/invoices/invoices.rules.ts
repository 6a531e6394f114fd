import { AppError, conflict, notFound, validationFailed, type FieldProblem } from "../../shared/errors";
import type { Organization } from "../../shared/principal";
import type { Invoice } from "./invoice.entity";
import { canonicalHash, describeInvoice, invoiceIdentity } from "./identity";
import type { InvoiceInput } from "./invoices.schemas";
import type { SettledInvoice } from "./invoices.repository";
import type { Outcome } from "./verifier";

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** keccak256 of the canonical evidence list (answers included): the second half of the invoice's leaf. */
export const evidenceHash = (evidence: Invoice["evidence"]): string => canonicalHash(evidence);

/**
 * What intake refuses before storing anything: an organization whose KYC is pending, invoices the
 * caller did not issue, an invoice given twice in one request. `field(i, name)` names a field of
 * the i-th invoice.
 */
export function checkIntake(org: Pick<Organization, "status" | "uscc">, inputs: InvoiceInput[], field: (index: number, name: string) => string): void {
  if (org.status === "pending") {
    throw new AppError("ORGANIZATION.KYC_PENDING", 403, "Your organization's KYC is not approved yet; invoices can be submitted once the operator has approved it.");
  }
  const problems: FieldProblem[] = [];
  const firstIndex = new Map<string, number>();
  inputs.forEach((input, i) => {
    if (input.sellerTaxId !== org.uscc) {
      problems.push({ field: field(i, "sellerTaxId"), message: `must be your organization's unified social credit code ${org.uscc}: you can only submit invoices you issued` });
    }
    const identity = invoiceIdentity(input.invoiceCode, input.invoiceNumber);
    const first = firstIndex.get(identity);
    if (first === undefined) firstIndex.set(identity, i);
    else problems.push({ field: field(i, "invoiceNumber"), message: `repeats the invoice at index ${first} of this request` });
  });
  if (problems.length) throw validationFailed(problems);
}

/** A receivable's request for invoices to back it. */
export interface BackingRequest {
  supplierOrgId: string;
  ids: string[];
  buyerTaxId: string;
  receivableId: string;
  /** The caller is the buyer, not the supplier: an invoice billed to anyone else is not found. */
  billedToCaller?: boolean;
}

/**
 * The invoices `r.ids` (in that order) if each can back the receivable: the supplier's, verified,
 * billed to the obligor and backing no other receivable. Throws the first problem met, naming the
 * invoice. `locked`: the invoices as locked, by id.
 */
export function checkBacking(locked: Map<string, Invoice>, { supplierOrgId, ids, buyerTaxId, receivableId, billedToCaller }: BackingRequest): Invoice[] {
  if (ids.length === 0) throw validationFailed([{ field: "invoiceIds", message: "needs at least one invoice" }]);
  if (new Set(ids).size !== ids.length) throw validationFailed([{ field: "invoiceIds", message: "must not repeat an invoice" }]);
  const bad = ids.find((id) => !UUID.test(id));
  if (bad) throw notFound("invoice", bad);
  return ids.map((id) => {
    const inv = locked.get(id);
    if (!inv || inv.organizationId !== supplierOrgId) throw notFound("invoice", id);
    if (billedToCaller && inv.buyerTaxId !== buyerTaxId.trim().toUpperCase()) throw notFound("invoice", id);
    const name = describeInvoice(inv.invoiceNumber);
    if (inv.receivableId && inv.receivableId !== receivableId) {
      throw conflict("INVOICE.ALREADY_ATTACHED", `${name} (${id}) already backs receivable ${inv.receivableId}; an invoice can back only one receivable.`, {
        invoiceId: id,
      });
    }
    if (inv.status !== "verified") {
      const why = inv.status === "rejected" ? `it was rejected: ${inv.rejectionReason}` : `its verification is not finished (${inv.status}); retry when it is verified`;
      throw conflict("INVOICE.NOT_VERIFIED", `${name} (${id}) cannot back a receivable: ${why}.`, { invoiceId: id });
    }
    if (inv.buyerTaxId !== buyerTaxId.trim().toUpperCase()) {
      throw new AppError("INVOICE.WRONG_OBLIGOR", 422, `${name} (${id}) is billed to ${inv.buyerTaxId}, not to the receivable's obligor ${buyerTaxId}.`, [], {
        invoiceId: id,
      });
    }
    return inv;
  });
}

/**
 * What a verification's outcome settles on the invoice: rejected with its code and reason, or
 * verified with the hash of its evidence and the time; the evidence either way.
 */
export function settlementOf(outcome: Outcome, now: Date): Omit<SettledInvoice, "buyerOrganizationId"> {
  return outcome.rejection
    ? {
        status: "rejected",
        rejectionCode: outcome.rejection.code,
        rejectionReason: outcome.rejection.reason,
        rejectionMismatch: outcome.rejection.mismatch ?? null,
        evidenceHash: null,
        verifiedAt: null,
        evidence: outcome.evidence,
      }
    : { status: "verified", rejectionCode: null, rejectionReason: null, rejectionMismatch: null, evidenceHash: evidenceHash(outcome.evidence), verifiedAt: now, evidence: outcome.evidence };
}
