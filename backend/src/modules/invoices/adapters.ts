import { join } from "node:path";
import type { DataSource, EntityManager } from "typeorm";
import { HttpLogistics, HttpRegistry, HttpTaxBureau, type HttpOptions } from "./adapters/http";
import { LocalLogistics, LocalRegistry, LocalTaxBureau, SeedFiles } from "./adapters/local";
import { REPO_ROOT } from "../../shared/paths";

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

/** `seeds/` at the repository root. */
export const DEFAULT_SEEDS_DIR = join(REPO_ROOT, "seeds");

/**
 * Local adapters (seeds/ and Postgres) unless *_ADAPTER_URL points at an HTTP service.
 *
 *   TAX_ADAPTER_URL, LOGISTICS_ADAPTER_URL, REGISTRY_ADAPTER_URL   base URLs of the HTTP services
 *   TAX_ADAPTER_TOKEN, LOGISTICS_ADAPTER_TOKEN, REGISTRY_ADAPTER_TOKEN   optional bearer tokens
 *   ADAPTER_TIMEOUT_MS (default 5000), ADAPTER_RETRIES (default 2)   per request
 *   SEEDS_DIR (default: the repository's seeds/)   data of the local adapters
 */
export function createAdapters(ds: DataSource, env: Record<string, string | undefined> = process.env): Adapters {
  const seeds = new SeedFiles(env.SEEDS_DIR || DEFAULT_SEEDS_DIR);
  const int = (name: string, fallback: number, min: number) => {
    const v = env[name];
    if (v === undefined || v === "") return fallback;
    if (!/^[0-9]{1,7}$/.test(v) || Number(v) < min) throw new Error(`${name}=${JSON.stringify(v)} is invalid: expected an integer >= ${min}`);
    return Number(v);
  };
  const http = (prefix: "TAX" | "LOGISTICS" | "REGISTRY"): HttpOptions | null => {
    const url = env[`${prefix}_ADAPTER_URL`];
    if (!url) return null;
    if (!/^https?:\/\/[^\s]+$/.test(url)) throw new Error(`${prefix}_ADAPTER_URL is invalid: expected an http(s) base URL`);
    return {
      baseUrl: url,
      token: env[`${prefix}_ADAPTER_TOKEN`] || undefined,
      timeoutMs: int("ADAPTER_TIMEOUT_MS", 5000, 1),
      retries: int("ADAPTER_RETRIES", 2, 0),
    };
  };
  const tax = http("TAX");
  const logistics = http("LOGISTICS");
  const registry = http("REGISTRY");
  return {
    tax: tax ? new HttpTaxBureau(tax) : new LocalTaxBureau(seeds),
    logistics: logistics ? new HttpLogistics(logistics) : new LocalLogistics(seeds),
    registry: registry ? new HttpRegistry(registry) : new LocalRegistry(ds, seeds),
  };
}
