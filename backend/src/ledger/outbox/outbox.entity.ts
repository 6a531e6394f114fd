import { EntitySchema } from "typeorm";
import { col } from "../../shared/db-types";

export type OutboxStatus = "pending" | "submitted" | "mined" | "failed";

/** One business operation that needs a ledger transaction. */
export interface OutboxEntry {
  id: bigint;
  kind: string;
  /** Rows with the same key may share one transaction (same signer, same contract function). */
  batchKey: string;
  signer: string;
  payload: Record<string, unknown>;
  organizationId: string | null;
  aggregateId: string | null;
  status: OutboxStatus;
  ledgerTxId: bigint | null;
  /** Not submitted before this operation is mined (and failed if it fails). */
  dependsOn: bigint | null;
  errorCode: string | null;
  errorMessage: string | null;
  attempts: number;
  createdAt: Date;
  updatedAt: Date;
}

export const OutboxEntity = new EntitySchema<OutboxEntry>({
  name: "OutboxEntry",
  tableName: "outbox",
  columns: {
    id: { ...col.bigint, primary: true, generated: "increment" },
    kind: col.text,
    batchKey: { ...col.text, name: "batch_key" },
    signer: col.address,
    payload: { type: "jsonb" },
    organizationId: { ...col.uuid, name: "organization_id", nullable: true },
    aggregateId: { ...col.text, name: "aggregate_id", nullable: true },
    status: col.text,
    ledgerTxId: { ...col.bigint, name: "ledger_tx_id", nullable: true },
    dependsOn: { ...col.bigint, name: "depends_on", nullable: true },
    errorCode: { ...col.text, name: "error_code", nullable: true },
    errorMessage: { ...col.text, name: "error_message", nullable: true },
    attempts: { type: "int" },
    createdAt: { ...col.timestamp, name: "created_at", createDate: true },
    updatedAt: { ...col.timestamp, name: "updated_at", updateDate: true },
  },
});

export type LedgerTxStatus = "signed" | "sent" | "mined" | "reverted";

/**
 * One signed ledger transaction. Its id is the operation id recorded on chain; the raw signed
 * bytes are stored before broadcast so a crash is recovered by re-broadcasting the same bytes.
 */
export interface LedgerTransaction {
  id: bigint;
  signer: string;
  nonce: bigint;
  toAddress: string;
  data: string;
  rawTx: string;
  txHash: string;
  status: LedgerTxStatus;
  blockNumber: bigint | null;
  errorCode: string | null;
  errorMessage: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export const LedgerTransactionEntity = new EntitySchema<LedgerTransaction>({
  name: "LedgerTransaction",
  tableName: "ledger_transactions",
  columns: {
    id: { ...col.bigint, primary: true },
    signer: col.address,
    nonce: col.bigint,
    toAddress: { ...col.address, name: "to_address" },
    data: col.text,
    rawTx: { ...col.text, name: "raw_tx" },
    txHash: { ...col.hash, name: "tx_hash" },
    status: col.text,
    blockNumber: { ...col.bigint, name: "block_number", nullable: true },
    errorCode: { ...col.text, name: "error_code", nullable: true },
    errorMessage: { ...col.text, name: "error_message", nullable: true },
    createdAt: { ...col.timestamp, name: "created_at", createDate: true },
    updatedAt: { ...col.timestamp, name: "updated_at", updateDate: true },
  },
});
