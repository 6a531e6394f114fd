import { randomBytes, randomUUID } from "node:crypto";
import { verifyTypedData } from "ethers";
import { In, type DataSource, type EntityManager } from "typeorm";
import { AppError, conflict, forbidden, notFound, validationFailed } from "../../shared/errors";
import type { AuthContext } from "../../shared/http/auth";
import type { Logger } from "../../shared/logger";
import { inTransaction } from "../../shared/transaction";
import { Rows } from "../../shared/rows";
import { Coalescer } from "../../shared/coalesce";
import { rowsOf } from "../../shared/db-types";
import { announceChange } from "../../shared/changes";
import type { Outbox } from "../../ledger/outbox/outbox.service";
import type { KeyVault } from "../../ledger/key-vault";
import { type PlatformKeys, notDeployed } from "../../ledger/platform-keys";
import { FINANCE_TERMS_TYPES, ledgerDomain, signFinanceTerms } from "../../ledger/typed-data";
import { LedgerKeyEntity } from "../../ledger/ledger.entity";
import { OrganizationEntity, type Organization, counterparty, custodialAccount } from "../onboarding";
import type { PledgeRegistry } from "../invoices";
import { ReceivableEntity, type ReceivableRow, changeInFlightSql, changeInProgress, recordOperation, type ReceivablesService } from "../receivables";
import { CreditLineEntity, FinancingEntity, FinancingRequestEntity, QuoteEntity, type Financing, type FinancingRequest, type Quote } from "./financing.entity";
import { advanceFromRate, daysUntil, price, PricingError } from "./pricing";

const receivableRows = new Rows(ReceivableEntity);
const requestRows = new Rows(FinancingRequestEntity);
const quoteRows = new Rows(QuoteEntity);
const financingRows = new Rows(FinancingEntity);
const organizationRows = new Rows(OrganizationEntity);
const keyRows = new Rows(LedgerKeyEntity);

/** How long a holder's signed acceptance stays valid for the bank to fund it. */
const FUNDING_WINDOW_S = 24 * 3600;
/** A signature closer than this to its deadline (on the ledger's clock) would expire before its transaction is mined. */
const MIN_DEADLINE_S = 120n;
const MAX_UINT256 = (1n << 256n) - 1n;
const readsAll = (a: AuthContext) => a.has("operator") || a.has("auditor");

export interface QuoteInput {
  advance?: bigint;
  advanceRateBp?: number;
  annualRateBp: number;
  dayCount: 360 | 365;
  fee: bigint;
  recourse: boolean;
  validUntil: Date;
}

/**
 * The financing marketplace: banks' credit lines per core enterprise, suppliers' requests for
 * confirmed certificates, competing quotes, acceptance (the holder's EIP-712 signature on the
 * terms) and funding: the pledge-registry search, registration, a second search, then the
 * delivery-versus-payment on the ledger through the outbox.
 */
export class FinancingService {
  constructor(
    private readonly ds: DataSource,
    private readonly outbox: Outbox,
    private readonly vault: KeyVault,
    private readonly keys: PlatformKeys,
    private readonly registry: PledgeRegistry,
    private readonly receivables: ReceivablesService,
    private readonly enqueueFunding: (financingId: string) => Promise<void>,
    private readonly log: Logger,
    /** The ledger's time, unix seconds: signature deadlines count on the chain's clock, not this machine's. */
    private readonly ledgerNow: () => Promise<bigint> = async () => BigInt(Math.floor(Date.now() / 1000)),
  ) {}

  // ─── Credit lines ───────────────────────────────────────────────────

  async setCreditLine(auth: AuthContext, obligorId: string, limit: bigint) {
    const bank = auth.organization;
    const signer = await custodialAccount(bank);
    const result = await inTransaction(this.ds, async (em) => {
      const obligor = await counterparty(em, obligorId, "core_enterprise", "obligorId");
      const repo = em.getRepository(CreditLineEntity);
      const line = (await repo.findOne({ where: { bankOrganizationId: bank.id, obligorOrganizationId: obligor.id }, lock: { mode: "pessimistic_write" } })) ??
        repo.create({ bankOrganizationId: bank.id, obligorOrganizationId: obligor.id, limitAmount: 0n, used: 0n });
      // an accepted financing not yet on the ledger holds its share of the line as firmly as a funded one
      const committed = await this.committed(em, bank.id, obligor.id);
      if (limit < line.used + committed) {
        throw validationFailed([
          { field: "body.limit", message: `is below what this line carries (${line.used} fen funded and ${committed} fen accepted and being funded); it must be at least ${line.used + committed} fen` },
        ]);
      }
      const operation = await this.outbox.add(em, {
        kind: "ledger.setCreditLine",
        signer,
        payload: { obligor: obligor.ledgerAddress!, limit: limit.toString() },
        organizationId: bank.id,
        aggregateId: obligor.id,
      });
      line.requestedLimit = limit;
      line.operationId = operation.id;
      await repo.save(line);
      const ops = [operation];
      // the bank pays advances from its settlement account: authorize the ledger once
      const [allowance] = await em.query(`SELECT amount FROM token_allowances WHERE owner = $1 AND spender = $2`, [signer, (await this.keys.deployment(em)).ledger]);
      if (!allowance || BigInt(allowance.amount) < MAX_UINT256 / 2n) {
        const pending = await em.query(`SELECT 1 FROM outbox WHERE kind = 'token.approveLedger' AND signer = $1 AND status IN ('pending', 'submitted')`, [signer]);
        if (!pending.length) ops.push(await this.outbox.add(em, { kind: "token.approveLedger", signer, payload: { spender: "ledger", amount: MAX_UINT256.toString() }, organizationId: bank.id }));
      }
      return { line, obligor, operation, ops };
    });
    await this.outbox.dispatch(result.ops);
    return result;
  }

