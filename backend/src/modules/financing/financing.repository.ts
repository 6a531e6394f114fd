/**
 * The financing module's statements: its own tables (credit_lines, financing_requests, quotes,
 * financings) and what it reads of others' (receivables, organizations, outbox, ledger keys).
 * Plain SQL where a path reads several tables in one statement; rows come back as entities.
 */
import { In, type EntityManager } from "typeorm";
import { rowsOf } from "../../shared/db-types";
import { Rows } from "../../shared/rows";
import { LedgerKeyEntity, type LedgerKey } from "../../ledger/ledger.entity";
import { OrganizationEntity, type Organization } from "../onboarding";
import { ReceivableEntity, type ReceivableRow, changeInFlightSql } from "../receivables";
import { CreditLineEntity, FinancingEntity, FinancingRequestEntity, QuoteEntity, type CreditLine, type Financing, type FinancingRequest, type Quote } from "./financing.entity";
import type { LineAmounts, PartyStanding, QuoteInput } from "./financing.rules";
import type { LineTerm } from "./credit-line-term";

const receivableRows = new Rows(ReceivableEntity);
const requestRows = new Rows(FinancingRequestEntity);
const quoteRows = new Rows(QuoteEntity);
const financingRows = new Rows(FinancingEntity);
const organizationRows = new Rows(OrganizationEntity);
const keyRows = new Rows(LedgerKeyEntity);

/** A credit_lines row's amounts as plain SQL returns them. */
interface CreditLineSql {
  limit_amount: string;
  used: string;
  requested_limit: string | null;
  /** The term as text (`termSql`): pg would make a date column a Date at local midnight. */
  term_from?: string | null;
  term_until?: string | null;
}
const amountsOf = (c: CreditLineSql): LineAmounts => ({ limitAmount: BigInt(c.limit_amount), used: BigInt(c.used), requestedLimit: c.requested_limit === null ? null : BigInt(c.requested_limit) });
const termOf = (c: CreditLineSql): LineTerm => ({ validFrom: c.term_from ?? null, validUntil: c.term_until ?? null });
/** The term columns of credit line `c`, as `termOf` reads them. */
const termSql = (c: string) => `${c}.valid_from::text AS term_from, ${c}.valid_until::text AS term_until`;

/** SQL for what accepted financings still being funded (registry check, submitting) owe `bank` under its line on `obligor`. */
const committedSql = (bank: string, obligor: string) =>
  `(SELECT COALESCE(sum(f.due), 0) FROM financings f JOIN receivables r ON r.id = f.receivable_id
    WHERE f.bank_organization_id = ${bank} AND r.obligor_organization_id = ${obligor} AND f.status IN ('registry_check', 'submitting'))`;

// ─── Credit lines ─────────────────────────────────────────────────────

/** The bank's line on the obligor, locked; a new (unsaved) one at nothing if it has none. */
export async function lockCreditLine(em: EntityManager, bankId: string, obligorId: string): Promise<CreditLine> {
  const repo = em.getRepository(CreditLineEntity);
  return (
    (await repo.findOne({ where: { bankOrganizationId: bankId, obligorOrganizationId: obligorId }, lock: { mode: "pessimistic_write" } })) ??
    repo.create({ bankOrganizationId: bankId, obligorOrganizationId: obligorId, limitAmount: 0n, used: 0n })
  );
}

export async function saveCreditLine(em: EntityManager, line: CreditLine): Promise<void> {
  await em.getRepository(CreditLineEntity).save(line);
}

/** What accepted financings not yet funded on the ledger (registry check, submitting) owe the bank under its line on the obligor. */
export async function committedOn(em: EntityManager, bankId: string, obligorId: string): Promise<bigint> {
  const [{ committed }] = await em.query(`SELECT ${committedSql("$1", "$2")}::text AS committed`, [bankId, obligorId]);
  return BigInt(committed);
}

