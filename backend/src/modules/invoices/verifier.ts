import type { Evidence, Invoice, Mismatch } from "./invoice.entity";
import type { Adapters, TaxInvoiceRecord, Waybill } from "./ports";
import { canonicalHash, canonicalJson, daysBetween, describeInvoice, splitIdentity, yuan } from "./identity";

/** Why an invoice was rejected: a stable code and a sentence the supplier can act on. */
export interface Rejection {
  code: RejectionCode;
  reason: string;
  /** What the tax bureau records otherwise than submitted (kept with the refusal, shown to the supplier). */
  mismatch?: Mismatch[];
}

export const REJECTION_CODES = [
  "INVOICE.DUPLICATE_ACROSS_SUPPLIERS",
  "INVOICE.SELLER_UNKNOWN_AT_TAX_BUREAU",
  "INVOICE.BUYER_UNKNOWN_AT_TAX_BUREAU",
  "INVOICE.NOT_FOUND_AT_TAX_BUREAU",
  "INVOICE.VOIDED",
  "INVOICE.RED_LETTERED",
  "INVOICE.PARTY_MISMATCH",
  "INVOICE.AMOUNT_MISMATCH",
  "INVOICE.ISSUE_DATE_MISMATCH",
  "INVOICE.WAYBILL_NOT_FOUND",
  "INVOICE.WAYBILL_MISMATCH",
  "INVOICE.WAYBILL_NOT_DELIVERED",
  "INVOICE.ALREADY_PLEDGED",
] as const;
export type RejectionCode = (typeof REJECTION_CODES)[number];

export interface Outcome {
  evidence: Evidence[];
  rejection: Rejection | null;
}

/** Goods may leave the warehouse this many days before the invoice is issued (monthly invoicing). */
export const SHIPPED_BEFORE_ISSUE_TOLERANCE_DAYS = 31;

/** Whether another supplier already holds this invoice on the platform (answered by the service). */
export type PlatformCheck = () => Promise<{ claimedByAnotherSupplier: boolean }>;

type Checked = Evidence & { answer: unknown };

/** One piece of evidence: the answer kept as canonical JSON, and its hash. */
function evidence(source: Evidence["source"], result: Evidence["result"], detail: string, answer: unknown): Checked {
  return { source, result, detail, hash: canonicalHash(answer), at: new Date().toISOString(), answer: JSON.parse(canonicalJson(answer)) };
}

/**
 * The checks, in the order that gives the supplier the most useful reason: the platform's own
 * records, the taxpayers, the invoice at the tax bureau, each waybill, the registry. The first
 * failure rejects; the evidence gathered up to it is kept. Adapter outages propagate (retry).
 */
export class Verifier {
  constructor(private readonly adapters: Adapters) {}

