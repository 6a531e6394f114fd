/**
 * The invoices module's public surface, used by the composition roots and by other modules.
 * (Implementation: invoices.service.ts, invoices.routes.ts, verifier.ts, adapters.ts and adapters/.)
 */
export { InvoiceEntity, type Invoice, type Evidence } from "./invoice.entity";
export { InvoicesService } from "./invoices.service";
export { detachInvoices, attachVerifiedInvoices } from "./invoice-links";
export { invoicesRoutes } from "./invoices.routes";
export { invoiceView } from "./invoices.views";
export { InvoiceView } from "./invoices.schemas";
export {
  createAdapters,
  AdapterUnavailable,
  type Adapters,
  type PledgeRegistry,
  type RegistryFiling,
  type TaxBureau,
  type TaxInvoiceRecord,
  type Taxpayer,
  type Logistics,
  type Waybill,
} from "./adapters";
export { invoicesRoot, invoiceLeaf, invoiceProof, verifyInvoiceProof } from "./merkle";
export { REJECTION_CODES, type RejectionCode } from "./verifier";
export { describeInvoice } from "./identity";
