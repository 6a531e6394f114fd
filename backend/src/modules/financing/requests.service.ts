import type { DataSource, EntityManager } from "typeorm";
import { conflict, notFound } from "../../shared/errors";
import { readsAll, type AuthContext } from "../../shared/http/auth";
import { inTransaction } from "../../shared/transaction";
import { changeInProgress, type ReceivableRow } from "../receivables";
import type { FinancingRequest, Quote } from "./financing.entity";
import * as repo from "./financing.repository";
import { cheapestFirst, hideOtherBanks, priceQuote, requireFinanceable, requireReviewOfLongTerm, roomOn, type QuoteInput } from "./financing.rules";
import { price } from "./pricing";
import { requireLineInTerm } from "./credit-line-term";

/** What another module hears of requests and quotes (see RequestsService.listen). */
export type RequestEvent = { kind: "request.opened"; request: FinancingRequest } | { kind: "quote.made"; request: FinancingRequest; quote: Quote };
/** Hears a request or quote inside its transaction (its statements are part of it); what it returns runs once committed. */
export type RequestListener = (em: EntityManager, e: RequestEvent) => Promise<(() => Promise<void>) | void>;

/**
 * Suppliers' financing requests for confirmed certificates and banks' competing quotes on them.
 * A request is visible to its supplier and to banks with a credit line for its obligor.
 */
export class RequestsService {
  private readonly listeners: RequestListener[] = [];
  constructor(private readonly ds: DataSource) {}

  /**
   * Another module hears of each request opened and quote made, in the transaction that makes it
   * (the notifications module tells the people concerned in the same commit, no job needed).
   */
  listen(listener: RequestListener): void {
    this.listeners.push(listener);
  }

  /** The listeners' part of the transaction; returns what they run after it commits. */
  private async tell(em: EntityManager, e: RequestEvent): Promise<(() => Promise<void>)[]> {
    const after: (() => Promise<void>)[] = [];
    for (const l of this.listeners) {
      const then = await l(em, e);
      if (then) after.push(then);
    }
    return after;
  }

  private static async committed(after: (() => Promise<void>)[]): Promise<void> {
    for (const then of after) await then().catch(() => undefined);
  }

  async openRequest(auth: AuthContext, receivableId: string): Promise<FinancingRequest> {
    const request = await inTransaction(this.ds, async (em) => {
      const r = requireFinanceable(await repo.lockReceivable(em, receivableId), auth.organization.id, receivableId, new Date());
      // one statement, after the lock on the certificate (see insertRequestUnlessBusy)
      const { inFlightId, liveId, created } = await repo.insertRequestUnlessBusy(em, receivableId, auth.organization.id, r.obligorOrganizationId);
      if (inFlightId !== null) throw changeInProgress(inFlightId);
      if (liveId !== null) throw conflict("FINANCING.REQUEST_EXISTS", `There is already a financing request (${liveId}) for this certificate.`, { requestId: liveId });
      return { request: created!, after: await this.tell(em, { kind: "request.opened", request: created! }) };
    });
    await RequestsService.committed(request.after);
    return request.request;
  }

  /** A request the caller may see: its supplier, or a bank with a credit line for its obligor. */
  private async visibleRequest(em: EntityManager, auth: AuthContext, id: string): Promise<FinancingRequest> {
    const req = await repo.findRequest(em, id);
    if (!req) throw notFound("financing request", id);
    if (readsAll(auth) || req.supplierOrganizationId === auth.organization.id) return req;
    if (auth.has("bank") && (await repo.hasLine(em, auth.organization.id, req.obligorOrganizationId))) return req;
    throw notFound("financing request", id);
  }

  async listRequests(auth: AuthContext, status?: string) {
    const statuses = status ? status.split(",") : ["open", "accepted", "funded", "failed", "cancelled"];
    const of = readsAll(auth) ? "all" : auth.has("bank") ? { bank: auth.organization.id } : { supplier: auth.organization.id };
    const rows = await repo.requestsOf(this.ds.manager, of, statuses);
    const receivables = await repo.receivablesByIds(this.ds.manager, rows.map((r) => r.receivableId));
    return this.withoutOtherBanks(auth, rows.map((request) => ({ request, receivable: receivables.get(request.receivableId)! })));
  }

  async getRequest(auth: AuthContext, id: string) {
    const request = await this.visibleRequest(this.ds.manager, auth, id);
    const receivable = await repo.receivableById(this.ds.manager, request.receivableId);
    return (await this.withoutOtherBanks(auth, [{ request, receivable }]))[0];
  }

  /** A bank sees requests it may quote on, but never another bank's winning quote or financing of them. */
  private async withoutOtherBanks(auth: AuthContext, items: { request: FinancingRequest; receivable: ReceivableRow }[]) {
    if (readsAll(auth) || !auth.has("bank")) return items;
    const accepted = items.map((x) => x.request.acceptedQuoteId).filter((id): id is string => id !== null);
    return hideOtherBanks(auth.organization.id, items, await repo.ownQuoteIds(this.ds.manager, accepted, auth.organization.id));
  }

