import { createHash } from "node:crypto";
import type { DataSource } from "typeorm";
import { AppError, notFound, validationFailed } from "../../shared/errors";
import type { AuthContext } from "../../shared/http/auth";
import { rowsOf } from "../../shared/db-types";
import { OrganizationEntity, type Organization } from "../onboarding";
import { cstDay, cstToday, DAY_MS, dayStart, TIME_ZONE } from "./days";
import type { LedgerReader, LiveCertificate } from "./ledger-reader";
import { matchStatement, MISMATCH_CODES, type LineMatch, type Mismatch, type MismatchCode, type Movement } from "./matching";
import { loadedLine, parseStatement, storedLine, type MovementType, type StatementLine, type StoredStatementLine } from "./statement-csv";

const readsAll = (a: AuthContext) => a.has("operator") || a.has("auditor");
/** Certificate states in which a financing bank's lien stands or its claim survives. */
const FINANCED_STATES = ["financed", "overdue", "settled", "defaulted"];
const LIEN_STATES = ["financed", "overdue", "defaulted"];
/** Live ledger reads at once, per report. */
const LEDGER_CONCURRENCY = 8;

const s = (v: bigint) => v.toString();
const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
const sum = (xs: bigint[]) => xs.reduce((a, b) => a + b, 0n);

interface Party {
  id: string;
  name: string;
  uscc: string;
}

export interface StatementLineView {
  line: number;
  valueDate: string;
  reference: string;
  type: MovementType;
  amount: string;
  counterparty: string;
  bankReference: string;
  /** Whether it matched one of the platform's movements (possibly with mismatches). */
  matched: boolean;
  mismatches: MismatchCode[];
}

export interface ReportEntry {
  financingId: string | null;
  receivableId: string;
  certificateId: string | null;
  supplier: Party;
  obligor: Party;
  /** The platform's record: the financing and its accepted quote (null: the ledger shows a financing the platform lacks). */
  platform: {
    status: string;
    advance: string;
    due: string;
    recourse: boolean;
    quote: { id: string; annualRateBp: number; dayCount: number; days: number; interest: string; fee: string };
    acceptedAt: string;
    fundedAt: string | null;
    registryRegistrationId: string | null;
    failure: { code: string; reason: string } | null;
  } | null;
  /** The certificate as the indexer projected it from the ledger (current state). */
  chain: {
    status: string;
    financingBankId: string | null;
    face: string;
    due: string | null;
    recourse: boolean;
    maturity: string;
    repaid: string;
    paidToBank: string;
    recovered: string;
  };
  /** Read from the ledger itself when the report was made (null when no ledger reader is configured or the read failed). */
  ledger: { status: string; lienBank: string | null; lienDue: string; outstanding: string } | null;
  /** Money that moved for this financing on the report's day. */
  day: {
    advancePaid: string;
    repaymentsReceived: string;
    recoveries: string;
    events: { kind: string; at: string; toBank: string; toHolder: string; outstanding: string; status: string; txHash: string }[];
  };
  /** What the bank is still owed at the end of the day (due − what it received by then). */
  outstandingEndOfDay: string;
  statementLines: StatementLineView[];
  mismatches: Mismatch[];
}

export interface Report {
  bankId: string;
  bankName: string;
  date: string;
  timeZone: typeof TIME_ZONE;
  period: { from: string; to: string };
  generatedAt: string;
  /** Where the on-chain state comes from: the ledger read live (and the projection), or the projection only. */
  chainSource: "ledger" | "projection";
  statement: { id: string; uploadedAt: string; fileSha256: string; lines: number; matchedLines: number } | null;
  totals: {
    advancesPaid: string;
    repaymentsReceived: string;
    recoveries: string;
    outstandingEndOfDay: string;
    statement: { advance: string; repayment: string; recourse: string } | null;
  };
  summary: { financings: number; mismatches: number; byCode: Partial<Record<MismatchCode, number>> };
  financings: ReportEntry[];
  /** Statement lines that name nothing of this bank's on the platform (their mismatches are in `mismatches`). */
  unmatchedStatementLines: StatementLineView[];
  /** Credit lines now (they have no history): limit and charged amount against the outstanding financings. */
  creditLines: {
    obligorId: string;
    obligorName: string;
    obligorUscc: string;
    limit: string;
    used: string;
    ledgerUsed: string | null;
    outstandingFinancings: string;
    asOf: string;
    mismatches: Mismatch[];
  }[];
  mismatches: Mismatch[];
}

