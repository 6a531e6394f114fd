import type { DataSource } from "typeorm";
import { AppError, conflict, forbidden } from "../../shared/errors";
import type { AuthContext } from "../../shared/http/auth";
import { custodialAccount, type Organization } from "../onboarding";
import type { ReceivableRow } from "./receivable.entity";
import type { ReceivableChanges } from "./receivables.changes";
import type { OfferRow, ReceivablesRepository } from "./receivables.repository";
import { noteReason } from "./ledger-reasons";
import type { Accepted } from "./receivables.service";

/**
 * Consent (签收 / 拒签, 77号文): a certificate a core enterprise issues, one transferred and a split
 * part for another supplier wait, `offered`, for their receiver. The receiver accepts (the
 * certificate is then its own) or refuses with a reason; the sender withdraws; an offer past its
 * expiry (or the certificate's maturity) is returned by the platform's keeper. Each change goes to
 * the ledger through the outbox, like every other change of a certificate (ReceivableChanges).
 */
export class ReceivableOffers {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: ReceivablesRepository,
    private readonly changes: ReceivableChanges,
    /** The ledger's time (unix seconds): an offer expires on the ledger's clock. */
    private readonly ledgerTime: () => Promise<bigint>,
  ) {}

  /** The receiver accepts offered certificates (签收): each is Confirmed and its own once mined. */
  async accept(auth: AuthContext, ids: string[]): Promise<Accepted[]> {
    const now = await this.ledgerTime();
    return this.changes.change(
      auth,
      ids,
      (a, r) => {
        requireOffer(a, r, "receiver", "accept");
        requireOfferOpen(r, now);
      },
      async (_em, rows) => ({ kind: "ledger.accept", signer: await ownCall(auth.organization, "accept(ids, opId)"), payload: { ids: rows.map((r) => r.chainId!.toString()) } }),
    );
  }

  /**
   * The receiver refuses offered certificates (拒签) with a reason: an issued one becomes void (its
   * invoices free again), a transfer or split part goes back to its sender. The reason's text is kept
   * off chain; the ledger records its bytes32 (the text up to 31 bytes, else keccak256 of it).
   */
  async refuse(auth: AuthContext, ids: string[], reason: string): Promise<Accepted[]> {
    return this.changes.change(
      auth,
      ids,
      (a, r) => requireOffer(a, r, "receiver", "refuse"),
      async (em, rows) => ({
        kind: "ledger.returnOffers",
        signer: await ownCall(auth.organization, "returnOffers(ids, reason, opId)"),
        payload: { ids: rows.map((r) => r.chainId!.toString()), reason: await noteReason(em, reason) },
      }),
    );
  }

  /** The sender (the obligor of an issued certificate, else its holder) withdraws its offers. */
  async withdraw(auth: AuthContext, ids: string[]): Promise<Accepted[]> {
    return this.changes.change(
      auth,
      ids,
      (a, r) => requireOffer(a, r, "sender", "withdraw"),
      async (em, rows) => ({
        kind: "ledger.returnOffers",
        signer: await ownCall(auth.organization, "returnOffers(ids, reason, opId)"),
        payload: { ids: rows.map((r) => r.chainId!.toString()), reason: await noteReason(em, "withdrawn by the sender") },
      }),
    );
  }

  /** The 待签收 inbox (incoming: offers to the caller) or what the caller offered and awaits (outgoing). */
  async list(auth: AuthContext, q: { direction: "incoming" | "outgoing"; limit: number; after?: string }): Promise<OfferRow[]> {
    return this.repo.offers(this.ds.manager, { direction: q.direction, me: auth.organization.id, limit: q.limit, after: q.after ?? null });
  }
}

/** Only the offer's receiver (accept, refuse) or its sender (withdraw) acts on it, and only while it is offered. */
export function requireOffer(auth: AuthContext, r: ReceivableRow, who: "receiver" | "sender", action: string): void {
  if (r.status !== "offered" || r.chainId === null) {
    throw conflict("RECEIVABLE.INVALID_STATUS", `Certificate ${r.id} is ${r.status}; only an offered certificate can be ${action === "accept" ? "accepted" : action === "refuse" ? "refused" : "withdrawn"}.`, {
      receivableId: r.id,
      receivableStatus: r.status,
    });
  }
  const theirs = who === "receiver" ? r.offerToOrganizationId : r.offerFromOrganizationId;
  if (theirs !== auth.organization.id) throw forbidden(`Only the offer's ${who} can ${action} it (certificate ${r.id}).`);
}

/** An offer can be accepted until it expires or the certificate matures (on the ledger's clock, unix seconds `now`); then it is only returned. */
export function requireOfferOpen(r: ReceivableRow, now: bigint): void {
  const expires = r.offerExpiresAt && r.offerExpiresAt < r.maturity ? r.offerExpiresAt : r.maturity;
  if (BigInt(Math.floor(expires.getTime() / 1000)) <= now) {
    throw conflict(
      "OFFER.EXPIRED",
      `The offer of certificate ${r.id} ${expires === r.maturity ? "ended at the certificate's maturity" : "expired"} (${expires.toISOString()}); the platform returns it to its sender, who may offer it again.`,
      { receivableId: r.id, expiredAt: expires.toISOString() },
    );
  }
}

/** The custodial key to send `call` with; a member that keeps its own key sends it to the ledger itself. */
async function ownCall(org: Organization, call: string): Promise<string> {
  try {
    return await custodialAccount(org);
  } catch (e) {
    if (e instanceof AppError && e.code === "ORGANIZATION.OWN_KEY") {
      throw new AppError("ORGANIZATION.OWN_KEY", 409, `${org.legalName} keeps its own ledger key: send ${call} to the ledger with it (the ledger checks that you are the offer's receiver or sender); the platform shows the outcome once the ledger has it.`);
    }
    throw e;
  }
}
