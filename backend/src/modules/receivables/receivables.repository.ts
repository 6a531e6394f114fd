import { In, type DataSource, type EntityManager } from "typeorm";
import { OrganizationEntity, type Organization } from "../onboarding";
import { ReceivableEntity, type ReceivableRow } from "./receivable.entity";
import { Rows } from "../../shared/rows";
import { termOf } from "../../shared/terms";

const receivableRows = new Rows(ReceivableEntity);

/** A certificate the platform accepted and queued for the ledger (`registering` until the indexer sees it). */
export interface NewReceivable {
  id: string;
  origin: "registered" | "issued";
  obligor: string;
  creditor: string;
  amount: bigint;
  maturity: Date;
  root: string;
  keys: string[];
  operationId: bigint;
}

/** A change on its way to the ledger ({@link changeInFlightSql}): the operation's id. */
export interface InFlightRow {
  id: string;
}

/** An offered certificate as the offers inbox shows it: the certificate, who is party to the offer, and its term. */
/** The inbox's term facts: the same rule (China's calendar) as the quote's review and the feed. */
const termFacts = (issuedAt: Date, maturity: Date) => {
  const t = termOf(issuedAt, maturity);
  return { termDays: t.termDays, beyondSixMonths: t.longTerm };
};

export interface OfferRow {
  receivable: ReceivableRow;
  obligor: { id: string; name: string; uscc: string; paused: boolean };
  from: { id: string; name: string | null };
  to: { id: string; name: string | null };
  /** When the certificate's original was created on the platform: its term runs from then to maturity. */
  issuedAt: Date;
  termDays: number;
  /** The term is longer than six months (77号文: a funding bank records its review). */
  beyondSixMonths: boolean;
}

/** What an obligor owes one holder on one day (China Standard Time). */
export interface PayableRow {
  day: string;
  holder_organization_id: string;
  legal_name: string;
  amount: string;
  count: number;
}

/**
 * SQL for a change on its way to the ledger on one of the certificates `ids` (an SQL uuid[]), of
 * one of `kinds` (an SQL text[]; NULL: any): not yet mined, or mined in a block the indexer has not
 * projected into the certificate yet. Its one column is the operation's id; at most one row.
 */
export const changeInFlightSql = (ids: string, kinds: string) =>
  `SELECT o.id::text AS id FROM receivables r JOIN outbox o ON o.id = r.operation_id LEFT JOIN ledger_transactions t ON t.id = o.ledger_tx_id
   WHERE r.id = ANY(${ids}) AND (${kinds} IS NULL OR o.kind = ANY(${kinds}))
     AND (o.status IN ('pending', 'submitted') OR (o.status = 'mined' AND (r.chain_block IS NULL OR t.block_number > r.chain_block)))
   LIMIT 1`;

/**
 * Records on certificates the operation now on its way to the ledger for them (a financing, a
 * default, a recourse claim, a settlement), so that a later change waits for it (see
 * `changeInFlightSql`). `settleAttempt` stamps when the keeper tried to collect them instead of when the row changed
 * (a collection attempt is not a change of the certificate).
 */
export async function recordOperation(em: EntityManager, receivableIds: string[], operationId: bigint | string, o: { settleAttempt?: boolean } = {}): Promise<void> {
  await em.query(
    `UPDATE receivables SET operation_id = $2, ${o.settleAttempt ? "settle_attempted_at" : "updated_at"} = now() WHERE id = ANY($1::uuid[])`,
    [receivableIds, operationId.toString()],
  );
}

/**
 * The receivables module's queries. The hot paths (creation, changes, visibility) are plain SQL
 * hydrated by `Rows`; `em` is the caller's transaction where the statement belongs in one.
 */
export class ReceivablesRepository {
  constructor(private readonly ds: DataSource) {}

  // ─── receivables: writes ──────────────────────────────────────────

