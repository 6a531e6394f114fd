/** The documents as the pages read them (GET /v1/documents…), and where a document's files are. */
import { get } from "../../api/client";
import type { SignedDocument, SigningAct } from "../../shared/signing";

export const documentsKey = ["documents"] as const;

/** The PDF (a download: the API answers it as an attachment); `signed`: followed by its signatures. */
export const pdfUrl = (id: string, signed = false) => `/v1/documents/${encodeURIComponent(id)}/pdf${signed ? "?signed=true" : ""}`;

/** Every page of a listing (a certificate has a handful of documents; an obligor's waiting notices, a few pages at most). */
export async function allDocuments(query: { kind?: SignedDocument["kind"]; receivable?: string; awaiting?: SigningAct }): Promise<SignedDocument[]> {
  const out: SignedDocument[] = [];
  let before: string | undefined;
  for (let i = 0; i < 20; i++) {
    const page = await get("/v1/documents", { params: { query: { ...query, limit: 100, ...(before ? { before } : {}) } } });
    out.push(...page.items);
    if (!page.next) break;
    before = page.next;
  }
  return out;
}
