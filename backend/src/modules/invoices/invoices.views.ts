import type { Invoice } from "./invoice.entity";
import { splitIdentity } from "./identity";

/** An invoice as the API shows it: money as decimal strings of fen, code and number as submitted. */
export const invoiceView = (i: Invoice) => {
  const { invoiceNumber } = splitIdentity(i.invoiceNumber);
  return {
    id: i.id,
    status: i.status,
    invoiceNumber,
    invoiceCode: i.invoiceCode,
    sellerTaxId: i.sellerTaxId,
    buyerTaxId: i.buyerTaxId,
    buyerOrganizationId: i.buyerOrganizationId,
    issueDate: i.issueDate,
    amount: i.amount.toString(),
    tax: i.tax.toString(),
    total: i.total.toString(),
    currency: i.currency,
    waybillNumbers: i.waybillNumbers,
    attachments: i.attachments,
    invoiceKey: i.invoiceKey,
    rejection: i.rejectionCode ? { code: i.rejectionCode, reason: i.rejectionReason ?? "", mismatch: i.rejectionMismatch ?? [] } : null,
    corrections: i.corrections ?? [],
    evidence: i.evidence,
    evidenceHash: i.evidenceHash,
    verifiedAt: i.verifiedAt ? i.verifiedAt.toISOString() : null,
    receivableId: i.receivableId,
    createdAt: i.createdAt.toISOString(),
    updatedAt: i.updatedAt.toISOString(),
  };
};
