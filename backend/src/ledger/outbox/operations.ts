import { Membership__factory } from "../../../../typechain-types";
import type { LedgerDeploymentRow } from "../ledger.entity";

/** How one kind of business operation becomes a contract call. */
export interface OperationKind<P> {
  kind: string;
  /** Rows of this kind and signer that may share one transaction; 1 when the call takes one item. */
  maxBatch: number;
  encode(payloads: P[], opId: bigint, deployment: LedgerDeploymentRow): { to: string; data: string };
}

const membership = Membership__factory.createInterface();

export interface RegisterOrganizationPayload {
  orgId: string;
  roles: number;
  accounts: string[];
}
export interface SuspendOrganizationPayload {
  orgId: string;
  reason: string;
}
export interface OrganizationPayload {
  orgId: string;
}

const single = <P>(kind: string, fn: (p: P, opId: bigint) => string): OperationKind<P> => ({
  kind,
  maxBatch: 1,
  encode: ([p], opId, d) => ({ to: d.membership, data: fn(p, opId) }),
});

/** Every operation the outbox knows, by kind. */
export const OPERATIONS = new Map<string, OperationKind<never>>(
  [
    single<RegisterOrganizationPayload>("membership.registerOrganization", (p, opId) =>
      membership.encodeFunctionData("registerOrganization", [p.orgId, p.roles, p.accounts, opId]),
    ),
    single<SuspendOrganizationPayload>("membership.suspend", (p, opId) =>
      membership.encodeFunctionData("suspend", [p.orgId, p.reason, opId]),
    ),
    single<OrganizationPayload>("membership.reinstate", (p, opId) => membership.encodeFunctionData("reinstate", [p.orgId, opId])),
  ].map((op) => [op.kind, op as OperationKind<never>]),
);

export function operationKind(kind: string): OperationKind<unknown> {
  const op = OPERATIONS.get(kind);
  if (!op) throw new Error(`unknown outbox operation kind ${kind}`);
  return op as OperationKind<unknown>;
}
