import { randomUUID } from "node:crypto";
import { encodeBytes32String, keccak256, toUtf8Bytes, verifyTypedData } from "ethers";
import { In, type DataSource, type EntityManager } from "typeorm";
import { AppError, conflict, forbidden, notFound, validationFailed } from "../../shared/errors";
import type { AuthContext } from "../../shared/http/auth";
import type { OperationBody, Outbox } from "../../ledger/outbox/outbox.service";
import type { OutboxEntry } from "../../ledger/outbox/outbox.entity";
import { CONFIRM_TYPES, ledgerDomain, type ConfirmedReceivable } from "../../ledger/typed-data";
import type { PlatformKeys } from "../../ledger/platform-keys";
import { ATTESTATION_TTL_SECONDS, attestedItem } from "../../ledger/attestation";
import { OrganizationEntity, type Organization, checkCounterparty, counterparty, custodialAccount, organizationsById } from "../onboarding";
import { invoicesRoot, type InvoicesService } from "../invoices";
import { ReceivableEntity, type ReceivableRow, type ReceivableStatus } from "./receivable.entity";
import { checkMaturity, checkTier, maturityInstant, type ReceivablePolicy } from "./policy";
import type { LineageNodeView } from "./receivables.schemas";
import { inTransaction } from "../../shared/transaction";
import { Rows } from "../../shared/rows";

const receivableRows = new Rows(ReceivableEntity);

export interface Accepted {
  receivable: ReceivableRow;
  operation: OutboxEntry;
}

/**
 * Refuses (throws) when something outside this module holds a claim on the certificates that a
 * change of holder would break (e.g. an open financing request: the financing module registers it).
 */
export type HolderChangeGuard = (em: EntityManager, receivableIds: string[]) => Promise<void>;

/**
 * SQL for a change on its way to the ledger on one of the certificates `ids` (an SQL uuid[]), of
 * one of `kinds` (an SQL text[]; NULL: any): not yet mined, or mined in a block the indexer has not
 * projected into the certificate yet. Its one column is the operation's id; at most one row.
 */
export const changeInFlightSql = (ids: string, kinds: string) =>
  `SELECT o.id::text AS id FROM receivables r JOIN outbox o ON o.id = r.operation_id LEFT JOIN ledger_transactions t ON t.id = o.ledger_tx_id
   WHERE r.id = ANY(${ids}) AND (${kinds} IS NULL OR o.kind = ANY(${kinds}))
     AND (o.status IN ('pending', 'submitted') OR (o.status = 'mined' AND (r.chain_block IS NULL OR t.block_number > r.chain_block)))
   LIMIT 1`;

/** What a change refused for a change in flight ({@link changeInFlightSql}) is told. */
export const changeInProgress = (operationId: string) =>
  conflict("RECEIVABLE.CHANGE_IN_PROGRESS", `Operation ${operationId} on one of these certificates is still being written to the ledger; retry when it is done.`, { operationId });

/**
 * What an obligor confirms about each of `rows`: its certificate id and the facts it owes on
 * (creditor's ledger address, amount, maturity, invoice root), as the platform shows them; the
 * ledger refuses the confirmation if its record differs (ConfirmationMismatch).
 */
async function confirmedFacts(em: EntityManager, rows: ReceivableRow[]): Promise<ConfirmedReceivable[]> {
  const creditors = await organizationsById(em, rows.map((r) => r.creditorOrganizationId));
  return rows.map((r) => {
    const creditor = creditors.get(r.creditorOrganizationId)?.ledgerAddress;
    if (!creditor || !r.invoicesRoot) throw conflict("RECEIVABLE.NOT_CONFIRMABLE", `Receivable ${r.id} has no creditor address or invoice root on record.`);
    return { id: r.chainId!.toString(), creditor, amount: r.amount.toString(), maturity: unix(r.maturity), invoicesRoot: r.invoicesRoot };
  });
}

