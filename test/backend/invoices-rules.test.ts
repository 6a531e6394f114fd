import { describe, it, expect } from "vitest";
import { checkBacking, checkIntake, evidenceHash, settlementOf, type BackingRequest } from "../../backend/src/modules/invoices/invoices.rules";
import type { Evidence, Invoice } from "../../backend/src/modules/invoices";
import type { InvoiceInput } from "../../backend/src/modules/invoices/invoices.schemas";

/** Invoice intake, backing and settlement rules on plain rows, without the stack. */

const SUPPLIER = { id: "00000000-0000-4000-8000-00000000000a", uscc: "91500112MA60K4DK5U" };
const OBLIGOR_TAX_ID = "91510112MA6CF2U9QH";
const RECEIVABLE = "00000000-0000-4000-8000-0000000000f1";
const OTHER_RECEIVABLE = "00000000-0000-4000-8000-0000000000f2";
const id = (n: number) => `00000000-0000-4000-8000-${n.toString().padStart(12, "0")}`;

function input(over: Partial<InvoiceInput> = {}): InvoiceInput {
  return {
    invoiceNumber: "26502000000000012345",
    sellerTaxId: SUPPLIER.uscc,
    buyerTaxId: OBLIGOR_TAX_ID,
    issueDate: "2026-03-01",
    amount: 10_000_000n,
    tax: 1_300_000n,
    total: 11_300_000n,
    currency: "CNY",
    waybillNumbers: [],
    attachments: [],
    ...over,
  } as InvoiceInput;
}

function invoice(n: number, over: Partial<Invoice> = {}): Invoice {
  return {
    id: id(n),
    organizationId: SUPPLIER.id,
    buyerOrganizationId: null,
    invoiceNumber: `2650200000000000${n.toString().padStart(4, "0")}`,
    invoiceCode: null,
    sellerTaxId: SUPPLIER.uscc,
    buyerTaxId: OBLIGOR_TAX_ID,
    issueDate: "2026-03-01",
    amount: 10_000_000n,
    tax: 1_300_000n,
    total: 11_300_000n,
    currency: "CNY",
    waybillNumbers: [],
    attachments: [],
    invoiceKey: `0x${n.toString(16).padStart(64, "0")}`,
    status: "verified",
    rejectionCode: null,
    rejectionReason: null,
    rejectionMismatch: null,
    corrections: [],
    evidence: [],
    evidenceHash: null,
    verifiedAt: null,
    receivableId: null,
    createdAt: new Date("2026-03-01T00:00:00Z"),
    updatedAt: new Date("2026-03-01T00:00:00Z"),
    ...over,
  };
}

const field = (i: number, name: string) => `body.invoices.${i}.${name}`;
const thrown = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e as { code: string; status: number; message: string; fields: { field: string; message: string }[]; extra: Record<string, unknown> };
  }
  throw new Error("nothing was thrown");
};

describe("checkIntake", () => {
  const active = { status: "active" as const, uscc: SUPPLIER.uscc };

  it("takes the organization's own, distinct invoices", () => {
    expect(() => checkIntake(active, [input(), input({ invoiceNumber: "26502000000000012346" })], field)).not.toThrow();
  });

  it("refuses everything while the organization's KYC is pending", () => {
    const e = thrown(() => checkIntake({ ...active, status: "pending" }, [input()], field));
    expect([e.code, e.status]).toEqual(["ORGANIZATION.KYC_PENDING", 403]);
  });

  it("names every invoice the caller did not issue and every repeat, by field", () => {
    const e = thrown(() =>
      checkIntake(
        active,
        [input(), input({ sellerTaxId: "91110000100000000X" }), input(), input({ invoiceCode: "5000261130", invoiceNumber: "01234567" }), input({ invoiceCode: "5000261130", invoiceNumber: "01234567" })],
        field,
      ),
    );
    expect(e.code).toBe("REQUEST.INVALID");
    expect(e.fields).toEqual([
      { field: "body.invoices.1.sellerTaxId", message: `must be your organization's unified social credit code ${SUPPLIER.uscc}: you can only submit invoices you issued` },
      { field: "body.invoices.1.invoiceNumber", message: "repeats the invoice at index 0 of this request" },
      { field: "body.invoices.2.invoiceNumber", message: "repeats the invoice at index 0 of this request" },
      { field: "body.invoices.4.invoiceNumber", message: "repeats the invoice at index 3 of this request" },
    ]);
  });
});

