import type { Membership, ReceivableLedger, SettlementToken } from "../../../typechain-types";
import type { TypedContractEvent } from "../../../typechain-types/common";
import type { ChainEvent } from "./indexer.entity";

/** The contracts the indexer reads, by the name it stores in `chain_events.contract` (see Indexer). */
interface Contracts {
  Membership: Membership;
  SettlementToken: SettlementToken;
  ReceivableLedger: ReceivableLedger;
}
type ContractName = keyof Contracts;
type Filters<C extends ContractName> = Contracts[C]["filters"];

/** A contract's event names: the keys of its TypeChain `filters`, less those spelt as full signatures. */
type EventName<C extends ContractName> = Exclude<keyof Filters<C> & string, `${string}(${string}`>;

/** "Contract.Event" for every event of the three contracts: a misspelt one does not compile. */
export type QualifiedName = { [C in ContractName]: `${C}.${EventName<C>}` }[ContractName];

/** The decoded arguments TypeChain gives an event (its `OutputObject`). */
type OutputObject<E> = E extends TypedContractEvent<infer _I, infer _O, infer O> ? O : never;

/**
 * A decoded value as the indexer stores it in jsonb (its `jsonable`): integers as decimal strings,
 * arrays and structs (ethers' `Result`, an array) as arrays of such; addresses, bytes and strings stay
 * strings and booleans booleans.
 */
export type Stored<T> = T extends bigint ? string : T extends readonly (infer E)[] ? Stored<E>[] : T;

type Decoded<C extends ContractName, E extends EventName<C>, O = OutputObject<Filters<C>[E]>> = Omit<ChainEvent, "contract" | "name" | "args"> & {
  contract: C;
  name: E;
  args: { [K in keyof O]: Stored<O[K]> };
};

/**
 * A chain event of the kind `N` (of any kind by default: a union to narrow on `name`), its `args`
 * typed as stored. The projections registered for `N` receive these (see `Projections.on`).
 */
export type LedgerEvent<N extends QualifiedName = QualifiedName> = N extends `${infer C extends ContractName}.${infer E}`
  ? E extends EventName<C>
    ? Decoded<C, E>
    : never
  : never;
