import type { DataSource, EntityManager } from "typeorm";
import type { Invoice } from "./invoice.entity";
import type { Adapters } from "./adapters";

/** Invoice intake and verification (see the module's README in invoices.routes.ts). */
export class InvoicesService {
  constructor(
    readonly ds: DataSource,
    readonly adapters: Adapters,
  ) {}

  /**
   * For registering a receivable: the supplier's verified, unattached invoices `ids`, all billed to
   * the obligor with tax id `buyerTaxId`; marks them as backing `receivableId`. Throws an AppError
   * (4xx) naming the first invoice that cannot back it and why.
   */
  async attach(_em: EntityManager, _supplierOrgId: string, _ids: string[], _buyerTaxId: string, _receivableId: string): Promise<Invoice[]> {
    throw new Error("not implemented yet");
  }

  /** Frees the invoices of a receivable that was rejected, cancelled or failed to register. */
  async detach(_em: EntityManager, _receivableId: string): Promise<void> {
    throw new Error("not implemented yet");
  }

  /** Verifies one invoice (the `invoice.verify` job). */
  async verify(_invoiceId: string): Promise<void> {
    throw new Error("not implemented yet");
  }
}
