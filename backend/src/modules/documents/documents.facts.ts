import type { EntityManager } from "typeorm";
import type { AgreementFacts, CertificateFacts, DocumentFacts, NoticeFacts, Party } from "./render";
import { organizations, type DocumentRow } from "./documents.repository";
import { price } from "../financing";

type Db = Pick<EntityManager, "query">;

/** Where a document's QR code leads: the public verification page of this document. */
export const verifyUrlOf = (portalUrl: string, documentId: string) => `${portalUrl.replace(/\/+$/, "")}/verify/${documentId}`;

interface Deployment {
  chainId: bigint;
  ledger: string;
}

/**
 * The facts a document states, read from the platform's record of the ledger when it is first
 * rendered (then kept with it: a later change of a name never changes a document made before).
 * Dates are China days; the day of a certificate or notice is the day the platform saw its step.
 */
export async function factsOf(db: Db, doc: DocumentRow, deployment: Deployment, portalUrl: string): Promise<DocumentFacts> {
  const common = { receivableId: doc.receivableChainId, chainId: Number(deployment.chainId), ledger: deployment.ledger.toLowerCase(), verifyUrl: verifyUrlOf(portalUrl, doc.id) };
  if (doc.kind === "agreement") return { kind: "agreement", ...common, ...(await agreementTerms(db, doc.subject)) } satisfies AgreementFacts;
  const [parties, c] = await Promise.all([partiesOf(db, doc.parties), certificateOf(db, doc.receivableId, doc.createdAt)]);
  const transaction = doc.subject.split(":")[0];
  if (doc.kind === "notice") {
    return {
      kind: "notice",
      ...common,
      reason: doc.occasion === "financing" ? "financing" : "transfer",
      transaction,
      obligor: parties[0],
      assignor: parties[1],
      assignee: parties[2],
      amount: c.amount,
      due: doc.occasion === "financing" ? c.due : null,
      maturity: c.maturity,
      assignedOn: c.day,
    } satisfies NoticeFacts;
  }
  return {
    kind: "certificate",
    ...common,
    act: doc.occasion === "confirm" ? "confirm" : "sign-for",
    transaction,
    obligor: parties[0],
    holder: parties[1],
    amount: c.amount,
    issuedOn: c.day,
    maturity: c.maturity,
    termDays: c.termDays,
    tier: c.tier,
    parentId: c.parentId,
    originalId: c.originalId,
    invoices: c.invoices,
  } satisfies CertificateFacts;
}

async function partiesOf(db: Db, ids: string[]): Promise<Party[]> {
  const byId = await organizations(db, ids);
  return ids.map((id) => ({ name: byId.get(id)?.name ?? "", uscc: byId.get(id)?.uscc ?? "" }));
}

async function certificateOf(db: Db, receivableId: string, at: Date) {
  const [r]: {
    amount: string;
    due: string | null;
    maturity: string;
    day: string;
    term_days: number;
    tier: number;
    parent_id: string | null;
    original_id: string | null;
    invoices: { number: string; issuedOn: string; amount: string }[];
  }[] = await db.query(
    `WITH RECURSIVE up AS (
       SELECT id, parent_id, chain_id, invoice_keys, creditor_organization_id FROM receivables WHERE id = $1
       UNION ALL SELECT p.id, p.parent_id, p.chain_id, p.invoice_keys, p.creditor_organization_id FROM receivables p JOIN up ON p.id = up.parent_id
     ), root AS (SELECT * FROM up WHERE parent_id IS NULL)
     SELECT r.amount::text, r.due::text, to_char(r.maturity AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS maturity,
            to_char($2::timestamptz AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS day,
            ((r.maturity AT TIME ZONE 'Asia/Shanghai')::date - ($2::timestamptz AT TIME ZONE 'Asia/Shanghai')::date) AS term_days,
            r.tier, p.chain_id::text AS parent_id,
            CASE WHEN r.parent_id IS NULL THEN NULL ELSE (SELECT chain_id::text FROM root) END AS original_id,
            coalesce((SELECT json_agg(json_build_object('number', i.invoice_number, 'issuedOn', to_char(i.issue_date, 'YYYY-MM-DD'), 'amount', i.total::text) ORDER BY i.invoice_number)
                      FROM (SELECT DISTINCT ON (i.invoice_key) i.* FROM invoices i, root
                            WHERE i.invoice_key = ANY(root.invoice_keys) AND i.organization_id = root.creditor_organization_id
                            ORDER BY i.invoice_key, (i.status = 'verified') DESC, i.created_at DESC) i), '[]') AS invoices
     FROM receivables r LEFT JOIN receivables p ON p.id = r.parent_id WHERE r.id = $1`,
    [receivableId, at],
  );
  return { amount: r.amount, due: r.due, maturity: r.maturity, day: r.day, termDays: r.term_days, tier: r.tier, parentId: r.parent_id, originalId: r.original_id, invoices: r.invoices };
}

/** A quote's terms and its three parties, in one statement (an acceptance makes its agreement). */
async function agreementTerms(db: Db, quoteId: string): Promise<Omit<AgreementFacts, "kind" | "receivableId" | "chainId" | "ledger" | "verifyUrl">> {
  const [q]: {
    id: string;
    face: string;
    advance: string;
    interest: string;
    fee: string;
    due: string;
    annual_rate_bp: number;
    day_count: 360 | 365;
    days: number;
    recourse: boolean;
    maturity: string;
    quoted_on: string;
    valid_until: string;
    review: { reviewer: string; reason: string } | null;
    obligor: string;
    obligor_uscc: string;
    supplier: string;
    supplier_uscc: string;
    bank: string;
    bank_uscc: string;
  }[] = await db.query(
    `SELECT q.id::text, r.amount::text AS face, q.advance::text, q.interest::text, q.fee::text, q.due::text, q.annual_rate_bp, q.day_count, q.days, q.recourse,
            to_char(r.maturity AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS maturity,
            to_char(q.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS quoted_on,
            to_char(q.valid_until AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS valid_until,
            q.reasonableness_review AS review, o.legal_name AS obligor, o.uscc AS obligor_uscc,
            s.legal_name AS supplier, s.uscc AS supplier_uscc, b.legal_name AS bank, b.uscc AS bank_uscc
     FROM quotes q JOIN financing_requests fr ON fr.id = q.request_id JOIN receivables r ON r.id = fr.receivable_id
     JOIN organizations o ON o.id = r.obligor_organization_id JOIN organizations s ON s.id = fr.supplier_organization_id
     JOIN organizations b ON b.id = q.bank_organization_id WHERE q.id = $1`,
    [quoteId],
  );
  // the effective annual cost as the quote list shows it
  const priced = price(BigInt(q.face), { advance: BigInt(q.advance), annualRateBp: q.annual_rate_bp, dayCount: q.day_count, fee: BigInt(q.fee), days: q.days });
  return {
    quoteId: q.id,
    obligor: { name: q.obligor, uscc: q.obligor_uscc },
    supplier: { name: q.supplier, uscc: q.supplier_uscc },
    bank: { name: q.bank, uscc: q.bank_uscc },
    face: q.face,
    advance: q.advance,
    interest: q.interest,
    fee: q.fee,
    due: q.due,
    annualRateBp: q.annual_rate_bp,
    dayCount: q.day_count,
    days: q.days,
    effectiveAnnualCostBp: priced.effectiveAnnualCostBp,
    recourse: q.recourse,
    maturity: q.maturity,
    quotedOn: q.quoted_on,
    validUntil: q.valid_until,
    reasonablenessReview: q.review,
  };
}