/** The allowance `owner` has given `spender` on the settlement token, as last projected (null: none). */
export async function tokenAllowance(em: EntityManager, owner: string, spender: string): Promise<bigint | null> {
  const [allowance] = await em.query(`SELECT amount FROM token_allowances WHERE owner = $1 AND spender = $2`, [owner, spender]);
  return allowance ? BigInt(allowance.amount) : null;
}

/** Whether an approval of the ledger by `signer` is on its way. */
export async function ledgerApprovalPending(em: EntityManager, signer: string): Promise<boolean> {
  const pending = await em.query(`SELECT 1 FROM outbox WHERE kind = 'token.approveLedger' AND signer = $1 AND status IN ('pending', 'submitted')`, [signer]);
  return pending.length > 0;
}

/** Credit lines with their parties' names and what they commit: all, or those of one bank or obligor. */
export async function creditLinesOf(em: EntityManager, of: { bank: string } | { obligor: string } | "all") {
  const where = of === "all" ? "TRUE" : `${"bank" in of ? "bank_organization_id" : "obligor_organization_id"} = $1`;
  const rows: (CreditLineSql & { bank_organization_id: string; obligor_organization_id: string; bank_name: string; obligor_name: string; committed: string })[] = await em.query(
    `SELECT c.*, ${termSql("c")}, b.legal_name AS bank_name, o.legal_name AS obligor_name,
            ${committedSql("c.bank_organization_id", "c.obligor_organization_id")} AS committed
     FROM credit_lines c JOIN organizations b ON b.id = c.bank_organization_id JOIN organizations o ON o.id = c.obligor_organization_id
     WHERE ${where} ORDER BY b.legal_name, o.legal_name`,
    of === "all" ? [] : ["bank" in of ? of.bank : of.obligor],
  );
  return rows.map((c) => ({ bankId: c.bank_organization_id, bankName: c.bank_name, obligorId: c.obligor_organization_id, obligorName: c.obligor_name, line: amountsOf(c), term: termOf(c), committed: BigInt(c.committed) }));
}

/** Whether the bank has a line with a limit on the obligor. */
export async function hasLine(em: EntityManager, bankId: string, obligorId: string): Promise<boolean> {
  return em.getRepository(CreditLineEntity).exists({ where: { bankOrganizationId: bankId, obligorOrganizationId: obligorId } }).then(async (exists) => {
    if (!exists) return false;
    const line = await em.getRepository(CreditLineEntity).findOneByOrFail({ bankOrganizationId: bankId, obligorOrganizationId: obligorId });
    return line.limitAmount > 0n;
  });
}

/** The bank's line on the obligor, locked, with its term (null: none). */
export async function lockLineAmounts(em: EntityManager, bankId: string, obligorId: string): Promise<(LineAmounts & { term: LineTerm }) | null> {
  const [line]: CreditLineSql[] = await em.query(
    `SELECT limit_amount, used, requested_limit, ${termSql("credit_lines")} FROM credit_lines WHERE bank_organization_id = $1 AND obligor_organization_id = $2 FOR UPDATE`,
    [bankId, obligorId],
  );
  return line ? { ...amountsOf(line), term: termOf(line) } : null;
}

// ─── Certificates and organizations (read) ────────────────────────────

export async function lockReceivable(em: EntityManager, id: string): Promise<ReceivableRow | null> {
  const [locked] = await em.query(`SELECT * FROM receivables WHERE id = $1 FOR UPDATE`, [id]);
  return locked ? receivableRows.from(em, locked) : null;
}

export async function receivableById(em: EntityManager, id: string): Promise<ReceivableRow> {
  return em.getRepository(ReceivableEntity).findOneByOrFail({ id });
}

export async function receivablesByIds(em: EntityManager, ids: string[]): Promise<Map<string, ReceivableRow>> {
  return new Map((await em.getRepository(ReceivableEntity).findBy({ id: In(ids) })).map((r) => [r.id, r]));
}

