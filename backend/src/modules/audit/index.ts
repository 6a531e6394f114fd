/**
 * Audit: the trail of every state-changing request (who, what, answer), written in batches by the
 * API's audit middleware. (Implementation: audit.middleware.ts, audit.entity.ts.)
 */
import { defineModule } from "../module";
import { AuditEntity } from "./audit.entity";
import { AuditWriter } from "./audit.middleware";

export const auditModule = defineModule({
  name: "audit",
  needs: [],
  tables: ["audit_log"],
  entities: [AuditEntity],
  services: ({ ds, log }) => ({ trail: new AuditWriter(ds, log) }),
});

export { AuditWriter, redact } from "./audit.middleware";
export { AuditEntity, type AuditEntry } from "./audit.entity";
