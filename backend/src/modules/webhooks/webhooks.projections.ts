import type { EntityManager } from "typeorm";
import type { ChunkContext, Projections } from "../../indexer/projections";
import type { ChainEvent } from "../../indexer/indexer.entity";
import type { LedgerEvent, QualifiedName } from "../../indexer/ledger-events";
import { CHAIN_STATUS, OFFER_RETURN, onChainText, reasonTexts } from "../receivables";
import type { WebhookEventType } from "./webhooks.events";

type Data = Record<string, string | boolean | number | null>;

/** Who receives an event, and what each of them may see (the first audience an organization is in wins). */
export interface Audience {
  orgIds: (string | null | undefined)[];
  data: Data;
}
export interface Notice {
  type: WebhookEventType;
  audiences: Audience[];
}

/** The body of every delivery: what the receiver parses and the signature covers. */
export interface WebhookPayload {
  /** The event: `<tx hash>:<log index>` for ledger events; the same for every receiver of one event. */
  id: string;
  type: string;
  occurredAt: string;
  data: Data;
}

const ZERO = "0x0000000000000000000000000000000000000000";

/** What the platform knows of a certificate (the business projections ran before these). */
interface Cert {
  id: string;
  obligor: string;
  creditor: string;
  holder: string;
  bank: string | null;
  amount: string;
  currency: string;
  maturity: Date;
  tier: number;
  status: string;
  /** Its latest offer (see the receivables module's offers projections). */
  offer_kind: string | null;
  offer_from: string | null;
  offer_to: string | null;
  offer_return_text: string | null;
}

async function cert(em: EntityManager, chainId: string): Promise<Cert | null> {
  const [r] = await em.query(
    `SELECT id, obligor_organization_id AS obligor, creditor_organization_id AS creditor, holder_organization_id AS holder,
       financing_bank_organization_id AS bank, amount::text, currency, maturity, tier, status,
       offer_kind, offer_from_organization_id AS offer_from, offer_to_organization_id AS offer_to, offer_return_text FROM receivables WHERE chain_id = $1`,
    [chainId],
  );
  return r ?? null;
}

/** The offer an offer event is about: its kind and parties, as the certificate records them. */
const offerData = (c: Cert | null, from: string | null, to: string | null): Data => ({ kind: c?.offer_kind ?? null, fromId: from, toId: to, holderId: c?.holder ?? null });

/** Why an offer went back → the event type. */
const RETURNED: Record<string, WebhookEventType> = { refused: "receivable.refused", withdrawn: "receivable.offer_withdrawn", expired: "receivable.offer_expired" };

async function orgs(ctx: ChunkContext, ...addresses: string[]): Promise<(string | null)[]> {
  return Promise.all(addresses.map((a) => (a && a !== ZERO ? ctx.orgId(a) : Promise.resolve(null))));
}

/** The fields every receivable event carries. */
const certData = (c: Cert | null, chainId: string): Data => ({
  receivableId: c?.id ?? null,
  certificateId: chainId,
  obligorId: c?.obligor ?? null,
  amount: c?.amount ?? null,
  currency: c?.currency.trim() ?? "CNY",
  maturity: c ? new Date(c.maturity).toISOString() : null,
});

/** Certificate created (registered or issued). */
async function created(
  em: EntityManager,
  ctx: ChunkContext,
  e: LedgerEvent<"ReceivableLedger.ReceivableRegistered" | "ReceivableLedger.ReceivableIssued">,
  type: WebhookEventType,
): Promise<Notice> {
  const c = await cert(em, e.args.id);
  const [obligor, creditor] = c ? [c.obligor, c.creditor] : await orgs(ctx, e.args.obligor, e.args.creditor);
  return {
    type,
    audiences: [{ orgIds: [creditor, obligor], data: { ...certData(c, e.args.id), obligorId: obligor, amount: e.args.amount, creditorId: creditor } }],
  };
}

