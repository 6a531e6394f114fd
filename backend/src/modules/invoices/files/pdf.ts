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
 * At most 200 "/EmbeddedFile" marks are looked at, each stream inflated to at most FILE_LIMITS.entryBytes.
 */
export function readPdf(bytes: Buffer, name: string, o: { own: string; attachment: { name: string; sha256: string } }): TableReading & { kind: string } {
  const latin = bytes.toString("latin1");
  // every look is within a window around one "/EmbeddedFile", and at most 200 are looked at: linear in the file
  let seen = 0;
  let inflated = 0;
  for (let at = latin.indexOf("/EmbeddedFile"); at >= 0 && seen < 200; at = latin.indexOf("/EmbeddedFile", at + 13)) {
    seen++;
    if (latin.startsWith("/EmbeddedFiles", at)) continue;
    // the stream object this dictionary entry belongs to: "N 0 obj << /Type /EmbeddedFile ... >> stream ... endstream"
    const before = latin.slice(Math.max(0, at - 4096), at);
    const after = latin.slice(at, at + 4096);
    const objAt = before.lastIndexOf("obj");
    const streamAt = after.indexOf("stream");
    if (objAt < 0 || streamAt < 0) continue;
    const dict = before.slice(objAt) + after.slice(0, streamAt);
    const dataStart = at + streamAt + 6 + (latin[at + streamAt + 6] === "\r" ? 2 : 1);
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
      inflated += data.length;
      if (inflated > FILE_LIMITS.totalBytes) throw expandsTooFar(`The PDF ${name} embeds files that expand past ${FILE_LIMITS.totalBytes / 1024 / 1024} MiB in all; this is not an invoice file`);
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