/** The invoice keys behind a certificate: a split part's are its original's. */
/** When the certificate's original was issued or registered: its own creation, or its root's for a split part (one more statement only then). */
export async function issuedAt(em: EntityManager, r: Pick<ReceivableRow, "id" | "parentId" | "createdAt">): Promise<Date> {
  if (r.parentId === null) return r.createdAt;
  const [root] = await em.query(
    `WITH RECURSIVE up AS (SELECT id, parent_id, created_at FROM receivables WHERE id = $1
       UNION ALL SELECT p.id, p.parent_id, p.created_at FROM receivables p JOIN up ON p.id = up.parent_id)
     SELECT created_at FROM up WHERE parent_id IS NULL`,
    [r.id],
  );
  return root.created_at;
}

export async function rootInvoiceKeys(em: EntityManager, receivableId: string): Promise<string[]> {
  const [root] = await em.query(
    `WITH RECURSIVE up AS (SELECT id, parent_id, invoice_keys FROM receivables WHERE id = $1
       UNION ALL SELECT p.id, p.parent_id, p.invoice_keys FROM receivables p JOIN up ON p.id = up.parent_id)
     SELECT invoice_keys FROM up WHERE parent_id IS NULL`,
    [receivableId],
  );
  return root.invoice_keys;
}

/** Whether one of the two certificates is the other or descends from it. */
export async function sameLineage(em: EntityManager, a: string, b: string): Promise<boolean> {
  const [related] = await em.query(
    `WITH RECURSIVE up_a AS (SELECT id, parent_id FROM receivables WHERE id = $1 UNION ALL SELECT r.id, r.parent_id FROM receivables r JOIN up_a ON r.id = up_a.parent_id),
                    up_b AS (SELECT id, parent_id FROM receivables WHERE id = $2 UNION ALL SELECT r.id, r.parent_id FROM receivables r JOIN up_b ON r.id = up_b.parent_id)
     SELECT (EXISTS (SELECT 1 FROM up_a WHERE id = $2) OR EXISTS (SELECT 1 FROM up_b WHERE id = $1)) AS overlap`,
    [a, b],
  );
  return related.overlap === true;
}

export async function organizationById(em: EntityManager, id: string): Promise<Organization> {
  return em.getRepository(OrganizationEntity).findOneByOrFail({ id });
}

export async function organizationsByIds(em: EntityManager, ids: string[]): Promise<Organization[]> {
  return em.getRepository(OrganizationEntity).findBy({ id: In(ids) });
}

/** Organizations' standing: status, and whether a suspension is on its way to the ledger. */
export async function partyStandings(em: EntityManager, ids: string[]): Promise<PartyStanding[]> {
  const rows: { id: string; legal_name: string; status: Organization["status"]; suspending: boolean }[] = await em.query(
    `SELECT o.id, o.legal_name, o.status,
            EXISTS (SELECT 1 FROM outbox x WHERE x.aggregate_id = o.id::text AND x.kind = 'membership.suspend' AND x.status IN ('pending', 'submitted')) AS suspending
     FROM organizations o WHERE o.id = ANY($1::uuid[])`,
    [ids],
  );
  return rows.map((o) => ({ id: o.id, legalName: o.legal_name, status: o.status, suspending: o.suspending }));
}

// ─── Requests ─────────────────────────────────────────────────────────

/**
 * A new open request for the certificate (locked by the caller), in one statement: stored unless a
 * split or transfer is on its way (it would take the certificate from its holder; a confirmation
 * the indexer has already shown may still read "submitted" in the outbox after a worker crash) or
 * the certificate already has a live request. Answers which of the two stood in the way, or the request.
 */
