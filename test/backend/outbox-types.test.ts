import { describe, it, expect } from "vitest";
import type { NewOperation } from "../../backend/src/ledger/outbox/outbox.service";
import { OPERATIONS, type OperationKindName, type OperationPayloads } from "../../backend/src/ledger/outbox/operations";

/**
 * The ledger boundary is typed: `Outbox.add` takes each kind's own payload. The `@ts-expect-error`
 * lines are checked by `tsc --noEmit` in `npm test`: if a wrong kind or payload ever compiled, the
 * type-check would fail on the unused directive.
 */
const queued = <K extends OperationKindName>(op: NewOperation<K>) => op;

describe("outbox operation kinds", () => {
  it("takes each kind with its own payload only", () => {
    const settle = queued({ kind: "ledger.settle", signer: "0x1", payload: { ids: ["1"] } });
    // @ts-expect-error a misspelt kind does not compile
    queued({ kind: "ledger.setle", signer: "0x1", payload: { ids: ["1"] } });
    // @ts-expect-error another kind's payload does not compile
    queued({ kind: "ledger.settle", signer: "0x1", payload: { obligor: "0x2", limit: "1" } });
    // @ts-expect-error nor does a payload with a field missing
    queued({ kind: "ledger.transfer", signer: "0x1", payload: { id: "1" } });
    expect(settle.kind).toBe("ledger.settle");
  });

  it("knows how to send every kind that has a payload type, and no other", () => {
    const typed: Record<OperationKindName, true> = {
      "membership.registerOrganization": true, "membership.suspend": true, "membership.reinstate": true,
      "token.mint": true, "token.burn": true, "token.approveLedger": true, "token.approve": true,
      "ledger.register": true, "ledger.issue": true, "ledger.confirm": true, "ledger.confirmBySig": true, "ledger.reject": true,
      "ledger.cancel": true, "ledger.split": true, "ledger.transfer": true, "ledger.accept": true, "ledger.returnOffers": true, "ledger.expireOffers": true,
      "ledger.setCreditLine": true, "ledger.finance": true,
      "ledger.settle": true, "ledger.declareDefault": true, "ledger.claimRecourse": true,
      "ledger.recordDocuments": true,
    } satisfies Record<keyof OperationPayloads, true>;
    expect([...OPERATIONS.keys()].sort()).toEqual(Object.keys(typed).sort());
  });
});
