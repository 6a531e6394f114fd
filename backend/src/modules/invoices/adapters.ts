import type { DataSource, EntityManager } from "typeorm";

/** A filing in the receivable pledge and transfer registry (中登网). */
export interface RegistryFiling {
  id: string;
  invoiceKey: string;
  kind: "pledge" | "assignment";
  creditorTaxId: string;
  assignee: string;
  amount: bigint;
  reference: string;
  createdAt: string;
}

/** The pledge/transfer registry: search before funding, register the assignment, search again. */
export interface PledgeRegistry {
  search(invoiceKeys: string[]): Promise<RegistryFiling[]>;
  register(filing: Omit<RegistryFiling, "id" | "createdAt">, em?: EntityManager): Promise<RegistryFiling>;
}

export interface Adapters {
  registry: PledgeRegistry;
}

/** Local adapters (seeds/ and Postgres) unless *_ADAPTER_URL points at an HTTP service. */
export function createAdapters(_ds: DataSource): Adapters {
  const missing = async (): Promise<never> => {
    throw new Error("invoices adapters: not implemented yet");
  };
  return { registry: { search: missing, register: missing } };
}
