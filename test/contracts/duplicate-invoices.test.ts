import { describe, it, expect } from "vitest";
import { world, nextOp, orgId, expectRevert, expectSkipped, register, confirmed, financed, financeTx, input, time, freshInvoice, DAY, attested, confirmItems } from "./fixtures";
import { invoiceKey } from "../../backend/src/ledger/invoice-key";
import { MemberRole } from "../../backend/src/ledger/roles";
import type { World } from "./fixtures";

/** Registers a receivable backed by `key` for `supplier`, owed by core1. */
const registerKey = async (w: World, supplier = w.supplierA, key: string, obligor = w.core1.address) =>
  register(w, supplier, obligor, [{ keys: [key] }]).then(([id]) => id);

describe("duplicate invoices", () => {
  it("derives the key from the invoice's identity only", () => {
    expect(invoiceKey("91500000MA5U000001", "24500000000012345678")).toBe(invoiceKey(" 91500000ma5u000001 ", "24500000000012345678 "));
    expect(invoiceKey("91500000MA5U000001", "1")).not.toBe(invoiceKey("91500000MA5U000001", "2"));
    // length-prefixed encoding: moving characters between the two fields gives another key
    expect(invoiceKey("AB", "C")).not.toBe(invoiceKey("A", "BC"));
  });

  it("blocks the same invoice registered again by the same supplier or by a second supplier", async () => {
    const w = await world();
    const { key } = freshInvoice();
    const first = await registerKey(w, w.supplierA, key);
    await expectRevert(register(w, w.supplierA, w.core1.address, [{ keys: [key] }]), "ReceivableDuplicateInvoice", [key, first]);
    await expectRevert(register(w, w.supplierB, w.core1.address, [{ keys: [key] }]), "ReceivableDuplicateInvoice", [key, first]);
    // whoever the claimed obligor is
    await expectRevert(register(w, w.supplierB, w.core2.address, [{ keys: [key] }]), "ReceivableDuplicateInvoice", [key, first]);
  });

  it("blocks an invoice repeated inside one registration or one batch", async () => {
    const w = await world();
    const { key } = freshInvoice();
    const last = await w.ledger.lastReceivableId();
    await expectRevert(register(w, w.supplierA, w.core1.address, [{ keys: [key, key] }]), "ReceivableDuplicateInvoice", [key, last + 1n]);
    await expectRevert(register(w, w.supplierA, w.core1.address, [{ keys: [key] }, { keys: [key] }]), "ReceivableDuplicateInvoice", [key, last + 1n]);
    expect(await w.ledger.receivableOfInvoice(key)).toBe(0n);
  });

  it("blocks financing the same invoice through a second bank: one certificate, one lien", async () => {
    const w = await world();
    const { key } = freshInvoice();
    const id = await registerKey(w, w.supplierA, key);
    await w.ledger.connect(w.core1).confirm(await confirmItems(w.ledger, [id]), nextOp());
    await financed(w, id, w.supplierA, w.bankA);
    // a second bank cannot finance the certificate again...
    await expectSkipped(w, financeTx(w, id, w.supplierA, w.bankB), [[id, "ReceivableInvalidStatus"]]);
    expect((await w.ledger.lienOf(id)).bank).toBe(w.bankA.address);
    // ...nor can the supplier mint a second certificate for the same invoice to take to that bank
    await expectRevert(register(w, w.supplierA, w.core1.address, [{ keys: [key] }]), "ReceivableDuplicateInvoice", [key, id]);
  });

  it("releases the invoice when the Pending receivable is cancelled or rejected, so a corrected one can be registered", async () => {
    const w = await world();
    const { key } = freshInvoice();
    const cancelled = await registerKey(w, w.supplierA, key);
    await w.ledger.connect(w.supplierA).cancel([cancelled], nextOp());
    expect(await w.ledger.receivableOfInvoice(key)).toBe(0n);
    const rejected = await registerKey(w, w.supplierA, key);
    await w.ledger.connect(w.core1).reject([rejected], orgId("wrong amount"), nextOp());
    expect(await w.ledger.receivableOfInvoice(key)).toBe(0n);
    const corrected = await registerKey(w, w.supplierB, key); // even by another supplier
    expect(await w.ledger.receivableOfInvoice(key)).toBe(corrected);
  });

  it("never releases a confirmed invoice, not even after settlement or split", async () => {
    const w = await world();
    const { key } = freshInvoice();
    const id = await registerKey(w, w.supplierA, key);
    await w.ledger.connect(w.core1).confirm(await confirmItems(w.ledger, [id]), nextOp());
    await time.increase(91n * DAY);
    await w.ledger.connect(w.relayer).settle([id], nextOp());
    expect((await w.ledger.receivable(id)).status).toBe(5n);
    await expectRevert(register(w, w.supplierA, w.core1.address, [{ keys: [key] }]), "ReceivableDuplicateInvoice", [key, id]);

    const { key: k2 } = freshInvoice();
    const parent = await registerKey(w, w.supplierA, k2);
    await w.ledger.connect(w.core1).confirm(await confirmItems(w.ledger, [parent]), nextOp());
    const amount = (await w.ledger.receivable(parent)).amount;
    await w.ledger.connect(w.supplierA).split(parent, [{ to: w.supplierB.address, amount: amount / 2n }, { to: w.supplierA.address, amount: amount - amount / 2n }], nextOp());
    await expectRevert(register(w, w.supplierA, w.core1.address, [{ keys: [k2] }]), "ReceivableDuplicateInvoice", [k2, parent]);
  });

  it("holds across a second bank and platform member: the registry is network-wide", async () => {
    const w = await world();
    // a member onboarded later, holding both supplier and core roles, still cannot reuse the key
    const late = w.spare[0];
    await w.membership.connect(w.operator).registerOrganization(orgId("late"), MemberRole.Supplier, [late.address], nextOp());
    const { key } = freshInvoice("91440300MA5FXXXX0Y");
    const id = await confirmed(w, w.supplierA, w.core1, { keys: [key] });
    await expectRevert(
      input({ counterparty: w.core2.address, keys: [key] }).then(async (i) => w.ledger.connect(late).register(...(await attested(w.ledger, late, false, [i])), nextOp())),
      "ReceivableDuplicateInvoice",
      [key, id],
    );
    await expectRevert(
      input({ counterparty: w.supplierA.address, keys: [key] }).then(async (i) => w.ledger.connect(w.core2).issue(...(await attested(w.ledger, w.core2, true, [i])), nextOp())),
      "ReceivableDuplicateInvoice",
      [key, id],
    );
  });
});