  async creditLines(auth: AuthContext) {
    const column = auth.has("bank") ? "bank_organization_id" : "obligor_organization_id";
    const where = readsAll(auth) ? "TRUE" : `${column} = $1`;
    const rows: { bank_organization_id: string; obligor_organization_id: string; bank_name: string; obligor_name: string; limit_amount: string; used: string; requested_limit: string | null; committed: string }[] = await this.ds.query(
      `SELECT c.*, b.legal_name AS bank_name, o.legal_name AS obligor_name,
              ${committedSql("c.bank_organization_id", "c.obligor_organization_id")} AS committed
       FROM credit_lines c JOIN organizations b ON b.id = c.bank_organization_id JOIN organizations o ON o.id = c.obligor_organization_id
       WHERE ${where} ORDER BY b.legal_name, o.legal_name`,
      readsAll(auth) ? [] : [auth.organization.id],
    );
    return rows.map((c) => {
      const line = { limitAmount: BigInt(c.limit_amount), used: BigInt(c.used), requestedLimit: c.requested_limit === null ? null : BigInt(c.requested_limit) };
      const room = roomOn(line, BigInt(c.committed));
      return { bankId: c.bank_organization_id, bankName: c.bank_name, obligorId: c.obligor_organization_id, obligorName: c.obligor_name, ...line, committed: BigInt(c.committed), available: room < 0n ? 0n : room };
    });
  }

  /** What accepted financings not yet funded on the ledger (registry check, submitting) owe the bank under its line on the obligor. */
  private async committed(em: EntityManager, bankId: string, obligorId: string): Promise<bigint> {
    const [{ committed }] = await em.query(`SELECT ${committedSql("$1", "$2")}::text AS committed`, [bankId, obligorId]);
    return BigInt(committed);
  }

  // ─── Requests and quotes ──────────────────────────────────────────

  async openRequest(auth: AuthContext, receivableId: string): Promise<FinancingRequest> {
    return inTransaction(this.ds, async (em) => {
      const [locked] = await em.query(`SELECT * FROM receivables WHERE id = $1 FOR UPDATE`, [receivableId]);
      const r = locked ? receivableRows.from(em, locked) : null;
      if (!r || r.holderOrganizationId !== auth.organization.id) throw notFound("receivable", receivableId);
      if (r.status !== "confirmed") throw conflict("RECEIVABLE.INVALID_STATUS", `Only confirmed certificates can be financed; this one is ${r.status}.`);
      if (r.maturity.getTime() - Date.now() < 86_400_000) throw conflict("RECEIVABLE.MATURES_TOO_SOON", "The certificate matures within a day: too late to finance.");
      // one statement, after the lock on the certificate: the request is stored unless a split or
      // transfer is on its way (it would take the certificate from its holder; a confirmation the
      // indexer has already shown may still read "submitted" in the outbox after a worker crash) or
      // the certificate already has a live request, which the statement says instead
      const [row] = await em.query(
        `WITH in_flight AS (${changeInFlightSql("ARRAY[$1::uuid]", "ARRAY['ledger.split', 'ledger.transfer']")}),
              live AS (SELECT id FROM financing_requests WHERE receivable_id = $1 AND status IN ('open', 'accepted') LIMIT 1),
              created AS (
                INSERT INTO financing_requests (receivable_id, supplier_organization_id, obligor_organization_id, status)
                SELECT $1::uuid, $2::uuid, $3::uuid, 'open' WHERE NOT EXISTS (SELECT 1 FROM in_flight) AND NOT EXISTS (SELECT 1 FROM live)
                RETURNING *)
         SELECT (SELECT id FROM in_flight) AS in_flight_id, (SELECT id FROM live) AS live_id, ${requestRows.select(em, "created", "c_")}
         FROM (SELECT 1) one LEFT JOIN created ON true`,
        [receivableId, auth.organization.id, r.obligorOrganizationId],
      );
      if (row.in_flight_id !== null) throw changeInProgress(row.in_flight_id);
      if (row.live_id !== null) throw conflict("FINANCING.REQUEST_EXISTS", `There is already a financing request (${row.live_id}) for this certificate.`, { requestId: row.live_id });
      return requestRows.from(em, row, "c_");
    });
  }

  /** A request the caller may see: its supplier, or a bank with a credit line for its obligor. */
  private async visibleRequest(em: EntityManager, auth: AuthContext, id: string, lock = false): Promise<FinancingRequest> {
    const req = await em.getRepository(FinancingRequestEntity).findOne({ where: { id }, ...(lock ? { lock: { mode: "pessimistic_write" as const } } : {}) });
    if (!req) throw notFound("financing request", id);
    if (readsAll(auth) || req.supplierOrganizationId === auth.organization.id) return req;
    if (auth.has("bank") && (await this.hasLine(em, auth.organization.id, req.obligorOrganizationId))) return req;
    throw notFound("financing request", id);
  }

