import { createHash } from "node:crypto";
import { AppError } from "../../shared/errors";
import type { MismatchCode } from "./matching";
import type { ReconciliationRepository } from "./reconciliation.repository";
import { iso, statementTotals, type Report, type StatementTotals } from "./report";
import { parseStatement, storedLine, type StatementLine } from "./statement-csv";

/** A statement as an upload left it. */
export interface StoredStatement {
  id: string;
  fileSha256: string;
  uploadedAt: string;
  /** The same file was uploaded before for this date: that statement is reused (and is the current one again). */
  duplicate: boolean;
  lines: StatementLine[];
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
  totals: StatementTotals;
  reconciliation: { matchedLines: number; mismatches: number; byCode: Partial<Record<MismatchCode, number>> };
}

/** Banks' statements (`bank_statements`): checked line by line, stored once per file and date; the latest upload of a date is its statement. */
export class BankStatements {
  constructor(private readonly repo: ReconciliationRepository) {}

  /** Parses and stores a bank's statement for `date`; a re-upload of the same file reuses the stored one. */
  async store(bankId: string, date: string, csv: string): Promise<StoredStatement> {
    const { lines, problems } = parseStatement(csv, date);
    if (problems.length) {
      throw new AppError("STATEMENT.INVALID", 422, `The statement has ${problems.length === 100 ? "100 or more" : problems.length} problem(s); nothing was stored. See \`errors\` for each line.`, problems);
    }
    const normalized = csv.replace(/^\uFEFF/, "").replace(/\r\n/g, "\n").trimEnd();
    const sha = createHash("sha256").update(normalized, "utf8").digest("hex");
    let duplicate = false;
    let row = await this.repo.insertStatement(bankId, date, sha, lines.map(storedLine));
    if (!row) {
      duplicate = true;
      // the latest upload of a date is its statement: uploading an earlier file again makes it current again
      row = await this.repo.touchStatement(bankId, date, sha);
    }
    return { id: row.id, fileSha256: sha, uploadedAt: iso(row.created_at)!, duplicate, lines };
  }

  /** A bank's uploaded statements (newest first); the first of each date is the one reports use. */
  async list(bankId: string, date?: string) {
    const rows = await this.repo.statements(bankId, date ?? null);
    const seen = new Set<string>();
    return rows.map((r) => {
      const current = !seen.has(r.statement_date);
      seen.add(r.statement_date);
      return { id: r.id, bankId, date: r.statement_date, fileSha256: r.file_sha256, uploadedAt: iso(r.created_at)!, lines: r.lines, current };
    });
  }
}

/** What an upload answers: the statement stored, its totals, and how the day's report now reconciles. */
export function statementSummary(bankId: string, date: string, stored: StoredStatement, report: Report): StatementSummary {
  return {
    id: stored.id,
    bankId,
    date,
    fileSha256: stored.fileSha256,
    uploadedAt: stored.uploadedAt,
    duplicate: stored.duplicate,
    lines: stored.lines.length,
    totals: statementTotals(stored.lines),
    reconciliation: { matchedLines: report.statement?.matchedLines ?? 0, mismatches: report.summary.mismatches, byCode: report.summary.byCode },
  };
}
