import type { DataSource, EntityManager } from "typeorm";
import { AppError, conflict, notFound } from "../../shared/errors";
import { inTransaction } from "../../shared/transaction";
import { readsAll, type AuthContext } from "../../shared/http/auth";
import { invoiceKey } from "../../ledger/invoice-key";
import type { Invoice } from "./invoice.entity";
import type { Adapters } from "./ports";
import { describeInvoice, invoiceIdentity, splitIdentity } from "./identity";
import { InvoiceSubmission, type InvoiceInput } from "./invoices.schemas";
import { readInvoiceFile, type FileReading } from "./files/read";
import { rowsInvalid, type RowProblem } from "./files/limits";
import { Verifier } from "./verifier";
import * as repo from "./invoices.repository";
import type { ListInvoices, NewInvoice } from "./invoices.repository";
import { UUID, checkBacking, checkIntake, settlementOf, type BackingRequest } from "./invoices.rules";

const TERMINAL = new Set(["verified", "rejected"]);

/** An invoice of a request that the supplier had submitted before: which one, and what became of it. */
export interface DuplicateInvoice {
  index: number;
  field: string;
  invoiceNumber: string;
  invoiceCode: string | null;
  existingInvoiceId: string;
  status: Invoice["status"];
  rejectionCode: string | null;
  submittedAt: string;
  message: string;
}

const STATUS_WORDS: Record<Invoice["status"], string> = { received: "waiting for verification", verifying: "being verified", verified: "verified", rejected: "refused by verification" };

function duplicateMessage(identity: string, existingId: string, status: Invoice["status"], submittedAt: string): string {
  const then = new Date(Date.parse(submittedAt) + 8 * 3_600_000).toISOString().slice(0, 10);
  const hint = status === "rejected" ? "; correct or delete that one instead (POST /v1/invoices/{id}/correction)" : "";
  return `${describeInvoice(identity)} repeats invoice ${existingId}, submitted on ${then} and ${STATUS_WORDS[status]}${hint}`;
}

/** What an invoice submitted (or corrected) as `identity` stores of its input, its buyer resolved from `buyers` (tax id → organization). */
function invoiceFields(input: InvoiceInput, identity: string, buyers: Map<string, string>) {
  return {
    invoiceNumber: identity,
    invoiceCode: input.invoiceCode ?? null,
    buyerTaxId: input.buyerTaxId,
    buyerOrganizationId: buyers.get(input.buyerTaxId) ?? null,
    issueDate: input.issueDate,
    amount: input.amount,
    tax: input.tax,
    total: input.total,
    currency: input.currency,
    waybillNumbers: input.waybillNumbers,
    attachments: input.attachments,
    invoiceKey: invoiceKey(input.sellerTaxId, identity),
  };
}