export interface StatementSummary {
  id: string;
  bankId: string;
  date: string;
  fileSha256: string;
  uploadedAt: string;
  /** The same file was uploaded before for this date: that statement is reused (and is the current one again). */
  duplicate: boolean;
  lines: number;
  totals: { advance: string; repayment: string; recourse: string };
  reconciliation: { matchedLines: number; mismatches: number; byCode: Partial<Record<MismatchCode, number>> };
}

/** A financing in scope, with its quote, supplier and certificate (chain_* columns: the projection). */
interface FinancingRow {
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

interface ReceivableRow {
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

interface ClearingRow {
  receivable_id: string;
  kind: "cleared" | "defaulted" | "recourse";
  to_bank: string;
  to_holder: string;
  outstanding: string;
  status: string;
  tx_hash: string;
  at: Date;
}

/**
 * Reconciliation for banks: for one China Standard Time day, every financing of the bank with
 * activity that day or still outstanding at its end, with the ledger's state, the platform's
 * record and the bank's own statement line for each movement; every disagreement is listed
 * with a code and a sentence. Operators and auditors may build any bank's report.
 */
export class ReconciliationService {
  constructor(
    readonly ds: DataSource,
    /** Live reads of liens and credit lines; without it the indexer's projection is the on-chain state. */
    private readonly ledger?: LedgerReader,
  ) {}

  // ─── Statements ───────────────────────────────────────────────────

  /** Parses and stores a bank's statement for `date`; a re-upload of the same file reuses the stored one. */
  async uploadStatement(auth: AuthContext, date: string, csv: string): Promise<StatementSummary> {
    const bank = auth.organization;
    checkDate(date, "body.date");
    const { lines, problems } = parseStatement(csv, date);
    if (problems.length) {
      throw new AppError("STATEMENT.INVALID", 422, `The statement has ${problems.length === 100 ? "100 or more" : problems.length} problem(s); nothing was stored. See \`errors\` for each line.`, problems);
    }
    const normalized = csv.replace(/^\uFEFF/, "").replace(/\r\n/g, "\n").trimEnd();
    const sha = createHash("sha256").update(normalized, "utf8").digest("hex");
    let duplicate = false;
    let [row] = rowsOf<{ id: string; created_at: Date }>(
      await this.ds.query(
        `INSERT INTO bank_statements (bank_organization_id, statement_date, file_sha256, lines) VALUES ($1, $2, $3, $4::jsonb)
         ON CONFLICT (bank_organization_id, statement_date, file_sha256) DO NOTHING RETURNING id, created_at`,
        [bank.id, date, sha, JSON.stringify(lines.map(storedLine))],
      ),
    );
    if (!row) {
      duplicate = true;
      // the latest upload of a date is its statement: uploading an earlier file again makes it current again
      [row] = rowsOf<{ id: string; created_at: Date }>(
        await this.ds.query(
          `UPDATE bank_statements SET created_at = now() WHERE bank_organization_id = $1 AND statement_date = $2 AND file_sha256 = $3 RETURNING id, created_at`,
          [bank.id, date, sha],
        ),
      );
    }
    const report = await this.build(bank, date);
    const byType = (t: MovementType) => s(sum(lines.filter((l) => l.type === t).map((l) => l.amount)));
    return {
      id: row.id,
      bankId: bank.id,
      date,
      fileSha256: sha,
      uploadedAt: iso(row.created_at)!,
      duplicate,
      lines: lines.length,
      totals: { advance: byType("advance"), repayment: byType("repayment"), recourse: byType("recourse") },
      reconciliation: { matchedLines: report.statement?.matchedLines ?? 0, mismatches: report.summary.mismatches, byCode: report.summary.byCode },
    };
  }