/** Payment applied: the event type follows the certificate's state after it. */
function clearedType(status: string): WebhookEventType {
  if (status === "settled") return "receivable.settled";
  if (status === "overdue") return "receivable.overdue";
  return "receivable.partially_repaid";
}

/** What a webhook notice is made of for one event of kind `N`. */
export type Builder<N extends QualifiedName> = (em: EntityManager, ctx: ChunkContext, e: LedgerEvent<N>) => Promise<Notice | null>;

/**
 * Ledger events → the business events the platform announces (each with the organizations party to
 * it): the webhooks send them, the notifications module tells people of them. `on` takes one builder
 * per contract event.
 */
export function noticeBuilders(on: <N extends QualifiedName>(name: N, build: Builder<N>) => void): void {
  on("ReceivableLedger.ReceivableRegistered", (em, ctx, e) => created(em, ctx, e, "receivable.registered"));
  on("ReceivableLedger.ReceivableIssued", (em, ctx, e) => created(em, ctx, e, "receivable.issued"));

  on("ReceivableLedger.ReceivableConfirmed", async (em, ctx, e) => {
    const c = await cert(em, e.args.id);
    const [obligor] = c ? [c.obligor] : await orgs(ctx, e.args.obligor);
    return { type: "receivable.confirmed", audiences: [{ orgIds: [c?.holder, c?.creditor, obligor], data: { ...certData(c, e.args.id), obligorId: obligor, holderId: c?.holder ?? null } }] };
  });

  on("ReceivableLedger.ReceivableRejected", async (em, ctx, e) => {
    const c = await cert(em, e.args.id);
    const [obligor] = c ? [c.obligor] : await orgs(ctx, e.args.obligor);
    const reason = e.args.reason.toLowerCase();
    const text = (await reasonTexts(em, [reason])).get(reason) ?? null;
    return {
      type: "receivable.rejected",
      audiences: [{ orgIds: [c?.holder, obligor], data: { ...certData(c, e.args.id), obligorId: obligor, holderId: c?.holder ?? null, reason: text, reasonHash: reason } }],
    };
  });

  on("ReceivableLedger.ReceivableCancelled", async (em, ctx, e) => {
    const c = await cert(em, e.args.id);
    const [holder] = await orgs(ctx, e.args.holder);
    return { type: "receivable.cancelled", audiences: [{ orgIds: [holder ?? c?.holder, c?.obligor], data: { ...certData(c, e.args.id), holderId: holder ?? c?.holder ?? null } }] };
  });

  on("ReceivableLedger.ReceivableSplit", async (em, ctx, e) => {
    const [parent, child] = await Promise.all([cert(em, e.args.parentId), cert(em, e.args.childId)]);
    const [holder] = await orgs(ctx, e.args.holder);
    return {
      type: "receivable.split",
      audiences: [
        {
          orgIds: [parent?.holder, holder, parent?.obligor],
          data: {
            ...certData(child, e.args.childId),
            obligorId: parent?.obligor ?? null,
            amount: e.args.amount,
            tier: Number(e.args.tier),
            holderId: holder,
            parentReceivableId: parent?.id ?? null,
            parentCertificateId: e.args.parentId,
            parentHolderId: parent?.holder ?? null,
          },
        },
      ],
    };
  });

  on("ReceivableLedger.ReceivableTransferred", async (em, ctx, e) => {
    const c = await cert(em, e.args.id);
    const [from, to] = await orgs(ctx, e.args.from, e.args.to);
    return { type: "receivable.transferred", audiences: [{ orgIds: [from, to, c?.obligor], data: { ...certData(c, e.args.id), fromId: from, toId: to } }] };
  });

  on("ReceivableLedger.CertificateOffered", async (em, ctx, e) => {
    const c = await cert(em, e.args.id);
    const [from, to] = await orgs(ctx, e.args.from, e.args.to);
    return {
      type: "receivable.offered",
      audiences: [{ orgIds: [from, to, c?.obligor], data: { ...certData(c, e.args.id), ...offerData(c, from, to), expiresAt: new Date(Number(e.args.expires) * 1000).toISOString() } }],
    };
  });

  on("ReceivableLedger.OfferAccepted", async (em, ctx, e) => {
    const c = await cert(em, e.args.id);
    const [to] = await orgs(ctx, e.args.to);
    return { type: "receivable.accepted", audiences: [{ orgIds: [c?.offer_from, to, c?.obligor], data: { ...certData(c, e.args.id), ...offerData(c, c?.offer_from ?? null, to) } }] };
  });

  on("ReceivableLedger.OfferReturned", async (em, ctx, e) => {
    const c = await cert(em, e.args.id);
    const [to] = await orgs(ctx, e.args.to);
    const cause = OFFER_RETURN[Number(e.args.cause)] ?? "expired";
    const reason: Data = cause === "refused" ? { reason: c?.offer_return_text ?? onChainText(e.args.reason), reasonHash: e.args.reason } : {};
    return {
      type: RETURNED[cause],
      audiences: [{ orgIds: [c?.offer_from, to, c?.obligor], data: { ...certData(c, e.args.id), ...offerData(c, c?.offer_from ?? null, to), status: c?.status ?? null, ...reason } }],
    };
  });

  on("ReceivableLedger.ObligorPaused", async (em, ctx, e) => {
    const c = await cert(em, e.args.id);
    const [obligor] = await orgs(ctx, e.args.obligor);
    return {
      type: "obligor.paused",
      audiences: [{ orgIds: [obligor, c?.holder, c?.bank], data: { obligorId: obligor, receivableId: c?.id ?? null, certificateId: e.args.id, delinquencies: Number(e.args.delinquencies) } }],
    };
  });

  on("ReceivableLedger.ObligorResumed", async (em, ctx, e) => {
    const [obligor] = await orgs(ctx, e.args.obligor);
    if (BigInt(e.args.id) !== 0n) {
      const c = await cert(em, e.args.id);
      return { type: "obligor.resumed", audiences: [{ orgIds: [obligor, c?.holder, c?.bank], data: { obligorId: obligor, resumedBy: "payment", receivableId: c?.id ?? null, certificateId: e.args.id } }] };
    }
    // governance: everyone holding or financing a certificate that counted against it is told
    const parties: { holder: string; bank: string | null }[] = obligor
      ? await em.query(`SELECT DISTINCT holder_organization_id AS holder, financing_bank_organization_id AS bank FROM receivables WHERE obligor_organization_id = $1 AND status IN ('overdue', 'defaulted')`, [obligor])
      : [];
    const reason = e.args.reason.toLowerCase();
    const text = (await reasonTexts(em, [reason])).get(reason) ?? null;
    return {
      type: "obligor.resumed",
      audiences: [{ orgIds: [obligor, ...parties.flatMap((p) => [p.holder, p.bank])], data: { obligorId: obligor, resumedBy: "governance", reason: text, reasonHash: reason } }],
    };
  });

  on("ReceivableLedger.ReceivableFinanced", async (em, ctx, e) => {
    const c = await cert(em, e.args.id);
    const [bank, seller] = await orgs(ctx, e.args.bank, e.args.seller);
    const [f] = c ? await em.query(`SELECT id, request_id, quote_id FROM financings WHERE receivable_id = $1 AND bank_organization_id = $2 ORDER BY accepted_at DESC LIMIT 1`, [c.id, bank]) : [];
    const base = certData(c, e.args.id);
    return {
      type: "financing.funded",
      audiences: [
        {
          orgIds: [bank, seller],
          data: { ...base, financingId: f?.id ?? null, requestId: f?.request_id ?? null, quoteId: f?.quote_id ?? null, bankId: bank, supplierId: seller, advance: e.args.advance, due: e.args.due, recourse: e.args.recourse },
        },
        // notice of assignment: the obligor learns who holds the lien, not the price
        { orgIds: [c?.obligor], data: { ...base, bankId: bank, supplierId: seller } },
      ],
    };
  });

  on("ReceivableLedger.ReceivableCleared", async (em, ctx, e) => {
    const c = await cert(em, e.args.id);
    const [bank, holder] = await orgs(ctx, e.args.bank, e.args.holder);
    const status = CHAIN_STATUS[Number(e.args.status)] ?? e.args.status;
    const toBank = BigInt(e.args.toBank);
    const toHolder = BigInt(e.args.toHolder);
    const base = { ...certData(c, e.args.id), status, paid: (toBank + toHolder).toString(), outstanding: e.args.outstanding };
    return {
      type: clearedType(status),
      audiences: [
        { orgIds: [holder ?? c?.holder, bank], data: { ...base, holderId: holder ?? c?.holder ?? null, bankId: bank, toBank: toBank.toString(), toHolder: toHolder.toString() } },
        { orgIds: [c?.obligor], data: base },
      ],
    };
  });

  on("ReceivableLedger.ReceivableDefaulted", async (em, ctx, e) => {
    const c = await cert(em, e.args.id);
    const [declaredBy] = await orgs(ctx, e.args.creditor);
    return {
      type: "receivable.defaulted",
      audiences: [{ orgIds: [c?.holder, c?.bank, c?.obligor, declaredBy], data: { ...certData(c, e.args.id), outstanding: e.args.outstanding, declaredById: declaredBy, bankId: c?.bank ?? null, holderId: c?.holder ?? null } }],
    };
  });

  on("ReceivableLedger.RecourseClaimed", async (em, ctx, e) => {
    const c = await cert(em, e.args.id);
    const [bank, seller] = await orgs(ctx, e.args.bank, e.args.seller);
    return {
      type: "recourse.claimed",
      audiences: [{ orgIds: [bank, seller], data: { ...certData(c, e.args.id), bankId: bank, sellerId: seller, amount: e.args.amount, remaining: e.args.remaining } }],
    };
  });

  on("ReceivableLedger.CreditLineSet", async (em, ctx, e) => {
    const [bank, obligor] = await orgs(ctx, e.args.bank, e.args.obligor);
    return { type: "credit_line.updated", audiences: [{ orgIds: [bank], data: { bankId: bank, obligorId: obligor, limit: e.args.limit, used: e.args.used } }] };
  });

  on("SettlementToken.Deposited", async (em, ctx, e) => {
    const [account, issuer] = await orgs(ctx, e.args.account, e.args.issuer);
    return { type: "settlement.deposit", audiences: [{ orgIds: [account, issuer], data: { organizationId: account, amount: e.args.amount, currency: "CNY", issuerId: issuer } }] };
  });

  on("SettlementToken.Withdrawn", async (em, ctx, e) => {
    const [account, issuer] = await orgs(ctx, e.args.account, e.args.issuer);
    return { type: "settlement.withdrawal", audiences: [{ orgIds: [account, issuer], data: { organizationId: account, amount: e.args.amount, currency: "CNY", issuerId: issuer } }] };
  });
}