  private async hasLine(em: EntityManager, bankId: string, obligorId: string) {
    return em.getRepository(CreditLineEntity).exists({ where: { bankOrganizationId: bankId, obligorOrganizationId: obligorId } }).then(async (exists) => {
      if (!exists) return false;
      const line = await em.getRepository(CreditLineEntity).findOneByOrFail({ bankOrganizationId: bankId, obligorOrganizationId: obligorId });
      return line.limitAmount > 0n;
    });
  }

  async listRequests(auth: AuthContext, status?: string) {
    const statuses = status ? status.split(",") : ["open", "accepted", "funded", "failed", "cancelled"];
    let rows: FinancingRequest[];
    if (readsAll(auth)) rows = await this.ds.getRepository(FinancingRequestEntity).find({ where: { status: In(statuses) }, order: { createdAt: "DESC" }, take: 500 });
    else if (auth.has("bank")) {
      rows = await this.ds
        .getRepository(FinancingRequestEntity)
        .createQueryBuilder("f")
        .innerJoin("credit_lines", "c", "c.obligor_organization_id = f.obligor_organization_id AND c.bank_organization_id = :bank AND c.limit_amount > 0", { bank: auth.organization.id })
        .where("f.status IN (:...statuses)", { statuses })
        .orderBy("f.created_at", "DESC")
        .limit(500)
        .getMany();
    } else rows = await this.ds.getRepository(FinancingRequestEntity).find({ where: { supplierOrganizationId: auth.organization.id, status: In(statuses) }, order: { createdAt: "DESC" }, take: 500 });
    const receivables = new Map((await this.ds.getRepository(ReceivableEntity).findBy({ id: In(rows.map((r) => r.receivableId)) })).map((r) => [r.id, r]));
    return this.withoutOtherBanks(auth, rows.map((request) => ({ request, receivable: receivables.get(request.receivableId)! })));
  }

  async getRequest(auth: AuthContext, id: string) {
    const request = await this.visibleRequest(this.ds.manager, auth, id);
    const receivable = await this.ds.getRepository(ReceivableEntity).findOneByOrFail({ id: request.receivableId });
    return (await this.withoutOtherBanks(auth, [{ request, receivable }]))[0];
  }

  /** A bank sees requests it may quote on, but never another bank's winning quote or financing of them. */
  private async withoutOtherBanks(auth: AuthContext, items: { request: FinancingRequest; receivable: ReceivableRow }[]) {
    const me = auth.organization.id;
    if (readsAll(auth) || !auth.has("bank")) return items;
    const accepted = items.map((x) => x.request.acceptedQuoteId).filter((id): id is string => id !== null);
    const mine = new Set(accepted.length ? (await this.ds.getRepository(QuoteEntity).findBy({ id: In(accepted), bankOrganizationId: me })).map((q) => q.id) : []);
    return items.map(({ request, receivable }) => {
      if (request.supplierOrganizationId === me) return { request, receivable };
      return {
        request: request.acceptedQuoteId && !mine.has(request.acceptedQuoteId) ? { ...request, acceptedQuoteId: null, financingId: null } : request,
        receivable: receivable.financingBankOrganizationId && receivable.financingBankOrganizationId !== me ? { ...receivable, financingBankOrganizationId: null } : receivable,
      };
    });
  }