export async function insertRequestUnlessBusy(em: EntityManager, receivableId: string, supplierId: string, obligorId: string) {
  const [row] = await em.query(
    `WITH in_flight AS (${changeInFlightSql("ARRAY[$1::uuid]", "ARRAY['ledger.split', 'ledger.transfer']")}),
          live AS (SELECT id FROM financing_requests WHERE receivable_id = $1 AND status IN ('open', 'accepted') LIMIT 1),
          created AS (
            INSERT INTO financing_requests (receivable_id, supplier_organization_id, obligor_organization_id, status)
            SELECT $1::uuid, $2::uuid, $3::uuid, 'open' WHERE NOT EXISTS (SELECT 1 FROM in_flight) AND NOT EXISTS (SELECT 1 FROM live)
            RETURNING *)
     SELECT (SELECT id FROM in_flight) AS in_flight_id, (SELECT id FROM live) AS live_id, ${requestRows.select(em, "created", "c_")}
     FROM (SELECT 1) one LEFT JOIN created ON true`,
    [receivableId, supplierId, obligorId],
  );
  return { inFlightId: row.in_flight_id as string | null, liveId: row.live_id as string | null, created: requestRows.fromJoined(em, row, "c_") };
}

export async function findRequest(em: EntityManager, id: string, lock = false): Promise<FinancingRequest | null> {
  return em.getRepository(FinancingRequestEntity).findOne({ where: { id }, ...(lock ? { lock: { mode: "pessimistic_write" as const } } : {}) });
}

/** The request, locked, in plain SQL (the quoting path). */
export async function lockRequestRow(em: EntityManager, id: string): Promise<FinancingRequest | null> {
  const [locked] = await em.query(`SELECT * FROM financing_requests WHERE id = $1 FOR UPDATE`, [id]);
  return locked ? requestRows.from(em, locked) : null;
}

export async function saveRequest(em: EntityManager, request: FinancingRequest): Promise<FinancingRequest> {
  return em.getRepository(FinancingRequestEntity).save(request);
}

/** Requests newest first (at most 500) of `statuses`: all, a supplier's, or those on obligors the bank has a line with a limit on. */
export async function requestsOf(em: EntityManager, of: { supplier: string } | { bank: string } | "all", statuses: string[]): Promise<FinancingRequest[]> {
  const repo = em.getRepository(FinancingRequestEntity);
  if (of === "all") return repo.find({ where: { status: In(statuses) }, order: { createdAt: "DESC" }, take: 500 });
  if ("bank" in of) {
    return repo
      .createQueryBuilder("f")
      .innerJoin("credit_lines", "c", "c.obligor_organization_id = f.obligor_organization_id AND c.bank_organization_id = :bank AND c.limit_amount > 0", { bank: of.bank })
      .where("f.status IN (:...statuses)", { statuses })
      .orderBy("f.created_at", "DESC")
      .limit(500)
      .getMany();
  }
  return repo.find({ where: { supplierOrganizationId: of.supplier, status: In(statuses) }, order: { createdAt: "DESC" }, take: 500 });
}

/** The live (open or accepted) request on one of the certificates, if any. */
export async function liveRequestOn(em: EntityManager, receivableIds: string[]): Promise<FinancingRequest | null> {
  return em.getRepository(FinancingRequestEntity).findOneBy({ receivableId: In(receivableIds), status: In(["open", "accepted"]) });
}

// ─── Quotes ───────────────────────────────────────────────────────────

/**
 * What quoting on a request reads after its lock, in one statement: the certificate, the bank's
 * line on its obligor (null: none) with what accepted financings commit on it, and the status of
 * the bank's quote on the request (the unique key allows one). Null: no such certificate.
 */
export async function quotingReads(em: EntityManager, receivableId: string, bankId: string, requestId: string) {
  const [x] = await em.query(
    `SELECT ${receivableRows.select(em, "r", "r_")}, c.limit_amount, c.used, c.requested_limit, ${termSql("c")},
            ${committedSql("$2", "r.obligor_organization_id")}::text AS committed,
            (SELECT status FROM quotes WHERE request_id = $3 AND bank_organization_id = $2 ORDER BY status IN ('open', 'accepted') DESC LIMIT 1) AS my_quote
     FROM receivables r LEFT JOIN credit_lines c ON c.bank_organization_id = $2 AND c.obligor_organization_id = r.obligor_organization_id
     WHERE r.id = $1`,
    [receivableId, bankId, requestId],
  );
  if (!x) return null;
  return { receivable: receivableRows.from(em, x, "r_"), line: x.limit_amount !== null ? amountsOf(x) : null, term: termOf(x), committed: BigInt(x.committed), myQuote: x.my_quote as Quote["status"] | null };
}

