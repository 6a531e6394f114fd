import { z } from "../../shared/http/openapi";
import type { OutboxEntry, LedgerTransaction } from "./outbox.entity";

/** An operation on its way to the ledger, as every module's 202 answers show it. */
export const OperationView = z
  .object({
    id: z.string(),
    kind: z.string(),
    status: z.enum(["pending", "submitted", "mined", "failed"]).openapi({
      description: "pending: queued; submitted: sent to the ledger; mined: included in a block and visible in every read of this API; failed: refused (see error)",
    }),
    txHash: z.string().nullable(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Operation");

export const operationView = (o: OutboxEntry, tx: Pick<LedgerTransaction, "txHash"> | null) => ({
  id: o.id.toString(),
  kind: o.kind,
  status: o.status,
  txHash: tx?.txHash ?? null,
  error: o.errorCode ? { code: o.errorCode, message: o.errorMessage ?? "" } : null,
  createdAt: o.createdAt.toISOString(),
  updatedAt: o.updatedAt.toISOString(),
});