  /** Every certificate in one statement (TypeORM's save would read each one first, then insert it). */
  async insertRegistering(em: EntityManager, rows: NewReceivable[]): Promise<ReceivableRow[]> {
    const values: unknown[] = [];
    const tuples = rows.map((r) => {
      const at = values.length;
      values.push(r.id, r.origin, r.obligor, r.creditor, r.amount.toString(), r.maturity, r.root, r.keys, r.operationId.toString());
      const $ = (k: number) => `$${at + k}`;
      return `(${$(1)}::uuid, ${$(2)}, ${$(3)}::uuid, ${$(4)}::uuid, ${$(4)}::uuid, ${$(5)}::bigint, 'CNY', ${$(6)}::timestamptz, 'registering', 0, ${$(7)}, ${$(8)}::text[], ${$(9)}::bigint, ${$(9)}::bigint, false, 0, 0, 0, 0)`;
    });
    const inserted: Record<string, unknown>[] = await em.query(
      `INSERT INTO receivables (id, origin, obligor_organization_id, creditor_organization_id, holder_organization_id, amount, currency, maturity, status, tier,
                                invoices_root, invoice_keys, operation_id, registration_operation_id, recourse, repaid, recovered, paid_to_bank, paid_to_holder)
       VALUES ${tuples.join(", ")} RETURNING *`,
      values,
    );
    return inserted.map((r) => receivableRows.from(em, r));
  }

  // ─── receivables: reads ───────────────────────────────────────────

  /** The certificates among `ids` that exist, by id (locked if asked, in id order). */
  async byIds(em: EntityManager, ids: string[], lock: boolean): Promise<ReceivableRow[]> {
    const raw: Record<string, unknown>[] = await em.query(`SELECT * FROM receivables WHERE id = ANY($1::uuid[]) ORDER BY id ${lock ? "FOR UPDATE" : ""}`, [ids]);
    return raw.map((r) => receivableRows.from(em, r));
  }

  /** A change of any kind on its way to the ledger on one of `ids`, if any (ask with them locked). */
  async changeInFlight(em: EntityManager, ids: string[]): Promise<InFlightRow | undefined> {
    const inFlight: InFlightRow[] = await em.query(changeInFlightSql("$1::uuid[]", "$2::text[]"), [ids, null]);
    return inFlight[0];
  }

  /** The id of the original a certificate was split from (itself if it is one). */
  async rootOf(id: string): Promise<string> {
    const [root] = await this.ds.query(
      `WITH RECURSIVE up AS (SELECT id, parent_id FROM receivables WHERE id = $1
         UNION ALL SELECT r.id, r.parent_id FROM receivables r JOIN up ON r.id = up.parent_id)
       SELECT id FROM up WHERE parent_id IS NULL`,
      [id],
    );
    return root.id;
  }

  /** An original and every certificate split from it, at every tier. */
  async family(rootId: string): Promise<ReceivableRow[]> {
    return this.ds.getRepository(ReceivableEntity).query(
      `WITH RECURSIVE down AS (SELECT * FROM receivables WHERE id = $1 UNION ALL SELECT r.* FROM receivables r JOIN down ON r.parent_id = down.id)
       SELECT id FROM down`,
      [rootId],
    ).then((rows: { id: string }[]) => this.ds.getRepository(ReceivableEntity).findBy({ id: In(rows.map((r) => r.id)) }));
  }

  /** A page of certificates in id order: the ones `party` (a column of the certificate) names `me` in, or all of them. */
  async list(q: { party: "holder" | "obligor" | "creditor" | null; me: string; statuses?: string[]; limit: number; after?: string }): Promise<ReceivableRow[]> {
    const qb = this.ds.getRepository(ReceivableEntity).createQueryBuilder("r").orderBy("r.id").limit(q.limit);
    if (q.party) {
      const column = { holder: "holder_organization_id", obligor: "obligor_organization_id", creditor: "creditor_organization_id" }[q.party];
      qb.where(`r.${column} = :me`, { me: q.me });
    }
    if (q.statuses) qb.andWhere("r.status IN (:...statuses)", { statuses: q.statuses });
    if (q.after) qb.andWhere("r.id > :after", { after: q.after });
    return qb.getMany();
  }

