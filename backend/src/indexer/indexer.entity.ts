import { EntitySchema } from "typeorm";
import { col } from "../shared/db-types";

/** The indexer's checkpoint row (indexer_checkpoints.name): how far the read model has projected the chain. */
export const INDEXER_CHECKPOINT = "main";

/** A contract event as it was read from the chain, stored once (unique on tx hash + log index). */
export interface ChainEvent {
  id: bigint;
  blockNumber: bigint;
  blockHash: string;
  txHash: string;
  logIndex: number;
  contract: string;
  name: string;
  args: Record<string, unknown>;
  createdAt: Date;
}

export const ChainEventEntity = new EntitySchema<ChainEvent>({
  name: "ChainEvent",
  tableName: "chain_events",
  columns: {
    id: { ...col.bigint, primary: true, generated: "increment" },
    blockNumber: { ...col.bigint, name: "block_number" },
    blockHash: { ...col.hash, name: "block_hash" },
    txHash: { ...col.hash, name: "tx_hash" },
    logIndex: { type: "int", name: "log_index" },
    contract: col.text,
    name: col.text,
    args: { type: "jsonb" },
    createdAt: { ...col.timestamp, name: "created_at", createDate: true },
  },
});