/** The fields a correction changed, with their values before and after (money in fen). */
function changesOf(before: Invoice, after: Record<string, unknown>): { field: string; from: unknown; to: unknown }[] {
  const out: { field: string; from: unknown; to: unknown }[] = [];
  for (const [k, to] of Object.entries(after)) {
    if (k === "invoiceKey" || k === "buyerOrganizationId") continue;
    const from = (before as unknown as Record<string, unknown>)[k];
    const same = JSON.stringify(from, (_k, v) => (typeof v === "bigint" ? v.toString() : v)) === JSON.stringify(to, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
    if (!same) out.push({ field: k === "invoiceNumber" ? "invoiceNumber" : k, from: typeof from === "bigint" ? from.toString() : from, to: typeof to === "bigint" ? to.toString() : to });
  }
  return out;
}

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
   * Stores the supplier's invoices as received. `field(i, name)` names a field of the i-th invoice
   * in errors (body.sellerTaxId, body.invoices.3.sellerTaxId). Invoices the supplier submitted
   * before are `duplicates`: with `onDuplicate` "refuse" (the API's all-or-nothing) any of them
   * refuses the whole request (409 INVOICE.DUPLICATE listing each) and nothing is stored; with
   * "skip" the others are stored and each duplicate is named with the invoice it repeats.
   */
  async submit(
    auth: AuthContext,
    inputs: InvoiceInput[],
    field: (index: number, name: string) => string,
    onDuplicate: "refuse" | "skip" = "refuse",
  ): Promise<{ stored: Invoice[]; duplicates: DuplicateInvoice[] }> {
    const org = auth.organization;
    checkIntake(org, inputs, field);

    const buyers = await repo.organizationIdsByUscc(this.ds, [...new Set(inputs.map((i) => i.buyerTaxId))]);
    const rows = inputs.map((input): NewInvoice => {
      const identity = invoiceIdentity(input.invoiceCode, input.invoiceNumber);
      return { organizationId: org.id, sellerTaxId: input.sellerTaxId, ...invoiceFields(input, identity, buyers), status: "received", evidence: [] };
    });

    return inTransaction(this.ds, async (em) => {
      const created: string[] = [];
      for (let i = 0; i < rows.length; i += 500) created.push(...(await repo.insertNewInvoices(em, rows.slice(i, i + 500))));
      let duplicates: DuplicateInvoice[] = [];
      if (created.length < rows.length) {
        const existing = await repo.submittedInvoices(em, org.id, org.uscc, rows.map((r) => r.invoiceNumber), created);
        const byNumber = new Map(existing.map((e) => [e.invoice_number, e]));
        duplicates = rows.flatMap((r, index) => {
          const e = byNumber.get(r.invoiceNumber);
          if (!e) return [];
          const { invoiceCode, invoiceNumber } = splitIdentity(r.invoiceNumber);
          const submittedAt = new Date(e.created_at).toISOString();
          return [{ index, field: field(index, "invoiceNumber"), invoiceNumber, invoiceCode, existingInvoiceId: e.id, status: e.status, rejectionCode: e.rejection_code, submittedAt, message: duplicateMessage(r.invoiceNumber, e.id, e.status, submittedAt) }];
        });
        if (onDuplicate === "refuse") {
          const first = duplicates[0];
          throw conflict(
            "INVOICE.DUPLICATE",
            duplicates.length === 1
              ? `${describeInvoice(rows[first.index].invoiceNumber)} was already submitted (invoice ${first.existingInvoiceId}, ${first.status}); nothing was stored.`
              : `${duplicates.length} of these invoices were already submitted (see duplicates); nothing was stored: leave them out and send the rest again, or send the batch with "duplicates": "skip".`,
            { existingInvoiceId: first?.existingInvoiceId, duplicates },
          );
        }
      }
      const byNumber = new Map((created.length ? await repo.invoicesByIds(em, created) : []).map((i) => [i.invoiceNumber, i]));
      const skipped = new Set(duplicates.map((d) => d.index));
      return { stored: rows.flatMap((r, i) => (skipped.has(i) ? [] : [byNumber.get(r.invoiceNumber)!])), duplicates };
    });
  }

  /**
   * An uploaded file's invoices (a tax-platform export, the template, an e-invoice XML, OFD or
   * PDF): read within bounds (a hostile or unreadable file is refused, 4xx, naming the problem),
   * every row checked as intake checks a submission (problems refuse the file whole, each named by
   * row and column), then stored with `submit`. Nothing is written before all of it is read and
   * checked. `dryRun`: read and check only.
   */
  async submitFile(
    auth: AuthContext,
    file: { name: string; bytes: Buffer },
    o: { onDuplicate: "refuse" | "skip"; dryRun: boolean },
  ): Promise<{ reading: FileReading; inputs: InvoiceInput[]; rows: number[]; stored: Invoice[]; duplicates: (DuplicateInvoice & { row: number })[] }> {
    const reading = await readInvoiceFile(file.bytes, file.name, auth.organization.uscc);
    const what = `${file.name} (${reading.kind})`;
    if (reading.problems.length) throw rowsInvalid(reading.problems, what);
    const problems: RowProblem[] = [];
    const inputs: InvoiceInput[] = [];
    for (const inv of reading.invoices) {
      const parsed = InvoiceSubmission.safeParse(inv.input);
      if (parsed.success && parsed.data.sellerTaxId !== auth.organization.uscc) {
        // named with the other rows' problems (intake would refuse it alone, after them)
        problems.push({ row: inv.row, column: inv.columns.sellerTaxId ?? "sellerTaxId", message: `must be your organization's unified social credit code ${auth.organization.uscc}: you can only submit invoices you issued` });
      } else if (parsed.success) inputs.push(parsed.data);
      else for (const issue of parsed.error.issues) problems.push({ row: inv.row, column: inv.columns[String(issue.path[0])] ?? (issue.path.map(String).join(".") || "row"), message: issue.message });
    }
    if (problems.length) throw rowsInvalid(problems, what);
    if (inputs.length === 0) {
      const why = reading.skipped.length ? `: ${reading.skipped.map((s) => `row ${s.row}${s.invoiceNumber ? ` (${s.invoiceNumber})` : ""} is ${s.reason}`).join("; ").slice(0, 600)}` : "";
      throw new AppError("INVOICE_FILE.NO_INVOICES", 422, `${what} lists no invoice to submit${why}`, [{ field: "body.content", message: "lists no invoice to submit" }], { skipped: reading.skipped });
    }
    const rows = reading.invoices.map((i) => i.row);
    const columnOf = (index: number, name: string) => `file.rows.${rows[index]}.${reading.invoices[index].columns[name] ?? name}`;
    if (o.dryRun) {
      checkIntake(auth.organization, inputs, columnOf);
      return { reading, inputs, rows, stored: [], duplicates: [] };
    }
    const { stored, duplicates } = await this.submit(auth, inputs, columnOf, o.onDuplicate);
    return { reading, inputs, rows, stored, duplicates: duplicates.map((d) => ({ ...d, row: rows[d.index] })) };
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

  // ─── Corrections ──────────────────────────────────────────────────

  /**
   * A refused invoice, corrected by its supplier (`input`: the invoice as it should have been
   * submitted, whole): stored over the refused one, received again, its refusal and what changed
   * kept in `corrections`. The caller queues its verification again. Unchanged, it is simply
   * verified again (the tax bureau may not have had a new invoice yet). Only the supplier's own
   * refused invoices (404 for anyone else's; 409 INVOICE.NOT_CORRECTABLE while it is being verified
   * or once verified); a corrected number another of its invoices has is 409 INVOICE.DUPLICATE.
   */
  async correct(auth: AuthContext, id: string, input: InvoiceInput): Promise<Invoice> {
    const org = auth.organization;
    checkIntake(org, [input], (_i, name) => `body.${name}`);
    const identity = invoiceIdentity(input.invoiceCode, input.invoiceNumber);
    const buyers = await repo.organizationIdsByUscc(this.ds, [input.buyerTaxId]);
    return inTransaction(this.ds, async (em) => {
      const inv = await this.lockRefused(em, auth, id, "corrected");
      if (identity !== inv.invoiceNumber) {
        const [clash] = await repo.submittedInvoices(em, org.id, org.uscc, [identity], [id]);
        if (clash) {
          throw conflict("INVOICE.DUPLICATE", `${describeInvoice(identity)} was already submitted (invoice ${clash.id}, ${clash.status}); correct this one to another number or delete it.`, {
            existingInvoiceId: clash.id,
          });
        }
      }
      const next = invoiceFields(input, identity, buyers);
      const correction = {
        at: new Date().toISOString(),
        rejection: { code: inv.rejectionCode ?? "", reason: inv.rejectionReason ?? "", mismatch: inv.rejectionMismatch ?? [] },
        changes: changesOf(inv, next),
      };
      await repo.correctInvoice(em, id, {
        ...next,
        corrections: [...inv.corrections, correction],
        status: "received",
        rejectionCode: null,
        rejectionReason: null,
        rejectionMismatch: null,
        evidence: [],
        evidenceHash: null,
        verifiedAt: null,
      });
      return (await repo.invoiceById(em, id))!;
    });
  }

  /** Deletes one of the supplier's refused invoices (it backs nothing); the same refusals as `correct`. */
  async remove(auth: AuthContext, id: string): Promise<void> {
    await inTransaction(this.ds, async (em) => {
      await this.lockRefused(em, auth, id, "deleted");
      await repo.deleteInvoice(em, id);
    });
  }

  private async lockRefused(em: EntityManager, auth: AuthContext, id: string, what: "corrected" | "deleted"): Promise<Invoice> {
    const inv = UUID.test(id) ? await repo.lockInvoice(em, id) : null;
    if (!inv || inv.organizationId !== auth.organization.id) throw notFound("invoice", id);
    if (inv.status !== "rejected" || inv.receivableId) {
      const now = inv.status === "verified" ? "it was verified" : `its verification is not finished (${inv.status})`;
      throw conflict("INVOICE.NOT_CORRECTABLE", `${describeInvoice(inv.invoiceNumber)} cannot be ${what}: ${now}. Only an invoice that verification refused can be ${what}.`, {
        invoiceId: id,
        status: inv.status,
      });
    }
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
