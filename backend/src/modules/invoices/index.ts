/**
 * Invoices: suppliers upload their invoices; each is verified against the tax bureau, logistics and
 * the pledge registry (the `invoice.verify` job) before it can back a certificate.
 * (Implementation: invoices.service.ts, its statements in invoices.repository.ts and the rules it
 * decides on in invoices.rules.ts, invoices.routes.ts, verifier.ts, adapters.ts and adapters/.)
 */
import { defineModule } from "../module";
import type { StaleWork } from "../../ledger/outbox/sweeper";
import { InvoiceEntity } from "./invoice.entity";
import { InvoicesService } from "./invoices.service";
import { invoicesRoutes } from "./invoices.routes";
import { createAdapters } from "./adapters";
import { FilingProperty1733600000000 } from "./filing-property.migration";
import { InvoiceCorrections1734250000000 } from "./corrections.migration";

declare module "../../shared/queue" {
  interface JobPayloads {
    /** Check an invoice against the tax, logistics and registry adapters (job id = invoice id). */
    "invoice.verify": { invoiceId: string };
  }
}

export const invoiceJobId = (invoiceId: string) => `invoice-${invoiceId}`;

/** Invoices received or being verified whose verification nobody is doing. */
const unverified: StaleWork<"invoice.verify"> = {
  job: "invoice.verify",
  stale: `SELECT id::text AS id FROM invoices WHERE status IN ('received', 'verifying') AND updated_at < now() - ($1 || ' milliseconds')::interval ORDER BY created_at LIMIT $2`,
  jobId: invoiceJobId,
  payload: (id) => ({ invoiceId: id }),
  touch: `UPDATE invoices SET updated_at = now() WHERE id = $1`,
};

export const invoicesModule = defineModule({
  name: "invoices",
  needs: [],
  tables: ["invoices", "registry_filings"],
  entities: [InvoiceEntity],
  migrations: [FilingProperty1733600000000, InvoiceCorrections1734250000000],
  services: ({ ds, queue, log }) => {
    const adapters = createAdapters(ds);
    return {
      invoices: new InvoicesService(ds, adapters),
      adapters,
      /** Queues an uploaded invoice's verification (the sweeper retries what could not be queued). */
      verifyLater: async (invoiceId: string) => {
        await queue.add("invoice.verify", { invoiceId }, invoiceJobId(invoiceId)).catch((e: Error) => log.warn({ invoiceId, err: e.message }, "could not enqueue verification"));
      },
      /** Queues a corrected invoice's verification again (its first job, finished, is replaced). */
      verifyAgain: async (invoiceId: string) => {
        await queue.addAgain("invoice.verify", { invoiceId }, invoiceJobId(invoiceId)).catch((e: Error) => log.warn({ invoiceId, err: e.message }, "could not enqueue verification"));
      },
    };
  },
  routes: (routes, api) => invoicesRoutes(routes, api.invoices, api.verifyLater, api.verifyAgain),
  jobs: (api) => ({ "invoice.verify": async ({ invoiceId }) => api.invoices.verify(invoiceId) }),
  stale: [unverified as StaleWork],
});
export type InvoicesApi = ReturnType<typeof invoicesModule.services>;

export { InvoiceEntity, type Invoice, type Evidence, type Mismatch, type Correction } from "./invoice.entity";
export { InvoicesService } from "./invoices.service";
export { detachInvoices, attachVerifiedInvoices, deliveryOf } from "./invoices.repository";
export { invoicesRoutes } from "./invoices.routes";
export { invoiceView } from "./invoices.views";
export { InvoiceView } from "./invoices.schemas";
export { createAdapters, DEFAULT_SEEDS_DIR } from "./adapters";
export {
  AdapterUnavailable,
  type Adapters,
  type PledgeRegistry,
  type RegistryFiling,
  type CertificateProperty,
  type TaxBureau,
  type TaxInvoiceRecord,
  type Taxpayer,
  type Logistics,
  type Waybill,
} from "./ports";
export { invoicesRoot, invoiceLeaf, invoiceProof, verifyInvoiceProof } from "./merkle";
export { REJECTION_CODES, type RejectionCode } from "./verifier";
export { describeInvoice, invoiceIdentity } from "./identity";
export { SEED_FILE_NAMES, SeedInvoicesFile, SeedOrganizationsFile, readSeedFile, type SeedInvoice, type SeedOrganization } from "./adapters/seed-files";
