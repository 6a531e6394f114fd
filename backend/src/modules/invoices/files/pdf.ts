import { inflateSync } from "node:zlib";
import { einvoiceReading, einvoiceXmlFields } from "./einvoice";
import { FILE_LIMITS, expandsTooFar, noInvoiceData } from "./limits";
import type { TableReading } from "./table";
import { parseXml } from "./xml";

/**
 * A PDF e-invoice, read only where it carries the invoice's data as data: an embedded file
 * (PDF's EmbeddedFile streams, as some invoicing tools attach the invoice XML) holding a 数电票
 * EInvoice or an older eInvoice document, read as an invoice XML file is. The page's text layer is
 * not read: where the numbers sit on the page differs between tools and versions, and a misread
 * amount would be worse than none. A PDF without such an attachment is refused, saying so.
 * At most 20 embedded streams are looked at, each inflated to at most FILE_LIMITS.entryBytes.
 */
export function readPdf(bytes: Buffer, name: string, o: { own: string; attachment: { name: string; sha256: string } }): TableReading & { kind: string } {
  const latin = bytes.toString("latin1");
  let looked = 0;
  for (let at = latin.indexOf("/EmbeddedFile"); at >= 0 && looked < 20; at = latin.indexOf("/EmbeddedFile", at + 13)) {
    // the stream object this dictionary entry belongs to: "/Type /EmbeddedFile ... >> stream ... endstream"
    if (/^\/EmbeddedFiles/.test(latin.slice(at, at + 14))) continue;
    const streamAt = latin.indexOf("stream", at);
    const dictStart = latin.lastIndexOf("obj", at);
    if (streamAt < 0 || dictStart < 0 || streamAt - at > 4096) continue;
    looked++;
    const dict = latin.slice(dictStart, streamAt);
    const dataStart = streamAt + 6 + (latin[streamAt + 6] === "\r" ? 2 : 1);
    const end = latin.indexOf("endstream", dataStart);
    if (end < 0) continue;
    let data = bytes.subarray(dataStart, end);
    if (/\/FlateDecode/.test(dict)) {
      try {
        data = inflateSync(data, { maxOutputLength: FILE_LIMITS.entryBytes });
      } catch (e) {
        if ((e as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") throw expandsTooFar(`The PDF ${name} embeds a file that expands past ${FILE_LIMITS.entryBytes / 1024 / 1024} MiB; this is not an invoice file`);
        continue;
      }
    } else if (/\/Filter/.test(dict)) continue;
    const xml = data.toString("utf8").replace(/^\uFEFF/, "").trim();
    if (!xml.startsWith("<")) continue;
    const found = einvoiceXmlFields(parseXml(xml, `XML embedded in the PDF ${name}`));
    if (found) return { kind: `PDF (embedded ${found.kind})`, ...einvoiceReading(found.fields, Object.fromEntries(Object.entries(found.sources).map(([k, v]) => [k, `embedded XML:${v}`])), o) };
  }
  throw noInvoiceData(
    `The PDF ${name} has no invoice XML embedded in it, and the text printed on its page is not read (a misread amount would be worse than none). Upload the invoice's XML or OFD (电子发票服务平台 delivers them beside the PDF), or enter it by hand`,
  );
}
