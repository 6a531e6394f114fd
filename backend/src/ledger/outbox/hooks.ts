import type { EntityManager } from "typeorm";
import type { ReceivableLedger } from "../../../../typechain-types";
import type { LedgerFailure } from "../revert-decoder";
import type { OutboxEntry } from "./outbox.entity";

export type FailureHook = (em: EntityManager, rows: OutboxEntry[], failure: LedgerFailure) => Promise<void>;
/**
 * Of operations the ledger refused, those whose effect is on the ledger all the same (someone else
 * submitted the same signed intent first): their ids. `ledger` reads the current state.
 */
export type DoneElsewhereCheck = (rows: OutboxEntry[], failure: LedgerFailure, ledger: ReceivableLedger) => Promise<bigint[]>;

/**
 * What a module does when the ledger refuses one of its operations (in simulation or on chain),
 * inside the transaction that marks the operations failed. Success needs no hook: the indexer
 * projects the events.
 */
export class OutboxHooks {
  private readonly failed = new Map<string, FailureHook[]>();
  private readonly doneChecks = new Map<string, DoneElsewhereCheck>();

  onFailure(kind: string, hook: FailureHook): this {
    this.failed.set(kind, [...(this.failed.get(kind) ?? []), hook]);
    return this;
  }

  /** How to tell that a refused operation of `kind` was carried out by another submission. */
  onDoneElsewhere(kind: string, check: DoneElsewhereCheck): this {
    this.doneChecks.set(kind, check);
    return this;
  }

  /** The ids of `rows` whose effect is on the ledger although the ledger refused them. */
  async doneElsewhere(rows: OutboxEntry[], failure: LedgerFailure, ledger: () => Promise<ReceivableLedger>): Promise<Set<bigint>> {
    const done = new Set<bigint>();
    for (const kind of new Set(rows.map((r) => r.kind))) {
      const check = this.doneChecks.get(kind);
      if (check) for (const id of await check(rows.filter((r) => r.kind === kind), failure, await ledger())) done.add(id);
    }
    return done;
  }

  async fail(em: EntityManager, rows: OutboxEntry[], failure: LedgerFailure): Promise<void> {
    const kinds = new Set(rows.map((r) => r.kind));
    for (const kind of kinds) for (const hook of this.failed.get(kind) ?? []) await hook(em, rows.filter((r) => r.kind === kind), failure);
  }
}
