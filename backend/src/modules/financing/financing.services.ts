import type { DataSource } from "typeorm";
import type { Logger } from "../../shared/logger";
import type { Outbox } from "../../ledger/outbox/outbox.service";
import type { KeyVault } from "../../ledger/key-vault";
import type { PlatformKeys } from "../../ledger/platform-keys";
import type { Invoice, PledgeRegistry } from "../invoices";
import { AcceptanceService } from "./acceptance.service";
import { CreditLinesService } from "./credit-lines.service";
import { DossierService } from "./dossier.service";
import { FundingService } from "./funding.service";
import { RequestsService } from "./requests.service";

export { refuseWhileFinancingRequested } from "./requests.service";

export interface FinancingDeps {
  ds: DataSource;
  outbox: Outbox;
  vault: KeyVault;
  keys: PlatformKeys;
  registry: PledgeRegistry;
  /** The invoices behind a certificate's original (the invoices module's). */
  invoices: { backing(receivableId: string): Promise<Invoice[]> };
  /** Queues the funding job of an accepted financing. */
  enqueueFunding: (financingId: string) => Promise<void>;
  log: Logger;
  /** The ledger's time, unix seconds: signature deadlines count on the chain's clock, not this machine's. */
  ledgerNow: () => Promise<bigint>;
}

/**
 * The financing marketplace, by use case: banks' credit lines per core enterprise, suppliers'
 * requests and banks' competing quotes, acceptance (the holder's EIP-712 signature on the terms),
 * and funding (the pledge-registry checks, then the delivery-versus-payment on the ledger).
 */
export function createFinancingServices(d: FinancingDeps) {
  return {
    creditLines: new CreditLinesService(d.ds, d.outbox, d.keys),
    requests: new RequestsService(d.ds),
    acceptance: new AcceptanceService(d.ds, d.vault, d.keys, d.enqueueFunding, d.ledgerNow),
    funding: new FundingService(d.ds, d.outbox, d.registry, d.log, d.ledgerNow),
    dossiers: new DossierService(d.ds, d.invoices),
  };
}

export type FinancingServices = ReturnType<typeof createFinancingServices>;
