/**
 * The invoices module's public surface, used by the composition roots and by other modules.
 * (Implementation: invoices.service.ts, invoices.routes.ts, verifier.ts, adapters/.)
 */
export { InvoiceEntity, type Invoice, type Evidence } from "./invoice.entity";
export { InvoicesService } from "./invoices.service";
export { invoicesRoutes } from "./invoices.routes";
export { createAdapters, type Adapters, type PledgeRegistry, type RegistryFiling } from "./adapters";