  async quote(auth: AuthContext, requestId: string, input: QuoteInput): Promise<Quote> {
    const bank = auth.organization;
    return inTransaction(this.ds, async (em) => {
      const [locked] = await em.query(`SELECT * FROM financing_requests WHERE id = $1 FOR UPDATE`, [requestId]);
      if (!locked) throw notFound("financing request", requestId);
      const req = requestRows.from(em, locked);
      // one read after the lock on the request: the certificate, the bank's line on its obligor
      // (which makes the request visible to the bank, and the room it leaves) and the bank's quote
      // on the request (the unique key allows one)
      const [x] = await em.query(
        `SELECT ${receivableRows.select(em, "r", "r_")}, c.limit_amount, c.used, c.requested_limit,
                ${committedSql("$2", "r.obligor_organization_id")}::text AS committed,
                (SELECT status FROM quotes WHERE request_id = $3 AND bank_organization_id = $2 ORDER BY status IN ('open', 'accepted') DESC LIMIT 1) AS my_quote
         FROM receivables r LEFT JOIN credit_lines c ON c.bank_organization_id = $2 AND c.obligor_organization_id = r.obligor_organization_id
         WHERE r.id = $1`,
        [req.receivableId, bank.id, requestId],
      );
      const line = x && x.limit_amount !== null ? { limitAmount: BigInt(x.limit_amount), used: BigInt(x.used), requestedLimit: x.requested_limit === null ? null : BigInt(x.requested_limit) } : null;
      const visible = readsAll(auth) || req.supplierOrganizationId === auth.organization.id || (auth.has("bank") && line !== null && line.limitAmount > 0n);
      if (!visible) throw notFound("financing request", requestId);
      if (req.status !== "open") throw conflict("FINANCING.REQUEST_CLOSED", `The request is ${req.status}; it takes no more quotes.`);
      if (!x) throw new Error(`financing request ${requestId}: receivable ${req.receivableId} is missing`);
      const r = receivableRows.from(em, x, "r_");
      if (r.status !== "confirmed") throw conflict("RECEIVABLE.INVALID_STATUS", `The certificate is ${r.status}; it can no longer be financed.`);
      if (input.validUntil.getTime() <= Date.now()) throw validationFailed([{ field: "body.validUntil", message: "is in the past" }]);
      if (input.validUntil > r.maturity) throw validationFailed([{ field: "body.validUntil", message: "is after the certificate's maturity" }]);
      const advance = input.advance ?? advanceFromRate(r.amount, input.advanceRateBp!);
      const days = daysUntil(r.maturity, new Date());
      let priced;
      try {
        priced = price(r.amount, { advance, annualRateBp: input.annualRateBp, dayCount: input.dayCount, fee: input.fee, days });
      } catch (e) {
        if (e instanceof PricingError) throw new AppError("QUOTE.INVALID_TERMS", 422, `These terms do not work: ${e.message}.`);
        throw e;
      }
      const available = line ? roomOn(line, BigInt(x.committed)) : 0n;
      if (priced.due > available) {
        throw new AppError("CREDIT_LINE.INSUFFICIENT", 422, `Your credit line for this core enterprise has ${available} fen available; this quote needs ${priced.due}. Raise the line or quote less.`);
      }
      if (x.my_quote === "open" || x.my_quote === "accepted") throw conflict("QUOTE.EXISTS", "You already quoted on this request; withdraw that quote first.");
      // a withdrawn or closed quote of the bank gives way to the new one; one a financing was made from stays as its history
      if (x.my_quote !== null) {
        await em.query(
          `DELETE FROM quotes q WHERE request_id = $1 AND bank_organization_id = $2 AND status IN ('withdrawn', 'closed')
             AND NOT EXISTS (SELECT 1 FROM financings f WHERE f.quote_id = q.id)`,
          [requestId, bank.id],
        );
      }
      const [created] = await em.query(
        `INSERT INTO quotes (request_id, bank_organization_id, advance, annual_rate_bp, day_count, fee, days, interest, due, recourse, valid_until, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'open') RETURNING *`,
        [requestId, bank.id, advance.toString(), input.annualRateBp, input.dayCount, input.fee.toString(), days, priced.interest.toString(), priced.due.toString(), input.recourse, input.validUntil],
      );
      return quoteRows.from(em, created);
    });
  }

  async withdrawQuote(auth: AuthContext, quoteId: string): Promise<Quote> {
    return inTransaction(this.ds, async (em) => {
      const found = await em.getRepository(QuoteEntity).findOneBy({ id: quoteId });
      if (!found || found.bankOrganizationId !== auth.organization.id) throw notFound("quote", quoteId);
      // lock order: the request, then its quote
      await em.getRepository(FinancingRequestEntity).findOne({ where: { id: found.requestId }, lock: { mode: "pessimistic_write" } });
      const q = await em.getRepository(QuoteEntity).findOneOrFail({ where: { id: quoteId }, lock: { mode: "pessimistic_write" } });
      if (q.status !== "open") throw conflict("QUOTE.NOT_OPEN", `The quote is ${q.status}.`);
      q.status = "withdrawn";
      return em.getRepository(QuoteEntity).save(q);
    });
  }

  /** The supplier withdraws its open request: the quotes on it close and the certificate is free to split or transfer again. */
  async cancelRequest(auth: AuthContext, requestId: string): Promise<FinancingRequest> {
    return inTransaction(this.ds, async (em) => {
      const req = await em.getRepository(FinancingRequestEntity).findOne({ where: { id: requestId }, lock: { mode: "pessimistic_write" } });
      if (!req || req.supplierOrganizationId !== auth.organization.id) throw notFound("financing request", requestId);
      if (req.status !== "open") throw conflict("FINANCING.REQUEST_CLOSED", `The request is ${req.status}; only an open request can be cancelled.`);
      await this.lockQuotes(em, requestId);
      await em.getRepository(QuoteEntity).update({ requestId, status: "open" }, { status: "closed" });
      req.status = "cancelled";
      return em.getRepository(FinancingRequestEntity).save(req);
    });
  }

  /** Locks every quote of a request, in id order (the lock order's second step). */
  private async lockQuotes(em: EntityManager, requestId: string): Promise<Quote[]> {
    return em.getRepository(QuoteEntity).find({ where: { requestId }, order: { id: "ASC" }, lock: { mode: "pessimistic_write" } });
  }

  /** Quotes on a request: the supplier sees all side by side (cheapest first); a bank sees its own. */
  async quotes(auth: AuthContext, requestId: string) {
    const req = await this.visibleRequest(this.ds.manager, auth, requestId);
    const r = await this.ds.getRepository(ReceivableEntity).findOneByOrFail({ id: req.receivableId });
    const where = readsAll(auth) || req.supplierOrganizationId === auth.organization.id ? { requestId } : { requestId, bankOrganizationId: auth.organization.id };
    const quotes = await this.ds.getRepository(QuoteEntity).find({ where });
    const banks = new Map((await this.ds.getRepository(OrganizationEntity).findBy({ id: In(quotes.map((q) => q.bankOrganizationId)) })).map((o) => [o.id, o.legalName]));
    return quotes
      .map((q) => ({ quote: q, bankName: banks.get(q.bankOrganizationId) ?? "", priced: price(r.amount, { advance: q.advance, annualRateBp: q.annualRateBp, dayCount: q.dayCount, fee: q.fee, days: q.days }) }))
      .sort((a, b) => a.priced.effectiveAnnualCostBp - b.priced.effectiveAnnualCostBp || Number(b.priced.advance - a.priced.advance));
  }

