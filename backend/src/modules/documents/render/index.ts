import { drawAgreement } from "./agreement";
import { drawCertificate } from "./certificate";
import { chinaMidnight } from "./dates";
import type { DocumentFacts } from "./facts";
import { assertDrawable } from "./glyphs";
import { infoKeys } from "./info";
import { drawNotice } from "./notice";
import { Sheet } from "./sheet";

export type { AgreementFacts, CertificateFacts, DocumentFacts, NoticeFacts, Party } from "./facts";
export { documentInfo, type DocumentInfo } from "./info";
export { MissingGlyphError } from "./glyphs";
export { amountInWords, formatBp, formatFen } from "./money";

/**
 * The version of the layout: part of the Producer, so a document says which layout made it. The
 * same facts give the same bytes only with the same layout, font and pdfkit; changing any of them
 * changes every document made after, which is why this is bumped with a layout change.
 */
const PRODUCER = "ChainFactor documents 1";

const TITLES: Record<DocumentFacts["kind"], string> = {
  certificate: "应收账款电子凭证 Electronic Receivable Certificate",
  notice: "应收账款转让通知书 Notice of Assignment of Receivable",
  agreement: "应收账款融资协议 Receivable Financing Agreement",
};

/**
 * The document's PDF, the same bytes for the same facts: the dates in its information dictionary
 * are the document's own day (00:00 China time), the font is the bundled one, and pdfkit's file
 * identifier is a digest of that dictionary, so nothing depends on the clock or the machine.
 * Throws MissingGlyphError when a character of the facts is not in the bundled font.
 */
export async function renderDocument(facts: DocumentFacts): Promise<Buffer> {
  assertDrawable(facts);
  const day = facts.kind === "certificate" ? facts.issuedOn : facts.kind === "notice" ? facts.assignedOn : facts.quotedOn;
  const date = chinaMidnight(day);
  const number = facts.kind === "agreement" ? facts.quoteId : facts.receivableId;
  const sheet = new Sheet(
    { Title: `${TITLES[facts.kind]} ${number}`, Author: "ChainFactor", Producer: PRODUCER, Creator: PRODUCER, CreationDate: date, ModDate: date, ...infoKeys(facts) },
    `${TITLES[facts.kind]} · ${number}`,
  );
  if (facts.kind === "certificate") drawCertificate(sheet, facts);
  else if (facts.kind === "notice") drawNotice(sheet, facts);
  else drawAgreement(sheet, facts);
  return sheet.finish();
}
