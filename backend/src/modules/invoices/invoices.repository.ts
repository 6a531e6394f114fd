/**
 * The invoices module's statements on `invoices` (the registry adapter keeps `registry_filings`'
 * own), including the writes it makes on behalf of the modules that create and close certificates
 * (which certificate an invoice backs). Each takes the pool or the transaction it runs in.
 */
import { In, type DataSource, type EntityManager } from "typeorm";
import { Rows } from "../../shared/rows";
import { InvoiceEntity, type Invoice } from "./invoice.entity";

type Db = DataSource | EntityManager;

const invoiceRows = new Rows(InvoiceEntity);

/** An invoice as intake stores it: received, with no evidence yet, backing nothing. */
export type NewInvoice = Omit<
  Invoice,
  "id" | "status" | "evidence" | "rejectionCode" | "rejectionReason" | "rejectionMismatch" | "corrections" | "evidenceHash" | "verifiedAt" | "receivableId" | "createdAt" | "updatedAt"
> & {
  status: "received";
  evidence: [];
};

/** What verification settles on an invoice. */
export type SettledInvoice = Pick<Invoice, "status" | "rejectionCode" | "rejectionReason" | "rejectionMismatch" | "evidenceHash" | "verifiedAt" | "evidence" | "buyerOrganizationId">;

/** A refused invoice as its supplier corrected it: received again, its refusal moved into its history. */
export type CorrectedInvoice = Pick<
  Invoice,
  | "invoiceNumber"
  | "invoiceCode"
  | "buyerTaxId"
  | "buyerOrganizationId"
  | "issueDate"
  | "amount"
  | "tax"
  | "total"
  | "currency"
  | "waybillNumbers"
  | "attachments"
  | "invoiceKey"
  | "corrections"
> & { status: "received"; rejectionCode: null; rejectionReason: null; rejectionMismatch: null; evidence: []; evidenceHash: null; verifiedAt: null };

/** An invoice already stored under a number intake was given again. */
export interface SubmittedInvoiceRow {
  id: string;
  invoice_number: string;
  status: Invoice["status"];
  created_at: Date;
  rejection_code: string | null;
}

export interface ListInvoices {
  status?: Invoice["status"];
  attached?: "true" | "false";
  limit: number;
  after?: string;
}

// ─── Intake ─────────────────────────────────────────────────────────

/** The ids of the organizations with these unified social credit codes, by code. */
export async function organizationIdsByUscc(db: Db, usccs: string[]): Promise<Map<string, string>> {
  return new Map<string, string>(
    (await db.query(`SELECT uscc, id FROM organizations WHERE uscc = ANY($1::char(18)[])`, [usccs])).map((r: { uscc: string; id: string }) => [r.uscc, r.id]),
  );
}

/** Inserts the invoices not stored yet (same seller and number); the ids of those it inserted. */
export async function insertNewInvoices(em: EntityManager, rows: NewInvoice[]): Promise<string[]> {
  const inserted = await em
    .createQueryBuilder()
    .insert()
    .into(InvoiceEntity)
    .values(rows)
    .orIgnore()
    .returning("id")
    .execute();
  return (inserted.raw as { id: string }[]).map((r) => r.id);
}

/** The seller's stored invoices with these numbers, other than `excludingIds`. */
export async function submittedInvoices(em: EntityManager, organizationId: string, sellerTaxId: string, invoiceNumbers: string[], excludingIds: string[]): Promise<SubmittedInvoiceRow[]> {
  return em.query(
    `SELECT id, invoice_number, status, created_at, rejection_code FROM invoices
           WHERE organization_id = $1 AND seller_tax_id = $2 AND invoice_number = ANY($3) AND id <> ALL($4::uuid[])`,
    [organizationId, sellerTaxId, invoiceNumbers, excludingIds],
  );
}

export async function invoicesByIds(em: EntityManager, ids: string[]): Promise<Invoice[]> {
  return em.getRepository(InvoiceEntity).findBy({ id: In(ids) });
}

// ─── Reads ──────────────────────────────────────────────────────────

/** A page of invoices, oldest first: the organization `own`'s, or everyone's (null). */
export async function listInvoices(db: Db, q: ListInvoices, own: string | null): Promise<Invoice[]> {
  const qb = db.getRepository(InvoiceEntity).createQueryBuilder("i").orderBy("i.createdAt", "ASC").addOrderBy("i.id", "ASC").limit(q.limit);
  qb.where(own ? "i.organization_id = :own" : "TRUE", { own });
  if (q.status) qb.andWhere("i.status = :status", { status: q.status });
  if (q.attached) qb.andWhere(q.attached === "true" ? "i.receivable_id IS NOT NULL" : "i.receivable_id IS NULL");
  if (q.after) {
    qb.andWhere(`(i.created_at, i.id) > (SELECT a.created_at, a.id FROM invoices a WHERE a.id = :after${own ? " AND a.organization_id = :own" : ""})`, {
      after: q.after,
    });
  }
  return qb.getMany();
}

/** The invoices backing a receivable, by issue date. */
export async function backingInvoices(db: Db, receivableId: string): Promise<Invoice[]> {
  return db.getRepository(InvoiceEntity).find({ where: { receivableId }, order: { issueDate: "ASC", id: "ASC" } });
}

export async function invoiceById(db: Db, id: string): Promise<Invoice | null> {
  return db.getRepository(InvoiceEntity).findOneBy({ id });
}

// ─── Which certificate an invoice backs ─────────────────────────────