  /** A bank's uploaded statements (newest first); the first of each date is the one reports use. */
  async statements(auth: AuthContext, q: { date?: string; bankId?: string }) {
    const bank = await this.bankFor(auth, q.bankId);
    const rows: { id: string; statement_date: string; file_sha256: string; created_at: Date; lines: number }[] = await this.ds.query(
      `SELECT id, to_char(statement_date, 'YYYY-MM-DD') AS statement_date, file_sha256, created_at, jsonb_array_length(lines) AS lines FROM bank_statements
       WHERE bank_organization_id = $1 AND ($2::date IS NULL OR statement_date = $2::date) ORDER BY statement_date DESC, created_at DESC LIMIT 500`,
      [bank.id, q.date ?? null],
    );
    const seen = new Set<string>();
    return rows.map((r) => {
      const current = !seen.has(r.statement_date);
      seen.add(r.statement_date);
      return { id: r.id, bankId: bank.id, date: r.statement_date, fileSha256: r.file_sha256, uploadedAt: iso(r.created_at)!, lines: r.lines, current };
    });
  }

  // ─── The report ───────────────────────────────────────────────────

  async report(auth: AuthContext, q: { date: string; bankId?: string }): Promise<Report> {
    checkDate(q.date, "query.date");
    return this.build(await this.bankFor(auth, q.bankId), q.date);
  }

