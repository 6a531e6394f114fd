import type { EntityManager } from "typeorm";
import type { ChainEvent } from "./indexer.entity";

/** Projects one newly seen event into the platform's tables, inside the indexer's transaction. */
export type Projection = (em: EntityManager, event: ChainEvent) => Promise<void>;

/** "Contract.Event" → projections, contributed by the modules (applied in registration order). */
export class Projections {
  private readonly byName = new Map<string, Projection[]>();

  on(qualifiedName: `${"Membership" | "SettlementToken" | "ReceivableLedger"}.${string}`, projection: Projection): this {
    this.byName.set(qualifiedName, [...(this.byName.get(qualifiedName) ?? []), projection]);
    return this;
  }

  async apply(em: EntityManager, event: ChainEvent): Promise<void> {
    for (const p of this.byName.get(`${event.contract}.${event.name}`) ?? []) await p(em, event);
  }
}