/** Locks the invoices, in id order (so that overlapping sets cannot deadlock). */
export async function lockInvoices(em: EntityManager, ids: string[]): Promise<Invoice[]> {
  return em
    .query(`SELECT * FROM invoices WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [ids])
    .then((raw: Record<string, unknown>[]) => raw.map((r) => invoiceRows.from(em, r)));
}

/** Makes each invoice back its receivable, in one statement. */
export async function attachInvoices(em: EntityManager, marked: { id: string; receivableId: string }[]): Promise<void> {
  await em.query(
    `UPDATE invoices i SET receivable_id = m.receivable_id, updated_at = now() FROM unnest($1::uuid[], $2::uuid[]) AS m(id, receivable_id) WHERE i.id = m.id`,
    [marked.map((m) => m.id), marked.map((m) => m.receivableId)],
  );
}

/** Frees the invoices of certificates that were rejected, cancelled or failed to register. */
export async function detachInvoices(em: EntityManager, receivableIds: string[]): Promise<void> {
  if (!receivableIds.length) return;
  await em.query(`UPDATE invoices SET receivable_id = NULL, updated_at = now() WHERE receivable_id = ANY($1::uuid[])`, [receivableIds]);
}

/**
 * Attaches to `receivableId` the creditor's verified, unattached invoices with `invoiceKeys`: all of
 * them, or none when any is missing (a certificate a member registered with its own key, whose
 * invoices the platform's verifier attested).
 */
export async function attachVerifiedInvoices(em: EntityManager, receivableId: string, creditorOrganizationId: string, invoiceKeys: string[]): Promise<void> {
  await em.query(
    `WITH backing AS (
       SELECT i.id FROM invoices i
       WHERE i.invoice_key = ANY($3::text[]) AND i.organization_id = $2 AND i.status = 'verified' AND i.receivable_id IS NULL)
     UPDATE invoices SET receivable_id = $1, updated_at = now()
     WHERE id IN (SELECT id FROM backing) AND (SELECT count(*) FROM backing) = cardinality($3::text[])`,
    [receivableId, creditorOrganizationId, invoiceKeys],
  );
}

// ─── Verification ───────────────────────────────────────────────────

/** Marks a received invoice as being verified (if it still is received). */
export async function markVerifying(db: Db, id: string): Promise<void> {
  await db.getRepository(InvoiceEntity).update({ id, status: "received" }, { status: "verifying" });
}

export async function lockInvoice(em: EntityManager, id: string): Promise<Invoice | null> {
  return em.getRepository(InvoiceEntity).findOne({ where: { id }, lock: { mode: "pessimistic_write" } });
}

/** The organization with this unified social credit code, if it is a member. */
export async function organizationByUscc(em: EntityManager, uscc: string): Promise<{ id: string } | undefined> {
  const [buyer] = await em.query(`SELECT id FROM organizations WHERE uscc = $1`, [uscc]);
  return buyer;
}

export async function settleInvoice(em: EntityManager, id: string, settled: SettledInvoice): Promise<void> {
  await em.getRepository(InvoiceEntity).update({ id }, { ...settled, evidence: settled.evidence as never, rejectionMismatch: settled.rejectionMismatch as never });
}

// ─── Corrections ────────────────────────────────────────────────────

/** Writes a refused invoice's correction (the caller holds its row lock and checked it is refused). */
export async function correctInvoice(em: EntityManager, id: string, corrected: CorrectedInvoice): Promise<void> {
  await em.getRepository(InvoiceEntity).update({ id }, { ...corrected, evidence: [] as never, corrections: corrected.corrections as never, attachments: corrected.attachments as never });
}

/** Deletes a refused invoice that backs nothing (the caller holds its row lock and checked it). */
export async function deleteInvoice(em: EntityManager, id: string): Promise<void> {
  await em.query(`DELETE FROM invoices WHERE id = $1 AND status = 'rejected' AND receivable_id IS NULL`, [id]);
}

/** Other organizations' submissions of the same invoice (number or key) made before `inv`, not rejected, in order. */
export async function earlierSubmissionsByOthers(db: Db, inv: Invoice): Promise<{ id: string; status: Invoice["status"] }[]> {
  return db.query(
    `SELECT id, status FROM invoices
         WHERE (invoice_number = $1 OR invoice_key = $2) AND organization_id <> $3 AND status <> 'rejected'
           AND (created_at, id) < (SELECT created_at, id FROM invoices WHERE id = $4)
         ORDER BY created_at, id`,
    [inv.invoiceNumber, inv.invoiceKey, inv.organizationId, inv.id],
  );
}

/**
 * When the goods behind each certificate were delivered: the latest delivery date the carrier
 * gave for its invoices' waybills (the logistics evidence kept at verification), or, for an
 * invoice without a delivered waybill, its issue date. 国务院令第802号 counts a large enterprise's
 * 60 days to pay an SME from delivery.
 */
export async function deliveryOf(db: Db, receivableIds: string[]): Promise<Map<string, { deliveredOn: string; source: "waybill" | "invoice" }>> {
  if (receivableIds.length === 0) return new Map();
  const rows: { id: string; delivered_on: string; by_waybill: boolean }[] = await db.query(
    `WITH per_invoice AS (
       SELECT i.receivable_id, i.issue_date,
              (SELECT max((e->'answer'->>'deliveredOn')::date) FROM jsonb_array_elements(i.evidence) e
                WHERE e->>'source' = 'logistics' AND e->'answer'->>'deliveredOn' IS NOT NULL) AS delivered
         FROM invoices i WHERE i.receivable_id = ANY($1::uuid[]))
     SELECT receivable_id AS id, to_char(max(COALESCE(delivered, issue_date)), 'YYYY-MM-DD') AS delivered_on, bool_and(delivered IS NOT NULL) AS by_waybill
       FROM per_invoice GROUP BY receivable_id`,
    [receivableIds],
  );
  return new Map(rows.map((r) => [r.id, { deliveredOn: r.delivered_on, source: r.by_waybill ? "waybill" : "invoice" }]));
}