  private async build(bank: Organization, date: string): Promise<Report> {
    const generatedAt = new Date();
    const from = dayStart(date);
    const to = new Date(from.getTime() + DAY_MS);

    // ─── the statement, and what its references name ───
    const [stmt] = await this.ds.query(
      `SELECT id, file_sha256, lines, created_at FROM bank_statements WHERE bank_organization_id = $1 AND statement_date = $2 ORDER BY created_at DESC, id LIMIT 1`,
      [bank.id, date],
    );
    const lines: StatementLine[] = stmt ? (stmt.lines as StoredStatementLine[]).map(loadedLine) : [];
    const references = [...new Set(lines.map((l) => l.reference))];
    const named: { id: string; status: string; receivable_id: string; chain_id: string | null; accepted_at: Date }[] = references.length
      ? await this.ds.query(
          `SELECT f.id, f.status, f.receivable_id, r.chain_id::text AS chain_id, f.accepted_at FROM financings f JOIN receivables r ON r.id = f.receivable_id
           WHERE f.bank_organization_id = $1 AND (f.id::text = ANY($2) OR f.receivable_id::text = ANY($2) OR r.chain_id::text = ANY($2))`,
          [bank.id, references],
        )
      : [];
    const resolved = new Map<string, string>();
    for (const ref of references) {
      const candidates = named.filter((n) => n.id === ref || n.receivable_id === ref || n.chain_id === ref);
      // a certificate may have had a failed financing before the one that was funded
      const best = candidates.sort((a, b) => Number(b.status === "funded") - Number(a.status === "funded") || b.accepted_at.getTime() - a.accepted_at.getTime())[0];
      if (best) resolved.set(ref, best.id);
    }

    // ─── the financings in scope ───
    const financings: FinancingRow[] = await this.ds.query(
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
      [bank.id, from, to, [...resolved.values()]],
    );
    // financed by this bank on the ledger, without a funded (or funding) financing on the platform
    const chainOnly: ReceivableRow[] = await this.ds.query(
      `SELECT r.id, r.chain_id::text AS chain_id, r.status, r.financing_bank_organization_id, r.amount::text, r.due::text, r.recourse, r.maturity,
         r.repaid::text, r.paid_to_bank::text, r.recovered::text,
         o.id AS obligor_id, o.legal_name AS obligor_name, o.uscc AS obligor_uscc,
         h.id AS holder_id, h.legal_name AS holder_name, h.uscc AS holder_uscc
       FROM receivables r JOIN organizations o ON o.id = r.obligor_organization_id JOIN organizations h ON h.id = r.holder_organization_id
       WHERE r.financing_bank_organization_id = $1
         AND NOT EXISTS (SELECT 1 FROM financings f WHERE f.receivable_id = r.id AND f.bank_organization_id = $1 AND f.status IN ('funded', 'submitting'))
         AND (r.status IN ('financed', 'overdue') OR EXISTS (SELECT 1 FROM clearing_events c WHERE c.receivable_id = r.id AND c.at >= $2 AND c.at < $3))
       ORDER BY r.chain_id`,
      [bank.id, from, to],
    );

    const receivableIds = [...new Set([...financings.map((f) => f.receivable_id), ...chainOnly.map((r) => r.id)])];
    const clearing: ClearingRow[] = receivableIds.length
      ? await this.ds.query(
          `SELECT receivable_id, kind, to_bank::text, to_holder::text, outstanding::text, status, tx_hash, at FROM clearing_events
           WHERE receivable_id = ANY($1::uuid[]) ORDER BY at, id`,
          [receivableIds],
        )
      : [];
    const eventsOf = (receivableId: string) => clearing.filter((c) => c.receivable_id === receivableId);
    const live = await this.liveCertificates([...financings.map((f) => f.chain_id), ...chainOnly.map((r) => r.chain_id)]);

    // ─── entries and the platform's movements ───
    const movements: Movement[] = [];
    const entries: ReportEntry[] = financings.map((f) => {
      const supplier = { id: f.supplier_id, name: f.supplier_name, uscc: f.supplier_uscc.trim() };
      const obligor = { id: f.obligor_id, name: f.obligor_name, uscc: f.obligor_uscc.trim() };
      const events = eventsOf(f.receivable_id);
      const funded = f.status === "funded" && f.funded_at !== null;
      if (funded) movements.push({ financingId: f.id, type: "advance", amount: BigInt(f.advance), day: cstDay(f.funded_at!), at: f.funded_at!, txHash: null, counterparty: supplier });
      if (funded) {
        for (const c of events) {
          if (c.kind === "defaulted" || BigInt(c.to_bank) === 0n) continue;
          movements.push({
            financingId: f.id,
            type: c.kind === "cleared" ? "repayment" : "recourse",
            amount: BigInt(c.to_bank),
            day: cstDay(c.at),
            at: c.at,
            txHash: c.tx_hash,
            counterparty: c.kind === "cleared" ? obligor : supplier,
          });
        }
      }
      const chain = {
        status: f.chain_status,
        financing_bank_organization_id: f.financing_bank_organization_id,
        amount: f.amount,
        due: f.chain_due,
        recourse: f.chain_recourse,
        maturity: f.maturity,
        repaid: f.repaid,
        paid_to_bank: f.paid_to_bank,
        recovered: f.recovered,
      };
      const entry = this.entryBase(f.receivable_id, f.chain_id, supplier, obligor, chain, live.get(f.chain_id ?? ""), events, from, to, funded ? f.funded_at : null, BigInt(f.advance), funded ? BigInt(f.due) : null);
      entry.financingId = f.id;
      for (const m of entry.mismatches) m.financingId = f.id;
      entry.platform = {
        status: f.status,
        advance: f.advance,
        due: f.due,
        recourse: f.recourse,
        quote: { id: f.quote_id, annualRateBp: f.annual_rate_bp, dayCount: f.day_count, days: f.days, interest: f.interest, fee: f.fee },
        acceptedAt: iso(f.accepted_at)!,
        fundedAt: iso(f.funded_at),
        registryRegistrationId: f.registry_registration_id,
        failure: f.failure_code ? { code: f.failure_code, reason: f.failure_reason ?? "" } : null,
      };
      return entry;
    });
    for (const r of chainOnly) {
      const entry = this.entryBase(r.id, r.chain_id, { id: r.holder_id, name: r.holder_name, uscc: r.holder_uscc.trim() }, { id: r.obligor_id, name: r.obligor_name, uscc: r.obligor_uscc.trim() }, r, live.get(r.chain_id ?? ""), eventsOf(r.id), from, to, null, 0n, r.due === null ? null : BigInt(r.due));
      entry.mismatches.unshift({
        code: "MISSING_ON_PLATFORM",
        message: `The ledger shows certificate ${r.chain_id} financed by your bank (${r.status}, due ${r.due ?? "?"} fen), but the platform has no funded financing of yours for it.`,
        financingId: null,
        statementLine: null,
        expected: r.due ?? undefined,
      });
      entries.push(entry);
    }

    // ─── chain against platform ───
    for (const e of entries) if (e.platform) e.mismatches.push(...chainVersusPlatform(e, bank));

    // ─── statement against platform ───
    let matches: LineMatch[] = [];
    const unmatchedStatementLines: StatementLineView[] = [];
    const unmatchedLineMismatches: Mismatch[] = [];
    if (stmt) {
      const result = matchStatement(date, lines, movements, (ref) => resolved.get(ref) ?? null);
      matches = result.matches;
      const byFinancing = new Map(entries.filter((e) => e.financingId).map((e) => [e.financingId!, e]));
      for (const m of matches) {
        const view = lineView(m);
        const entry = m.financingId ? byFinancing.get(m.financingId) : undefined;
        if (entry) {
          entry.statementLines.push(view);
          entry.mismatches.push(...m.mismatches);
        } else {
          unmatchedStatementLines.push(view);
          unmatchedLineMismatches.push(...m.mismatches);
        }
      }
      for (const miss of result.missingInStatement) byFinancing.get(miss.financingId!)?.mismatches.push(miss);
    }

    // ─── credit lines ───
    const creditLines = await this.creditLines(bank, generatedAt);

    const mismatches = [...entries.flatMap((e) => e.mismatches), ...unmatchedLineMismatches, ...creditLines.flatMap((c) => c.mismatches)];
    const byCode: Partial<Record<MismatchCode, number>> = {};
    for (const code of MISMATCH_CODES) {
      const n = mismatches.filter((m) => m.code === code).length;
      if (n) byCode[code] = n;
    }
    const total = (pick: (e: ReportEntry) => string) => s(sum(entries.map((e) => BigInt(pick(e)))));
    const statementTotal = (t: MovementType) => s(sum(lines.filter((l) => l.type === t).map((l) => l.amount)));
    return {
      bankId: bank.id,
      bankName: bank.legalName,
      date,
      timeZone: TIME_ZONE,
      period: { from: from.toISOString(), to: to.toISOString() },
      generatedAt: generatedAt.toISOString(),
      chainSource: this.ledger ? "ledger" : "projection",
      statement: stmt
        ? { id: stmt.id, uploadedAt: iso(stmt.created_at)!, fileSha256: stmt.file_sha256, lines: lines.length, matchedLines: matches.filter((m) => m.movement).length }
        : null,
      totals: {
        advancesPaid: total((e) => e.day.advancePaid),
        repaymentsReceived: total((e) => e.day.repaymentsReceived),
        recoveries: total((e) => e.day.recoveries),
        outstandingEndOfDay: total((e) => e.outstandingEndOfDay),
        statement: stmt ? { advance: statementTotal("advance"), repayment: statementTotal("repayment"), recourse: statementTotal("recourse") } : null,
      },
      summary: { financings: entries.length, mismatches: mismatches.length, byCode },
      financings: entries,
      unmatchedStatementLines,
      creditLines,
      mismatches,
    };
  }