/** `txHash:logIndex`: one id per ledger event, so replays never create a second delivery. */
export const eventIdOf = (e: Pick<ChainEvent, "txHash" | "logIndex">) => `${e.txHash.toLowerCase()}:${e.logIndex}`;

/** An event's notice, built once per chunk however many projections announce it (webhooks, notifications). */
export const noticeOf = <N extends QualifiedName>(em: EntityManager, ctx: ChunkContext, e: LedgerEvent<N>, build: Builder<N>): Promise<Notice | null> =>
  ctx.once(`notice:${eventIdOf(e)}`, () => build(em, ctx, e));

/** The active subscriptions, by organization. */
type Subscriptions = Map<string, { id: string; events: string[] }[]>;

/** Read once per chunk: a subscription made while a chunk is projected is in time for the next one. */
function subscriptions(em: EntityManager, ctx: ChunkContext): Promise<Subscriptions> {
  return ctx.once("webhook-subscriptions", async () => {
    const rows: { id: string; organization_id: string; events: string[] }[] = await em.query(`SELECT id, organization_id, events FROM webhook_subscriptions WHERE active`);
    const byOrg: Subscriptions = new Map();
    for (const r of rows) byOrg.set(r.organization_id, [...(byOrg.get(r.organization_id) ?? []), { id: r.id, events: r.events }]);
    return byOrg;
  });
}