describe("checkBacking", () => {
  const locked = (...invoices: Invoice[]) => new Map(invoices.map((i) => [i.id, i]));
  const request = (ids: string[], over: Partial<BackingRequest> = {}): BackingRequest => ({ supplierOrgId: SUPPLIER.id, ids, buyerTaxId: OBLIGOR_TAX_ID, receivableId: RECEIVABLE, ...over });

  it("gives the supplier's verified, free invoices billed to the obligor, in the order asked", () => {
    const rows = locked(invoice(1), invoice(2), invoice(3, { receivableId: RECEIVABLE }));
    expect(checkBacking(rows, request([id(3), id(1)])).map((i) => i.id)).toEqual([id(3), id(1)]);
  });

  it("compares the obligor's tax id whatever its case and spaces", () => {
    expect(checkBacking(locked(invoice(1)), request([id(1)], { buyerTaxId: ` ${OBLIGOR_TAX_ID.toLowerCase()} ` }))).toHaveLength(1);
  });

  it("needs at least one invoice, each once", () => {
    expect(thrown(() => checkBacking(locked(), request([]))).fields).toEqual([{ field: "invoiceIds", message: "needs at least one invoice" }]);
    expect(thrown(() => checkBacking(locked(invoice(1)), request([id(1), id(1)]))).fields).toEqual([{ field: "invoiceIds", message: "must not repeat an invoice" }]);
  });

  it("reports a malformed id, an unknown invoice and another supplier's as not found", () => {
    for (const [rows, ids] of [
      [locked(invoice(1)), [id(1), "not-a-uuid"]],
      [locked(invoice(1)), [id(1), id(9)]],
      [locked(invoice(1, { organizationId: id(77) })), [id(1)]],
    ] as const) {
      const e = thrown(() => checkBacking(rows, request([...ids])));
      expect([e.code, e.status]).toEqual(["RESOURCE.NOT_FOUND", 404]);
    }
  });

  it("hides an invoice billed to someone else from a buyer issuing for it, and refuses it to the supplier", () => {
    const rows = locked(invoice(1, { buyerTaxId: "91110000100000000X" }));
    expect(thrown(() => checkBacking(rows, request([id(1)], { billedToCaller: true }))).code).toBe("RESOURCE.NOT_FOUND");
    const e = thrown(() => checkBacking(rows, request([id(1)])));
    expect([e.code, e.status, e.extra]).toEqual(["INVOICE.WRONG_OBLIGOR", 422, { invoiceId: id(1) }]);
  });

  it("refuses an invoice that backs another receivable", () => {
    const e = thrown(() => checkBacking(locked(invoice(1, { receivableId: OTHER_RECEIVABLE })), request([id(1)])));
    expect([e.code, e.status, e.extra]).toEqual(["INVOICE.ALREADY_ATTACHED", 409, { invoiceId: id(1) }]);
    expect(e.message).toContain(OTHER_RECEIVABLE);
  });

  it("refuses an invoice not verified, saying why", () => {
    for (const status of ["received", "verifying"] as const) {
      const e = thrown(() => checkBacking(locked(invoice(1, { status })), request([id(1)])));
      expect([e.code, e.status]).toEqual(["INVOICE.NOT_VERIFIED", 409]);
      expect(e.message).toContain(`its verification is not finished (${status})`);
    }
    const e = thrown(() => checkBacking(locked(invoice(1, { status: "rejected", rejectionReason: "voided at the tax bureau" })), request([id(1)])));
    expect(e.message).toContain("it was rejected: voided at the tax bureau");
  });

  it("throws the first problem in the order asked", () => {
    const rows = locked(invoice(1, { status: "verifying" }), invoice(2, { receivableId: OTHER_RECEIVABLE }));
    expect(thrown(() => checkBacking(rows, request([id(2), id(1)]))).code).toBe("INVOICE.ALREADY_ATTACHED");
    expect(thrown(() => checkBacking(rows, request([id(1), id(2)]))).code).toBe("INVOICE.NOT_VERIFIED");
  });
});

describe("settlementOf", () => {
  const evidence: Evidence[] = [{ source: "tax", result: "pass", detail: "found", hash: `0x${"1".repeat(64)}`, at: "2026-03-01T00:00:00.000Z", answer: { ok: true } }];
  const now = new Date("2026-03-02T00:00:00Z");

  it("verifies with the hash of the evidence and the time", () => {
    expect(settlementOf({ evidence, rejection: null }, now)).toEqual({ status: "verified", rejectionCode: null, rejectionReason: null, rejectionMismatch: null, evidenceHash: evidenceHash(evidence), verifiedAt: now, evidence });
    expect(evidenceHash(evidence)).toMatch(/^0x[0-9a-f]{64}$/);
    expect(evidenceHash(evidence)).not.toBe(evidenceHash([{ ...evidence[0], answer: { ok: false } }]));
  });

  it("rejects with the code and reason, keeping the evidence gathered, with no hash or time", () => {
    expect(settlementOf({ evidence, rejection: { code: "INVOICE.VOIDED", reason: "voided" } }, now)).toEqual({
      status: "rejected",
      rejectionCode: "INVOICE.VOIDED",
      rejectionReason: "voided",
      rejectionMismatch: null,
      evidenceHash: null,
      verifiedAt: null,
      evidence,
    });
  });

  it("keeps what the tax bureau records where it disagreed, with the refusal", () => {
    const mismatch = [{ field: "total" as const, submitted: "11300000", taxBureau: "11200000" }];
    expect(settlementOf({ evidence, rejection: { code: "INVOICE.AMOUNT_MISMATCH", reason: "amounts differ", mismatch } }, now)).toMatchObject({ status: "rejected", rejectionMismatch: mismatch });
  });
});
