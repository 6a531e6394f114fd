import { noInvoiceData, type RowProblem } from "./limits";
import type { FileInvoice, TableReading } from "./table";
import { normalizeDate } from "./table";
import { find, parseXml, text, type XmlNode } from "./xml";
import { yuanToFen } from "./yuan";

/** An e-invoice's data as one file carries it: each field's text and where it was found. */
export interface EInvoiceFields {
  invoiceNumber?: string;
  invoiceCode?: string;
  issueDate?: string;
  sellerTaxId?: string;
  sellerName?: string;
  buyerTaxId?: string;
  amount?: string;
  tax?: string;
  total?: string;
  /** A red-letter invoice (数电: 是否蓝字发票 N). */
  red?: boolean;
}
export type Sources = Partial<Record<keyof EInvoiceFields, string>>;

/**
 * The fully digitalized e-invoice's XML (数电票, 全电发票: the tax bureau's EInvoice document, as
 * 电子发票服务平台 delivers it beside the PDF and OFD): EInvoice/TaxSupervisionInfo/InvoiceNumber
 * (or Header/EIid), IssueTime (or BasicInformation/RequestTime), EInvoiceData/SellerInformation/
 * SellerIdNum, BuyerInformation/BuyerIdNum, BasicInformation/TotalAmWithoutTax, TotalTaxAm and
 * TotalTax-includedAmount, and Header/InherentLabel/InIssuType/LabelCode (N: red-letter). Also the
 * older VAT e-invoice's XML (eInvoice, namespace http://www.edrm.org.cn/schema/e-invoice/2019, the
 * original_invoice.xml inside its OFD): InvoiceCode, InvoiceNo, IssueDate, Buyer/BuyerTaxID,
 * Seller/SellerTaxID, TaxExclusiveTotalAmount, TaxTotalAmount, TaxInclusiveTotalAmount.
 * Line items, names, addresses, bank accounts and the signature are not read.
 */
export function einvoiceXmlFields(doc: XmlNode): { fields: EInvoiceFields; sources: Sources; kind: "数电票 XML" | "增值税电子发票 XML" } | null {
  const t = (name: string, root = doc) => text(find(root, name)).trim();
  if (doc.EInvoice !== undefined) {
    const root = doc.EInvoice as XmlNode;
    const number = t("InvoiceNumber", root) || t("EIid", root);
    const label = text(find(find(root, "InIssuType"), "LabelCode")).trim();
    return {
      kind: "数电票 XML",
      fields: {
        invoiceNumber: number,
        issueDate: t("IssueTime", root) || t("RequestTime", root),
        sellerTaxId: t("SellerIdNum", root),
        sellerName: t("SellerName", root),
        buyerTaxId: t("BuyerIdNum", root),
        amount: t("TotalAmWithoutTax", root),
        tax: t("TotalTaxAm", root),
        total: t("TotalTax-includedAmount", root),
        red: label === "N",
      },
      sources: {
        invoiceNumber: t("InvoiceNumber", root) ? "InvoiceNumber" : "EIid",
        issueDate: t("IssueTime", root) ? "IssueTime" : "RequestTime",
        sellerTaxId: "SellerIdNum",
        buyerTaxId: "BuyerIdNum",
        amount: "TotalAmWithoutTax",
        tax: "TotalTaxAm",
        total: "TotalTax-includedAmount",
      },
    };
  }
  if (doc.eInvoice !== undefined) {
    const root = doc.eInvoice as XmlNode;
    return {
      kind: "增值税电子发票 XML",
      fields: {
        invoiceNumber: t("InvoiceNo", root),
        invoiceCode: t("InvoiceCode", root),
        issueDate: t("IssueDate", root),
        sellerTaxId: t("SellerTaxID", root),
        sellerName: t("SellerName", root),
        buyerTaxId: t("BuyerTaxID", root),
        amount: t("TaxExclusiveTotalAmount", root),
        tax: t("TaxTotalAmount", root),
        total: t("TaxInclusiveTotalAmount", root),
      },
      sources: {
        invoiceNumber: "InvoiceNo",
        invoiceCode: "InvoiceCode",
        issueDate: "IssueDate",
        sellerTaxId: "SellerTaxID",
        buyerTaxId: "BuyerTaxID",
        amount: "TaxExclusiveTotalAmount",
        tax: "TaxTotalAmount",
        total: "TaxInclusiveTotalAmount",
      },
    };
  }
  return null;
}