  async quote(auth: AuthContext, requestId: string, input: QuoteInput): Promise<Quote> {
    const bank = auth.organization;
    const made = await inTransaction(this.ds, async (em) => {
      const req = await repo.lockRequestRow(em, requestId);
      if (!req) throw notFound("financing request", requestId);
      // one read after the lock on the request: the certificate, the bank's line on its obligor
      // (which makes the request visible to the bank, and the room it leaves) and the bank's quote
      // on the request
      const x = await repo.quotingReads(em, req.receivableId, bank.id, requestId);
      const line = x?.line ?? null;
      const visible = readsAll(auth) || req.supplierOrganizationId === auth.organization.id || (auth.has("bank") && line !== null && line.limitAmount > 0n);
      if (!visible) throw notFound("financing request", requestId);
      if (req.status !== "open") throw conflict("FINANCING.REQUEST_CLOSED", `The request is ${req.status}; it takes no more quotes.`);
      if (!x) throw new Error(`financing request ${requestId}: receivable ${req.receivableId} is missing`);
      const r = x.receivable;
      if (r.status !== "confirmed") throw conflict("RECEIVABLE.INVALID_STATUS", `The certificate is ${r.status}; it can no longer be financed.`);
      // a line outside its term lends nothing, whatever room its limit leaves
      if (line) requireLineInTerm(x.term, new Date());
      requireReviewOfLongTerm(await repo.issuedAt(em, r), r, input.reasonablenessReview);
      const { advance, days, priced } = priceQuote(r, input, line ? roomOn(line, x.committed) : 0n, new Date());
      if (x.myQuote === "open" || x.myQuote === "accepted") throw conflict("QUOTE.EXISTS", "You already quoted on this request; withdraw that quote first.");
      // a withdrawn or closed quote of the bank gives way to the new one; one a financing was made from stays as its history
      if (x.myQuote !== null) await repo.deleteSupersededQuotes(em, requestId, bank.id);
      const quote = await repo.insertQuote(em, { ...input, requestId, bankId: bank.id, advance, days, interest: priced.interest, due: priced.due });
      return { quote, after: await this.tell(em, { kind: "quote.made", request: req, quote }) };
    });
    await RequestsService.committed(made.after);
    return made.quote;
  }

  async withdrawQuote(auth: AuthContext, quoteId: string): Promise<Quote> {
    return inTransaction(this.ds, async (em) => {
      const found = await repo.findQuote(em, quoteId);
      if (!found || found.bankOrganizationId !== auth.organization.id) throw notFound("quote", quoteId);
      // lock order: the request, then its quote
      await repo.findRequest(em, found.requestId, true);
      const q = await repo.lockQuote(em, quoteId);
      if (q.status !== "open") throw conflict("QUOTE.NOT_OPEN", `The quote is ${q.status}.`);
      q.status = "withdrawn";
      return repo.saveQuote(em, q);
    });
  }

  /** The supplier withdraws its open request: the quotes on it close and the certificate is free to split or transfer again. */
  async cancelRequest(auth: AuthContext, requestId: string): Promise<FinancingRequest> {
    return inTransaction(this.ds, async (em) => {
      const req = await repo.findRequest(em, requestId, true);
      if (!req || req.supplierOrganizationId !== auth.organization.id) throw notFound("financing request", requestId);
      if (req.status !== "open") throw conflict("FINANCING.REQUEST_CLOSED", `The request is ${req.status}; only an open request can be cancelled.`);
      await repo.lockQuotes(em, requestId);
      await repo.closeOpenQuotes(em, requestId);
      req.status = "cancelled";
      return repo.saveRequest(em, req);
    });
  }

  /** Quotes on a request: the supplier sees all side by side (cheapest first); a bank sees its own. */
  async quotes(auth: AuthContext, requestId: string) {
    const req = await this.visibleRequest(this.ds.manager, auth, requestId);
    const r = await repo.receivableById(this.ds.manager, req.receivableId);
    const quotes = await repo.quotesOn(this.ds.manager, requestId, readsAll(auth) || req.supplierOrganizationId === auth.organization.id ? undefined : auth.organization.id);
    const banks = new Map((await repo.organizationsByIds(this.ds.manager, quotes.map((q) => q.bankOrganizationId))).map((o) => [o.id, o.legalName]));
    return quotes
      .map((q) => ({ quote: q, bankName: banks.get(q.bankOrganizationId) ?? "", priced: price(r.amount, { advance: q.advance, annualRateBp: q.annualRateBp, dayCount: q.dayCount, fee: q.fee, days: q.days }) }))
      .sort(cheapestFirst);
  }
}

/**
 * A certificate with a live financing request (open, or accepted and being funded) keeps its
 * holder: banks are quoting on it or funding it. Splitting or transferring it waits until the
 * request is cancelled or has failed. The receivables module calls this under its lock on the
 * certificate, which `openRequest` takes too, so the two can never both succeed.
 */
export async function refuseWhileFinancingRequested(em: EntityManager, receivableIds: string[]): Promise<void> {
  const live = await repo.liveRequestOn(em, receivableIds);
  if (live) {
    throw conflict(
      "FINANCING.REQUEST_OPEN",
      `Certificate ${live.receivableId} has a financing request (${live.id}, ${live.status}); ${live.status === "open" ? "cancel the request first" : "it is being funded"}.`,
      { requestId: live.id },
    );
  }
}
