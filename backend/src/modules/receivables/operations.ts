import type { EntityManager } from "typeorm";

/**
 * Records on certificates the operation now on its way to the ledger for them (a financing, a
 * default, a recourse claim, a settlement), so that a later change waits for it (see
 * `changeInFlightSql`). `settleAttempt` stamps when the keeper tried to collect them instead of when the row changed
 * (a collection attempt is not a change of the certificate).
 */
export async function recordOperation(em: EntityManager, receivableIds: string[], operationId: bigint | string, o: { settleAttempt?: boolean } = {}): Promise<void> {
  await em.query(
    `UPDATE receivables SET operation_id = $2, ${o.settleAttempt ? "settle_attempted_at" : "updated_at"} = now() WHERE id = ANY($1::uuid[])`,
    [receivableIds, operationId.toString()],
  );
}