  // ─── Acceptance and funding ───────────────────────────────────────

  /** The FinanceTerms an acceptance of `quote` signs (the holder's own key signs exactly this). */
  async termsTypedData(auth: AuthContext, quoteId: string) {
    const { quote, receivable, bank } = await this.acceptable(this.ds.manager, auth, quoteId);
    const { chainId, ledger } = await this.keys.deployment(this.ds.manager);
    return {
      domain: ledgerDomain(chainId, ledger),
      types: FINANCE_TERMS_TYPES,
      primaryType: "FinanceTerms",
      message: this.terms(quote, receivable, bank, BigInt("0x" + randomBytes(16).toString("hex")), (await this.ledgerNow()) + BigInt(FUNDING_WINDOW_S)),
    };
  }

  private terms(q: Quote, r: ReceivableRow, bank: Organization, nonce: bigint, deadline: bigint) {
    return { receivableId: r.chainId!.toString(), bank: bank.ledgerAddress!, advance: q.advance.toString(), due: q.due.toString(), recourse: q.recourse, nonce: nonce.toString(), deadline: deadline.toString() };
  }

  /**
   * The quote, its request, certificate and bank, if the caller may accept it now. With `lock`, in
   * the lock order: the request, all its quotes, then the certificate (a concurrent acceptance of
   * another quote of the same request waits for this one instead of deadlocking with it); each
   * lock is a statement of its own, so that what the next one reads is what the lock holders left.
   */
  private async acceptable(em: EntityManager, auth: AuthContext, quoteId: string, lock = false) {
    const forUpdate = lock ? "FOR UPDATE" : "";
    // the request found through the quote (a quote never changes request)
    const [requestRow] = await em.query(`SELECT * FROM financing_requests WHERE id = (SELECT request_id FROM quotes WHERE id = $1) ${forUpdate}`, [quoteId]);
    const request = requestRow ? requestRows.from(em, requestRow) : null;
    if (!request || request.supplierOrganizationId !== auth.organization.id) throw notFound("quote", quoteId);
    const quotes = lock
      ? await em.query(`SELECT * FROM quotes WHERE request_id = $1 ORDER BY id FOR UPDATE`, [request.id]).then((rows: Record<string, unknown>[]) => rows.map((q) => quoteRows.from(em, q)))
      : await em.query(`SELECT * FROM quotes WHERE id = $1`, [quoteId]).then((rows: Record<string, unknown>[]) => rows.map((q) => quoteRows.from(em, q)));
    const quote = quotes.find((q) => q.id === quoteId);
    if (!quote) throw notFound("quote", quoteId);
    if (request.status !== "open") throw conflict("FINANCING.REQUEST_CLOSED", `The request is ${request.status}.`);
    if (quote.status !== "open") throw conflict("QUOTE.NOT_OPEN", `The quote is ${quote.status}.`);
    if (quote.validUntil.getTime() <= Date.now()) throw conflict("QUOTE.EXPIRED", `The quote expired at ${quote.validUntil.toISOString()}; ask the bank for a new one.`);
    // the certificate (locked) with the bank (read as it is)
    const [x] = await em.query(
      `SELECT ${receivableRows.select(em, "r", "r_")}, ${organizationRows.select(em, "b", "b_")} FROM receivables r, organizations b WHERE r.id = $1 AND b.id = $2 ${lock ? "FOR UPDATE OF r" : ""}`,
      [request.receivableId, quote.bankOrganizationId],
    );
    if (!x) throw new Error(`quote ${quoteId}: its certificate or bank is missing`);
    const receivable = receivableRows.from(em, x, "r_");
    if (receivable.status !== "confirmed" || receivable.holderOrganizationId !== auth.organization.id) {
      throw conflict("RECEIVABLE.INVALID_STATUS", `The certificate is ${receivable.status}; it can no longer be financed.`);
    }
    const bank = organizationRows.from(em, x, "b_");
    return { quote, request, receivable, bank };
  }

