import type { LedgerEvent, QualifiedName } from "../../indexer/ledger-events";
import { OfferReturn, ReceivableStatus } from "../../ledger/roles";
import { cstDayNumber, cstDayOf, isoSeconds } from "./days";
import type { ChainRecord, FeedKind } from "./feed.record";

/**
 * From chain events to feed records, in chain order: the one function the platform (sealing the
 * feed) and `npm run feed:verify` (rebuilding it from the chain) both run, so that a record and the
 * chain's event can be compared field by field. Pure: what it needs to remember between events
 * (each certificate's facts, each account's organization) is in a `FeedState`.
 */

/** The ledger events that make a record. */
export const RECORD_EVENTS = [
  "ReceivableLedger.ReceivableIssued",
  "ReceivableLedger.ReceivableRegistered",
  "ReceivableLedger.ReceivableConfirmed",
  "ReceivableLedger.ReceivableRejected",
  "ReceivableLedger.ReceivableCancelled",
  "ReceivableLedger.CertificateOffered",
  "ReceivableLedger.OfferAccepted",
  "ReceivableLedger.OfferReturned",
  "ReceivableLedger.ReceivableTransferred",
  "ReceivableLedger.ReceivableSplit",
  "ReceivableLedger.ReceivableFinanced",
  "ReceivableLedger.ReceivableCleared",
  "ReceivableLedger.ReceivableDefaulted",
  "ReceivableLedger.RecourseClaimed",
  "ReceivableLedger.ObligorPaused",
  "ReceivableLedger.ObligorResumed",
] as const satisfies readonly QualifiedName[];

/** Membership events that say which organization an account acts for (no record of their own). */
export const ACCOUNT_EVENTS = ["Membership.AccountAdded"] as const satisfies readonly QualifiedName[];

export const FEED_EVENTS = [...RECORD_EVENTS, ...ACCOUNT_EVENTS] as const;
export type FeedEventName = (typeof FEED_EVENTS)[number];

type Slim<E> = E extends unknown ? Pick<E, Extract<keyof E, "contract" | "name" | "args" | "txHash" | "logIndex">> & { blockNumber: bigint | number } : never;
/** A feed event as the indexer stores it (integers as decimal strings) or the verifier decodes it. */
export type FeedEvent = Slim<LedgerEvent<FeedEventName>>;

/** What the feed remembers of a certificate: its facts, and who holds it and offered it. */
export interface CertificateFacts {
  id: string;
  parentId: string | null;
  /** The certificate of its lineage that was issued or registered. */
  rootId: string;
  obligor: string;
  amount: string;
  /** Unix seconds. */
  maturity: number;
  tier: number;
  /** When the lineage's first certificate was issued or registered (unix seconds): its term runs from then. */
  rootCreatedAt: number;
  holder: string;
  /** Who offered it, while an offer waits (the obligor for an issue, else the holder). */
  offerFrom: string | null;
}

/** What the builder reads and changes as it goes (addresses lower case). */
export interface FeedState {
  certificate(id: string): CertificateFacts | undefined;
  putCertificate(f: CertificateFacts): void;
  /** The Membership organization id (bytes32) an account acts for, as of the events seen so far. */
  orgOf(address: string): string | null;
  putAccount(address: string, orgId: string): void;
}

/** A built record and the organizations (Membership ids) its parties act for. */
export interface Built {
  record: ChainRecord;
  /** Same keys as the record's addresses: obligor, from, to, bank. */
  orgs: { obligor: string | null; from: string | null; to: string | null; bank: string | null };
}

const ZERO = "0x0000000000000000000000000000000000000000";
const addr = (a: string | null | undefined) => (!a || a.toLowerCase() === ZERO ? null : a.toLowerCase());

/** A plain in-memory state (the verifier's, and tests'). */
export class MemoryFeedState implements FeedState {
  readonly certificates = new Map<string, CertificateFacts>();
  readonly accounts = new Map<string, string>();
  certificate = (id: string) => this.certificates.get(id);
  putCertificate = (f: CertificateFacts) => void this.certificates.set(f.id, f);
  orgOf = (a: string) => this.accounts.get(a.toLowerCase()) ?? null;
  putAccount = (a: string, orgId: string) => void this.accounts.set(a.toLowerCase(), orgId.toLowerCase());
}

/**
 * The record of one event, `at` its block's time (unix seconds); null for events that make none
 * (an account added). Updates `state` as the event does.
 */
