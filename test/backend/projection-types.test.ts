import { describe, it, expect, expectTypeOf } from "vitest";
import { perEvent, Projections } from "../../backend/src/indexer/projections";
import type { LedgerEvent } from "../../backend/src/indexer/ledger-events";

/**
 * The ledger boundary is typed on the indexer's side too: projections register for the events the
 * contracts declare (TypeChain), and read each event's arguments as the indexer stores them in
 * jsonb (integers as decimal strings). The `@ts-expect-error` lines and `expectTypeOf` are checked
 * by `tsc --noEmit` in `npm test`: if a misspelt event or argument, or a wrong argument type, ever
 * compiled, the type-check would fail on the unused directive.
 */
const nothing = async () => {};

describe("projection event types", () => {
  it("registers the contracts' events only, each read with its own arguments as stored", () => {
    const p = new Projections()
      .on(
        "ReceivableLedger.ReceivableIssued",
        perEvent(async (_em, e) => {
          // @ts-expect-error a misspelt argument does not compile
          void e.args.invoiceKey;
          // @ts-expect-error nor a wrong type: an amount is stored as a decimal string, not the bigint TypeChain decodes
          const face: bigint = e.args.amount;
          void face;
        }),
        (e) => [`r:${e.args.id}`, ...e.args.invoiceKeys.map((k) => `invoice:${k}`)],
      )
      .on("SettlementToken.Deposited", nothing, (e) => [`balance:${e.args.account}`]);
    // @ts-expect-error a misspelt event does not compile
    p.on("ReceivableLedger.ReceivableIssue", nothing, () => []);
    // @ts-expect-error nor another contract's event
    p.on("SettlementToken.ReceivableIssued", nothing, () => []);
    // @ts-expect-error nor another event's argument
    p.on("SettlementToken.Deposited", nothing, (e) => [`r:${e.args.id}`]);
    expect(p.handles({ contract: "ReceivableLedger", name: "ReceivableIssued" })).toBe(true);
  });

  it("derives the stored arguments from TypeChain: integers as decimal strings, arrays as arrays, booleans as booleans", () => {
    expectTypeOf<LedgerEvent<"ReceivableLedger.ReceivableFinanced">["args"]>().toEqualTypeOf<{
      id: string;
      bank: string;
      seller: string;
      advance: string;
      due: string;
      recourse: boolean;
      agreement: string;
      nonce: string;
      opId: string;
    }>();
    expectTypeOf<LedgerEvent<"ReceivableLedger.DocumentRecorded">["args"]>().toEqualTypeOf<{
      id: string;
      fingerprint: string;
      by: string;
      kind: string;
      opId: string;
    }>();
    expectTypeOf<LedgerEvent<"ReceivableLedger.ReceivableIssued">["args"]["invoiceKeys"]>().toEqualTypeOf<string[]>();
    expectTypeOf<LedgerEvent<"Membership.OrganizationRegistered">["args"]>().toEqualTypeOf<{ orgId: string; roles: string; opId: string }>();
  });
});
