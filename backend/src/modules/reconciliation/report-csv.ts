import { csvLine } from "./csv";
import type { Mismatch } from "./matching";
import type { Report, StatementLineView } from "./report";

/**
 * The report as CSV (UTF-8, header row, CRLF line ends). One row per record:
 * `financing` (one per financing in the report), `statement_line` (a statement line naming
 * nothing of the bank's), `credit_line` (a credit line that does not reconcile) and a final
 * `total`. Amounts are integer fen; several values in one cell are separated by `;`.
 */
export const REPORT_COLUMNS = [
  "record",
  "date",
  "financing_id",
  "receivable_id",
  "certificate_id",
  "supplier",
  "supplier_uscc",
  "obligor",
  "obligor_uscc",
  "platform_status",
  "chain_status",
  "ledger_status",
  "advance",
  "due",
  "advance_paid",
  "repayments_received",
  "recoveries",
  "outstanding_end_of_day",
  "statement_lines",
  "statement_bank_references",
  "statement_advance",
  "statement_repayment",
  "statement_recourse",
  "mismatch_codes",
  "mismatch_details",
] as const;

type Row = Partial<Record<(typeof REPORT_COLUMNS)[number], string | number | null>>;

const statementSums = (lines: StatementLineView[]) => {
  const total = (t: StatementLineView["type"]) => {
    const of = lines.filter((l) => l.type === t);
    return of.length ? of.reduce((a, l) => a + BigInt(l.amount), 0n).toString() : "";
  };
  return {
    statement_lines: lines.map((l) => l.line).join(";"),
    statement_bank_references: lines.map((l) => l.bankReference).join(";"),
    statement_advance: total("advance"),
    statement_repayment: total("repayment"),
    statement_recourse: total("recourse"),
  };
};

const mismatchCells = (ms: Mismatch[]) => ({ mismatch_codes: ms.map((m) => m.code).join(";"), mismatch_details: ms.map((m) => m.message).join(" | ") });

export function reportCsv(r: Report): string {
  const rows: Row[] = [];
  for (const e of r.financings) {
    rows.push({
      record: "financing",
      date: r.date,
      financing_id: e.financingId,
      receivable_id: e.receivableId,
      certificate_id: e.certificateId,
      supplier: e.supplier.name,
      supplier_uscc: e.supplier.uscc,
      obligor: e.obligor.name,
      obligor_uscc: e.obligor.uscc,
      platform_status: e.platform?.status ?? "",
      chain_status: e.chain.status,
      ledger_status: e.ledger?.status ?? "",
      advance: e.platform?.advance ?? "",
      due: e.platform?.due ?? e.chain.due,
      advance_paid: e.day.advancePaid,
      repayments_received: e.day.repaymentsReceived,
      recoveries: e.day.recoveries,
      outstanding_end_of_day: e.outstandingEndOfDay,
      ...statementSums(e.statementLines),
      ...mismatchCells(e.mismatches),
    });
  }
  for (const l of r.unmatchedStatementLines) {
    rows.push({ record: "statement_line", date: l.valueDate, ...statementSums([l]), ...mismatchCells(r.mismatches.filter((m) => m.statementLine === l.line && m.financingId === null)) });
  }
  for (const c of r.creditLines) {
    if (c.mismatches.length) rows.push({ record: "credit_line", date: r.date, obligor: c.obligorName, obligor_uscc: c.obligorUscc, due: c.outstandingFinancings, ...mismatchCells(c.mismatches) });
  }
  rows.push({
    record: "total",
    date: r.date,
    advance_paid: r.totals.advancesPaid,
    repayments_received: r.totals.repaymentsReceived,
    recoveries: r.totals.recoveries,
    outstanding_end_of_day: r.totals.outstandingEndOfDay,
    statement_advance: r.totals.statement?.advance ?? "",
    statement_repayment: r.totals.statement?.repayment ?? "",
    statement_recourse: r.totals.statement?.recourse ?? "",
    mismatch_details: `${r.summary.mismatches} mismatch${r.summary.mismatches === 1 ? "" : "es"}`,
  });
  return [csvLine([...REPORT_COLUMNS]), ...rows.map((row) => csvLine(REPORT_COLUMNS.map((c) => row[c] ?? "")))].join("\r\n") + "\r\n";
}
