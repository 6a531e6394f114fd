import type { DataSource, EntityManager } from "typeorm";
import { notFound } from "../../shared/errors";
import { readsAll, type AuthContext } from "../../shared/http/auth";
import type { Logger } from "../../shared/logger";
import { inTransaction } from "../../shared/transaction";
import { Coalescer } from "../../shared/coalesce";
import { announceChange } from "../../shared/changes";
import type { Outbox } from "../../ledger/outbox/outbox.service";
import { custodialAccount } from "../onboarding";
import type { PledgeRegistry } from "../invoices";
import { recordOperation, type ReceivableRow } from "../receivables";
import type { Financing } from "./financing.entity";
import { certificateProperty } from "./filing-property";
import * as repo from "./financing.repository";
import { expiredSignature, inactiveParty, type Hopeless } from "./financing.rules";

/**
 * Accepted financings and their funding: the pledge-registry search, registration, a second
 * search, then the delivery-versus-payment on the ledger through the outbox; a funding that can
 * never succeed fails and reopens its request.
 */
export class FundingService {
  constructor(
    private readonly ds: DataSource,
    private readonly outbox: Outbox,
    private readonly registry: PledgeRegistry,
    private readonly log: Logger,
    /** The ledger's time, unix seconds: signature deadlines count on the chain's clock, not this machine's. */
    private readonly ledgerNow: () => Promise<bigint>,
  ) {}

  /**
   * The funding job: search the pledge/transfer registry, register the assignment to the bank,
   * search again just before disbursement (closing the race window), then queue the DvP.
   * Idempotent: a re-run after a crash finds its own filing and goes on.
   */
  async fund(financingId: string): Promise<void> {
    const f = await repo.findFinancing(this.ds.manager, financingId);
    if (!f || f.status !== "registry_check") return;
    const receivable = await repo.receivableById(this.ds.manager, f.receivableId);
    const hopeless = await this.hopeless(f, receivable);
    if (hopeless) return this.abandon(f, hopeless.code, hopeless.reason);
    const keys = await repo.rootInvoiceKeys(this.ds.manager, receivable.id);
    const foreign = async (filings: { reference: string }[]) => {
      const out = [];
      for (const x of filings) if (x.reference !== f.id && (await this.conflicts(x.reference, receivable.id))) out.push(x);
      return out;
    };
    const found = await this.registry.search(keys);
    const earlier = await foreign(found);
    if (earlier.length) return this.abandon(f, "REGISTRY.ALREADY_PLEDGED", `The registry already has a ${earlier[0] && (earlier[0] as { kind?: string }).kind} filing for this receivable's invoices (reference ${earlier[0].reference}): it cannot be financed again.`);
    const [supplier, bank, obligor] = await Promise.all(
      [f.supplierOrganizationId, f.bankOrganizationId, receivable.obligorOrganizationId].map((id) => repo.organizationById(this.ds.manager, id)),
    );
    // one assignment filing per invoice behind the certificate, each registered once, each
    // describing the certificate as 中登网's 2026 example asks
    const property = certificateProperty(receivable, obligor, supplier, f.advance, keys.length);
    const filings = found.filter((x) => x.reference === f.id);
    for (const invoiceKey of keys) {
      if (filings.some((x) => x.invoiceKey === invoiceKey)) continue;
      filings.push(
        await this.registry.register({ invoiceKey, kind: "assignment", debtorTaxId: obligor.uscc, creditorTaxId: supplier.uscc, assignee: bank.legalName, amount: receivable.amount, reference: f.id, property }),
      );
    }
    const registration = filings[0];
    const racing = await foreign(await this.registry.search(keys));
    if (racing.length) return this.abandon(f, "REGISTRY.ALREADY_PLEDGED", `Another filing (reference ${racing[0].reference}) appeared at the registry during funding; the financing is stopped.`);
    // the registry may have taken a while: a party suspended meanwhile, or a signature expired, ends it here
    const late = await this.hopeless(f, receivable);
    if (late) return this.abandon(f, late.code, late.reason);
    const signer = await custodialAccount(bank);
    const operation = await inTransaction(this.ds, async (em) => {
      const op = await this.outbox.add(em, { kind: "ledger.finance", signer, payload: { terms: f.terms, signature: f.signature }, organizationId: bank.id, aggregateId: f.id });
      await repo.markSubmitting(em, f.id, registration.id, op.id);
      await recordOperation(em, [receivable.id], op.id);
      await announceChange(em);
      return op;
    });
    await this.outbox.dispatch([operation]);
  }

  /**
   * Whether a registry filing with `reference` stands in the way of financing `receivableId`. Split
   * parts share their original's invoices but are disjoint portions of the claim: a filing this
   * platform made for a sibling part is no conflict; one for this certificate, an ancestor or a
   * descendant is; so is any filing made outside the platform (a pledge elsewhere).
   */
  private async conflicts(reference: string, receivableId: string): Promise<boolean> {
    const own = await repo.liveFinancingReceivable(this.ds.manager, reference);
    if (own === undefined) return !(await repo.isFinancingId(this.ds.manager, reference));
    return repo.sameLineage(this.ds.manager, receivableId, own);
  }

  /** Why a financing being funded can never be: a party is not an active member, or the holder's signature has expired on the ledger's clock. */
  private async hopeless(f: Financing, receivable: ReceivableRow): Promise<Hopeless | null> {
    const parties = await repo.organizationsByIds(this.ds.manager, [f.bankOrganizationId, f.supplierOrganizationId, receivable.obligorOrganizationId]);
    return inactiveParty(f, parties) ?? expiredSignature(f, await this.ledgerNow());
  }

  /** A funding that can never succeed: see `abandonFunding`; the registry filings made for it are withdrawn first. */
  private async abandon(f: Financing, code: string, reason: string) {
    this.log.warn({ financingId: f.id, code }, reason);
    await this.registry.withdraw(f.id);
    await inTransaction(this.ds, async (em) => {
      await repo.abandonFunding(em, [f.id], code, reason);
      await announceChange(em);
    });
  }

  /** The ledger refused a financing (outbox failure hook, in its transaction): it fails, its filings are withdrawn and its request reopens. */
  async ledgerRefused(em: EntityManager, financingIds: string[], code: string, reason: string) {
    for (const id of financingIds) await this.registry.withdraw(id, em);
    await repo.abandonFunding(em, financingIds, code, reason);
  }

  async financings(auth: AuthContext) {
    return repo.financingsOf(this.ds.manager, readsAll(auth) ? "all" : auth.has("bank") ? { bank: auth.organization.id } : { supplier: auth.organization.id });
  }

  /** Financings by id, read together when several reads ask at once (waiting reads woken by one change notice). */
  private readonly financingsById = new Coalescer<string, Financing>((ids) => repo.financingsByIds(this.ds.manager, ids));

  async financing(auth: AuthContext, id: string) {
    const f = await this.financingsById.load(id);
    if (!f || !sees(auth, f)) throw notFound("financing", id);
    return f;
  }

  /** Whether the caller sees the financing `id` (and so follows the ledger operation that funds it, as its bank does). */
  async sees(auth: AuthContext, id: string): Promise<boolean> {
    const f = await this.financingsById.load(id);
    return f !== undefined && sees(auth, f);
  }
}

/** Its bank and its supplier see a financing; the operator and auditors all. */
const sees = (auth: AuthContext, f: Financing) => readsAll(auth) || f.bankOrganizationId === auth.organization.id || f.supplierOrganizationId === auth.organization.id;
