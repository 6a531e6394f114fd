import type { Organization } from "../onboarding";
import { cstDay, TIME_ZONE } from "./days";
import type { LiveCertificate } from "./ledger-reader";
import { matchStatement, MISMATCH_CODES, type LineMatch, type Mismatch, type MismatchCode, type Movement } from "./matching";
import type { ClearingRow, CreditLineRow, FinancingRow, NamedFinancingRow, ReceivableRow, StatementRow } from "./reconciliation.repository";
import { chainVersusPlatform, creditLineMismatches, projectionVersusLedger } from "./report-checks";
import type { MovementType, StatementLine } from "./statement-csv";

const s = (v: bigint) => v.toString();
/** A timestamp on the wire. */
export const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
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

export interface CreditLineView {
  obligorId: string;
  obligorName: string;
  obligorUscc: string;
  limit: string;
  used: string;
  ledgerUsed: string | null;
  outstandingFinancings: string;
  asOf: string;
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
    statement: StatementTotals | null;
  };
  summary: { financings: number; mismatches: number; byCode: Partial<Record<MismatchCode, number>> };
  financings: ReportEntry[];
  /** Statement lines that name nothing of this bank's on the platform (their mismatches are in `mismatches`). */
  unmatchedStatementLines: StatementLineView[];
  /** Credit lines now (they have no history): limit and charged amount against the outstanding financings. */
  creditLines: CreditLineView[];
  mismatches: Mismatch[];
}

export type ReportBank = Pick<Organization, "id" | "legalName" | "ledgerAddress">;

/** Everything a report is made of, as read from the database and the ledger. */
export interface ReportReads {
  bank: ReportBank;
  date: string;
  /** The report's day: [from, to). */
  period: { from: Date; to: Date };
  generatedAt: Date;
  chainSource: Report["chainSource"];
  /** The day's current statement and its lines. */
  statement: { row: StatementRow; lines: StatementLine[] } | null;
  /** The financing each statement reference names (see {@link resolveReferences}). */
  resolved: ReadonlyMap<string, string>;
  financings: FinancingRow[];
  /** Financed by this bank on the ledger, without a funded (or funding) financing on the platform. */
  chainOnly: ReceivableRow[];
  /** The clearing events of every certificate above, in order. */
  clearing: ClearingRow[];
  /** The ledger's state per certificate id, read live (empty without a ledger reader; null: the read failed). */
  live: ReadonlyMap<string, LiveCertificate | null>;
  /** The credit lines with what the ledger says is charged on each (null: not read). */
  creditLines: { row: CreditLineRow; ledgerUsed: bigint | null }[];
}

export type StatementTotals = Record<MovementType, string>;

/** A statement's sums by movement type. */
export function statementTotals(lines: StatementLine[]): StatementTotals {
  const total = (t: MovementType) => s(sum(lines.filter((l) => l.type === t).map((l) => l.amount)));
  return { advance: total("advance"), repayment: total("repayment"), recourse: total("recourse") };
}

/** The financing each reference names: a certificate may have had a failed financing before the one that was funded, so funded first, then the latest accepted. */
export function resolveReferences(references: string[], named: NamedFinancingRow[]): Map<string, string> {
  const resolved = new Map<string, string>();
  for (const ref of references) {
    const candidates = named.filter((n) => n.id === ref || n.receivable_id === ref || n.chain_id === ref);
    const best = candidates.sort((a, b) => Number(b.status === "funded") - Number(a.status === "funded") || b.accepted_at.getTime() - a.accepted_at.getTime())[0];
    if (best) resolved.set(ref, best.id);
  }
  return resolved;
}

/**
 * The reconciliation report for one day: every financing in scope with the ledger's state, the
 * platform's record and the bank's statement line for each movement; every disagreement listed
 * with a code and a sentence. Pure: all it needs is in `reads`.
 */
export function buildReport(reads: ReportReads): Report {
  const { bank, date, generatedAt, live, resolved } = reads;
  const { from, to } = reads.period;
  const lines = reads.statement?.lines ?? [];
  const eventsOf = (receivableId: string) => reads.clearing.filter((c) => c.receivable_id === receivableId);

  // ─── entries and the platform's movements ───
  const movements: Movement[] = [];
  const entries: ReportEntry[] = reads.financings.map((f) => {
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
    const entry = entryBase(f.receivable_id, f.chain_id, supplier, obligor, chain, live.get(f.chain_id ?? ""), events, from, to, funded ? f.funded_at : null, BigInt(f.advance), funded ? BigInt(f.due) : null);
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
  for (const r of reads.chainOnly) {
    const entry = entryBase(r.id, r.chain_id, { id: r.holder_id, name: r.holder_name, uscc: r.holder_uscc.trim() }, { id: r.obligor_id, name: r.obligor_name, uscc: r.obligor_uscc.trim() }, r, live.get(r.chain_id ?? ""), eventsOf(r.id), from, to, null, 0n, r.due === null ? null : BigInt(r.due));
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
  if (reads.statement) {
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
  const creditLines = reads.creditLines.map(({ row, ledgerUsed }) => creditLineView(row, ledgerUsed, generatedAt));

  const mismatches = [...entries.flatMap((e) => e.mismatches), ...unmatchedLineMismatches, ...creditLines.flatMap((c) => c.mismatches)];
  const byCode: Partial<Record<MismatchCode, number>> = {};
  for (const code of MISMATCH_CODES) {
    const n = mismatches.filter((m) => m.code === code).length;
    if (n) byCode[code] = n;
  }
  const total = (pick: (e: ReportEntry) => string) => s(sum(entries.map((e) => BigInt(pick(e)))));
  const stmt = reads.statement?.row;
  return {
    bankId: bank.id,
    bankName: bank.legalName,
    date,
    timeZone: TIME_ZONE,
    period: { from: from.toISOString(), to: to.toISOString() },
    generatedAt: generatedAt.toISOString(),
    chainSource: reads.chainSource,
    statement: stmt
      ? { id: stmt.id, uploadedAt: iso(stmt.created_at)!, fileSha256: stmt.file_sha256, lines: lines.length, matchedLines: matches.filter((m) => m.movement).length }
      : null,
    totals: {
      advancesPaid: total((e) => e.day.advancePaid),
      repaymentsReceived: total((e) => e.day.repaymentsReceived),
      recoveries: total((e) => e.day.recoveries),
      outstandingEndOfDay: total((e) => e.outstandingEndOfDay),
      statement: stmt ? statementTotals(lines) : null,
    },
    summary: { financings: entries.length, mismatches: mismatches.length, byCode },
    financings: entries,
    unmatchedStatementLines,
    creditLines,
    mismatches,
  };
}

/** What every entry has: parties, the chain's state, the day's money and the end-of-day balance. */
function entryBase(
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

/** A credit line now: what it is charged (on the ledger when read, else in the projection) against the outstanding financings on it. */
function creditLineView(c: CreditLineRow, ledgerUsed: bigint | null, asOf: Date): CreditLineView {
  const used = BigInt(c.used ?? "0");
  const owed = BigInt(c.outstanding);
  return {
    obligorId: c.obligor_id,
    obligorName: c.obligor_name,
    obligorUscc: c.obligor_uscc.trim(),
    limit: c.limit_amount ?? "0",
    used: s(used),
    ledgerUsed: ledgerUsed === null ? null : s(ledgerUsed),
    outstandingFinancings: s(owed),
    asOf: asOf.toISOString(),
    mismatches: creditLineMismatches(c.obligor_name, used, ledgerUsed, owed),
  };
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