interface Delivery {
  subscriptionId: string;
  organizationId: string;
  eventId: string;
  type: string;
  payload: string;
}

/** One pending delivery per active subscription of each audience's organizations that wants `notice.type`. */
function deliveriesOf(subs: Subscriptions, eventId: string, occurredAt: Date, notice: Notice, extra: Data): Delivery[] {
  const seen = new Set<string>();
  const out: Delivery[] = [];
  for (const audience of notice.audiences) {
    const orgIds = [...new Set(audience.orgIds.filter((o): o is string => typeof o === "string" && !seen.has(o)))];
    orgIds.forEach((o) => seen.add(o));
    const payload: WebhookPayload = { id: eventId, type: notice.type, occurredAt: occurredAt.toISOString(), data: { ...audience.data, ...extra } };
    for (const org of orgIds) {
      for (const s of subs.get(org) ?? []) {
        if (s.events.includes(notice.type) || s.events.includes("*")) out.push({ subscriptionId: s.id, organizationId: org, eventId, type: notice.type, payload: JSON.stringify(payload) });
      }
    }
  }
  return out;
}

/** Inserts the deliveries in one statement; returns the new ones' ids (none for a replayed event). */
async function insertDeliveries(em: EntityManager, deliveries: Delivery[]): Promise<string[]> {
  if (!deliveries.length) return [];
  const rows: { id: string }[] = await em.query(
    `INSERT INTO webhook_deliveries (subscription_id, organization_id, event_id, event_type, payload, status)
     SELECT subscription_id, organization_id, event_id, event_type, payload::jsonb, 'pending'
     FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS d(subscription_id, organization_id, event_id, event_type, payload, n)
     ORDER BY n ON CONFLICT (subscription_id, event_id) DO NOTHING RETURNING id`,
    [deliveries.map((d) => d.subscriptionId), deliveries.map((d) => d.organizationId), deliveries.map((d) => d.eventId), deliveries.map((d) => d.type), deliveries.map((d) => d.payload)],
  );
  return rows.map((r) => r.id);
}