/** Reads everyone's data: the operator and auditors. */
const readsAll = (a: AuthContext) => a.has("operator") || a.has("auditor");
const reasonBytes32 = (reason: string) => (toUtf8Bytes(reason).length <= 31 ? encodeBytes32String(reason) : keccak256(toUtf8Bytes(reason)));
const unix = (d: Date) => BigInt(Math.floor(d.getTime() / 1000)).toString();

/**
 * Registration, issue, confirmation, rejection, cancellation, split and transfer of receivable
 * certificates. Every change goes to the ledger through the outbox; the certificate's state here
 * is what the indexer has seen, so a write answers 202 with the operation to follow.
 */
export class ReceivablesService {
  constructor(
    private readonly ds: DataSource,
    private readonly outbox: Outbox,
    private readonly invoices: InvoicesService,
    private readonly keys: PlatformKeys,
    readonly policy: ReceivablePolicy,
    /** The ledger's time (unix seconds) for attestation deadlines; the wall clock if absent. */
    private readonly ledgerTime: () => Promise<bigint> = async () => BigInt(Math.floor(Date.now() / 1000)),
  ) {}

  private readonly holderChangeGuards: HolderChangeGuard[] = [];

  /** Another module's claim on certificates that a split or transfer must not break (see HolderChangeGuard). */
  guardHolderChanges(guard: HolderChangeGuard): void {
    this.holderChangeGuards.push(guard);
  }

  private async checkHolderChange(em: EntityManager, ids: string[]): Promise<void> {
    for (const guard of this.holderChangeGuards) await guard(em, ids);
  }

  // ─── Attestation (members that keep their own key) ────────────────

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

  // ─── Creation ───────────────────────────────────────────────────────

  /** A supplier registers receivables owed by core enterprises, backed by its verified invoices. */
  async register(auth: AuthContext, items: { obligorId: string; invoiceIds: string[]; maturityDate: string }[]): Promise<Accepted[]> {
    const supplier = auth.organization;
    const signer = await custodialAccount(supplier);
    return this.create(items, (item) => item.obligorId, (orgs, item, i) => {
      const obligor = checkCounterparty(orgs.get(item.obligorId), item.obligorId, "core_enterprise", `items.${i}.obligorId`);
      return { obligor, creditor: supplier, invoiceOwner: supplier, buyerTaxId: obligor.uscc, kind: "ledger.register", signer, counterpartyAddress: obligor.ledgerAddress! };
    });
  }

