import type { OutboxHooks } from "../../ledger/outbox/hooks";
import type { ConfirmBySigPayload } from "../../ledger/outbox/operations";
import { ReceivableStatus } from "../../ledger/roles";
import { detachInvoices } from "../invoices";

/** Statuses a confirmed certificate may have moved on to (not Pending, Rejected or Cancelled). */
const CONFIRMED_OR_LATER = new Set<bigint>(
  [ReceivableStatus.Confirmed, ReceivableStatus.Financed, ReceivableStatus.Split, ReceivableStatus.Settled, ReceivableStatus.Overdue, ReceivableStatus.Defaulted].map(BigInt),
);

/** A registration or issue the ledger refused: the certificate is `failed` and its invoices are free again. */
export function receivablesHooks(hooks: OutboxHooks): OutboxHooks {
  const failed = async (em: Parameters<Parameters<OutboxHooks["onFailure"]>[1]>[0], rows: { aggregateId: string | null }[], failure: { code: string; meaning: string; action: string }) => {
    const ids = rows.map((r) => r.aggregateId).filter((id): id is string => id !== null);
    if (!ids.length) return;
    await em.query(
      `UPDATE receivables SET status = 'failed', failure_code = $2, failure_reason = $3, updated_at = now() WHERE id = ANY($1::uuid[]) AND status = 'registering'`,
      [ids, failure.code, `${failure.meaning} ${failure.action}`.trim()],
    );
    await detachInvoices(em, ids);
  };
  return hooks
    .onFailure("ledger.register", failed)
    .onFailure("ledger.issue", failed)
    // anyone may submit an obligor's signed confirmation: when another copy got in first, its nonce
    // is used and the certificates are confirmed by that obligor, which is what this one asked
    .onDoneElsewhere("ledger.confirmBySig", async (rows, failure, ledger) => {
      if (failure.code !== "SIGNATURE.NONCE_USED") return [];
      const done: bigint[] = [];
      for (const row of rows) {
        const p = row.payload as unknown as ConfirmBySigPayload;
        if (!(await ledger.nonceUsed(p.obligor, BigInt(p.nonce)))) continue;
        const records = await Promise.all(p.items.map((i) => ledger.receivable(BigInt(i.id))));
        if (records.every((r) => CONFIRMED_OR_LATER.has(r.status) && r.obligor.toLowerCase() === p.obligor.toLowerCase())) done.push(row.id);
      }
      return done;
    });
}
