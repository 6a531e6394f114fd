import type { DataSource, EntityManager } from "typeorm";
import { conflict, notFound } from "../../shared/errors";
import { inTransaction } from "../../shared/transaction";
import type { AuthContext } from "../../shared/http/auth";
import { invoiceKey } from "../../ledger/invoice-key";
import type { Invoice } from "./invoice.entity";
import type { Adapters } from "./ports";
import { describeInvoice, invoiceIdentity } from "./identity";
import type { InvoiceInput } from "./invoices.schemas";
import { Verifier } from "./verifier";
import * as repo from "./invoices.repository";
import type { ListInvoices, NewInvoice } from "./invoices.repository";
import { UUID, checkBacking, checkIntake, settlementOf, type BackingRequest } from "./invoices.rules";

const TERMINAL = new Set(["verified", "rejected"]);
/** Reads everyone's invoices: the operator and auditors. */
const readsAll = (a: AuthContext) => a.has("operator") || a.has("auditor");

/**
 * Invoice intake and verification.
 *
 * Intake (`submit`) checks what can be checked without asking anyone (schema, checksums, the
 * seller being the caller, amount + tax = total) and stores the invoices as `received`; the
 * `invoice.verify` job (`verify`) then asks the platform's own records, the tax bureau, the
 * logistics provider and the pledge registry, and settles each invoice as `verified` (with its
 * evidence and evidence hash) or `rejected` (with a stable code and a reason). Receivables take
 * verified invoices with `attach` and give them back with `detach`.
 */
export class InvoicesService {
  private readonly verifier: Verifier;

  constructor(
    readonly ds: DataSource,
    readonly adapters: Adapters,
  ) {
    this.verifier = new Verifier(adapters);
  }

  // ─── Intake ───────────────────────────────────────────────────────

  /**
   * Stores the supplier's invoices as received, all or none. `field(i, name)` names a field of the
   * i-th invoice in errors (body.sellerTaxId, body.invoices.3.sellerTaxId).
   */
  async submit(auth: AuthContext, inputs: InvoiceInput[], field: (index: number, name: string) => string): Promise<Invoice[]> {
    const org = auth.organization;
    checkIntake(org, inputs, field);

    const buyers = await repo.organizationIdsByUscc(this.ds, [...new Set(inputs.map((i) => i.buyerTaxId))]);
    const rows = inputs.map((input): NewInvoice => {
      const identity = invoiceIdentity(input.invoiceCode, input.invoiceNumber);
      return {
        organizationId: org.id,
        buyerOrganizationId: buyers.get(input.buyerTaxId) ?? null,
        invoiceNumber: identity,
        invoiceCode: input.invoiceCode ?? null,
        sellerTaxId: input.sellerTaxId,
        buyerTaxId: input.buyerTaxId,
        issueDate: input.issueDate,
        amount: input.amount,
        tax: input.tax,
        total: input.total,
        currency: input.currency,
        waybillNumbers: input.waybillNumbers,
        attachments: input.attachments,
        invoiceKey: invoiceKey(input.sellerTaxId, identity),
        status: "received",
        evidence: [],
      };
    });

    return inTransaction(this.ds, async (em) => {
      const created = await repo.insertNewInvoices(em, rows);
      if (created.length < rows.length) {
        const existing = await repo.submittedInvoices(em, org.id, org.uscc, rows.map((r) => r.invoiceNumber), created);
        const byNumber = new Map(existing.map((e) => [e.invoice_number, e]));
        const duplicates = rows.flatMap((r, index) => {
          const e = byNumber.get(r.invoiceNumber);
          return e ? [{ index, field: field(index, "invoiceNumber"), invoiceNumber: r.invoiceNumber, existingInvoiceId: e.id, status: e.status }] : [];
        });
        const first = duplicates[0];
        throw conflict(
          "INVOICE.DUPLICATE",
          duplicates.length === 1
            ? `${describeInvoice(first.invoiceNumber)} was already submitted (invoice ${first.existingInvoiceId}, ${first.status}); nothing was stored.`
            : `${duplicates.length} of these invoices were already submitted (see duplicates); nothing was stored: leave them out and send the rest again.`,
          { existingInvoiceId: first?.existingInvoiceId, duplicates },
        );
      }
      const byNumber = new Map((await repo.invoicesByIds(em, created)).map((i) => [i.invoiceNumber, i]));
      return rows.map((r) => byNumber.get(r.invoiceNumber)!);
    });
  }

  async list(auth: AuthContext, q: ListInvoices): Promise<Invoice[]> {
    return repo.listInvoices(this.ds, q, readsAll(auth) ? null : auth.organization.id);
  }

  /** The invoices backing a receivable (the caller has been checked to see the receivable). */
  async backing(receivableId: string): Promise<Invoice[]> {
    return repo.backingInvoices(this.ds, receivableId);
  }

  /** One invoice the caller may see; another tenant's is reported as absent. */
  async get(auth: AuthContext, id: string): Promise<Invoice> {
    const inv = await repo.invoiceById(this.ds, id);
    if (!inv || (!readsAll(auth) && inv.organizationId !== auth.organization.id)) throw notFound("invoice", id);
    return inv;
  }

  // ─── Receivables ──────────────────────────────────────────────────

