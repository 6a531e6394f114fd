import { randomUUID } from "node:crypto";
import type { DataSource, EntityManager } from "typeorm";
import { AppError, conflict, forbidden } from "../../shared/errors";
import type { AuthContext } from "../../shared/http/auth";
import { inTransaction } from "../../shared/transaction";
import type { Outbox } from "../../ledger/outbox/outbox.service";
import type { OutboxEntry } from "../../ledger/outbox/outbox.entity";
import type { PlatformKeys } from "../../ledger/platform-keys";
import { ATTESTATION_TTL_SECONDS, attestedItem } from "../../ledger/attestation";
import { type Organization, checkCounterparty, custodialAccount, organizationsById } from "../onboarding";
import { invoicesRoot, type InvoicesService } from "../invoices";
import { checkMaturity, maturityInstant, type ReceivablePolicy } from "./policy";
import type { NewReceivable, ReceivablesRepository } from "./receivables.repository";
import { unix } from "./receivables.rules";
import type { Accepted } from "./receivables.service";
import type { ObligorStandings } from "./obligor-standings";

/**
 * Registration and issue of receivable certificates against verified invoices, and the
 * platform verifier's attestation for members that register or issue with their own key. Every
 * certificate goes to the ledger through the outbox; its state here is what the indexer has seen,
 * so a creation answers 202 with the operation to follow.
 */