  /** A core enterprise issues certificates straight to its suppliers (already confirmed), against their verified invoices. */
  async issue(auth: AuthContext, items: { supplierId: string; invoiceIds: string[]; maturityDate: string }[]): Promise<Accepted[]> {
    const core = auth.organization;
    const signer = await custodialAccount(core);
    return this.create(items, (item) => item.supplierId, (orgs, item, i) => {
      const supplier = checkCounterparty(orgs.get(item.supplierId), item.supplierId, "supplier", `items.${i}.supplierId`);
      return { obligor: core, creditor: supplier, invoiceOwner: supplier, buyerTaxId: core.uscc, kind: "ledger.issue", signer, counterpartyAddress: supplier.ledgerAddress!, billedToCaller: true };
    });
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
  ): Promise<Accepted[]> {
    items.forEach((item, i) => checkMaturity(this.policy, maturityInstant(item.maturityDate), `items.${i}.maturityDate`));
    const accepted = await inTransaction(this.ds, async (em) => {
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
      const rows = [];
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
        rows.push({ id, origin: p.kind === "ledger.issue" ? "issued" : "registered", obligor: p.obligor.id, creditor: p.creditor.id, amount, maturity, root, keys, operation });
      }
      // every certificate in one statement (TypeORM's save would read each one first, then insert it)
      const values: unknown[] = [];
      const tuples = rows.map((r) => {
        const at = values.length;
        values.push(r.id, r.origin, r.obligor, r.creditor, r.amount.toString(), r.maturity, r.root, r.keys, r.operation.id.toString());
        const $ = (k: number) => `$${at + k}`;
        return `(${$(1)}::uuid, ${$(2)}, ${$(3)}::uuid, ${$(4)}::uuid, ${$(4)}::uuid, ${$(5)}::bigint, 'CNY', ${$(6)}::timestamptz, 'registering', 0, ${$(7)}, ${$(8)}::text[], ${$(9)}::bigint, false, 0, 0, 0, 0)`;
      });
      const inserted: Record<string, unknown>[] = await em.query(
        `INSERT INTO receivables (id, origin, obligor_organization_id, creditor_organization_id, holder_organization_id, amount, currency, maturity, status, tier,
                                  invoices_root, invoice_keys, operation_id, recourse, repaid, recovered, paid_to_bank, paid_to_holder)
         VALUES ${tuples.join(", ")} RETURNING *`,
        values,
      );
      const byId = new Map(inserted.map((r) => [r.id as string, receivableRows.from(em, r)]));
      return rows.map((r) => ({ receivable: byId.get(r.id)!, operation: r.operation }));
    });
    await this.outbox.dispatch(accepted.map((a) => a.operation));
    return accepted;
  }

  // ─── Confirmation, rejection, cancellation ────────────────────────

  /** The obligor confirms Pending certificates: with its custodial key, or its own EIP-712 signature. */
  async confirm(auth: AuthContext, ids: string[], signature?: { nonce: string; deadline: string; signature: string }) {
    const core = auth.organization;
    // a signature's deadline counts on the ledger's clock (read before the transaction: no lock waits on the ledger)
    const ledgerNow = signature ? await this.ledgerTime() : 0n;
    return this.change(auth, ids, "pending", "obligor", async (em, rows) => {
      // what the obligor confirms: each certificate's facts as the platform shows them, which the ledger checks
      const items = await confirmedFacts(em, rows);
      if (!signature) return { kind: "ledger.confirm", signer: await custodialAccount(core), payload: { items } };
      if (!core.ledgerAddress) throw conflict("ORGANIZATION.NOT_ACTIVE", "Your organization has no ledger address yet.");
      const { chainId, ledger } = await this.keys.deployment(em);
      const message = { items, nonce: signature.nonce, deadline: signature.deadline };
      let signer: string;
      try {
        signer = verifyTypedData(ledgerDomain(chainId, ledger), CONFIRM_TYPES, message, signature.signature);
      } catch {
        throw validationFailed([{ field: "body.signature.signature", message: "is not a valid secp256k1 signature" }]);
      }
      if (signer.toLowerCase() !== core.ledgerAddress.toLowerCase()) {
        throw new AppError("SIGNATURE.WRONG_SIGNER", 422, `The signature is by ${signer}, not by your organization's ledger address ${core.ledgerAddress}; sign the typed data from GET /v1/receivables/confirmations/typed-data with that key.`);
      }
      if (BigInt(signature.deadline) <= ledgerNow) {
        throw new AppError("SIGNATURE.EXPIRED", 422, `The signature's deadline (${signature.deadline}) has passed on the ledger's clock (${ledgerNow}); sign again with a later deadline.`);
      }
      return { kind: "ledger.confirmBySig", signer: await this.keys.relayer(em), payload: { ...message, obligor: core.ledgerAddress, signature: signature.signature } };
    });
  }

  /** What an obligor that keeps its own key signs to confirm `ids`. */
  async confirmationTypedData(auth: AuthContext, ids: string[]) {
    const rows = await this.visible(this.ds.manager, auth, ids);
    for (const r of rows) this.require(auth, r, "pending", "obligor");
    const { chainId, ledger } = await this.keys.deployment(this.ds.manager);
    const nonce = BigInt(keccak256(toUtf8Bytes(randomUUID()))) >> 8n;
    return {
      domain: ledgerDomain(chainId, ledger),
      types: CONFIRM_TYPES,
      primaryType: "ConfirmReceivables",
      message: { items: await confirmedFacts(this.ds.manager, rows), nonce: nonce.toString(), deadline: String((await this.ledgerTime()) + 3600n) },
    };
  }

  async reject(auth: AuthContext, ids: string[], reason: string) {
    return this.change(auth, ids, "pending", "obligor", async (_em, rows) => ({
      kind: "ledger.reject",
      signer: await custodialAccount(auth.organization),
      payload: { ids: rows.map((r) => r.chainId!.toString()), reason: reasonBytes32(reason) },
    }));
  }

  async cancel(auth: AuthContext, ids: string[]) {
    return this.change(auth, ids, "pending", "holder", async (_em, rows) => ({
      kind: "ledger.cancel",
      signer: await custodialAccount(auth.organization),
      payload: { ids: rows.map((r) => r.chainId!.toString()) },
    }));
  }

  // ─── Split and transfer ───────────────────────────────────────────

  async split(auth: AuthContext, id: string, parts: { organizationId: string; amount: bigint }[]) {
    const [result] = await this.change(auth, [id], "confirmed", "holder", async (em, [r]) => {
      if (r.maturity <= new Date()) throw conflict("RECEIVABLE.MATURED", "The certificate has matured: it can only be settled now.");
      await this.checkHolderChange(em, [r.id]);
      checkTier(this.policy, r.tier + 1);
      const total = parts.reduce((s, p) => s + p.amount, 0n);
      if (total !== r.amount) {
        throw validationFailed([{ field: "body.parts", message: `amounts add up to ${total} fen, but the certificate is ${r.amount} fen; they must match exactly` }]);
      }
      const resolved = [];
      for (const [i, p] of parts.entries()) {
        if (p.amount < this.policy.minSplitAmount) {
          throw validationFailed([{ field: `body.parts.${i}.amount`, message: `is below the smallest part allowed, ${this.policy.minSplitAmount} fen` }]);
        }
        const to = await counterparty(em, p.organizationId, "supplier", `parts.${i}.organizationId`);
        resolved.push({ to: to.ledgerAddress!, amount: p.amount.toString() });
      }
      return { kind: "ledger.split", signer: await custodialAccount(auth.organization), payload: { id: r.chainId!.toString(), parts: resolved } };
    });
    return result;
  }

  async transfer(auth: AuthContext, id: string, organizationId: string) {
    const [result] = await this.change(auth, [id], "confirmed", "holder", async (em, [r]) => {
      if (r.maturity <= new Date()) throw conflict("RECEIVABLE.MATURED", "The certificate has matured: it can only be settled now.");
      await this.checkHolderChange(em, [r.id]);
      const to = await counterparty(em, organizationId, "supplier", "organizationId");
      if (to.id === auth.organization.id) throw validationFailed([{ field: "body.organizationId", message: "is your own organization" }]);
      return { kind: "ledger.transfer", signer: await custodialAccount(auth.organization), payload: { id: r.chainId!.toString(), to: to.ledgerAddress! } };
    });
    return result;
  }

  /**
   * Locks the certificates, checks the caller's part and their state, and queues one operation for
   * all of them; each records it, so a second change while one is in flight is refused.
   */
  private async change(
    auth: AuthContext,
    ids: string[],
    status: ReceivableStatus,
    party: "holder" | "obligor",
    build: (em: EntityManager, rows: ReceivableRow[]) => Promise<OperationBody & { signer: string }>,
  ): Promise<Accepted[]> {
    const accepted = await inTransaction(this.ds, async (em) => {
      const rows = await this.visible(em, auth, ids, true);
      for (const r of rows) this.require(auth, r, status, party);
      await this.requireNoChangeInFlight(em, rows.map((r) => r.id));
      const op = await build(em, rows);
      const operation = await this.outbox.add(em, { ...op, organizationId: auth.organization.id, aggregateId: rows[0].id });
      await em.query(`UPDATE receivables SET operation_id = $1, updated_at = now() WHERE id = ANY($2::uuid[])`, [operation.id.toString(), rows.map((r) => r.id)]);
      return rows.map((receivable) => ({ receivable, operation }));
    });
    await this.outbox.dispatch([accepted[0].operation]);
    return accepted;
  }

  /**
   * Refuses certificates with a change on its way to the ledger (of one of `kinds`, if given): not
   * yet mined, or mined in a block the indexer has not projected into the certificate yet. Call it
   * with the certificates locked.
   */
  async requireNoChangeInFlight(em: EntityManager, ids: string[], kinds?: string[]): Promise<void> {
    const inFlight: { id: string }[] = await em.query(changeInFlightSql("$1::uuid[]", "$2::text[]"), [ids, kinds ?? null]);
    if (inFlight.length) throw changeInProgress(inFlight[0].id);
  }

  private require(auth: AuthContext, r: ReceivableRow, status: ReceivableStatus, party: "holder" | "obligor") {
    const mine = party === "holder" ? r.holderOrganizationId : r.obligorOrganizationId;
    if (mine !== auth.organization.id) throw forbidden(`Only the certificate's ${party} can do this (certificate ${r.id}).`);
    if (r.status !== status || r.chainId === null) {
      throw conflict("RECEIVABLE.INVALID_STATUS", `Certificate ${r.id} is ${r.status}; this needs a ${status} certificate.`, { receivableId: r.id, receivableStatus: r.status });
    }
  }

  // ─── Reads ──────────────────────────────────────────────────────────

  /** The certificates the caller may see among `ids` (locked if asked); any other is a 404. */
  async visible(em: EntityManager, auth: AuthContext, ids: string[], lock = false): Promise<ReceivableRow[]> {
    const raw: Record<string, unknown>[] = await em.query(`SELECT * FROM receivables WHERE id = ANY($1::uuid[]) ORDER BY id ${lock ? "FOR UPDATE" : ""}`, [ids]);
    const byId = new Map(raw.map((r) => receivableRows.from(em, r)).map((r) => [r.id, r]));
    return ids.map((id) => {
      const r = byId.get(id);
      if (!r || !this.canSee(auth, r)) throw notFound("receivable", id);
      return r;
    });
  }

  canSee(auth: AuthContext, r: ReceivableRow): boolean {
    const me = auth.organization.id;
    return readsAll(auth) || [r.holderOrganizationId, r.obligorOrganizationId, r.creditorOrganizationId, r.financingBankOrganizationId].includes(me);
  }

  async get(auth: AuthContext, id: string): Promise<ReceivableRow> {
    return (await this.visible(this.ds.manager, auth, [id]))[0];
  }

  /**
   * The invoice evidence of a certificate: the invoices of its original (a part of a split is
   * backed by the invoices of the certificate it was split from), for whoever may see the part.
   */
  async evidence(auth: AuthContext, id: string) {
    await this.get(auth, id);
    const [root] = await this.ds.query(
      `WITH RECURSIVE up AS (SELECT id, parent_id FROM receivables WHERE id = $1
         UNION ALL SELECT r.id, r.parent_id FROM receivables r JOIN up ON r.id = up.parent_id)
       SELECT id FROM up WHERE parent_id IS NULL`,
      [id],
    );
    return this.invoices.backing(root.id);
  }

  async list(auth: AuthContext, q: { role: "holder" | "obligor" | "creditor" | "all"; status?: string; limit: number; after?: string }) {
    const qb = this.ds.getRepository(ReceivableEntity).createQueryBuilder("r").orderBy("r.id").limit(q.limit);
    if (q.role === "all") {
      if (!readsAll(auth)) throw forbidden("Only the operator and auditors list every certificate: ask with role holder, obligor or creditor.");
    } else {
      const column = { holder: "holder_organization_id", obligor: "obligor_organization_id", creditor: "creditor_organization_id" }[q.role];
      qb.where(`r.${column} = :me`, { me: auth.organization.id });
    }
    if (q.status) qb.andWhere("r.status IN (:...statuses)", { statuses: q.status.split(",") });
    if (q.after) qb.andWhere("r.id > :after", { after: q.after });
    return qb.getMany();
  }

  /**
   * The certificate's family from the core enterprise's original down to every tier. The obligor,
   * operator and auditors see every holder; others see the holders of the branches they are part
   * of, and `null` elsewhere.
   */
  async lineage(auth: AuthContext, id: string) {
    const start = await this.get(auth, id);
    const [root] = await this.ds.query(
      `WITH RECURSIVE up AS (SELECT id, parent_id FROM receivables WHERE id = $1
         UNION ALL SELECT r.id, r.parent_id FROM receivables r JOIN up ON r.id = up.parent_id)
       SELECT id FROM up WHERE parent_id IS NULL`,
      [start.id],
    );
    const family: ReceivableRow[] = await this.ds.getRepository(ReceivableEntity).query(
      `WITH RECURSIVE down AS (SELECT * FROM receivables WHERE id = $1 UNION ALL SELECT r.* FROM receivables r JOIN down ON r.parent_id = down.id)
       SELECT id FROM down`,
      [root.id],
    ).then((rows: { id: string }[]) => this.ds.getRepository(ReceivableEntity).findBy({ id: In(rows.map((r) => r.id)) }));
    const seesAll = readsAll(auth) || start.obligorOrganizationId === auth.organization.id;
    const mine = new Set(family.filter((r) => this.canSee(auth, r)).map((r) => r.id));
    const names = new Map<string, string>(
      (await this.ds.getRepository(OrganizationEntity).findBy({ id: In([...new Set(family.map((r) => r.holderOrganizationId))]) })).map((o) => [o.id, o.legalName]),
    );
    const node = (r: ReceivableRow): LineageNodeView => ({
      id: r.id,
      certificateId: r.chainId?.toString() ?? null,
      tier: r.tier,
      amount: r.amount.toString(),
      status: r.status,
      holder: seesAll || mine.has(r.id) ? { id: r.holderOrganizationId, name: names.get(r.holderOrganizationId) ?? null } : null,
      children: family.filter((c) => c.parentId === r.id).sort((a, b) => Number((a.chainId ?? 0n) - (b.chainId ?? 0n))).map(node),
    });
    return node(family.find((r) => r.id === root.id)!);
  }

  /** A core enterprise's payables: what falls due when, to whom. */
  async calendar(auth: AuthContext, from?: string, to?: string) {
    const rows: { day: string; holder_organization_id: string; legal_name: string; amount: string; count: number }[] = await this.ds.query(
      `SELECT to_char(r.maturity AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS day, r.holder_organization_id, o.legal_name,
              sum(r.amount - r.repaid)::text AS amount, count(*)::int AS count
       FROM receivables r JOIN organizations o ON o.id = r.holder_organization_id
       WHERE r.obligor_organization_id = $1 AND r.status IN ('confirmed', 'financed', 'overdue')
         AND ($2::date IS NULL OR (r.maturity AT TIME ZONE 'Asia/Shanghai')::date >= $2::date)
         AND ($3::date IS NULL OR (r.maturity AT TIME ZONE 'Asia/Shanghai')::date <= $3::date)
       GROUP BY 1, 2, 3 ORDER BY 1, 4 DESC`,
      [auth.organization.id, from ?? null, to ?? null],
    );
    const days = new Map<string, { date: string; total: bigint; certificates: number; payees: { organizationId: string; name: string; amount: string; certificates: number }[] }>();
    for (const r of rows) {
      const d = days.get(r.day) ?? { date: r.day, total: 0n, certificates: 0, payees: [] };
      d.total += BigInt(r.amount);
      d.certificates += r.count;
      d.payees.push({ organizationId: r.holder_organization_id, name: r.legal_name, amount: r.amount, certificates: r.count });
      days.set(r.day, d);
    }
    return [...days.values()].map((d) => ({ ...d, total: d.total.toString() }));
  }
}
