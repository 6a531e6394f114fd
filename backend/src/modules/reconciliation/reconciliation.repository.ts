import type { DataSource } from "typeorm";
import { rowsOf } from "../../shared/db-types";
import { OrganizationEntity, type Organization } from "../onboarding";
import type { StoredStatementLine } from "./statement-csv";

/** A statement as stored or touched by an upload. */
export interface StatementUploadRow {
  id: string;
  created_at: Date;
}

/** A statement in a bank's list of uploads (`lines`: how many). */
export interface StatementListRow {
  id: string;
  statement_date: string;
  file_sha256: string;
  created_at: Date;
  lines: number;
}

/** The statement a day's report uses, with its lines. */
export interface StatementRow {
  id: string;
  file_sha256: string;
  lines: StoredStatementLine[];
  created_at: Date;
}

/** A financing of the bank that a statement's reference may name (by itself, its receivable or its certificate). */
export interface NamedFinancingRow {
  id: string;
  status: string;
  receivable_id: string;
  chain_id: string | null;
  accepted_at: Date;
}

/** A financing in scope, with its quote, supplier and certificate (chain_* columns: the projection). */
export interface FinancingRow {
  id: string;
  status: string;
  receivable_id: string;
  advance: string;
  due: string;
  recourse: boolean;
  accepted_at: Date;
  funded_at: Date | null;
  registry_registration_id: string | null;
  failure_code: string | null;
  failure_reason: string | null;
  quote_id: string;
  annual_rate_bp: number;
  day_count: number;
  days: number;
  interest: string;
  fee: string;
  supplier_id: string;
  supplier_name: string;
  supplier_uscc: string;
  chain_id: string | null;
  chain_status: string;
  financing_bank_organization_id: string | null;
  amount: string;
  chain_due: string | null;
  chain_recourse: boolean;
  maturity: Date;
  repaid: string;
  paid_to_bank: string;
  recovered: string;
  obligor_id: string;
  obligor_name: string;
  obligor_uscc: string;
}

/** A certificate the projection shows financed by the bank, with no funded (or funding) financing of the bank's for it. */
export interface ReceivableRow {
  id: string;
  chain_id: string | null;
  status: string;
  financing_bank_organization_id: string | null;
  amount: string;
  due: string | null;
  recourse: boolean;
  maturity: Date;
  repaid: string;
  paid_to_bank: string;
  recovered: string;
  obligor_id: string;
  obligor_name: string;
  obligor_uscc: string;
  holder_id: string;
  holder_name: string;
  holder_uscc: string;
}

/** A clearing event of a certificate in the report. */
export interface ClearingRow {
  receivable_id: string;
  kind: "cleared" | "defaulted" | "recourse";
  to_bank: string;
  to_holder: string;
  outstanding: string;
  status: string;
  tx_hash: string;
  at: Date;
}

/** A credit line of the bank (or an obligor it has outstanding financings on without one), against those financings. */
export interface CreditLineRow {
  obligor_id: string;
  obligor_name: string;
  obligor_uscc: string;
  obligor_address: string | null;
  limit_amount: string | null;
  used: string | null;
  outstanding: string;
}

/**
 * The reconciliation module's reads (and its one table, `bank_statements`), as plain SQL. Other
 * modules' tables are only read here: the report sets their projection against the ledger.
 */
export class ReconciliationRepository {
  constructor(private readonly ds: DataSource) {}

  // ─── bank_statements ──────────────────────────────────────────────

  /** Stores a statement; undefined when the same file is already stored for the date. */
  async insertStatement(bankId: string, date: string, sha: string, lines: StoredStatementLine[]): Promise<StatementUploadRow | undefined> {
    const [row] = rowsOf<StatementUploadRow>(
      await this.ds.query(
        `INSERT INTO bank_statements (bank_organization_id, statement_date, file_sha256, lines) VALUES ($1, $2, $3, $4::jsonb)
         ON CONFLICT (bank_organization_id, statement_date, file_sha256) DO NOTHING RETURNING id, created_at`,
        [bankId, date, sha, JSON.stringify(lines)],
      ),
    );
    return row;
  }