  /**
   * The supplier accepts a quote: the other quotes close, the terms are signed (with its custodial
   * key, or its own signature) and funding starts.
   */
  async accept(auth: AuthContext, quoteId: string, own?: { nonce: string; deadline: string; signature: string }): Promise<Financing> {
    const supplier = auth.organization;
    // read before the transaction: no lock is held while the ledger answers
    const ledgerNow = await this.ledgerNow();
    if (own && BigInt(own.deadline) <= ledgerNow + MIN_DEADLINE_S) {
      throw new AppError("SIGNATURE.EXPIRED", 422, `The signature's deadline (${own.deadline}) is past or too near on the ledger's clock (${ledgerNow}); sign again with a later deadline.`);
    }
    const financing = await inTransaction(this.ds, async (em) => {
      const { quote, request, receivable, bank } = await this.acceptable(em, auth, quoteId, true);
      // the bank funds, the holder receives, the obligor owes: the ledger refuses a financing if any of them is not an active member
      await this.requireActiveParties(em, [bank.id, supplier.id, receivable.obligorOrganizationId]);
      // the line may have been cut, or taken by another acceptance, since the bank quoted: lock it,
      // then read (a statement after the lock sees what the acceptances it waited for committed)
      // what accepted financings commit on it, with the deployment and the supplier's custodial key
      const [line] = await em.query(
        `SELECT limit_amount, used, requested_limit FROM credit_lines WHERE bank_organization_id = $1 AND obligor_organization_id = $2 FOR UPDATE`,
        [bank.id, receivable.obligorOrganizationId],
      );
      const [y] = await em.query(
        `SELECT ${committedSql("$1", "$2")}::text AS committed, d.chain_id::text AS chain_id, d.ledger, ${keyRows.select(em, "k", "k_")}
         FROM (SELECT 1) one LEFT JOIN (SELECT chain_id, ledger FROM ledger_deployments ORDER BY id DESC LIMIT 1) d ON true
              LEFT JOIN ledger_keys k ON k.address = $3`,
        [bank.id, receivable.obligorOrganizationId, supplier.ledgerAddress ?? ""],
      );
      const available = line
        ? roomOn({ limitAmount: BigInt(line.limit_amount), used: BigInt(line.used), requestedLimit: line.requested_limit === null ? null : BigInt(line.requested_limit) }, BigInt(y.committed))
        : 0n;
      if (quote.due > available) {
        throw new AppError(
          "CREDIT_LINE.INSUFFICIENT",
          422,
          `${bank.legalName}'s credit line for this core enterprise has ${available < 0n ? 0n : available} fen available now; this quote needs ${quote.due}. Accept another quote or ask the bank to quote again.`,
        );
      }
      if (y.chain_id === null) throw notDeployed();
      const domain = ledgerDomain(BigInt(y.chain_id), y.ledger);
      let terms;
      let signature: string;
      if (own) {
        terms = this.terms(quote, receivable, bank, BigInt(own.nonce), BigInt(own.deadline));
        let signer = "";
        try {
          signer = verifyTypedData(domain, FINANCE_TERMS_TYPES, terms, own.signature);
        } catch {
          throw validationFailed([{ field: "body.signature", message: "is not a valid secp256k1 signature" }]);
        }
        if (signer.toLowerCase() !== (supplier.ledgerAddress ?? "").toLowerCase()) {
          throw new AppError("SIGNATURE.WRONG_SIGNER", 422, `The terms are signed by ${signer}, not by your ledger address ${supplier.ledgerAddress}; sign the typed data from GET /v1/quotes/${quoteId}/terms.`);
        }
        signature = own.signature;
      } else {
        const address = await custodialAccount(supplier);
        terms = this.terms(quote, receivable, bank, BigInt("0x" + randomBytes(16).toString("hex")), ledgerNow + BigInt(FUNDING_WINDOW_S));
        signature = signFinanceTerms(this.vault.signingKeyOf(keyRows.fromJoined(em, y, "k_"), address), domain, terms);
      }
      // one statement: the quote accepted and the others closed, the request accepted, the financing
      const financingId = randomUUID();
      const [created] = await em.query(
        `WITH quotes_done AS (
           UPDATE quotes SET status = CASE WHEN id = $2 THEN 'accepted' ELSE 'closed' END WHERE request_id = $1 AND (id = $2 OR status = 'open') RETURNING id),
         request_done AS (
           UPDATE financing_requests SET status = 'accepted', accepted_quote_id = $2, financing_id = $3, updated_at = now() WHERE id = $1 RETURNING id)
         INSERT INTO financings (id, request_id, quote_id, receivable_id, bank_organization_id, supplier_organization_id, advance, due, recourse, terms, signature, status)
         SELECT $3::uuid, $1::uuid, $2::uuid, $4::uuid, $5::uuid, $6::uuid, $7::numeric, $8::numeric, $9::boolean, $10::jsonb, $11::text, 'registry_check' FROM request_done WHERE (SELECT count(*) FROM quotes_done) > 0
         RETURNING *`,
        [request.id, quote.id, financingId, receivable.id, bank.id, supplier.id, quote.advance.toString(), quote.due.toString(), quote.recourse, JSON.stringify(terms), signature],
      );
      if (!created) throw new Error(`accepting quote ${quote.id}: the request or quote was not updated`);
      return financingRows.from(em, created);
    });
    await this.enqueueFunding(financing.id);
    return financing;
  }

