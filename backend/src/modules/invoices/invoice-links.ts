import type { EntityManager } from "typeorm";

/**
 * Which certificate an invoice backs, written for the modules that create and close certificates
 * (the invoices module owns the table; these are its writes on their behalf).
 */

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