  /** Makes a stored statement the latest upload of its date again. */
  async touchStatement(bankId: string, date: string, sha: string): Promise<StatementUploadRow> {
    const [row] = rowsOf<StatementUploadRow>(
      await this.ds.query(
        `UPDATE bank_statements SET created_at = now() WHERE bank_organization_id = $1 AND statement_date = $2 AND file_sha256 = $3 RETURNING id, created_at`,
        [bankId, date, sha],
      ),
    );
    return row;
  }

  /** A bank's statements, of one date or all, by date then upload, newest first (at most 500). */
  async statements(bankId: string, date: string | null): Promise<StatementListRow[]> {
    return this.ds.query(
      `SELECT id, to_char(statement_date, 'YYYY-MM-DD') AS statement_date, file_sha256, created_at, jsonb_array_length(lines) AS lines FROM bank_statements
       WHERE bank_organization_id = $1 AND ($2::date IS NULL OR statement_date = $2::date) ORDER BY statement_date DESC, created_at DESC LIMIT 500`,
      [bankId, date],
    );
  }

  /** The latest upload for the date. */
  async currentStatement(bankId: string, date: string): Promise<StatementRow | undefined> {
    const [stmt] = await this.ds.query(
      `SELECT id, file_sha256, lines, created_at FROM bank_statements WHERE bank_organization_id = $1 AND statement_date = $2 ORDER BY created_at DESC, id LIMIT 1`,
      [bankId, date],
    );
    return stmt;
  }

  // ─── what the report reads ────────────────────────────────────────

  /** The bank's financings that any of `references` names (no query for none). */
  async namedFinancings(bankId: string, references: string[]): Promise<NamedFinancingRow[]> {
    if (!references.length) return [];
    return this.ds.query(
      `SELECT f.id, f.status, f.receivable_id, r.chain_id::text AS chain_id, f.accepted_at FROM financings f JOIN receivables r ON r.id = f.receivable_id
           WHERE f.bank_organization_id = $1 AND (f.id::text = ANY($2) OR f.receivable_id::text = ANY($2) OR r.chain_id::text = ANY($2))`,
      [bankId, references],
    );
  }

  /**
   * The bank's financings accepted, funded or cleared in [from, to), still owed at `to`, or named
   * in `financingIds`: in funding order.
   */
  async financingsInScope(bankId: string, from: Date, to: Date, financingIds: string[]): Promise<FinancingRow[]> {
    return this.ds.query(
      `SELECT f.id, f.status, f.receivable_id, f.advance::text, f.due::text, f.recourse, f.accepted_at, f.funded_at, f.registry_registration_id,
         f.failure_code, f.failure_reason, q.id AS quote_id, q.annual_rate_bp, q.day_count, q.days, q.interest::text, q.fee::text,
         s.id AS supplier_id, s.legal_name AS supplier_name, s.uscc AS supplier_uscc,
         r.chain_id::text AS chain_id, r.status AS chain_status, r.financing_bank_organization_id, r.amount::text AS amount, r.due::text AS chain_due,
         r.recourse AS chain_recourse, r.maturity, r.repaid::text, r.paid_to_bank::text, r.recovered::text,
         o.id AS obligor_id, o.legal_name AS obligor_name, o.uscc AS obligor_uscc
       FROM financings f JOIN quotes q ON q.id = f.quote_id JOIN receivables r ON r.id = f.receivable_id
       JOIN organizations s ON s.id = f.supplier_organization_id JOIN organizations o ON o.id = r.obligor_organization_id
       WHERE f.bank_organization_id = $1 AND (
         (f.accepted_at >= $2 AND f.accepted_at < $3)
         OR (f.funded_at >= $2 AND f.funded_at < $3)
         OR (f.status = 'funded' AND EXISTS (SELECT 1 FROM clearing_events c WHERE c.receivable_id = f.receivable_id AND c.at >= $2 AND c.at < $3))
         OR (f.status = 'funded' AND f.funded_at < $3
             AND f.due > COALESCE((SELECT sum(c.to_bank) FROM clearing_events c WHERE c.receivable_id = f.receivable_id AND c.kind IN ('cleared', 'recourse') AND c.at < $3), 0))
         OR f.id = ANY($4::uuid[]))
       ORDER BY f.funded_at NULLS LAST, f.accepted_at, f.id`,
      [bankId, from, to, financingIds],
    );
  }