  async check(inv: Invoice, platformCheck: PlatformCheck): Promise<Outcome> {
    const out: Checked[] = [];
    const name = describeInvoice(inv.invoiceNumber);
    const reject = (code: RejectionCode, reason: string, mismatch?: Mismatch[]): Outcome => ({ evidence: out, rejection: { code, reason, ...(mismatch ? { mismatch } : {}) } });
    const differs = (fields: Mismatch["field"][], recorded: TaxInvoiceRecord): Mismatch[] =>
      fields.filter((f) => String(recorded[f]) !== String(inv[f])).map((f) => ({ field: f, submitted: String(inv[f]), taxBureau: String(recorded[f]) }));

    // ─── the platform: no other supplier holds this invoice ───
    const platform = await platformCheck();
    if (platform.claimedByAnotherSupplier) {
      out.push(evidence("platform", "fail", "already verified for another supplier", { invoice: inv.invoiceNumber, claimedByAnotherSupplier: true }));
      return reject(
        "INVOICE.DUPLICATE_ACROSS_SUPPLIERS",
        `${name} was already submitted and verified by another supplier on the platform (duplicated across suppliers); an invoice can back only one receivable, so submit only invoices your organization issued`,
      );
    }
    out.push(evidence("platform", "pass", "not held by another supplier", { invoice: inv.invoiceNumber, claimedByAnotherSupplier: false }));

    // ─── the tax bureau: both parties are registered taxpayers ───
    const [seller, buyer] = await Promise.all([this.adapters.tax.taxpayer(inv.sellerTaxId), this.adapters.tax.taxpayer(inv.buyerTaxId)]);
    const parties = { seller, buyer };
    if (!seller) {
      out.push(evidence("tax", "fail", "seller not registered", parties));
      return reject(
        "INVOICE.SELLER_UNKNOWN_AT_TAX_BUREAU",
        `${name}: the seller tax id ${inv.sellerTaxId} is unknown at the tax bureau, so the invoice cannot be genuine; ask the operator to check your organization's unified social credit code`,
      );
    }
    if (!buyer) {
      out.push(evidence("tax", "fail", "buyer not registered", parties));
      return reject(
        "INVOICE.BUYER_UNKNOWN_AT_TAX_BUREAU",
        `${name}: the buyer tax id ${inv.buyerTaxId} is unknown at the tax bureau; check the buyer's unified social credit code and submit the invoice as issued`,
      );
    }
    out.push(evidence("tax", "pass", "seller and buyer are registered taxpayers", parties));

    // ─── the tax bureau: the invoice exists, is valid, and says what was submitted ───
    const record = await this.adapters.tax.invoice(splitIdentity(inv.invoiceNumber));
    const fail = (detail: string) => out.push(evidence("tax", "fail", detail, record));
    if (!record) {
      fail("invoice not found");
      return reject(
        "INVOICE.NOT_FOUND_AT_TAX_BUREAU",
        `${name} is not found at the tax bureau; check the invoice number${inv.invoiceCode ? " and code" : ""} and submit a genuine invoice`,
      );
    }
    if (record.status === "voided") {
      fail("voided");
      return reject("INVOICE.VOIDED", `${name} is voided at the tax bureau${record.statusDate ? ` (voided on ${record.statusDate})` : ""}; submit a valid invoice`);
    }
    if (record.status === "red_lettered") {
      fail("red-lettered");
      return reject(
        "INVOICE.RED_LETTERED",
        `${name} has been reversed by a red-letter invoice at the tax bureau${record.statusDate ? ` (on ${record.statusDate})` : ""}; it no longer evidences a sale, so submit a valid invoice`,
      );
    }
    if (record.sellerTaxId !== inv.sellerTaxId) {
      fail("issued by another seller");
      return reject(
        "INVOICE.PARTY_MISMATCH",
        `${name} was issued by another seller according to the tax bureau, not by your organization (${inv.sellerTaxId}); submit only invoices you issued`,
        differs(["sellerTaxId"], record),
      );
    }
    if (record.buyerTaxId !== inv.buyerTaxId) {
      fail("issued to another buyer");
      return reject(
        "INVOICE.PARTY_MISMATCH",
        `${name} was issued to buyer ${record.buyerTaxId} according to the tax bureau, not to ${inv.buyerTaxId} as submitted; correct the buyer tax id`,
        differs(["buyerTaxId"], record),
      );
    }
    const amounts = (r: Pick<TaxInvoiceRecord, "amount" | "tax" | "total" | "currency">) => `amount ${yuan(r.amount)}, tax ${yuan(r.tax)}, total ${yuan(r.total)} ${r.currency}`;
    if (record.amount !== inv.amount || record.tax !== inv.tax || record.total !== inv.total || record.currency !== inv.currency) {
      fail("amounts differ");
      return reject(
        "INVOICE.AMOUNT_MISMATCH",
        `${name}: the tax bureau records ${amounts(record)}, but ${amounts(inv)} was submitted; correct the amounts to those on the invoice`,
        differs(["amount", "tax", "total", "currency"], record),
      );
    }
    if (record.issueDate !== inv.issueDate) {
      fail("issue date differs");
      return reject(
        "INVOICE.ISSUE_DATE_MISMATCH",
        `${name} was issued on ${record.issueDate} according to the tax bureau, not on ${inv.issueDate} as submitted; correct the issue date`,
        differs(["issueDate"], record),
      );
    }
    out.push(evidence("tax", "pass", "invoice valid; parties, amounts and date match", record));

    // ─── logistics: every waybill given shows the goods delivered from seller to buyer ───
    for (const number of inv.waybillNumbers) {
      const w = await this.adapters.logistics.waybill(number);
      const bad = (code: RejectionCode, detail: string, reason: string) => {
        out.push(evidence("logistics", "fail", detail, w ?? { waybillNumber: number, found: false }));
        return reject(code, `waybill ${number} of ${name} ${reason}`);
      };
      if (!w) return bad("INVOICE.WAYBILL_NOT_FOUND", "waybill not found", "is unknown to the logistics provider; check the waybill number or leave it out");
      const problem = waybillProblem(w, inv);
      if (problem) return bad("INVOICE.WAYBILL_MISMATCH", problem.detail, problem.reason);
      if (w.status !== "delivered" || !w.deliveredOn) {
        return bad("INVOICE.WAYBILL_NOT_DELIVERED", `waybill ${w.status}`, `has not been delivered (${w.status.replace("_", " ")}); an invoice backs a receivable once its goods are delivered`);
      }
      out.push(evidence("logistics", "pass", `waybill ${number} delivered on ${w.deliveredOn}`, w));
    }

    // ─── the registry: no earlier pledge or assignment of this invoice ───
    const filings = await this.adapters.registry.search([inv.invoiceKey]);
    if (filings.length > 0) {
      const f = filings[0];
      out.push(evidence("registry", "fail", `${filings.length} earlier filing(s)`, { invoiceKey: inv.invoiceKey, filings }));
      return reject(
        "INVOICE.ALREADY_PLEDGED",
        `${name} is already ${f.kind === "pledge" ? "pledged" : "assigned"} in the receivables pledge and transfer registry (filing ${f.reference} of ${f.createdAt.slice(0, 10)} to ${f.assignee}); it cannot back a new receivable until that filing is discharged`,
      );
    }
    out.push(evidence("registry", "pass", "no pledge or assignment filed", { invoiceKey: inv.invoiceKey, filings: [] }));
    return { evidence: out, rejection: null };
  }
}