/** Drops the bank's withdrawn or closed quotes on the request, except one a financing was made from (its history). */
export async function deleteSupersededQuotes(em: EntityManager, requestId: string, bankId: string): Promise<void> {
  await em.query(
    `DELETE FROM quotes q WHERE request_id = $1 AND bank_organization_id = $2 AND status IN ('withdrawn', 'closed')
       AND NOT EXISTS (SELECT 1 FROM financings f WHERE f.quote_id = q.id)`,
    [requestId, bankId],
  );
}

export async function insertQuote(
  em: EntityManager,
  q: Pick<QuoteInput, "annualRateBp" | "dayCount" | "fee" | "recourse" | "validUntil" | "reasonablenessReview"> & { requestId: string; bankId: string; advance: bigint; days: number; interest: bigint; due: bigint },
): Promise<Quote> {
  const [created] = await em.query(
    `INSERT INTO quotes (request_id, bank_organization_id, advance, annual_rate_bp, day_count, fee, days, interest, due, recourse, valid_until, reasonableness_review, status)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'open') RETURNING *`,
    [q.requestId, q.bankId, q.advance.toString(), q.annualRateBp, q.dayCount, q.fee.toString(), q.days, q.interest.toString(), q.due.toString(), q.recourse, q.validUntil, q.reasonablenessReview ? JSON.stringify(q.reasonablenessReview) : null],
  );
  return quoteRows.from(em, created);
}

export async function findQuote(em: EntityManager, id: string): Promise<Quote | null> {
  return em.getRepository(QuoteEntity).findOneBy({ id });
}

export async function lockQuote(em: EntityManager, id: string): Promise<Quote> {
  return em.getRepository(QuoteEntity).findOneOrFail({ where: { id }, lock: { mode: "pessimistic_write" } });
}

export async function saveQuote(em: EntityManager, quote: Quote): Promise<Quote> {
  return em.getRepository(QuoteEntity).save(quote);
}

/** Locks every quote of a request, in id order (the lock order's second step). */
export async function lockQuotes(em: EntityManager, requestId: string): Promise<Quote[]> {
  return em.getRepository(QuoteEntity).find({ where: { requestId }, order: { id: "ASC" }, lock: { mode: "pessimistic_write" } });
}

export async function closeOpenQuotes(em: EntityManager, requestId: string): Promise<void> {
  await em.getRepository(QuoteEntity).update({ requestId, status: "open" }, { status: "closed" });
}

/** The request's quotes: all, or one bank's. */
export async function quotesOn(em: EntityManager, requestId: string, bankId?: string): Promise<Quote[]> {
  return em.getRepository(QuoteEntity).find({ where: bankId === undefined ? { requestId } : { requestId, bankOrganizationId: bankId } });
}

/** Which of `quoteIds` are the bank's. */
export async function ownQuoteIds(em: EntityManager, quoteIds: string[], bankId: string): Promise<Set<string>> {
  return new Set(quoteIds.length ? (await em.getRepository(QuoteEntity).findBy({ id: In(quoteIds), bankOrganizationId: bankId })).map((q) => q.id) : []);
}

// ─── Acceptance ───────────────────────────────────────────────────────

/** The request a quote is on (a quote never changes request), locked with `lock`. */
export async function requestOfQuote(em: EntityManager, quoteId: string, lock: boolean): Promise<FinancingRequest | null> {
  const [requestRow] = await em.query(`SELECT * FROM financing_requests WHERE id = (SELECT request_id FROM quotes WHERE id = $1) ${lock ? "FOR UPDATE" : ""}`, [quoteId]);
  return requestRow ? requestRows.from(em, requestRow) : null;
}