  /**
   * For registering a receivable: the supplier's verified, unattached invoices `ids`, all billed to
   * the obligor with tax id `buyerTaxId`; marks them as backing `receivableId`. Throws an AppError
   * (4xx) naming the first invoice that cannot back it and why.
   *
   * The rows are locked (SELECT ... FOR UPDATE, in id order so that overlapping sets cannot
   * deadlock) in the caller's transaction: of two registrations racing for one invoice, the second
   * waits, then sees it taken. Attaching again to the same receivable is a no-op.
   *
   * `billedToCaller`: the caller is the buyer (a core enterprise issuing), not the supplier, so an
   * invoice billed to anyone else is none of its business: not found, as a random id, rather than
   * a refusal that shows its number, buyer or receivable.
   */
  async attach(em: EntityManager, supplierOrgId: string, ids: string[], buyerTaxId: string, receivableId: string, billedToCaller = false): Promise<Invoice[]> {
    const batch = await this.lockForAttach(em, ids);
    const invoices = batch.check({ supplierOrgId, ids, buyerTaxId, receivableId, billedToCaller });
    await batch.mark(em);
    return invoices;
  }

  /**
   * {@link attach} for several receivables at once, in two statements whatever their number: the
   * invoices of all of them are locked together (in id order, as `attach` does); `check` then
   * does `attach`'s checks for one receivable after another (the caller interleaves its own checks
   * as a one-by-one run would: the first problem met is the one thrown; an invoice named for two
   * receivables backs the first and is refused for the second), and `mark` attaches them all.
   */
  async lockForAttach(em: EntityManager, ids: string[]) {
    const wanted = [...new Set(ids.filter((id) => UUID.test(id)))];
    const rows = wanted.length ? await repo.lockInvoices(em, wanted) : [];
    const byId = new Map(rows.map((r) => [r.id, r]));
    const marked: { id: string; receivableId: string }[] = [];
    return {
      check: (request: BackingRequest): Invoice[] => {
        const { receivableId } = request;
        const invoices = checkBacking(byId, request);
        for (const inv of invoices) {
          if (inv.receivableId !== receivableId) marked.push({ id: inv.id, receivableId });
          inv.receivableId = receivableId;
        }
        return invoices.map((inv) => ({ ...inv }));
      },
      mark: async (tx: EntityManager): Promise<void> => {
        if (!marked.length) return;
        await repo.attachInvoices(tx, marked);
        marked.length = 0;
      },
    };
  }

  /** Frees the invoices of a receivable that was rejected, cancelled or failed to register. */
  async detach(em: EntityManager, receivableId: string): Promise<void> {
    await repo.detachInvoices(em, [receivableId]);
  }

  // ─── Verification ─────────────────────────────────────────────────

  /**
   * Verifies one invoice (the `invoice.verify` job). Idempotent: a settled invoice is left alone,
   * and two runs at once settle it once (the result is written under a row lock, only if it is
   * still unsettled). An adapter outage throws, so the job is retried; it never rejects.
   */
  async verify(invoiceId: string): Promise<void> {
    return this.settle(invoiceId, 0);
  }

  /** `depth`: how many other suppliers' earlier submissions deep this verification is (see below). */
  private async settle(invoiceId: string, depth: number): Promise<void> {
    if (!UUID.test(invoiceId)) return;
    const inv = await repo.invoiceById(this.ds, invoiceId);
    if (!inv || TERMINAL.has(inv.status)) return;
    if (inv.status === "received") await repo.markVerifying(this.ds, invoiceId);
    const outcome = await this.verifier.check(inv, () => this.claimedByAnotherSupplier(inv, depth));
    await inTransaction(this.ds, async (em) => {
      const current = await repo.lockInvoice(em, invoiceId);
      if (!current || TERMINAL.has(current.status)) return;
      const buyer = await repo.organizationByUscc(em, inv.buyerTaxId);
      await repo.settleInvoice(em, invoiceId, { ...settlementOf(outcome, new Date()), buyerOrganizationId: buyer?.id ?? current.buyerOrganizationId });
    });
  }

  /**
   * Whether another supplier holds the same invoice: the same identity (and so, for the same
   * seller, the same invoice key) verified for another organization. Another organization's
   * earlier submission still waiting for verification is verified first, right here, so the
   * answer does not depend on the order the jobs run in: the earlier submission wins if genuine.
   */
  private async claimedByAnotherSupplier(inv: Invoice, depth: number): Promise<{ claimedByAnotherSupplier: boolean }> {
    const others = () => repo.earlierSubmissionsByOthers(this.ds, inv);
    let rows = await others();
    const pending = rows.filter((r) => r.status !== "verified");
    if (!rows.some((r) => r.status === "verified") && pending.length > 0) {
      if (depth >= 8) throw new Error(`invoice ${inv.id}: too many earlier submissions of the same invoice pending; retry later`);
      for (const p of pending) await this.settle(p.id, depth + 1);
      rows = await others();
      if (!rows.some((r) => r.status === "verified") && rows.length > 0) {
        throw new Error(`invoice ${inv.id}: an earlier submission of the same invoice by another supplier is still being verified; retry later`);
      }
    }
    return { claimedByAnotherSupplier: rows.some((r) => r.status === "verified") };
  }
}