  /**
   * A page of offered certificates (in id order) to `me` (incoming) or from `me` (outgoing), each
   * with its obligor (and whether it is paused), the offer's parties and the certificate's term
   * (from its original's creation to maturity).
   */
  async offers(em: EntityManager, q: { direction: "incoming" | "outgoing"; me: string; limit: number; after: string | null }): Promise<OfferRow[]> {
    const column = q.direction === "incoming" ? "offer_to_organization_id" : "offer_from_organization_id";
    const raw: Record<string, unknown>[] = await em.query(
      `WITH RECURSIVE page AS (
         SELECT r.* FROM receivables r WHERE r.status = 'offered' AND r.${column} = $1 AND ($2::uuid IS NULL OR r.id > $2) ORDER BY r.id LIMIT $3
       ), up AS (
         SELECT p.id AS start, p.parent_id, p.created_at FROM page p
         UNION ALL SELECT up.start, a.parent_id, a.created_at FROM up JOIN receivables a ON a.id = up.parent_id
       )
       SELECT ${receivableRows.select(em, "page", "r_")}, root.created_at AS issued_at,
              o.legal_name AS obligor_name, o.uscc AS obligor_uscc, coalesce(s.paused, false) AS obligor_paused, f.legal_name AS from_name, t.legal_name AS to_name
       FROM page JOIN up root ON root.start = page.id AND root.parent_id IS NULL
       JOIN organizations o ON o.id = page.obligor_organization_id
       LEFT JOIN obligor_standings s ON s.organization_id = page.obligor_organization_id
       LEFT JOIN organizations f ON f.id = page.offer_from_organization_id
       LEFT JOIN organizations t ON t.id = page.offer_to_organization_id
       ORDER BY page.id`,
      [q.me, q.after, q.limit],
    );
    return raw.map((x) => {
      const receivable = receivableRows.from(em, x, "r_");
      return {
        receivable,
        obligor: { id: receivable.obligorOrganizationId, name: x.obligor_name as string, uscc: (x.obligor_uscc as string).trim(), paused: x.obligor_paused as boolean },
        from: { id: receivable.offerFromOrganizationId!, name: (x.from_name as string | null) ?? null },
        to: { id: receivable.offerToOrganizationId!, name: (x.to_name as string | null) ?? null },
        issuedAt: x.issued_at as Date,
        ...termFacts(x.issued_at as Date, receivable.maturity),
      };
    });
  }

  /**
   * What the obligor owes on Confirmed, Financed and Overdue certificates falling due in [from, to],
   * by day and holder; and on offered ones (an issued certificate its supplier has yet to accept, a
   * transfer its receiver has yet to accept: owed to their holder as they stand).
   */
  async payables(obligorId: string, from: string | null, to: string | null): Promise<PayableRow[]> {
    return this.ds.query(
      `SELECT to_char(r.maturity AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS day, r.holder_organization_id, o.legal_name,
              sum(r.amount - r.repaid)::text AS amount, count(*)::int AS count
       FROM receivables r JOIN organizations o ON o.id = r.holder_organization_id
       WHERE r.obligor_organization_id = $1 AND r.status IN ('confirmed', 'financed', 'overdue', 'offered')
         AND ($2::date IS NULL OR (r.maturity AT TIME ZONE 'Asia/Shanghai')::date >= $2::date)
         AND ($3::date IS NULL OR (r.maturity AT TIME ZONE 'Asia/Shanghai')::date <= $3::date)
       GROUP BY 1, 2, 3 ORDER BY 1, 4 DESC`,
      [obligorId, from, to],
    );
  }

  // ─── organizations (onboarding's, read) ───────────────────────────

  async organizations(ids: string[]): Promise<Organization[]> {
    return this.ds.getRepository(OrganizationEntity).findBy({ id: In(ids) });
  }
}