  /** What every entry has: parties, the chain's state, the day's money and the end-of-day balance. */
  private entryBase(
    receivableId: string,
    chainId: string | null,
    supplier: Party,
    obligor: Party,
    r: Pick<ReceivableRow, "status" | "financing_bank_organization_id" | "amount" | "due" | "recourse" | "maturity" | "repaid" | "paid_to_bank" | "recovered">,
    live: LiveCertificate | null | undefined,
    events: ClearingRow[],
    from: Date,
    to: Date,
    fundedAt: Date | null,
    advance: bigint,
    due: bigint | null,
  ): ReportEntry {
    const onDay = events.filter((c) => c.at >= from && c.at < to);
    const toBankOnDay = (kind: ClearingRow["kind"]) => s(sum(onDay.filter((c) => c.kind === kind).map((c) => BigInt(c.to_bank))));
    const receivedByEnd = sum(events.filter((c) => c.kind !== "defaulted" && c.at < to).map((c) => BigInt(c.to_bank)));
    const owedFrom = fundedAt ? fundedAt < to : due !== null;
    const outstanding = owedFrom && due !== null && due > receivedByEnd ? due - receivedByEnd : 0n;
    return {
      financingId: null,
      receivableId,
      certificateId: chainId,
      supplier,
      obligor,
      platform: null,
      chain: {
        status: r.status,
        financingBankId: r.financing_bank_organization_id,
        face: r.amount,
        due: r.due,
        recourse: r.recourse,
        maturity: iso(r.maturity)!,
        repaid: r.repaid,
        paidToBank: r.paid_to_bank,
        recovered: r.recovered,
      },
      ledger: live ? { status: live.status, lienBank: live.lienBank, lienDue: s(live.lienDue), outstanding: s(live.outstanding) } : null,
      day: {
        advancePaid: fundedAt && fundedAt >= from && fundedAt < to ? s(advance) : "0",
        repaymentsReceived: toBankOnDay("cleared"),
        recoveries: toBankOnDay("recourse"),
        events: onDay.map((c) => ({ kind: c.kind, at: iso(c.at)!, toBank: c.to_bank, toHolder: c.to_holder, outstanding: c.outstanding, status: c.status, txHash: c.tx_hash })),
      },
      outstandingEndOfDay: s(outstanding),
      statementLines: [],
      mismatches: live ? projectionVersusLedger(r, live, chainId) : [],
    };
  }

