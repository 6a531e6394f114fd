import type { EntityManager } from "typeorm";
import type { ChainEvent } from "./indexer.entity";

/** Projects one newly seen event into the platform's tables, inside the indexer's transaction. */
export type Projection = (em: EntityManager, event: ChainEvent) => Promise<void>;

/** Event name → projections, contributed by the modules. */
export class Projections {
  private readonly byName = new Map<string, Projection[]>();

  on(name: string, projection: Projection): this {
    this.byName.set(name, [...(this.byName.get(name) ?? []), projection]);
    return this;
  }

  async apply(em: EntityManager, event: ChainEvent): Promise<void> {
    for (const p of this.byName.get(event.name) ?? []) await p(em, event);
  }
}
