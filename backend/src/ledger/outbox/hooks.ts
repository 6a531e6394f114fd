import type { EntityManager } from "typeorm";
import type { LedgerFailure } from "../revert-decoder";
import type { OutboxEntry } from "./outbox.entity";

export type FailureHook = (em: EntityManager, rows: OutboxEntry[], failure: LedgerFailure) => Promise<void>;

/**
 * What a module does when the ledger refuses one of its operations (in simulation or on chain),
 * inside the transaction that marks the operations failed. Success needs no hook: the indexer
 * projects the events.
 */
export class OutboxHooks {
  private readonly failed = new Map<string, FailureHook[]>();

  onFailure(kind: string, hook: FailureHook): this {
    this.failed.set(kind, [...(this.failed.get(kind) ?? []), hook]);
    return this;
  }

  async fail(em: EntityManager, rows: OutboxEntry[], failure: LedgerFailure): Promise<void> {
    const kinds = new Set(rows.map((r) => r.kind));
    for (const kind of kinds) for (const hook of this.failed.get(kind) ?? []) await hook(em, rows.filter((r) => r.kind === kind), failure);
  }
}