  /** Live ledger state per certificate id (skipped without a reader; a failed read leaves the projection alone). */
  private async liveCertificates(chainIds: (string | null)[]): Promise<Map<string, LiveCertificate | null>> {
    const out = new Map<string, LiveCertificate | null>();
    if (!this.ledger) return out;
    const ids = [...new Set(chainIds.filter((c): c is string => c !== null))];
    for (let i = 0; i < ids.length; i += LEDGER_CONCURRENCY) {
      await Promise.all(ids.slice(i, i + LEDGER_CONCURRENCY).map(async (id) => out.set(id, await this.ledger!.certificate(BigInt(id)).catch(() => null))));
    }
    return out;
  }

  private async creditLines(bank: Organization, asOf: Date) {
    const rows: { obligor_id: string; obligor_name: string; obligor_uscc: string; obligor_address: string | null; limit_amount: string | null; used: string | null; outstanding: string }[] = await this.ds.query(
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
      [bank.id],
    );
    const lines = await Promise.all(
      rows.map(async (c) => {
        const mismatches: Mismatch[] = [];
        const ledgerUsed = this.ledger && bank.ledgerAddress && c.obligor_address ? await this.ledger.creditLine(bank.ledgerAddress, c.obligor_address).then((l) => l.used, () => null) : null;
        const used = BigInt(c.used ?? "0");
        const owed = BigInt(c.outstanding);
        if (ledgerUsed !== null && ledgerUsed !== used) {
          mismatches.push({
            code: "PROJECTION_MISMATCH",
            message: `Your credit line for ${c.obligor_name} is charged ${ledgerUsed} fen on the ledger but ${used} fen in the platform's projection (the indexer may be catching up: run the report again shortly).`,
            financingId: null,
            statementLine: null,
            expected: s(ledgerUsed),
            actual: s(used),
          });
        }
        const charged = ledgerUsed ?? used;
        if (charged !== owed) {
          mismatches.push({
            code: "CREDIT_LINE_MISMATCH",
            message: `Your credit line for ${c.obligor_name} is charged ${charged} fen on the ledger, but your outstanding financings on it amount to ${owed} fen.`,
            financingId: null,
            statementLine: null,
            expected: s(owed),
            actual: s(charged),
          });
        }
        return {
          obligorId: c.obligor_id,
          obligorName: c.obligor_name,
          obligorUscc: c.obligor_uscc.trim(),
          limit: c.limit_amount ?? "0",
          used: s(used),
          ledgerUsed: ledgerUsed === null ? null : s(ledgerUsed),
          outstandingFinancings: s(owed),
          asOf: asOf.toISOString(),
          mismatches,
        };
      }),
    );
    return lines;
  }

