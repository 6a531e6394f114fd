import type { DataSource, EntityManager } from "typeorm";
import { announceChange } from "../../shared/changes";
import { inTransaction } from "../../shared/transaction";
import { tell, type Telling } from "./notifications.repository";

/** What happened off the ledger that someone is to be told of: a financing request opened, a quote made, a draft made. */
export type OffLedger = { source: "request" | "quote" | "draft"; id: string };

/**
 * The tellings of something that happened off the ledger and is someone's work: a financing request
 * (the banks with a credit line on its obligor), a quote (the supplier), a draft (its
 * organization's approvers, never its drafter). Requests and quotes are told of in their own
 * transaction (tellWithin); a draft once committed, through a job the worker runs (tellOffLedger).
 */
async function tellingsOf(em: EntityManager, { source, id }: OffLedger): Promise<Telling[]> {
  const at = new Date();
  if (source === "draft") {
    const [d] = await em.query(`SELECT d.organization_id, d.created_by, u.name FROM drafts d JOIN users u ON u.id = d.created_by WHERE d.id = $1 AND d.status = 'pending'`, [id]);
    if (!d) return [];
    return [{ organizationId: d.organization_id, kind: "draft.waiting", objectId: id, params: { drafter: d.name }, exceptUserId: d.created_by, eventId: `draft:${id}`, at }];
  }
  // the request (of the quote), its certificate's figures, and for a request the banks that may quote on it
  const [r] = await em.query(
    `SELECT fr.id, fr.supplier_organization_id AS supplier, fr.obligor_organization_id AS obligor, fr.status, rc.chain_id::text AS cert, rc.amount::text AS amount, rc.currency,
            q.bank_organization_id AS bank, q.advance::text AS advance,
            (SELECT legal_name FROM organizations WHERE id = CASE WHEN q.id IS NULL THEN fr.supplier_organization_id ELSE q.bank_organization_id END) AS counterparty_name,
            (SELECT array_agg(bank_organization_id) FROM credit_lines WHERE obligor_organization_id = fr.obligor_organization_id AND limit_amount > 0) AS banks
     FROM financing_requests fr JOIN receivables rc ON rc.id = fr.receivable_id LEFT JOIN quotes q ON q.id = $2
     WHERE fr.id = coalesce((SELECT request_id FROM quotes WHERE id = $2), $1)`,
    [source === "request" ? id : null, source === "quote" ? id : null],
  );
  if (!r) return [];
  const params = { certificateId: r.cert, amount: r.amount, currency: r.currency?.trim() ?? "CNY" };
  if (source === "quote") {
    if (!r.bank) return [];
    return [{ organizationId: r.supplier, kind: "financing.quote_arrived", objectId: r.id, params: { ...params, advance: r.advance }, counterpartyId: r.bank, counterpartyName: r.counterparty_name, eventId: `quote:${id}`, at }];
  }
  if (r.status !== "open") return [];
  return ((r.banks ?? []) as string[]).map((bank) => ({ organizationId: bank, kind: "financing.to_quote", objectId: r.id, params, counterpartyId: r.supplier, counterpartyName: r.counterparty_name, eventId: `financing_request:${id}`, at }));
}

/**
 * The notifications of a financing request or quote, in the transaction that makes it (see
 * RequestsService.listen): returns the people with a new mail, to be queued once it commits.
 */
export async function tellWithin(em: EntityManager, what: OffLedger): Promise<string[]> {
  const tellings = await tellingsOf(em, what);
  if (!tellings.length) return [];
  const mails = await tell(em, tellings);
  await announceChange(em);
  return mails;
}

/** The worker's job: the notifications of a draft, and their mails queued once committed. */
export async function tellOffLedger(ds: DataSource, what: OffLedger, enqueueMail: (mailId: string) => Promise<void>): Promise<void> {
  const mails = await inTransaction(ds, async (em) => {
    const tellings = await tellingsOf(em, what);
    if (!tellings.length) return [];
    const made = await tell(em, tellings);
    await announceChange(em);
    return made;
  });
  for (const id of mails) await enqueueMail(id).catch(() => undefined); // the sweeper takes up what could not be queued
}