export class ReceivableCreation {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: ReceivablesRepository,
    private readonly outbox: Outbox,
    private readonly invoices: InvoicesService,
    private readonly keys: PlatformKeys,
    private readonly policy: ReceivablePolicy,
    /** The ledger's time (unix seconds) for attestation deadlines. */
    private readonly ledgerTime: () => Promise<bigint>,
    private readonly standings: ObligorStandings,
  ) {}

  /**
   * The platform verifier's attestation for a member that keeps its own ledger key and calls
   * `register` (mode register: the caller, a supplier, is the creditor) or `issue` (mode issue:
   * the caller, a core enterprise, is the obligor) itself. Signed only for invoices the platform
   * verified, whose seller is the creditor (its USCC on the invoice), billed to the obligor, and
   * not backing a receivable on the platform; amounts, keys and roots are the platform's own,
   * so the ledger gets exactly what was verified. The invoices are not attached here: the ledger
   * keeps each key to one live certificate.
   */
  async attestation(auth: AuthContext, mode: "register" | "issue", items: { counterpartyId: string; invoiceIds: string[]; maturityDate: string }[]) {
    const me = auth.organization;
    const role = mode === "register" ? "supplier" : "core_enterprise";
    if (!auth.has(role)) throw forbidden(`Only a ${role.replace("_", " ")} may ${mode} receivables.`);
    if (me.status !== "active" || !me.ledgerAddress) throw conflict("ORGANIZATION.NOT_ACTIVE", `${me.legalName} is ${me.status}, not active on the ledger.`);
    // a member whose key the platform holds may ask too: the attestation names its own address as
    // the caller, so it is of no use to anyone else (and it registers through POST /v1/receivables)
    items.forEach((item, i) => checkMaturity(this.policy, maturityInstant(item.maturityDate), `items.${i}.maturityDate`));
    const issued = mode === "issue";
    const result = await inTransaction(this.ds, async (em) => {
      const orgs = await organizationsById(em, items.map((i) => i.counterpartyId));
      const batch = await this.invoices.lockForAttach(em, items.flatMap((i) => i.invoiceIds));
      const inputs = items.map((item, i) => {
        const other = checkCounterparty(orgs.get(item.counterpartyId), item.counterpartyId, issued ? "supplier" : "core_enterprise", `items.${i}.counterpartyId`);
        const [obligor, creditor] = issued ? [me, other] : [other, me];
        // checked as if attached to a receivable that does not exist: refuses invoices backing one
        const invoices = batch.check({ supplierOrgId: creditor.id, ids: item.invoiceIds, buyerTaxId: obligor.uscc, receivableId: randomUUID(), billedToCaller: issued });
        for (const inv of invoices) {
          if (inv.sellerTaxId.trim().toUpperCase() !== creditor.uscc.toUpperCase()) {
            throw new AppError("INVOICE.WRONG_SELLER", 422, `Invoice ${inv.id} is sold by ${inv.sellerTaxId}, not by the creditor ${creditor.uscc}.`, [], { invoiceId: inv.id });
          }
        }
        return {
          counterparty: other.ledgerAddress!,
          amount: invoices.reduce((sum, inv) => sum + inv.total, 0n).toString(),
          maturity: unix(maturityInstant(item.maturityDate)),
          invoicesRoot: invoicesRoot(invoices),
          invoiceKeys: invoices.map((inv) => inv.invoiceKey),
        };
      });
      const deployment = await this.keys.deployment(em);
      const deadline = (await this.ledgerTime()) + ATTESTATION_TTL_SECONDS;
      const attestation = await this.keys.attest(em, deployment, issued, inputs.map((i) => attestedItem(me.ledgerAddress!, issued, i)), deadline);
      return { ledger: deployment.ledger, function: mode, items: inputs, attestation };
    });
    return result;
  }

  /** A supplier registers receivables owed by core enterprises, backed by its verified invoices. */
  async register(auth: AuthContext, items: { obligorId: string; invoiceIds: string[]; maturityDate: string }[]): Promise<Accepted[]> {
    const supplier = auth.organization;
    const signer = await custodialAccount(supplier);
    return this.create(items, (item) => item.obligorId, (orgs, item, i) => {
      const obligor = checkCounterparty(orgs.get(item.obligorId), item.obligorId, "core_enterprise", `items.${i}.obligorId`);
      return { obligor, creditor: supplier, invoiceOwner: supplier, buyerTaxId: obligor.uscc, kind: "ledger.register", signer, counterpartyAddress: obligor.ledgerAddress! };
    });
  }

  /**
   * A core enterprise issues certificates straight to its suppliers, against their verified
   * invoices; each waits, offered, for its supplier's acceptance. Refused (409 OBLIGOR.PAUSED) while
   * the core enterprise is paused as a delinquent obligor.
   */
  async issue(auth: AuthContext, items: { supplierId: string; invoiceIds: string[]; maturityDate: string }[]): Promise<Accepted[]> {
    const core = auth.organization;
    const signer = await custodialAccount(core);
    return this.create(items, (item) => item.supplierId, (orgs, item, i) => {
      const supplier = checkCounterparty(orgs.get(item.supplierId), item.supplierId, "supplier", `items.${i}.supplierId`);
      return { obligor: core, creditor: supplier, invoiceOwner: supplier, buyerTaxId: core.uscc, kind: "ledger.issue", signer, counterpartyAddress: supplier.ledgerAddress!, billedToCaller: true };
    }, (em) => this.standings.requireNotPaused(em, core.id));
  }

  /**
   * Creates one certificate per item, all or none. The work is done for the whole batch at once:
   * the counterparties are read in one statement, the invoices locked, checked and attached in two
   * (item by item in the checks, so the first problem reported is the one a one-by-one run would
   * meet first), an operation queued per certificate, and the certificates inserted in one statement.
   */
  private async create<T extends { invoiceIds: string[]; maturityDate: string }>(
    items: T[],
    counterpartyOf: (item: T) => string,
    parties: (orgs: Map<string, Organization>, item: T, i: number) => {
      obligor: Organization;
      creditor: Organization;
      invoiceOwner: Organization;
      buyerTaxId: string;
      kind: "ledger.register" | "ledger.issue";
      signer: string;
      counterpartyAddress: string;
      /** The caller is the invoices' buyer, not their owner: it sees only invoices billed to it. */
      billedToCaller?: boolean;
    },
    /** What must hold of the caller before anything is read or written (a delinquent obligor issues nothing). */
    precondition: (em: EntityManager) => Promise<void> = async () => {},
  ): Promise<Accepted[]> {
    items.forEach((item, i) => checkMaturity(this.policy, maturityInstant(item.maturityDate), `items.${i}.maturityDate`));
    const accepted = await inTransaction(this.ds, async (em) => {
      await precondition(em);
      const orgs = await organizationsById(em, items.map(counterpartyOf));
      const invoiceBatch = await this.invoices.lockForAttach(em, items.flatMap((item) => item.invoiceIds));
      // item by item, the counterparty then the invoices: the first problem is the one a one-by-one run meets first
      const planned = items.map((item, i) => {
        const p = parties(orgs, item, i);
        const id = randomUUID();
        const invoices = invoiceBatch.check({ supplierOrgId: p.invoiceOwner.id, ids: item.invoiceIds, buyerTaxId: p.buyerTaxId, receivableId: id, billedToCaller: p.billedToCaller });
        return { id, p, invoices };
      });
      await invoiceBatch.mark(em);
      const rows: (NewReceivable & { operation: OutboxEntry })[] = [];
      for (const [i, item] of items.entries()) {
        const { id, p, invoices } = planned[i];
        const amount = invoices.reduce((sum, inv) => sum + inv.total, 0n);
        const maturity = maturityInstant(item.maturityDate);
        const root = invoicesRoot(invoices);
        const keys = invoices.map((inv) => inv.invoiceKey);
        const operation = await this.outbox.add(em, {
          kind: p.kind,
          signer: p.signer,
          payload: { items: [{ counterparty: p.counterpartyAddress, amount: amount.toString(), maturity: unix(maturity), invoicesRoot: root, invoiceKeys: keys }] },
          organizationId: p.kind === "ledger.issue" ? p.obligor.id : p.creditor.id,
          aggregateId: id,
        });
        rows.push({ id, origin: p.kind === "ledger.issue" ? "issued" : "registered", obligor: p.obligor.id, creditor: p.creditor.id, amount, maturity, root, keys, operationId: operation.id, operation });
      }
      const byId = new Map((await this.repo.insertRegistering(em, rows)).map((r) => [r.id, r]));
      return rows.map((r) => ({ receivable: byId.get(r.id)!, operation: r.operation }));
    });
    await this.outbox.dispatch(accepted.map((a) => a.operation));
    return accepted;
  }
}
