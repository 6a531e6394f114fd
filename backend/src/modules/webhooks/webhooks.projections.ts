import { decodeBytes32String } from "ethers";
import type { EntityManager } from "typeorm";
import type { ChunkContext, Projections } from "../../indexer/projections";
import type { ChainEvent } from "../../indexer/indexer.entity";
import { CHAIN_STATUS } from "../receivables";
import type { WebhookEventType } from "./webhooks.events";

type Data = Record<string, string | boolean | number | null>;

/** Who receives an event, and what each of them may see (the first audience an organization is in wins). */
interface Audience {
  orgIds: (string | null | undefined)[];
  data: Data;
}
interface Notice {
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
const arg = (e: ChainEvent, name: string) => String(e.args[name]);

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
}

async function cert(em: EntityManager, chainId: string): Promise<Cert | null> {
  const [r] = await em.query(
    `SELECT id, obligor_organization_id AS obligor, creditor_organization_id AS creditor, holder_organization_id AS holder,
       financing_bank_organization_id AS bank, amount::text, currency, maturity, tier FROM receivables WHERE chain_id = $1`,
    [chainId],
  );
  return r ?? null;
}

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

const reasonText = (hex: string) => {
  try {
    return decodeBytes32String(hex);
  } catch {
    return null; // a long reason is stored on chain as its hash only
  }
};

/** Certificate created (registered or issued). */
async function created(em: EntityManager, ctx: ChunkContext, e: ChainEvent, type: WebhookEventType): Promise<Notice> {
  const c = await cert(em, arg(e, "id"));
  const [obligor, creditor] = c ? [c.obligor, c.creditor] : await orgs(ctx, arg(e, "obligor"), arg(e, "creditor"));
  return {
    type,
    audiences: [{ orgIds: [creditor, obligor], data: { ...certData(c, arg(e, "id")), obligorId: obligor, amount: arg(e, "amount"), creditorId: creditor } }],
  };
}

/** Payment applied: the event type follows the certificate's state after it. */
function clearedType(status: string): WebhookEventType {
  if (status === "settled") return "receivable.settled";
  if (status === "overdue") return "receivable.overdue";
  return "receivable.partially_repaid";
}

