import type { LiveCertificate } from "./ledger-reader";
import type { Mismatch } from "./matching";
import type { ReceivableRow } from "./reconciliation.repository";
import type { ReportBank, ReportEntry } from "./report";

/** Certificate states in which a financing bank's lien stands or its claim survives. */
const FINANCED_STATES = ["financed", "overdue", "settled", "defaulted"];
const LIEN_STATES = ["financed", "overdue", "defaulted"];

/** The financing's status against the certificate the ledger shows (through the projection). */
export function chainVersusPlatform(e: ReportEntry, bank: ReportBank): Mismatch[] {
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
export function projectionVersusLedger(r: Pick<ReceivableRow, "status" | "due" | "amount" | "repaid">, live: LiveCertificate, chainId: string | null): Mismatch[] {
  const out: Mismatch[] = [];
  const lag = " (the indexer may be catching up: run the report again shortly)";
  const base = { financingId: null, statementLine: null };
  if (live.status !== r.status) {
    out.push({ ...base, code: "PROJECTION_MISMATCH", message: `Certificate ${chainId} is ${live.status} on the ledger but ${r.status} in the platform's projection${lag}.`, expected: live.status, actual: r.status });
    return out;
  }
  if (LIEN_STATES.includes(r.status) && r.due !== null && live.lienDue !== BigInt(r.due)) {
    out.push({ ...base, code: "PROJECTION_MISMATCH", message: `Certificate ${chainId}'s lien is for ${live.lienDue} fen on the ledger but ${r.due} fen in the projection${lag}.`, expected: live.lienDue.toString(), actual: r.due });
  }
  if (["confirmed", ...LIEN_STATES].includes(r.status)) {
    const projected = BigInt(r.amount) - BigInt(r.repaid);
    if (projected !== live.outstanding) {
      out.push({ ...base, code: "PROJECTION_MISMATCH", message: `Certificate ${chainId} has ${live.outstanding} fen outstanding on the ledger but ${projected} fen in the projection${lag}.`, expected: live.outstanding.toString(), actual: projected.toString() });
    }
  }
  return out;
}

/** A credit line's charge (`used` in the projection, `ledgerUsed` read live when it was) against the bank's outstanding financings on it (`owed`). */
export function creditLineMismatches(obligorName: string, used: bigint, ledgerUsed: bigint | null, owed: bigint): Mismatch[] {
  const mismatches: Mismatch[] = [];
  if (ledgerUsed !== null && ledgerUsed !== used) {
    mismatches.push({
      code: "PROJECTION_MISMATCH",
      message: `Your credit line for ${obligorName} is charged ${ledgerUsed} fen on the ledger but ${used} fen in the platform's projection (the indexer may be catching up: run the report again shortly).`,
      financingId: null,
      statementLine: null,
      expected: ledgerUsed.toString(),
      actual: used.toString(),
    });
  }
  const charged = ledgerUsed ?? used;
  if (charged !== owed) {
    mismatches.push({
      code: "CREDIT_LINE_MISMATCH",
      message: `Your credit line for ${obligorName} is charged ${charged} fen on the ledger, but your outstanding financings on it amount to ${owed} fen.`,
      financingId: null,
      statementLine: null,
      expected: owed.toString(),
      actual: charged.toString(),
    });
  }
  return mismatches;
}
