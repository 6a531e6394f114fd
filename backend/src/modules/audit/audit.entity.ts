import { EntitySchema } from "typeorm";
import { col } from "../../shared/db-types";

/** One state-changing request: who, what, when, outcome. Append-only (a trigger refuses changes). */
export interface AuditEntry {
  id: bigint;
  at: Date;
  requestId: string;
  organizationId: string | null;
  userId: string | null;
  apiKeyId: string | null;
  method: string;
  path: string;
  action: string;
  status: number;
  detail: Record<string, unknown>;
}

export const AuditEntity = new EntitySchema<AuditEntry>({
  name: "AuditEntry",
  tableName: "audit_log",
  columns: {
    id: { ...col.bigint, primary: true, generated: "increment" },
    at: { ...col.timestamp, createDate: true },
    requestId: { ...col.text, name: "request_id" },
    organizationId: { ...col.uuid, name: "organization_id", nullable: true },
    userId: { ...col.uuid, name: "user_id", nullable: true },
    apiKeyId: { ...col.uuid, name: "api_key_id", nullable: true },
    method: col.text,
    path: col.text,
    action: col.text,
    status: { type: "int" },
    detail: { type: "jsonb" },
  },
});