/** All quotes of the request, locked in id order, in plain SQL (the acceptance path). */
export async function lockQuoteRows(em: EntityManager, requestId: string): Promise<Quote[]> {
  const rows: Record<string, unknown>[] = await em.query(`SELECT * FROM quotes WHERE request_id = $1 ORDER BY id FOR UPDATE`, [requestId]);
  return rows.map((q) => quoteRows.from(em, q));
}

/** The quote, in plain SQL (the acceptance path), as a list of it or nothing. */
export async function quoteRowsById(em: EntityManager, quoteId: string): Promise<Quote[]> {
  const rows: Record<string, unknown>[] = await em.query(`SELECT * FROM quotes WHERE id = $1`, [quoteId]);
  return rows.map((q) => quoteRows.from(em, q));
}

/** The certificate (locked with `lock`) and the bank (read as it is); null: either is missing. */
export async function receivableAndBank(em: EntityManager, receivableId: string, bankId: string, lock: boolean): Promise<{ receivable: ReceivableRow; bank: Organization } | null> {
  const [x] = await em.query(
    `SELECT ${receivableRows.select(em, "r", "r_")}, ${organizationRows.select(em, "b", "b_")} FROM receivables r, organizations b WHERE r.id = $1 AND b.id = $2 ${lock ? "FOR UPDATE OF r" : ""}`,
    [receivableId, bankId],
  );
  return x ? { receivable: receivableRows.from(em, x, "r_"), bank: organizationRows.from(em, x, "b_") } : null;
}

/**
 * What an acceptance reads after locking the line, in one statement: what accepted financings
 * commit on the bank's line on the obligor, the newest deployment (null: none) and the supplier's
 * custodial key (null: none).
 */
export async function acceptanceReads(em: EntityManager, bankId: string, obligorId: string, supplierAddress: string) {
  const [y] = await em.query(
    `SELECT ${committedSql("$1", "$2")}::text AS committed, d.chain_id::text AS chain_id, d.ledger, ${keyRows.select(em, "k", "k_")}
     FROM (SELECT 1) one LEFT JOIN (SELECT chain_id, ledger FROM ledger_deployments ORDER BY id DESC LIMIT 1) d ON true
          LEFT JOIN ledger_keys k ON k.address = $3`,
    [bankId, obligorId, supplierAddress],
  );
  const key: LedgerKey | null = keyRows.fromJoined(em, y, "k_");
  return { committed: BigInt(y.committed), deployment: y.chain_id === null ? null : { chainId: BigInt(y.chain_id), ledger: y.ledger as string }, key };
}

/**
 * The acceptance in one statement: the quote accepted and the request's other open quotes closed,
 * the request accepted, and the financing (status registry_check). Null: the request or quote was
 * not updated.
 */
export async function insertFinancing(
  em: EntityManager,
  f: Pick<Financing, "id" | "requestId" | "quoteId" | "receivableId" | "bankOrganizationId" | "supplierOrganizationId" | "advance" | "due" | "recourse" | "terms" | "signature">,
): Promise<Financing | null> {
  const [created] = await em.query(
    `WITH quotes_done AS (
       UPDATE quotes SET status = CASE WHEN id = $2 THEN 'accepted' ELSE 'closed' END WHERE request_id = $1 AND (id = $2 OR status = 'open') RETURNING id),
     request_done AS (
       UPDATE financing_requests SET status = 'accepted', accepted_quote_id = $2, financing_id = $3, updated_at = now() WHERE id = $1 RETURNING id)
     INSERT INTO financings (id, request_id, quote_id, receivable_id, bank_organization_id, supplier_organization_id, advance, due, recourse, terms, signature, status)
     SELECT $3::uuid, $1::uuid, $2::uuid, $4::uuid, $5::uuid, $6::uuid, $7::numeric, $8::numeric, $9::boolean, $10::jsonb, $11::text, 'registry_check' FROM request_done WHERE (SELECT count(*) FROM quotes_done) > 0
     RETURNING *`,
    [f.requestId, f.quoteId, f.id, f.receivableId, f.bankOrganizationId, f.supplierOrganizationId, f.advance.toString(), f.due.toString(), f.recourse, JSON.stringify(f.terms), f.signature],
  );
  return created ? financingRows.from(em, created) : null;
}