/** The certificates a notice reads: ordered with the events that change them. */
export const reads = (e: LedgerEvent): string[] => {
  if (e.name === "ReceivableSplit") return [`r:${e.args.parentId}`, `r:${e.args.childId}`];
  // an obligor's pause and resumption are read with its standing (and, by governance, its overdue certificates)
  if (e.name === "ObligorPaused" || e.name === "ObligorResumed") return [`obligor:${e.args.obligor.toLowerCase()}`, ...(BigInt(e.args.id) === 0n ? [] : [`r:${e.args.id}`])];
  return "id" in e.args ? [`r:${e.args.id}`] : [];
};

/**
 * Chain events → webhook deliveries for the subscribed organizations that are party to them,
 * created in the indexer's transaction after the business projections (so the platform's rows
 * are current); `enqueue(deliveryId)` runs after it commits (the sweeper catches up if it fails).
 */
export function webhookProjections(p: Projections, enqueue: (deliveryId: string) => Promise<void>): Projections {
  noticeBuilders((name, build) => {
    p.on(
      name,
      async (em, events, ctx, later) => {
        // a platform without subscriptions (fresh, or benchmarking) skips the lookups below
        const subs = await subscriptions(em, ctx);
        if (!subs.size) return;
        const deliveries: Delivery[] = [];
        for (const e of events) {
          const notice = await noticeOf(em, ctx, e, build);
          if (notice) deliveries.push(...deliveriesOf(subs, eventIdOf(e), e.createdAt, notice, { txHash: e.txHash, blockNumber: e.blockNumber.toString() }));
        }
        for (const id of await insertDeliveries(em, deliveries)) later(() => enqueue(id));
      },
      reads,
    );
  });
  return p;
}