  /** Certificates financed by the bank in the projection, outstanding or cleared in [from, to), that lack its funded (or funding) financing. */
  async financedWithoutFinancing(bankId: string, from: Date, to: Date): Promise<ReceivableRow[]> {
    return this.ds.query(
      `SELECT r.id, r.chain_id::text AS chain_id, r.status, r.financing_bank_organization_id, r.amount::text, r.due::text, r.recourse, r.maturity,
         r.repaid::text, r.paid_to_bank::text, r.recovered::text,
         o.id AS obligor_id, o.legal_name AS obligor_name, o.uscc AS obligor_uscc,
         h.id AS holder_id, h.legal_name AS holder_name, h.uscc AS holder_uscc
       FROM receivables r JOIN organizations o ON o.id = r.obligor_organization_id JOIN organizations h ON h.id = r.holder_organization_id
       WHERE r.financing_bank_organization_id = $1
         AND NOT EXISTS (SELECT 1 FROM financings f WHERE f.receivable_id = r.id AND f.bank_organization_id = $1 AND f.status IN ('funded', 'submitting'))
         AND (r.status IN ('financed', 'overdue') OR EXISTS (SELECT 1 FROM clearing_events c WHERE c.receivable_id = r.id AND c.at >= $2 AND c.at < $3))
       ORDER BY r.chain_id`,
      [bankId, from, to],
    );
  }

  /** Every clearing event of the receivables, in order (no query for none). */
  async clearingEvents(receivableIds: string[]): Promise<ClearingRow[]> {
    if (!receivableIds.length) return [];
    return this.ds.query(
      `SELECT receivable_id, kind, to_bank::text, to_holder::text, outstanding::text, status, tx_hash, at FROM clearing_events
           WHERE receivable_id = ANY($1::uuid[]) ORDER BY at, id`,
      [receivableIds],
    );
  }

  /** The bank's credit lines and the obligors it has outstanding funded financings on, by obligor name. */
  async creditLines(bankId: string): Promise<CreditLineRow[]> {
    return this.ds.query(
      `WITH owed AS (
         SELECT r.obligor_organization_id AS obligor_id, sum(f.due - LEAST(r.paid_to_bank, f.due)) AS outstanding
         FROM financings f JOIN receivables r ON r.id = f.receivable_id
         WHERE f.bank_organization_id = $1 AND f.status = 'funded' AND r.status IN ('financed', 'overdue') GROUP BY 1)
       SELECT o.id AS obligor_id, o.legal_name AS obligor_name, o.uscc AS obligor_uscc, o.ledger_address AS obligor_address,
         c.limit_amount::text, c.used::text, COALESCE(owed.outstanding, 0)::text AS outstanding
       FROM (SELECT obligor_organization_id AS obligor_id FROM credit_lines WHERE bank_organization_id = $1 UNION SELECT obligor_id FROM owed) k
       JOIN organizations o ON o.id = k.obligor_id
       LEFT JOIN credit_lines c ON c.bank_organization_id = $1 AND c.obligor_organization_id = k.obligor_id
       LEFT JOIN owed ON owed.obligor_id = k.obligor_id
       ORDER BY o.legal_name, o.id`,
      [bankId],
    );
  }

  async organization(id: string): Promise<Organization | null> {
    return this.ds.getRepository(OrganizationEntity).findOneBy({ id });
  }
}
