import { EntitySchema } from "typeorm";
import { col } from "../shared/db-types";

/** A custodial ledger key, encrypted at rest with AES-256-GCM under the master key. */
export interface LedgerKey {
  id: string;
  organizationId: string | null;
  purpose: "operator" | "member" | "relayer" | "verifier";
  address: string;
  ciphertext: Buffer;
  iv: Buffer;
  authTag: Buffer;
  keyVersion: number;
  createdAt: Date;
  retiredAt: Date | null;
}

export const LedgerKeyEntity = new EntitySchema<LedgerKey>({
  name: "LedgerKey",
  tableName: "ledger_keys",
  columns: {
    id: { ...col.uuid, primary: true, generated: "uuid" },
    organizationId: { ...col.uuid, name: "organization_id", nullable: true },
    purpose: col.text,
    address: col.address,
    ciphertext: { type: "bytea" },
    iv: { type: "bytea" },
    authTag: { type: "bytea", name: "auth_tag" },
    keyVersion: { type: "smallint", name: "key_version" },
    createdAt: { ...col.timestamp, name: "created_at", createDate: true },
    retiredAt: { ...col.timestamp, name: "retired_at", nullable: true },
  },
});

/** Where the contracts live; the newest row is the active deployment. */
export interface LedgerDeploymentRow {
  id: number;
  chainId: bigint;
  membership: string;
  settlementToken: string;
  ledger: string;
  admin: string;
  deployedBlock: bigint;
  createdAt: Date;
}

export const LedgerDeploymentEntity = new EntitySchema<LedgerDeploymentRow>({
  name: "LedgerDeployment",
  tableName: "ledger_deployments",
  columns: {
    id: { type: "int", primary: true, generated: "increment" },
    chainId: { type: "numeric", name: "chain_id", transformer: col.bigint.transformer },
    membership: col.address,
    settlementToken: { ...col.address, name: "settlement_token" },
    ledger: col.address,
    admin: col.address,
    deployedBlock: { ...col.bigint, name: "deployed_block" },
    createdAt: { ...col.timestamp, name: "created_at", createDate: true },
  },
});