/** Reads an invoice XML file: a 数电票 or an older VAT e-invoice, else refused saying what it is not. */
export function readEInvoiceXml(xml: string, name: string, o: { own: string; attachment: { name: string; sha256: string } }): TableReading & { kind: string } {
  const doc = parseXml(xml, "XML file");
  const found = einvoiceXmlFields(doc);
  if (!found) {
    const root = Object.keys(doc).find((k) => !k.startsWith("?") && !k.startsWith("#")) ?? "nothing";
    throw noInvoiceData(`The XML file ${name} is not an e-invoice: its root element is <${root}>, not the tax bureau's <EInvoice> (数电票) or <eInvoice> (增值税电子发票)`);
  }
  return { kind: found.kind, ...einvoiceReading(found.fields, found.sources, o) };
}

const REQUIRED: (keyof EInvoiceFields)[] = ["invoiceNumber", "issueDate", "sellerTaxId", "buyerTaxId", "amount", "tax"];
const SAYS: Partial<Record<keyof EInvoiceFields, string>> = {
  invoiceNumber: "the invoice number",
  issueDate: "the issue date",
  sellerTaxId: "the seller's tax id",
  buyerTaxId: "the buyer's tax id (an invoice issued to a person has none, and cannot back a receivable)",
  amount: "the amount before tax",
  tax: "the tax",
};

/** One e-invoice's fields as the submission intake checks, or what is missing or not skipped. */
export function einvoiceReading(f: EInvoiceFields, sources: Sources, o: { own: string; attachment: { name: string; sha256: string } }): TableReading {
  const out: TableReading = { invoices: [], skipped: [], problems: [] };
  const problem = (field: keyof EInvoiceFields, message: string) => out.problems.push({ row: 1, column: sources[field] ?? field, message } satisfies RowProblem);
  for (const field of REQUIRED) if (!f[field]) problem(field, `is missing: the file does not say ${SAYS[field]}`);
  const fen: Partial<Record<"amount" | "tax" | "total", string>> = {};
  let negative = false;
  for (const field of ["amount", "tax", "total"] as const) {
    if (!f[field]) continue;
    const p = yuanToFen(f[field]!);
    if (!p.ok) problem(field, p.message);
    else {
      fen[field] = p.fen;
      negative ||= p.negative;
    }
  }
  const identity = f.invoiceCode ? `${f.invoiceCode}-${f.invoiceNumber}` : (f.invoiceNumber ?? null);
  const seller = (f.sellerTaxId ?? "").toUpperCase();
  const buyer = (f.buyerTaxId ?? "").toUpperCase();
  if (f.red || negative) {
    out.skipped.push({ row: 1, invoiceNumber: identity, code: "NEGATIVE", reason: "a red-letter (negative) invoice: it reverses another invoice and backs nothing" });
    return { ...out, problems: [] };
  }
  if (buyer && buyer === o.own && seller !== o.own) {
    out.skipped.push({ row: 1, invoiceNumber: identity, code: "RECEIVED", reason: `an invoice you received from ${f.sellerName || seller} (进项), not one you issued` });
    return { ...out, problems: [] };
  }
  if (out.problems.length) return out;
  const invoice: FileInvoice = {
    row: 1,
    input: {
      invoiceNumber: f.invoiceNumber,
      ...(f.invoiceCode ? { invoiceCode: f.invoiceCode } : {}),
      sellerTaxId: seller,
      buyerTaxId: buyer,
      issueDate: normalizeDate(f.issueDate!),
      amount: fen.amount,
      tax: fen.tax,
      total: fen.total ?? (BigInt(fen.amount!) + BigInt(fen.tax!)).toString(),
      currency: "CNY",
      waybillNumbers: [],
      attachments: [o.attachment],
    },
    columns: {
      invoiceNumber: sources.invoiceNumber ?? "invoiceNumber",
      invoiceCode: sources.invoiceCode ?? "invoiceCode",
      sellerTaxId: sources.sellerTaxId ?? "sellerTaxId",
      buyerTaxId: sources.buyerTaxId ?? "buyerTaxId",
      issueDate: sources.issueDate ?? "issueDate",
      amount: sources.amount ?? "amount",
      tax: sources.tax ?? "tax",
      total: sources.total ?? sources.amount ?? "total",
      attachments: "file",
    },
  };
  out.invoices.push(invoice);
  return out;
}
