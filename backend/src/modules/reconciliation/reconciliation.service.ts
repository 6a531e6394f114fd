import type { DataSource } from "typeorm";
import { notFound, validationFailed } from "../../shared/errors";
import { readsAll, type AuthContext } from "../../shared/http/auth";
import type { Organization } from "../onboarding";
import { BankStatements, statementSummary, type StatementSummary } from "./bank-statements";
import { cstToday, DAY_MS, dayStart } from "./days";
import type { LedgerReader, LiveCertificate } from "./ledger-reader";
import { ReconciliationRepository } from "./reconciliation.repository";
import { buildReport, resolveReferences, type Report, type ReportReads } from "./report";
import { loadedLine } from "./statement-csv";

/** Live ledger reads at once, per report. */
const LEDGER_CONCURRENCY = 8;

/**
 * Reconciliation for banks: for one China Standard Time day, every financing of the bank with
 * activity that day or still outstanding at its end, with the ledger's state, the platform's
 * record and the bank's own statement line for each movement; every disagreement is listed
 * with a code and a sentence (report.ts builds it from what this reads). Operators and auditors
 * may build any bank's report.
 */
export class ReconciliationService {
  private readonly repo: ReconciliationRepository;
  private readonly bankStatements: BankStatements;

  constructor(
    ds: DataSource,
    /** Live reads of liens and credit lines; without it the indexer's projection is the on-chain state. */
    private readonly ledger?: LedgerReader,
  ) {
    this.repo = new ReconciliationRepository(ds);
    this.bankStatements = new BankStatements(this.repo);
  }

  // ─── Statements ───────────────────────────────────────────────────

  /** Parses and stores a bank's statement for `date`; a re-upload of the same file reuses the stored one. */
  async uploadStatement(auth: AuthContext, date: string, csv: string): Promise<StatementSummary> {
    const bank = auth.organization;
    checkDate(date, "body.date");
    const stored = await this.bankStatements.store(bank.id, date, csv);
    return statementSummary(bank.id, date, stored, await this.build(bank, date));
  }

  /** A bank's uploaded statements (newest first); the first of each date is the one reports use. */
  async statements(auth: AuthContext, q: { date?: string; bankId?: string }) {
    const bank = await this.bankFor(auth, q.bankId);
    return this.bankStatements.list(bank.id, q.date);
  }

  // ─── The report ───────────────────────────────────────────────────

  async report(auth: AuthContext, q: { date: string; bankId?: string }): Promise<Report> {
    checkDate(q.date, "query.date");
    return this.build(await this.bankFor(auth, q.bankId), q.date);
  }

  /** Reads what the day's report is made of (the statement, the financings it names or in scope, their clearing, the ledger) and builds it. */
  private async build(bank: Organization, date: string): Promise<Report> {
    const generatedAt = new Date();
    const from = dayStart(date);
    const to = new Date(from.getTime() + DAY_MS);

    const stmt = await this.repo.currentStatement(bank.id, date);
    const statement = stmt ? { row: stmt, lines: stmt.lines.map(loadedLine) } : null;
    const references = [...new Set((statement?.lines ?? []).map((l) => l.reference))];
    const resolved = resolveReferences(references, await this.repo.namedFinancings(bank.id, references));

    const financings = await this.repo.financingsInScope(bank.id, from, to, [...resolved.values()]);
    const chainOnly = await this.repo.financedWithoutFinancing(bank.id, from, to);
    const clearing = await this.repo.clearingEvents([...new Set([...financings.map((f) => f.receivable_id), ...chainOnly.map((r) => r.id)])]);
    const live = await this.liveCertificates([...financings.map((f) => f.chain_id), ...chainOnly.map((r) => r.chain_id)]);
    const creditLines = await this.creditLines(bank);

    return buildReport({
      bank,
      date,
      period: { from, to },
      generatedAt,
      chainSource: this.ledger ? "ledger" : "projection",
      statement,
      resolved,
      financings,
      chainOnly,
      clearing,
      live,
      creditLines,
    });
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

  /** The bank's credit lines, each with what the ledger says is charged on it (when it can be read). */
  private async creditLines(bank: Organization): Promise<ReportReads["creditLines"]> {
    const rows = await this.repo.creditLines(bank.id);
    return Promise.all(
      rows.map(async (row) => ({
        row,
        ledgerUsed: this.ledger && bank.ledgerAddress && row.obligor_address ? await this.ledger.creditLine(bank.ledgerAddress, row.obligor_address).then((l) => l.used, () => null) : null,
      })),
    );
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
    const org = await this.repo.organization(bankId);
    if (!org || !org.roles.includes("bank")) throw notFound("bank", bankId);
    return org;
  }
}

/** A report date: a real day, not in the future (China Standard Time). */
function checkDate(date: string, field: string) {
  if (date > cstToday()) throw validationFailed([{ field, message: `${date} is in the future (China Standard Time); reports and statements are for days that have begun` }]);
}