  /** The bank whose report it is: the caller's own; operators and auditors name any bank. */
  private async bankFor(auth: AuthContext, bankId?: string): Promise<Organization> {
    if (!readsAll(auth)) {
      if (bankId && bankId !== auth.organization.id) throw notFound("bank", bankId);
      return auth.organization;
    }
    if (!bankId) {
      if (auth.has("bank")) return auth.organization;
      throw validationFailed([{ field: "query.bankId", message: "is required for operators and auditors: the bank whose books to reconcile" }]);
    }
    const org = await this.ds.getRepository(OrganizationEntity).findOneBy({ id: bankId });
    if (!org || !org.roles.includes("bank")) throw notFound("bank", bankId);
    return org;
  }
}

/** A report date: a real day, not in the future (China Standard Time). */
function checkDate(date: string, field: string) {
  if (date > cstToday()) throw validationFailed([{ field, message: `${date} is in the future (China Standard Time); reports and statements are for days that have begun` }]);
}

function lineView(m: LineMatch): StatementLineView {
  const l = m.line;
  return {
    line: l.line,
    valueDate: l.valueDate,
    reference: l.reference,
    type: l.type,
    amount: s(l.amount),
    counterparty: l.counterparty,
    bankReference: l.bankReference,
    matched: m.movement !== null,
    mismatches: m.mismatches.map((x) => x.code),
  };
}

/** The financing's status against the certificate the ledger shows (through the projection). */
function chainVersusPlatform(e: ReportEntry, bank: Organization): Mismatch[] {
  const p = e.platform!;
  const out: Mismatch[] = [];
  const financedByBank = e.chain.financingBankId === bank.id && FINANCED_STATES.includes(e.chain.status);
  const base = { financingId: e.financingId, statementLine: null };
  if (p.status === "funded" && !financedByBank) {
    out.push({
      ...base,
      code: "STATE_MISMATCH",
      message: `The platform records financing ${e.financingId} as funded, but on the ledger certificate ${e.certificateId ?? "(not on chain)"} is ${e.chain.status}${e.chain.financingBankId && e.chain.financingBankId !== bank.id ? " under another bank's lien" : " without your lien"}.`,
      expected: "financed",
      actual: e.chain.status,
    });
  } else if (p.status !== "funded" && financedByBank) {
    out.push({
      ...base,
      code: "STATE_MISMATCH",
      message: `The ledger shows certificate ${e.certificateId} financed by your bank (${e.chain.status}), but the platform's financing ${e.financingId} is ${p.status}.`,
      expected: p.status,
      actual: e.chain.status,
    });
  }
  const lienHolder = e.ledger?.lienBank?.toLowerCase() ?? null;
  if (p.status === "funded" && financedByBank && e.ledger && LIEN_STATES.includes(e.ledger.status) && lienHolder !== bank.ledgerAddress?.toLowerCase()) {
    out.push({
      ...base,
      code: "STATE_MISMATCH",
      message: `The ledger's lien on certificate ${e.certificateId} is held by ${e.ledger.lienBank ?? "nobody"}, not by your bank's address ${bank.ledgerAddress}.`,
      expected: bank.ledgerAddress ?? "",
      actual: e.ledger.lienBank ?? "",
    });
  }
  if (p.status === "funded" && financedByBank) {
    if (e.chain.due !== null && e.chain.due !== p.due) {
      out.push({ ...base, code: "TERMS_MISMATCH", message: `The ledger's lien is for ${e.chain.due} fen due; the accepted quote says ${p.due} fen.`, expected: p.due, actual: e.chain.due });
    }
    if (e.chain.recourse !== p.recourse) {
      out.push({ ...base, code: "TERMS_MISMATCH", message: `The ledger has the financing ${e.chain.recourse ? "with" : "without"} recourse; the accepted quote is ${p.recourse ? "with" : "without"}.`, expected: String(p.recourse), actual: String(e.chain.recourse) });
    }
  }
  return out;
}

/** The indexer's projection against the ledger read just now. */
function projectionVersusLedger(r: Pick<ReceivableRow, "status" | "due" | "amount" | "repaid">, live: LiveCertificate, chainId: string | null): Mismatch[] {
  const out: Mismatch[] = [];
  const lag = " (the indexer may be catching up: run the report again shortly)";
  const base = { financingId: null, statementLine: null };
  if (live.status !== r.status) {
    out.push({ ...base, code: "PROJECTION_MISMATCH", message: `Certificate ${chainId} is ${live.status} on the ledger but ${r.status} in the platform's projection${lag}.`, expected: live.status, actual: r.status });
    return out;
  }
  if (LIEN_STATES.includes(r.status) && r.due !== null && live.lienDue !== BigInt(r.due)) {
    out.push({ ...base, code: "PROJECTION_MISMATCH", message: `Certificate ${chainId}'s lien is for ${live.lienDue} fen on the ledger but ${r.due} fen in the projection${lag}.`, expected: s(live.lienDue), actual: r.due });
  }
  if (["confirmed", ...LIEN_STATES].includes(r.status)) {
    const projected = BigInt(r.amount) - BigInt(r.repaid);
    if (projected !== live.outstanding) {
      out.push({ ...base, code: "PROJECTION_MISMATCH", message: `Certificate ${chainId} has ${live.outstanding} fen outstanding on the ledger but ${projected} fen in the projection${lag}.`, expected: s(live.outstanding), actual: s(projected) });
    }
  }
  return out;
}
