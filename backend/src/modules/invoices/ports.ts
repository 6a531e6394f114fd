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
  /** What the filing describes, for an electronic receivable certificate's financing (see CertificateProperty). */
  property?: CertificateProperty | null;
  createdAt: string;
}

/**
 * The property description (财产信息描述) of a filing for the financing of an electronic receivable
 * certificate in the credit reference centre's unified registration system (中登网), as 77号文
 * requires. The fields follow the description example the National Internet Finance Association
 * and the credit reference centre published on 8 January 2026 (《应收账款电子凭证融资业务登记——财产
 * 信息描述示例》); its full text could not be read from this network, so the fields are those its
 * announcement and the rules name (docs/compliance.md, "中登网 filings"): which certificate, on
 * which platform, owed by whom, held by whom, for how much, financed for how much, when issued and
 * due, at which tier, and the invoices behind it. `description` is the same, as the text filed.
 */
export interface CertificateProperty {
  certificateNumber: string; // 凭证编号
  platform: string; // 供应链信息服务机构（平台）
  obligorName: string; // 开立方（债务人）
  obligorUscc: string;
  holderName: string; // 融资申请人（凭证持有人）
  holderUscc: string;
  faceAmount: string; // 凭证金额（分）
  financedAmount: string; // 融资金额（分）
  issuedOn: string; // 开立日 YYYY-MM-DD (China time)
  maturesOn: string; // 到期日
  tier: number; // 流转层级（0：一级）
  invoiceCount: number; // 基础交易发票张数
  description: string;
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