export function buildRecord(e: FeedEvent, at: number, state: FeedState): Built | null {
  const base = { blockNumber: Number(e.blockNumber), txHash: e.txHash.toLowerCase(), logIndex: e.logIndex, occurredAt: isoSeconds(at) };
  const made = (
    kind: FeedKind,
    certificateId: string | null,
    parties: { from?: string | null; to?: string | null; bank?: string | null; obligor?: string | null },
    more: { eventAmount?: string | null; facts?: CertificateFacts } = {},
  ): Built => {
    const f = more.facts ?? (certificateId === null ? undefined : state.certificate(certificateId));
    const obligor = addr(parties.obligor ?? f?.obligor);
    const from = addr(parties.from);
    const to = addr(parties.to);
    const bank = addr(parties.bank);
    return {
      record: {
        kind,
        certificateId,
        parentId: f?.parentId ?? null,
        obligorAddress: obligor,
        fromAddress: from,
        toAddress: to,
        bankAddress: bank,
        amount: f?.amount ?? null,
        eventAmount: more.eventAmount ?? null,
        maturityDate: f ? cstDayOf(f.maturity) : null,
        termDays: f ? cstDayNumber(f.maturity) - cstDayNumber(f.rootCreatedAt) : null,
        tier: f?.tier ?? null,
        ...base,
      },
      orgs: {
        obligor: obligor && state.orgOf(obligor),
        from: from && state.orgOf(from),
        to: to && state.orgOf(to),
        bank: bank && state.orgOf(bank),
      },
    };
  };
  const update = (id: string, change: Partial<CertificateFacts>) => {
    const f = state.certificate(id);
    if (f) state.putCertificate({ ...f, ...change });
  };

  switch (e.name) {
    case "AccountAdded":
      state.putAccount(e.args.account, e.args.orgId);
      return null;
    case "ReceivableIssued":
    case "ReceivableRegistered": {
      const a = e.args;
      const facts: CertificateFacts = {
        id: a.id,
        parentId: null,
        rootId: a.id,
        obligor: a.obligor.toLowerCase(),
        amount: a.amount,
        maturity: Number(a.maturity),
        tier: 0,
        rootCreatedAt: at,
        holder: a.creditor.toLowerCase(),
        offerFrom: null,
      };
      state.putCertificate(facts);
      return e.name === "ReceivableIssued"
        ? made("issue", a.id, { from: a.obligor, to: a.creditor }, { facts })
        : made("registration", a.id, { from: a.creditor, to: a.obligor }, { facts });
    }
    case "ReceivableConfirmed":
      return made("confirmation", e.args.id, { from: e.args.obligor, to: state.certificate(e.args.id)?.holder });
    case "ReceivableRejected":
      return made("rejection", e.args.id, { from: e.args.obligor, to: state.certificate(e.args.id)?.holder });
    case "ReceivableCancelled":
      return made("cancellation", e.args.id, { from: e.args.holder });
    case "ReceivableSplit": {
      const a = e.args;
      const parent = state.certificate(a.parentId);
      const facts: CertificateFacts | undefined = parent && {
        id: a.childId,
        parentId: a.parentId,
        rootId: parent.rootId,
        obligor: parent.obligor,
        amount: a.amount,
        maturity: parent.maturity,
        tier: Number(a.tier),
        rootCreatedAt: parent.rootCreatedAt,
        holder: a.holder.toLowerCase(),
        offerFrom: null,
      };
      if (facts) state.putCertificate(facts);
      const built = made("split", a.childId, { from: a.holder }, { facts });
      // without the parent's facts the part's own are still the event's
      if (!facts) Object.assign(built.record, { parentId: a.parentId, amount: a.amount, tier: Number(a.tier) });
      return built;
    }
    case "CertificateOffered":
      update(e.args.id, { offerFrom: e.args.from.toLowerCase() });
      return made("offer", e.args.id, { from: e.args.from, to: e.args.to });
    case "OfferAccepted": {
      const built = made("acceptance", e.args.id, { from: state.certificate(e.args.id)?.offerFrom, to: e.args.to });
      update(e.args.id, { holder: e.args.to.toLowerCase(), offerFrom: null });
      return built;
    }
    case "OfferReturned": {
      const cause = Number(e.args.cause);
      const kind: FeedKind = cause === OfferReturn.Refused ? "refusal" : cause === OfferReturn.Withdrawn ? "withdrawal" : "expiry";
      const built = made(kind, e.args.id, { from: state.certificate(e.args.id)?.offerFrom, to: e.args.to });
      update(e.args.id, { offerFrom: null });
      return built;
    }
    case "ReceivableTransferred":
      update(e.args.id, { holder: e.args.to.toLowerCase() });
      return made("transfer", e.args.id, { from: e.args.from, to: e.args.to });
    case "ReceivableFinanced":
      return made("financing", e.args.id, { from: e.args.seller, to: e.args.bank, bank: e.args.bank }, { eventAmount: e.args.advance });
    case "ReceivableCleared": {
      const a = e.args;
      const status = Number(a.status);
      const kind: FeedKind = status === ReceivableStatus.Settled ? "settlement" : status === ReceivableStatus.Overdue ? "overdue" : "partial_settlement";
      return made(kind, a.id, { from: state.certificate(a.id)?.obligor, to: a.holder, bank: a.bank }, { eventAmount: (BigInt(a.toBank) + BigInt(a.toHolder)).toString() });
    }
    case "ReceivableDefaulted":
      return made("default", e.args.id, { from: state.certificate(e.args.id)?.obligor, to: e.args.creditor }, { eventAmount: e.args.outstanding });
    case "RecourseClaimed":
      return made("recourse", e.args.id, { from: e.args.seller, to: e.args.bank, bank: e.args.bank }, { eventAmount: e.args.amount });
    case "ObligorPaused":
      return made("obligor_paused", e.args.id === "0" ? null : e.args.id, { obligor: e.args.obligor });
    case "ObligorResumed":
      return made("obligor_resumed", e.args.id === "0" ? null : e.args.id, { obligor: e.args.obligor });
  }
  return null;
}
