import type { EntityManager } from "typeorm";
import type { ChainEvent } from "./indexer.entity";

/**
 * Projects one newly seen event into the platform's tables, inside the indexer's transaction.
 * `later` queues work for after the transaction commits (e.g. enqueueing webhook deliveries).
 */
export type Projection = (em: EntityManager, event: ChainEvent, later: (task: () => Promise<void>) => void) => Promise<void>;

/** "Contract.Event" → projections, contributed by the modules (applied in registration order). */
export class Projections {
  private readonly byName = new Map<string, Projection[]>();

  on(qualifiedName: `${"Membership" | "SettlementToken" | "ReceivableLedger"}.${string}`, projection: Projection): this {
    this.byName.set(qualifiedName, [...(this.byName.get(qualifiedName) ?? []), projection]);
    return this;
  }

  async apply(em: EntityManager, event: ChainEvent, later: (task: () => Promise<void>) => void = () => {}): Promise<void> {
    for (const p of this.byName.get(`${event.contract}.${event.name}`) ?? []) await p(em, event, later);
  }
}
