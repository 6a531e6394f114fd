import { verifyTypedData } from "ethers";
import { AppError, conflict, forbidden, validationFailed } from "../../shared/errors";
import { readsAll, type AuthContext } from "../../shared/http/auth";
import { CONFIRM_TYPES, ledgerDomain, type ConfirmedReceivable } from "../../ledger/typed-data";
import type { Organization } from "../onboarding";
import type { ReceivableRow, ReceivableStatus } from "./receivable.entity";

/**
 * Who may see and change a certificate, and what an obligor confirms: the receivables module's
 * decisions that need no database (the services read the rows and call these).
 */


/**
 * Its holder, obligor, creditor and financing bank see a certificate, and while it is offered the
 * offer's receiver (who reads it before accepting); the operator and auditors see all.
 */
export function canSee(auth: AuthContext, r: ReceivableRow): boolean {
  const me = auth.organization.id;
  if (r.status === "offered" && r.offerToOrganizationId === me) return true;
  return readsAll(auth) || [r.holderOrganizationId, r.obligorOrganizationId, r.creditorOrganizationId, r.financingBankOrganizationId].includes(me);
}

/** Only the certificate's `party` changes it, and only while it is `status` and on the ledger. */
export function requireParty(auth: AuthContext, r: ReceivableRow, status: ReceivableStatus, party: "holder" | "obligor"): void {
  const mine = party === "holder" ? r.holderOrganizationId : r.obligorOrganizationId;
  if (mine !== auth.organization.id) throw forbidden(`Only the certificate's ${party} can do this (certificate ${r.id}).`);
  if (r.status !== status || r.chainId === null) {
    throw conflict("RECEIVABLE.INVALID_STATUS", `Certificate ${r.id} is ${r.status}; this needs a ${status} certificate.`, { receivableId: r.id, receivableStatus: r.status });
  }
}

/** A matured certificate is only settled: not split or transferred. */
export function requireNotMatured(r: ReceivableRow, now = new Date()): void {
  if (r.maturity <= now) throw conflict("RECEIVABLE.MATURED", "The certificate has matured: it can only be settled now.");
}

/**
 * What an obligor confirms about each of `rows`: its certificate id and the facts it owes on
 * (creditor's ledger address, amount, maturity, invoice root), as the platform shows them; the
 * ledger refuses the confirmation if its record differs (ConfirmationMismatch). `creditors`: the
 * rows' creditors by id.
 */
export function confirmedFacts(rows: ReceivableRow[], creditors: Map<string, Organization>): ConfirmedReceivable[] {
  return rows.map((r) => {
    const creditor = creditors.get(r.creditorOrganizationId)?.ledgerAddress;
    if (!creditor || !r.invoicesRoot) throw conflict("RECEIVABLE.NOT_CONFIRMABLE", `Receivable ${r.id} has no creditor address or invoice root on record.`);
    return { id: r.chainId!.toString(), creditor, amount: r.amount.toString(), maturity: unix(r.maturity), invoicesRoot: r.invoicesRoot };
  });
}

/**
 * An obligor's own EIP-712 confirmation must be a valid signature of `message` for the ledger
 * (`chainId`, `ledger`), by the obligor's ledger address, with a deadline still ahead on the
 * ledger's clock (`ledgerNow`, unix seconds).
 */
export function checkConfirmationSignature(
  deployment: { chainId: bigint; ledger: string },
  obligor: string,
  message: { items: ConfirmedReceivable[]; nonce: string; deadline: string },
  signature: string,
  ledgerNow: bigint,
): void {
  let signer: string;
  try {
    signer = verifyTypedData(ledgerDomain(deployment.chainId, deployment.ledger), CONFIRM_TYPES, message, signature);
  } catch {
    throw validationFailed([{ field: "body.signature.signature", message: "is not a valid secp256k1 signature" }]);
  }
  if (signer.toLowerCase() !== obligor.toLowerCase()) {
    throw new AppError("SIGNATURE.WRONG_SIGNER", 422, `The signature is by ${signer}, not by your organization's ledger address ${obligor}; sign the typed data from GET /v1/receivables/confirmations/typed-data with that key.`);
  }
  if (BigInt(message.deadline) <= ledgerNow) {
    throw new AppError("SIGNATURE.EXPIRED", 422, `The signature's deadline (${message.deadline}) has passed on the ledger's clock (${ledgerNow}); sign again with a later deadline.`);
  }
}

/** A split's parts add up to the certificate exactly. */
export function checkSplitTotal(r: ReceivableRow, parts: { amount: bigint }[]): void {
  const total = parts.reduce((s, p) => s + p.amount, 0n);
  if (total !== r.amount) {
    throw validationFailed([{ field: "body.parts", message: `amounts add up to ${total} fen, but the certificate is ${r.amount} fen; they must match exactly` }]);
  }
}

/** A split's part `i` is at least the smallest part the policy allows. */
export function checkSplitPart(minSplitAmount: bigint, part: { amount: bigint }, i: number): void {
  if (part.amount < minSplitAmount) {
    throw validationFailed([{ field: `body.parts.${i}.amount`, message: `is below the smallest part allowed, ${minSplitAmount} fen` }]);
  }
}

/** A rejection's or refusal's reason as the ledger keeps it: itself if it fits in 31 bytes, else its hash. */
export { reasonBytes32 } from "./ledger-reasons";

/** A date as the ledger's unix seconds (decimal string). */
export const unix = (d: Date) => BigInt(Math.floor(d.getTime() / 1000)).toString();