// ─── Financings ───────────────────────────────────────────────────────

export async function findFinancing(em: EntityManager, id: string): Promise<Financing | null> {
  return em.getRepository(FinancingEntity).findOneBy({ id });
}

/** Financings by id, in plain SQL (the coalesced read of waiting requests). */
export async function financingsByIds(em: EntityManager, ids: string[]): Promise<Map<string, Financing>> {
  const rows: Record<string, unknown>[] = await em.query(`SELECT * FROM financings WHERE id = ANY($1::uuid[])`, [ids]);
  return new Map(rows.map((r) => [r.id as string, financingRows.from(em, r)]));
}

/** Financings newest first (at most 1,000): all, a bank's or a supplier's. */
export async function financingsOf(em: EntityManager, of: { bank: string } | { supplier: string } | "all"): Promise<Financing[]> {
  const where = of === "all" ? {} : "bank" in of ? { bankOrganizationId: of.bank } : { supplierOrganizationId: of.supplier };
  return em.getRepository(FinancingEntity).find({ where, order: { acceptedAt: "DESC" }, take: 1000 });
}

/** The financing goes from the registry check to the ledger: its filing and its operation. */
export async function markSubmitting(em: EntityManager, id: string, registrationId: string, operationId: bigint): Promise<void> {
  await em.getRepository(FinancingEntity).update({ id, status: "registry_check" }, { status: "submitting", registryRegistrationId: registrationId, operationId });
}

/** The certificate of a financing that has not failed with id `reference` (undefined: none). */
export async function liveFinancingReceivable(em: EntityManager, reference: string): Promise<string | undefined> {
  const [own] = await em.query(`SELECT receivable_id FROM financings WHERE id::text = $1 AND status <> 'failed'`, [reference]);
  return own?.receivable_id;
}

/** Whether `reference` is the id of a financing of the platform (failed or not). */
export async function isFinancingId(em: EntityManager, reference: string): Promise<boolean> {
  return (await em.query(`SELECT 1 FROM financings WHERE id::text = $1`, [reference])).length > 0;
}

/**
 * Financings that will never be funded: each fails with its reason (both parties read it on the
 * financing), which releases what it committed on the bank's line (only live financings count),
 * and its request reopens with the quotes its acceptance closed, so the holder can accept another
 * or cancel. The quote accepted is closed: its bank may quote again.
 */
export async function abandonFunding(em: EntityManager, financingIds: string[], code: string, reason: string): Promise<void> {
  const failed: { id: string; request_id: string; quote_id: string }[] = rowsOf(
    await em.query(
      `UPDATE financings SET status = 'failed', failure_code = $2, failure_reason = $3, updated_at = now()
       WHERE id = ANY($1::uuid[]) AND status IN ('registry_check', 'submitting') RETURNING id, request_id, quote_id`,
      [financingIds, code, reason],
    ),
  );
  if (!failed.length) return;
  await em.query(
    `UPDATE financing_requests SET status = 'open', accepted_quote_id = NULL, financing_id = NULL, updated_at = now()
     WHERE id = ANY($1::uuid[]) AND status = 'accepted'`,
    [failed.map((f) => f.request_id)],
  );
  await em.query(`UPDATE quotes SET status = 'closed' WHERE id = ANY($1::uuid[]) AND status = 'accepted'`, [failed.map((f) => f.quote_id)]);
  await em.query(
    `UPDATE quotes q SET status = 'open' FROM organizations b
     WHERE q.request_id = ANY($1::uuid[]) AND q.id <> ALL($2::uuid[]) AND q.status = 'closed' AND q.valid_until > now()
       AND b.id = q.bank_organization_id AND b.status = 'active'`,
    [failed.map((f) => f.request_id), failed.map((f) => f.quote_id)],
  );
}
