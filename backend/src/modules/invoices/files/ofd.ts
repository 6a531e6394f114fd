import { einvoiceReading, einvoiceXmlFields, type EInvoiceFields, type Sources } from "./einvoice";
import { noInvoiceData } from "./limits";
import type { TableReading } from "./table";
import { attr, children, parseXml, text, type XmlValue } from "./xml";
import { readZip } from "./zip";

/** OFD.xml's DocInfo/CustomDatas names (as the tax platform's OFD writers set them) → fields. */
const CUSTOM_DATA: Record<string, keyof EInvoiceFields> = {
  发票号码: "invoiceNumber",
  发票代码: "invoiceCode",
  开票日期: "issueDate",
  销售方纳税人识别号: "sellerTaxId",
  销售方名称: "sellerName",
  购买方纳税人识别号: "buyerTaxId",
  合计金额: "amount",
  合计税额: "tax",
  价税合计: "total",
};

/** Doc_0/Tags/CustomTag.xml's tag names (the invoice's semantic tags over the page's text) → fields. */
const CUSTOM_TAGS: Record<string, keyof EInvoiceFields> = {
  InvoiceNo: "invoiceNumber",
  InvoiceCode: "invoiceCode",
  IssueDate: "issueDate",
  SellerTaxID: "sellerTaxId",
  SellerName: "sellerName",
  BuyerTaxID: "buyerTaxId",
  TaxExclusiveTotalAmount: "amount",
  TaxTotalAmount: "tax",
  TaxInclusiveTotalAmount: "total",
};

/**
 * An OFD e-invoice (GB/T 33190: a zip of XML), read where the file carries the invoice's data as
 * data, in this order, the first source that has a field giving it:
 *  1. an invoice XML attached inside (Doc_N/Attachs/*.xml: a 数电票 EInvoice, or the older
 *     original_invoice.xml eInvoice), read as an invoice XML file is;
 *  2. OFD.xml's DocInfo/CustomDatas (发票号码, 发票代码, 开票日期, 销售方/购买方纳税人识别号, 合计金额,
 *     合计税额, 价税合计);
 *  3. the semantic tags (Doc_N/Tags/CustomTag.xml: InvoiceNo, IssueDate, BuyerTaxID, SellerTaxID,
 *     TaxExclusiveTotalAmount, TaxTotalAmount, TaxInclusiveTotalAmount) resolved to the text
 *     objects of the pages they point at.
 * The page layout itself (text placed by coordinates, fonts, images, the seal and signatures) is
 * not interpreted: an OFD without any of these is refused, saying so.
 */
export async function readOfd(bytes: Buffer, name: string, o: { own: string; attachment: { name: string; sha256: string } }): Promise<TableReading & { kind: string }> {
  const zip = await readZip(bytes, "OFD file", (n) => /\.xml$/i.test(n) && !/\/(Res|Signs?)\//i.test(n));
  const ofdXml = zip.files.get("OFD.xml");
  if (ofdXml === undefined) throw noInvoiceData(`The file ${name} is a zip but not an OFD document (it has no OFD.xml); upload the invoice's OFD, XML or PDF as the tax platform delivered it`);
  const fields: EInvoiceFields = {};
  const sources: Sources = {};
  const take = (f: EInvoiceFields, s: Sources) => {
    for (const [k, v] of Object.entries(f) as [keyof EInvoiceFields, string | boolean | undefined][]) {
      if (v === undefined || v === "" || fields[k] !== undefined) continue;
      (fields as Record<string, unknown>)[k] = v;
      if (s[k]) sources[k] = s[k];
    }
  };
  const xml = (entry: string) => parseXml(zip.files.get(entry)!.toString("utf8"), `OFD part ${entry}`, new Set(["CustomData", "TextObject", "TextCode", "ObjectRef"]));

  // 1. an attached invoice XML
  for (const entry of [...zip.files.keys()].filter((n) => /\/Attachs?\/[^/]+\.xml$/i.test(n) && !/Attachments\.xml$/i.test(n)).sort()) {
    const found = einvoiceXmlFields(xml(entry));
    if (found) take(found.fields, Object.fromEntries(Object.entries(found.sources).map(([k, v]) => [k, `${entry}:${v}`])));
  }
  // 2. the document's custom data
  const custom: EInvoiceFields = {};
  const customSources: Sources = {};
  for (const d of collect(xml("OFD.xml"), "CustomData")) {
    const field = CUSTOM_DATA[attr(d, "Name").trim()];
    if (field) {
      (custom as Record<string, string>)[field] = text(d).trim();
      customSources[field] = `OFD.xml:CustomData[${attr(d, "Name").trim()}]`;
    }
  }
  take(custom, customSources);
  // 3. the semantic tags over the page text
  const tagFiles = [...zip.files.keys()].filter((n) => /\/Tags\/[^/]*\.xml$/i.test(n) && !/CustomTags\.xml$/i.test(n));
  if (tagFiles.length) {
    const texts = new Map<string, string>();
    for (const page of [...zip.files.keys()].filter((n) => /\/(Pages|Tpls)\/[^/]+\/Content\.xml$/i.test(n))) {
      for (const t of collect(xml(page), "TextObject")) texts.set(attr(t, "ID"), children(t, "TextCode").map((c) => text(c)).join(""));
    }
    for (const tagFile of tagFiles) {
      const tagged: EInvoiceFields = {};
      const tagSources: Sources = {};
      walk(xml(tagFile), (nodeName, node) => {
        const field = CUSTOM_TAGS[nodeName];
        if (!field) return;
        const value = children(node, "ObjectRef")
          .map((ref) => texts.get(text(ref).trim()) ?? "")
          .join("")
          .replace(/^[¥￥]/, "")
          .trim();
        if (value) {
          (tagged as Record<string, string>)[field] = value;
          tagSources[field] = `${tagFile}:${nodeName}`;
        }
      });
      take(tagged, tagSources);
    }
  }
  if (!fields.invoiceNumber && !fields.amount && !fields.total) {
    throw noInvoiceData(
      `The OFD file ${name} carries no invoice data that can be read as data (no attached invoice XML, no CustomDatas in OFD.xml, no semantic tags); its page is only drawn text. Upload the invoice's XML, or enter it by hand`,
    );
  }
  return { kind: "OFD", ...einvoiceReading(fields, sources, o) };
}

/** Every element named `name` anywhere below `node`, in document order (bounded by the parser's depth limit). */
function collect(node: XmlValue | undefined, name: string, out: XmlValue[] = []): XmlValue[] {
  if (!node || typeof node === "string") return out;
  if (Array.isArray(node)) {
    for (const n of node) collect(n, name, out);
    return out;
  }
  for (const [k, v] of Object.entries(node)) {
    if (k.startsWith("@") || k === "#text") continue;
    if (k === name) out.push(...(Array.isArray(v) ? v : [v]));
    else collect(v, name, out);
  }
  return out;
}

/** Calls `visit` with every element's local name, depth first. */
function walk(node: XmlValue | undefined, visit: (name: string, node: XmlValue) => void): void {
  if (!node || typeof node === "string") return;
  if (Array.isArray(node)) return node.forEach((n) => walk(n, visit));
  for (const [k, v] of Object.entries(node)) {
    if (k.startsWith("@") || k === "#text") continue;
    for (const n of Array.isArray(v) ? v : [v]) {
      visit(k, n);
      walk(n, visit);
    }
  }
}

