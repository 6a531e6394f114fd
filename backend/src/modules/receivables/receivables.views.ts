import type { ReceivableRow } from "./receivable.entity";
import { onChainText } from "./ledger-reasons";

const money = (v: bigint | null) => (v === null ? null : v.toString());

/** A certificate as the API shows it: money as decimal strings of fen. */
export const receivableView = (r: ReceivableRow) => ({
  id: r.id,
  certificateId: r.chainId === null ? null : r.chainId.toString(),
  origin: r.origin,
  status: r.status,
  obligorId: r.obligorOrganizationId,
  creditorId: r.creditorOrganizationId,
  holderId: r.holderOrganizationId,
  amount: r.amount.toString(),
  currency: r.currency,
  maturity: r.maturity.toISOString(),
  tier: r.tier,
  parentId: r.parentId,
  invoicesRoot: r.invoicesRoot,
  operationId: r.operationId === null ? null : r.operationId.toString(),
  registrationOperationId: r.registrationOperationId === null ? null : r.registrationOperationId.toString(),
  financing: r.financingBankOrganizationId ? { bankId: r.financingBankOrganizationId, due: money(r.due), recourse: r.recourse } : null,
  repayment: { repaid: r.repaid.toString(), outstanding: outstanding(r).toString(), paidToBank: r.paidToBank.toString(), paidToHolder: r.paidToHolder.toString(), recovered: r.recovered.toString() },
  failure: r.failureCode ? { code: r.failureCode, reason: r.failureReason ?? "" } : null,
  offer: offerView(r),
  offerReturn: r.offerReturned ? { cause: r.offerReturned, reason: r.offerReturnText, reasonHash: r.offerReturnReason } : null,
  rejection: r.status === "rejected" && r.rejectionReason ? { reason: r.rejectionText ?? onChainText(r.rejectionReason), reasonHash: r.rejectionReason } : null,
  delinquent: r.delinquent,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

/** The offer a certificate waits on (签收), while it is `offered`. */
export const offerView = (r: Pick<ReceivableRow, "status" | "offerKind" | "offerFromOrganizationId" | "offerToOrganizationId" | "offerExpiresAt">) =>
  r.status === "offered" && r.offerKind && r.offerFromOrganizationId && r.offerToOrganizationId && r.offerExpiresAt
    ? { kind: r.offerKind, fromOrganizationId: r.offerFromOrganizationId, toOrganizationId: r.offerToOrganizationId, expiresAt: r.offerExpiresAt.toISOString() }
    : null;

/** What the obligor still owes (0 once settled or when nothing is owed any more: a void certificate owes nothing). */
export function outstanding(r: Pick<ReceivableRow, "status" | "amount" | "repaid">): bigint {
  return ["confirmed", "financed", "overdue", "defaulted", "pending", "offered"].includes(r.status) ? r.amount - r.repaid : 0n;
}
