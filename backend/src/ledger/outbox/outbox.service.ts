import type { EntityManager } from "typeorm";
import type { Logger } from "../../shared/logger";
import { outboxJobId, type JobQueue } from "../../shared/queue";
import { OutboxEntity, type OutboxEntry } from "./outbox.entity";
import { operationKind, type OperationKindName, type OperationPayloads } from "./operations";

/** A call to queue: its kind names the contract call, and the payload is that kind's (a kind's wrong payload does not compile). */
export type OperationBody<K extends OperationKindName = OperationKindName> = { [Q in K]: { kind: Q; payload: OperationPayloads[Q] } }[K];

/** An operation to queue: the call, who signs it, and what it belongs to. */
export type NewOperation<K extends OperationKindName = OperationKindName> = OperationBody<K> & {
  signer: string;
  organizationId?: string | null;
  aggregateId?: string | null;
  /** Submit only after this operation is mined. */
  dependsOn?: bigint | null;
};

/**
 * The write side of the outbox. `add` runs inside the caller's Postgres transaction, so the
 * business row and its outbox row commit together; `dispatch` runs after the commit and only
 * speeds things up: if Redis is down the sweeper enqueues the row later, so the API keeps
 * accepting work.
 */
export class Outbox {
  constructor(
    private readonly queue: JobQueue | null,
    private readonly log: Logger,
  ) {}

  async add<K extends OperationKindName>(em: EntityManager, op: NewOperation<K>): Promise<OutboxEntry> {
    operationKind(op.kind); // fails fast on an unknown kind
    const entry = em.getRepository(OutboxEntity).create({
      kind: op.kind,
      batchKey: `${op.kind}:${op.signer.toLowerCase()}`,
      signer: op.signer,
      payload: op.payload as unknown as Record<string, unknown>,
      organizationId: op.organizationId ?? null,
      aggregateId: op.aggregateId ?? null,
      status: "pending",
      ledgerTxId: null,
      dependsOn: op.dependsOn ?? null,
      attempts: 0,
    });
    return em.getRepository(OutboxEntity).save(entry);
  }

  /** Enqueues the rows' jobs; never throws (the sweeper is the safety net). */
  async dispatch(entries: Pick<OutboxEntry, "id">[]): Promise<void> {
    if (!this.queue) return;
    await Promise.all(
      entries.map((e) =>
        this.queue!.add("outbox.submit", { outboxId: e.id.toString() }, outboxJobId(e.id)).catch((err: Error) =>
          this.log.warn({ outboxId: e.id.toString(), err: err.message }, "could not enqueue; the sweeper will retry"),
        ),
      ),
    );
  }
}
