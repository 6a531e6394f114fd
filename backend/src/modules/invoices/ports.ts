import type { EntityManager } from "typeorm";

/**
 * The outside sources that invoice verification asks. Each is an interface with a local
 * implementation backed by `seeds/` (and, for the registry, Postgres), so the demo and the tests
 * need no outside service, and an HTTP implementation for a real gateway (contract in
 * adapters/http.ts). Adapters answer what the source says; they never judge: the verifier does.
 * A source that cannot be reached throws `AdapterUnavailable`, which the verification job lets
 * through so that BullMQ retries it: an outage is never a rejection.
 */

/** A taxpayer as the tax bureau knows it. */
export interface Taxpayer {
  taxId: string;
  name: string;
  status: "normal" | "abnormal" | "deregistered";
}

export type TaxInvoiceStatus = "normal" | "voided" | "red_lettered";

/** An invoice as the tax bureau records it (amounts in fen). */
export interface TaxInvoiceRecord {
  invoiceCode: string | null;
  invoiceNumber: string;
  sellerTaxId: string;
  buyerTaxId: string;
  issueDate: string;
  amount: bigint;
  tax: bigint;
  total: bigint;
  currency: string;
  status: TaxInvoiceStatus;
  /** When it was voided or red-lettered. */
  statusDate: string | null;
}

/** The tax bureau's invoice verification service (国家税务总局 发票查验). */
export interface TaxBureau {
  taxpayer(taxId: string): Promise<Taxpayer | null>;
  /** By e-invoice number, or by invoice code and 8-digit number. */
  invoice(ref: { invoiceCode: string | null; invoiceNumber: string }): Promise<TaxInvoiceRecord | null>;
}

/** A waybill as the logistics provider records it. */
export interface Waybill {
  waybillNumber: string;
  carrier: string;
  shipperTaxId: string;
  consigneeTaxId: string;
  shippedOn: string;
  deliveredOn: string | null;
  status: "in_transit" | "delivered" | "returned";
}

export interface Logistics {
  waybill(waybillNumber: string): Promise<Waybill | null>;
}

/** A filing in the receivable pledge and transfer registry (中登网). */
export interface RegistryFiling {
  id: string;
  invoiceKey: string;
  kind: "pledge" | "assignment";
  /** The receivable's debtor (the core enterprise), where the filing names it. */
  debtorTaxId?: string | null;
  creditorTaxId: string;
  assignee: string;
  amount: bigint;
  reference: string;
  createdAt: string;
}

/** The pledge/transfer registry: search before funding, register the assignment, search again. */
export interface PledgeRegistry {
  /** Every filing for any of the keys, oldest first. */
  search(invoiceKeys: string[]): Promise<RegistryFiling[]>;
  /**
   * Files a pledge or assignment. `em`: the caller's transaction, which the local registry joins
   * (an outside registry cannot: it dedupes repeats by `reference` instead).
   */
  register(filing: Omit<RegistryFiling, "id" | "createdAt">, em?: EntityManager): Promise<RegistryFiling>;
  /** Withdraws every filing made with `reference` (a financing that will never be funded); none is no error. */
  withdraw(reference: string, em?: EntityManager): Promise<void>;
}

export interface Adapters {
  tax: TaxBureau;
  logistics: Logistics;
  registry: PledgeRegistry;
}

/** A source could not be reached or answered nonsense: retry later, never reject for it. */
export class AdapterUnavailable extends Error {
  constructor(
    readonly source: string,
    message: string,
  ) {
    super(`${source} adapter unavailable: ${message}`);
    this.name = "AdapterUnavailable";
  }
}
