import type { OutboxHooks } from "../../ledger/outbox/hooks";

/** A registration or issue the ledger refused: the certificate is `failed` and its invoices are free again. */
export function receivablesHooks(hooks: OutboxHooks): OutboxHooks {
  const failed = async (em: Parameters<Parameters<OutboxHooks["onFailure"]>[1]>[0], rows: { aggregateId: string | null }[], failure: { code: string; meaning: string; action: string }) => {
    const ids = rows.map((r) => r.aggregateId).filter((id): id is string => id !== null);
    if (!ids.length) return;
    await em.query(
      `UPDATE receivables SET status = 'failed', failure_code = $2, failure_reason = $3, updated_at = now() WHERE id = ANY($1::uuid[]) AND status = 'registering'`,
      [ids, failure.code, `${failure.meaning} ${failure.action}`.trim()],
    );
    await em.query(`UPDATE invoices SET receivable_id = NULL, updated_at = now() WHERE receivable_id = ANY($1::uuid[])`, [ids]);
  };
  return hooks.onFailure("ledger.register", failed).onFailure("ledger.issue", failed);
}