/** Parties and dates of a waybill against the invoice, or null when plausible. */
function waybillProblem(w: Waybill, inv: Invoice): { detail: string; reason: string } | null {
  if (w.shipperTaxId !== inv.sellerTaxId || w.consigneeTaxId !== inv.buyerTaxId) {
    return {
      detail: "parties differ",
      reason: `was shipped by ${w.shipperTaxId} to ${w.consigneeTaxId}, which is not the invoice's seller ${inv.sellerTaxId} and buyer ${inv.buyerTaxId}; give the waybills of this sale`,
    };
  }
  const early = daysBetween(w.shippedOn, inv.issueDate);
  if (early > SHIPPED_BEFORE_ISSUE_TOLERANCE_DAYS) {
    return {
      detail: "shipped long before the invoice",
      reason: `was shipped on ${w.shippedOn}, ${early} days before the invoice's issue date ${inv.issueDate} (at most ${SHIPPED_BEFORE_ISSUE_TOLERANCE_DAYS} days are plausible); give the waybills of this sale`,
    };
  }
  if (w.deliveredOn && w.deliveredOn < w.shippedOn) {
    return { detail: "delivered before shipped", reason: `says it was delivered (${w.deliveredOn}) before it was shipped (${w.shippedOn}); ask the carrier to correct it` };
  }
  return null;
}