/** Ledger events → the notices the webhooks send, one builder per contract event. */
const BUILDERS: Record<string, (em: EntityManager, ctx: ChunkContext, e: ChainEvent) => Promise<Notice | null>> = {
  "ReceivableLedger.ReceivableRegistered": (em, ctx, e) => created(em, ctx, e, "receivable.registered"),
  "ReceivableLedger.ReceivableIssued": (em, ctx, e) => created(em, ctx, e, "receivable.issued"),

  "ReceivableLedger.ReceivableConfirmed": async (em, ctx, e) => {
    const c = await cert(em, arg(e, "id"));
    const [obligor] = c ? [c.obligor] : await orgs(ctx, arg(e, "obligor"));
    return { type: "receivable.confirmed", audiences: [{ orgIds: [c?.holder, c?.creditor, obligor], data: { ...certData(c, arg(e, "id")), obligorId: obligor, holderId: c?.holder ?? null } }] };
  },

  "ReceivableLedger.ReceivableRejected": async (em, ctx, e) => {
    const c = await cert(em, arg(e, "id"));
    const [obligor] = c ? [c.obligor] : await orgs(ctx, arg(e, "obligor"));
    return {
      type: "receivable.rejected",
      audiences: [{ orgIds: [c?.holder, obligor], data: { ...certData(c, arg(e, "id")), obligorId: obligor, holderId: c?.holder ?? null, reason: reasonText(arg(e, "reason")), reasonHash: arg(e, "reason") } }],
    };
  },

  "ReceivableLedger.ReceivableCancelled": async (em, ctx, e) => {
    const c = await cert(em, arg(e, "id"));
    const [holder] = await orgs(ctx, arg(e, "holder"));
    return { type: "receivable.cancelled", audiences: [{ orgIds: [holder ?? c?.holder, c?.obligor], data: { ...certData(c, arg(e, "id")), holderId: holder ?? c?.holder ?? null } }] };
  },

  "ReceivableLedger.ReceivableSplit": async (em, ctx, e) => {
    const [parent, child] = await Promise.all([cert(em, arg(e, "parentId")), cert(em, arg(e, "childId"))]);
    const [holder] = await orgs(ctx, arg(e, "holder"));
    return {
      type: "receivable.split",
      audiences: [
        {
          orgIds: [parent?.holder, holder, parent?.obligor],
          data: {
            ...certData(child, arg(e, "childId")),
            obligorId: parent?.obligor ?? null,
            amount: arg(e, "amount"),
            tier: Number(e.args.tier),
            holderId: holder,
            parentReceivableId: parent?.id ?? null,
            parentCertificateId: arg(e, "parentId"),
            parentHolderId: parent?.holder ?? null,
          },
        },
      ],
    };
  },

  "ReceivableLedger.ReceivableTransferred": async (em, ctx, e) => {
    const c = await cert(em, arg(e, "id"));
    const [from, to] = await orgs(ctx, arg(e, "from"), arg(e, "to"));
    return { type: "receivable.transferred", audiences: [{ orgIds: [from, to, c?.obligor], data: { ...certData(c, arg(e, "id")), fromId: from, toId: to } }] };
  },

  "ReceivableLedger.ReceivableFinanced": async (em, ctx, e) => {
    const c = await cert(em, arg(e, "id"));
    const [bank, seller] = await orgs(ctx, arg(e, "bank"), arg(e, "seller"));
    const [f] = c ? await em.query(`SELECT id, request_id, quote_id FROM financings WHERE receivable_id = $1 AND bank_organization_id = $2 ORDER BY accepted_at DESC LIMIT 1`, [c.id, bank]) : [];
    const base = certData(c, arg(e, "id"));
    return {
      type: "financing.funded",
      audiences: [
        {
          orgIds: [bank, seller],
          data: { ...base, financingId: f?.id ?? null, requestId: f?.request_id ?? null, quoteId: f?.quote_id ?? null, bankId: bank, supplierId: seller, advance: arg(e, "advance"), due: arg(e, "due"), recourse: Boolean(e.args.recourse) },
        },
        // notice of assignment: the obligor learns who holds the lien, not the price
        { orgIds: [c?.obligor], data: { ...base, bankId: bank, supplierId: seller } },
      ],
    };
  },

  "ReceivableLedger.ReceivableCleared": async (em, ctx, e) => {
    const c = await cert(em, arg(e, "id"));
    const [bank, holder] = await orgs(ctx, arg(e, "bank"), arg(e, "holder"));
    const status = CHAIN_STATUS[Number(e.args.status)] ?? String(e.args.status);
    const toBank = BigInt(arg(e, "toBank"));
    const toHolder = BigInt(arg(e, "toHolder"));
    const base = { ...certData(c, arg(e, "id")), status, paid: (toBank + toHolder).toString(), outstanding: arg(e, "outstanding") };
    return {
      type: clearedType(status),
      audiences: [
        { orgIds: [holder ?? c?.holder, bank], data: { ...base, holderId: holder ?? c?.holder ?? null, bankId: bank, toBank: toBank.toString(), toHolder: toHolder.toString() } },
        { orgIds: [c?.obligor], data: base },
      ],
    };
  },

  "ReceivableLedger.ReceivableDefaulted": async (em, ctx, e) => {
    const c = await cert(em, arg(e, "id"));
    const [declaredBy] = await orgs(ctx, arg(e, "creditor"));
    return {
      type: "receivable.defaulted",
      audiences: [{ orgIds: [c?.holder, c?.bank, c?.obligor, declaredBy], data: { ...certData(c, arg(e, "id")), outstanding: arg(e, "outstanding"), declaredById: declaredBy, bankId: c?.bank ?? null, holderId: c?.holder ?? null } }],
    };
  },

  "ReceivableLedger.RecourseClaimed": async (em, ctx, e) => {
    const c = await cert(em, arg(e, "id"));
    const [bank, seller] = await orgs(ctx, arg(e, "bank"), arg(e, "seller"));
    return {
      type: "recourse.claimed",
      audiences: [{ orgIds: [bank, seller], data: { ...certData(c, arg(e, "id")), bankId: bank, sellerId: seller, amount: arg(e, "amount"), remaining: arg(e, "remaining") } }],
    };
  },

  "ReceivableLedger.CreditLineSet": async (em, ctx, e) => {
    const [bank, obligor] = await orgs(ctx, arg(e, "bank"), arg(e, "obligor"));
    return { type: "credit_line.updated", audiences: [{ orgIds: [bank], data: { bankId: bank, obligorId: obligor, limit: arg(e, "limit"), used: arg(e, "used") } }] };
  },

  "SettlementToken.Deposited": async (em, ctx, e) => {
    const [account, issuer] = await orgs(ctx, arg(e, "account"), arg(e, "issuer"));
    return { type: "settlement.deposit", audiences: [{ orgIds: [account, issuer], data: { organizationId: account, amount: arg(e, "amount"), currency: "CNY", issuerId: issuer } }] };
  },

  "SettlementToken.Withdrawn": async (em, ctx, e) => {
    const [account, issuer] = await orgs(ctx, arg(e, "account"), arg(e, "issuer"));
    return { type: "settlement.withdrawal", audiences: [{ orgIds: [account, issuer], data: { organizationId: account, amount: arg(e, "amount"), currency: "CNY", issuerId: issuer } }] };
  },
};

/** `txHash:logIndex`: one id per ledger event, so replays never create a second delivery. */
export const eventIdOf = (e: Pick<ChainEvent, "txHash" | "logIndex">) => `${e.txHash.toLowerCase()}:${e.logIndex}`;

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
const reads = (e: ChainEvent) => (e.name === "ReceivableSplit" ? [`r:${arg(e, "parentId")}`, `r:${arg(e, "childId")}`] : e.args.id === undefined ? [] : [`r:${arg(e, "id")}`]);

/**
 * Chain events → webhook deliveries for the subscribed organizations that are party to them,
 * created in the indexer's transaction after the business projections (so the platform's rows
 * are current); `enqueue(deliveryId)` runs after it commits (the sweeper catches up if it fails).
 */
export function webhookProjections(p: Projections, enqueue: (deliveryId: string) => Promise<void>): Projections {
  for (const [name, build] of Object.entries(BUILDERS)) {
    p.on(
      name as Parameters<Projections["on"]>[0],
      async (em, events, ctx, later) => {
        // a platform without subscriptions (fresh, or benchmarking) skips the lookups below
        const subs = await subscriptions(em, ctx);
        if (!subs.size) return;
        const deliveries: Delivery[] = [];
        for (const e of events) {
          const notice = await build(em, ctx, e);
          if (notice) deliveries.push(...deliveriesOf(subs, eventIdOf(e), e.createdAt, notice, { txHash: e.txHash, blockNumber: e.blockNumber.toString() }));
        }
        for (const id of await insertDeliveries(em, deliveries)) later(() => enqueue(id));
      },
      reads,
    );
  }
  return p;
}