  /**
   * The funding job: search the pledge/transfer registry, register the assignment to the bank,
   * search again just before disbursement (closing the race window), then queue the DvP.
   * Idempotent: a re-run after a crash finds its own filing and goes on.
   */
  async fund(financingId: string): Promise<void> {
    const f = await this.ds.getRepository(FinancingEntity).findOneBy({ id: financingId });
    if (!f || f.status !== "registry_check") return;
    const receivable = await this.ds.getRepository(ReceivableEntity).findOneByOrFail({ id: f.receivableId });
    const hopeless = await this.hopeless(f, receivable);
    if (hopeless) return this.abandon(f, hopeless.code, hopeless.reason);
    const keys = await this.rootKeys(receivable);
    const foreign = async (filings: { reference: string }[]) => {
      const out = [];
      for (const x of filings) if (x.reference !== f.id && (await this.conflicts(x.reference, receivable.id))) out.push(x);
      return out;
    };
    const found = await this.registry.search(keys);
    const earlier = await foreign(found);
    if (earlier.length) return this.abandon(f, "REGISTRY.ALREADY_PLEDGED", `The registry already has a ${earlier[0] && (earlier[0] as { kind?: string }).kind} filing for this receivable's invoices (reference ${earlier[0].reference}): it cannot be financed again.`);
    const [supplier, bank] = await Promise.all([
      this.ds.getRepository(OrganizationEntity).findOneByOrFail({ id: f.supplierOrganizationId }),
      this.ds.getRepository(OrganizationEntity).findOneByOrFail({ id: f.bankOrganizationId }),
    ]);
    // one assignment filing per invoice behind the certificate, each registered once
    const filings = found.filter((x) => x.reference === f.id);
    for (const invoiceKey of keys) {
      if (filings.some((x) => x.invoiceKey === invoiceKey)) continue;
      filings.push(await this.registry.register({ invoiceKey, kind: "assignment", creditorTaxId: supplier.uscc, assignee: bank.legalName, amount: receivable.amount, reference: f.id }));
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
      await em.getRepository(FinancingEntity).update({ id: f.id, status: "registry_check" }, { status: "submitting", registryRegistrationId: registration.id, operationId: op.id });
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
    const [own] = await this.ds.query(`SELECT receivable_id FROM financings WHERE id::text = $1 AND status <> 'failed'`, [reference]);
    if (!own) return !(await this.ds.query(`SELECT 1 FROM financings WHERE id::text = $1`, [reference])).length;
    const [related] = await this.ds.query(
      `WITH RECURSIVE up_a AS (SELECT id, parent_id FROM receivables WHERE id = $1 UNION ALL SELECT r.id, r.parent_id FROM receivables r JOIN up_a ON r.id = up_a.parent_id),
                      up_b AS (SELECT id, parent_id FROM receivables WHERE id = $2 UNION ALL SELECT r.id, r.parent_id FROM receivables r JOIN up_b ON r.id = up_b.parent_id)
       SELECT (EXISTS (SELECT 1 FROM up_a WHERE id = $2) OR EXISTS (SELECT 1 FROM up_b WHERE id = $1)) AS overlap`,
      [receivableId, own.receivable_id],
    );
    return related.overlap === true;
  }

  /** The invoice keys behind a certificate: a split part's are its original's. */
  private async rootKeys(r: ReceivableRow): Promise<string[]> {
    const [root] = await this.ds.query(
      `WITH RECURSIVE up AS (SELECT id, parent_id, invoice_keys FROM receivables WHERE id = $1
         UNION ALL SELECT p.id, p.parent_id, p.invoice_keys FROM receivables p JOIN up ON p.id = up.parent_id)
       SELECT invoice_keys FROM up WHERE parent_id IS NULL`,
      [r.id],
    );
    return root.invoice_keys;
  }

  /** Why a financing being funded can never be: a party is not an active member, or the holder's signature has expired on the ledger's clock. */
  private async hopeless(f: Financing, receivable: ReceivableRow): Promise<{ code: string; reason: string } | null> {
    const parties = await this.ds.getRepository(OrganizationEntity).findBy({ id: In([f.bankOrganizationId, f.supplierOrganizationId, receivable.obligorOrganizationId]) });
    const inactive = parties.find((o) => o.status !== "active");
    if (inactive) {
      const role = inactive.id === f.bankOrganizationId ? "the bank" : inactive.id === f.supplierOrganizationId ? "the holder" : "the obligor";
      return { code: "ORGANIZATION.NOT_ACTIVE", reason: `${inactive.legalName} (${role}) is ${inactive.status}, not an active member: the ledger would refuse this financing. The request is open again: accept another quote or cancel it.` };
    }
    const deadline = BigInt(f.terms.deadline as string);
    const now = await this.ledgerNow();
    if (deadline <= now + MIN_DEADLINE_S) {
      return { code: "SIGNATURE.EXPIRED", reason: `The holder's signature on the terms expires at ${deadline} (unix seconds) and the ledger's clock reads ${now}: it can no longer be funded. The request is open again: accept a quote again or cancel it.` };
    }
    return null;
  }

  /** A funding that can never succeed: see `abandonFunding`; the registry filings made for it are withdrawn first. */
  private async abandon(f: Financing, code: string, reason: string) {
    this.log.warn({ financingId: f.id, code }, reason);
    await this.registry.withdraw(f.id);
    await inTransaction(this.ds, async (em) => {
      await abandonFunding(em, [f.id], code, reason);
      await announceChange(em);
    });
  }

  /** The ledger refused a financing (outbox failure hook, in its transaction): it fails, its filings are withdrawn and its request reopens. */
  async ledgerRefused(em: EntityManager, financingIds: string[], code: string, reason: string) {
    for (const id of financingIds) await this.registry.withdraw(id, em);
    await abandonFunding(em, financingIds, code, reason);
  }

  /** Refuses unless every organization is an active member, with no suspension on its way to the ledger. */
  private async requireActiveParties(em: EntityManager, ids: string[]) {
    const rows: { id: string; legal_name: string; status: string; suspending: boolean }[] = await em.query(
      `SELECT o.id, o.legal_name, o.status,
              EXISTS (SELECT 1 FROM outbox x WHERE x.aggregate_id = o.id::text AND x.kind = 'membership.suspend' AND x.status IN ('pending', 'submitted')) AS suspending
       FROM organizations o WHERE o.id = ANY($1::uuid[])`,
      [ids],
    );
    const bad = rows.find((o) => o.status !== "active" || o.suspending);
    if (bad) {
      throw conflict("ORGANIZATION.NOT_ACTIVE", `${bad.legal_name} is ${bad.suspending ? "being suspended" : bad.status}, not an active member: a financing with it cannot be funded. Accept another quote.`, { organizationId: bad.id });
    }
  }

  async financings(auth: AuthContext) {
    const where = readsAll(auth) ? {} : auth.has("bank") ? { bankOrganizationId: auth.organization.id } : { supplierOrganizationId: auth.organization.id };
    return this.ds.getRepository(FinancingEntity).find({ where, order: { acceptedAt: "DESC" }, take: 1000 });
  }

  /** Financings by id, read together when several reads ask at once (waiting reads woken by one change notice). */
  private readonly financingsById = new Coalescer<string, Financing>(async (ids) => {
    const rows: Record<string, unknown>[] = await this.ds.query(`SELECT * FROM financings WHERE id = ANY($1::uuid[])`, [ids]);
    return new Map(rows.map((r) => [r.id as string, financingRows.from(this.ds, r)]));
  });

  async financing(auth: AuthContext, id: string) {
    const f = await this.financingsById.load(id);
    if (!f || !(readsAll(auth) || f.bankOrganizationId === auth.organization.id || f.supplierOrganizationId === auth.organization.id)) throw notFound("financing", id);
    return f;
  }

  assertBank(auth: AuthContext) {
    if (!auth.has("bank")) throw forbidden("This needs a bank.");
  }
}

/**
 * Financings that will never be funded: each fails with its reason (both parties read it on the
 * financing), which releases what it committed on the bank's line (only live financings count),
 * and its request reopens with the quotes its acceptance closed, so the holder can accept another
 * or cancel. The quote accepted is closed: its bank may quote again.
 */
export async function abandonFunding(em: EntityManager, financingIds: string[], code: string, reason: string): Promise<void> {
  const failed: { id: string; request_id: string; quote_id: string }[] = rowsOf(
    await em.query(
      `UPDATE financings SET status = 'failed', failure_code = $2, failure_reason = $3, updated_at = now()
       WHERE id = ANY($1::uuid[]) AND status IN ('registry_check', 'submitting') RETURNING id, request_id, quote_id`,
      [financingIds, code, reason],
    ),
  );
  if (!failed.length) return;
  await em.query(
    `UPDATE financing_requests SET status = 'open', accepted_quote_id = NULL, financing_id = NULL, updated_at = now()
     WHERE id = ANY($1::uuid[]) AND status = 'accepted'`,
    [failed.map((f) => f.request_id)],
  );
  await em.query(`UPDATE quotes SET status = 'closed' WHERE id = ANY($1::uuid[]) AND status = 'accepted'`, [failed.map((f) => f.quote_id)]);
  await em.query(
    `UPDATE quotes q SET status = 'open' FROM organizations b
     WHERE q.request_id = ANY($1::uuid[]) AND q.id <> ALL($2::uuid[]) AND q.status = 'closed' AND q.valid_until > now()
       AND b.id = q.bank_organization_id AND b.status = 'active'`,
    [failed.map((f) => f.request_id), failed.map((f) => f.quote_id)],
  );
}

/** SQL for what accepted financings still being funded (registry check, submitting) owe `bank` under its line on `obligor`. */
const committedSql = (bank: string, obligor: string) =>
  `(SELECT COALESCE(sum(f.due), 0) FROM financings f JOIN receivables r ON r.id = f.receivable_id
    WHERE f.bank_organization_id = ${bank} AND r.obligor_organization_id = ${obligor} AND f.status IN ('registry_check', 'submitting'))`;

/** A line's room for more: its limit (the lower of the ledger's and one being set, so a cut binds at once) less what is funded and committed. */
function roomOn(line: { limitAmount: bigint; used: bigint; requestedLimit: bigint | null }, committed: bigint): bigint {
  const limit = line.requestedLimit !== null && line.requestedLimit < line.limitAmount ? line.requestedLimit : line.limitAmount;
  return limit - line.used - committed;
}

/**
 * A certificate with a live financing request (open, or accepted and being funded) keeps its
 * holder: banks are quoting on it or funding it. Splitting or transferring it waits until the
 * request is cancelled or has failed. The receivables module calls this under its lock on the
 * certificate, which `openRequest` takes too, so the two can never both succeed.
 */
export async function refuseWhileFinancingRequested(em: EntityManager, receivableIds: string[]): Promise<void> {
  const live = await em.getRepository(FinancingRequestEntity).findOneBy({ receivableId: In(receivableIds), status: In(["open", "accepted"]) });
  if (live) {
    throw conflict(
      "FINANCING.REQUEST_OPEN",
      `Certificate ${live.receivableId} has a financing request (${live.id}, ${live.status}); ${live.status === "open" ? "cancel the request first" : "it is being funded"}.`,
      { requestId: live.id },
    );
  }
}
