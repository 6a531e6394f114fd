import { z, type ApiTag } from "../../shared/http/openapi";
import type { Routes } from "../../shared/http/route";
import { validationFailed, notFound } from "../../shared/errors";
import { CalendarDate, isCalendarDate } from "../../shared/http/dates";
import { addDays, cstDayOf } from "./days";
import { FEED_FIELDS, FEED_KIND_NAMES, FEED_KINDS } from "./feed.record";
import type { FeedService } from "./feed.service";
import type { AbnormalFlowsService } from "./abnormal.service";
import { ABNORMAL_KINDS } from "./abnormal.rules";
import type { HeldFundsService } from "./held-funds.service";
import type { PaymentTermsService } from "./payment-terms.service";

const TAG: ApiTag = {
  name: "Conformity",
  description:
    "What the regulator sees (77号文, 802号令): the regulator's feed of every certificate event, append-only and hash-chained, by cursor and as daily files; abnormal flows (splits into many tiny parts, circular and rapid transfers, the deepest tier); payouts the ledger holds for parties that could not receive them (docs/regulator-feed.md).",
};

/** The readers of the feed: the operator and auditor organizations. */
const READERS = ["operator", "auditor"] as const;

const PaymentTermsView = z
  .object({
    organizationId: z.string(),
    legalName: z.string(),
    uscc: z.string(),
    enterpriseSize: z.string().nullable(),
    issued: z.number().int(),
    accepted: z.number().int(),
    void: z.number().int(),
    waiting: z.number().int(),
    beyondSixMonths: z.number().int(),
    smeBeyond60Days: z.number().int(),
    paused: z.boolean(),
  })
  .openapi("PaymentTermsRow");

const described = Object.fromEntries(FEED_FIELDS.map((f) => [f.name, `${f.zh}: ${f.en}.`]));
const Str = (name: string) => z.string().openapi({ description: described[name] });
const NullStr = (name: string) => z.string().nullable().openapi({ description: described[name] });
const NullInt = (name: string) => z.number().int().nullable().openapi({ description: described[name] });
const Int = (name: string) => z.number().int().openapi({ description: described[name] });

export const FeedRecordView = z
  .object({
    seq: Int("seq"),
    kind: z.enum(FEED_KIND_NAMES as [string, ...string[]]).openapi({ description: `${described.kind} ${FEED_KIND_NAMES.map((k) => `${k} (${FEED_KINDS[k].zh})`).join(", ")}.` }),
    certificateId: NullStr("certificateId"),
    parentId: NullStr("parentId"),
    obligorUscc: NullStr("obligorUscc"),
    obligorAddress: NullStr("obligorAddress"),
    fromUscc: NullStr("fromUscc"),
    fromAddress: NullStr("fromAddress"),
    toUscc: NullStr("toUscc"),
    toAddress: NullStr("toAddress"),
    bankUscc: NullStr("bankUscc"),
    bankAddress: NullStr("bankAddress"),
    amount: NullStr("amount"),
    eventAmount: NullStr("eventAmount"),
    maturityDate: NullStr("maturityDate"),
    termDays: NullInt("termDays"),
    tier: NullInt("tier"),
    blockNumber: Int("blockNumber"),
    txHash: Str("txHash"),
    logIndex: Int("logIndex"),
    occurredAt: Str("occurredAt"),
    prevHash: Str("prevHash"),
    hash: Str("hash"),
  })
  .openapi("RegulatorFeedRecord", { description: "One certificate event as the regulator receives it; `hash` is the sha256 of its canonical JSON without `hash` (docs/regulator-feed.md)." });

const DAY_FILE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}(\.jsonl|\.csv)?$/;
const FORMATS = ["jsonl", "csv", "manifest"] as const;
const CONTENT_TYPES = { jsonl: "application/x-ndjson; charset=utf-8", csv: "text/csv; charset=utf-8", manifest: "application/json; charset=utf-8" } as const;

const Day = CalendarDate.openapi({ description: "A China Standard Time (Asia/Shanghai) day." });
const Party = z.object({
  uscc: z.string().nullable().openapi({ description: "Unified social credit code (null when the feed has none for the account)." }),
  address: z.string().nullable().openapi({ description: "Ledger address." }),
  name: z.string().nullable().openapi({ description: "Legal name, when the platform knows the organization." }),
});

const AbnormalReport = z
  .object({
    from: z.string(),
    to: z.string(),
    timeZone: z.literal("Asia/Shanghai"),
    thresholds: z
      .object({
        splitMaxParts: z.number().int().openapi({ description: "A split into more parts than this is reported (ABNORMAL_SPLIT_MAX_PARTS)." }),
        splitMinPart: z.string().openapi({ description: "A split part below this many fen is reported (ABNORMAL_SPLIT_MIN_PART)." }),
        retransferCount: z.number().int().openapi({ description: "More transfers of one certificate than this… (ABNORMAL_RETRANSFER_COUNT)" }),
        retransferHours: z.number().int().openapi({ description: "…within this many hours is reported (ABNORMAL_RETRANSFER_HOURS)." }),
        maxTier: z.number().int().openapi({ description: "Parts at this split tier, the deepest allowed, are reported (POLICY_MAX_TIER)." }),
      })
      .openapi({ description: "The thresholds the report applied." }),
    items: z.array(
      z.object({
        kind: z.enum(ABNORMAL_KINDS).openapi({ description: "many_tiny_parts: a split with too many or too small parts; circular_transfer: a certificate went back to an earlier holder of its lineage; rapid_retransfer: a certificate changed hands too often too fast; max_tier: a part at the deepest tier." }),
        certificateId: z.string().openapi({ description: "The certificate concerned (the parent, for a split)." }),
        lineageId: z.string().openapi({ description: "The lineage's first certificate (issued or registered)." }),
        occurredAt: z.string().openapi({ description: "When the flow became abnormal (block time, UTC)." }),
        seqs: z.array(z.number().int()).openapi({ description: "The feed records that show it." }),
        parties: z.array(Party),
        detail: z.string().openapi({ description: "What was found, in a sentence." }),
      }),
    ),
  })
  .openapi("AbnormalFlowsReport");

const HeldFundsView = z
  .object({
    asOfBlock: z.string().nullable().openapi({ description: "The last block the platform has read: the balances are as of its end." }),
    total: z.string().openapi({ description: "Everything the ledger holds, fen." }),
    accounts: z.array(
      z.object({
        account: z.string().openapi({ description: "The ledger account the payouts are held for." }),
        organizationId: z.string().nullable(),
        name: z.string().nullable(),
        uscc: z.string().nullable(),
        held: z.string().openapi({ description: "What the ledger holds for it, fen." }),
        lastBlock: z.string().openapi({ description: "The block of its last payout held or released." }),
      }),
    ),
  })
  .openapi("HeldFunds");

/** The conformity routes: the feed and the abnormal flows for the operator and auditors; held funds for settlement issuers too. */
export function conformityRoutes(routes: Routes, s: { feed: FeedService; abnormal: AbnormalFlowsService; held: HeldFundsService; paymentTerms: PaymentTermsService }): void {
  routes.add({
    method: "get",
    path: "/v1/conformity/feed",
    operationId: "conformity.listFeed",
    summary: "The regulator's feed, by cursor: the records after `after`, oldest first",
    description:
      "Every certificate event the ledger recorded (issue, registration, confirmation, offer, acceptance, refusal, withdrawal, expiry, transfer, split, financing, settlement, default, obligor paused or resumed), numbered without gaps and hash-chained. Pass `next` back as `after` to read on; an empty page means nothing new yet. See docs/regulator-feed.md.",
    tag: TAG,
    roles: [...READERS],
    query: z
      .object({
        after: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0).openapi({ description: "The last `seq` you have (0 to start)." }),
        limit: z.coerce.number().int().min(1).max(1000).default(100),
      })
      .strict(),
    status: 200,
    response: z.object({
      records: z.array(FeedRecordView),
      next: z.number().int().openapi({ description: "The cursor for the next call: the last record's `seq`, or `after` when none came." }),
    }),
    handler: async ({ query }) => s.feed.page(query.after, query.limit),
  });

  routes.add({
    method: "get",
    path: "/v1/conformity/feed/days/:day",
    operationId: "conformity.getFeedDay",
    summary: "A day's feed file (China Standard Time): JSON Lines, CSV or its manifest, as delivered",
    description:
      "`day` is YYYY-MM-DD, optionally with `.jsonl` or `.csv` (or say `format`). The JSON Lines file has one record's canonical JSON per line; the CSV the same records under a header of the field names; the manifest the day's first and last `seq`, the hash the day chains to and its last hash, and each file's sha256. A day is served once it is over and the platform has read every block up to its end; before that, and for a day that does not exist, 404.",
    tag: TAG,
    roles: [...READERS],
    params: z
      .object({
        day: z.string().regex(DAY_FILE, "must be a day, YYYY-MM-DD, optionally followed by .jsonl or .csv").openapi({ example: "2026-11-20.jsonl" }),
      })
      .strict(),
    query: z.object({ format: z.enum(FORMATS).optional().openapi({ description: "jsonl (the default), csv or manifest." }) }).strict(),
    status: 200,
    handler: async ({ params, query, res }) => {
      const [day, suffix] = params.day.split(".") as [string, "jsonl" | "csv" | undefined];
      if (suffix && query.format && query.format !== suffix) throw validationFailed([{ field: "query.format", message: `must be ${suffix}, as the file name says, or be left out` }]);
      if (!isCalendarDate(day)) throw notFound("feed file for the day", params.day);
      const format = query.format ?? suffix ?? "jsonl";
      const files = await s.feed.dayFiles(day);
      const body = format === "jsonl" ? files.jsonl : format === "csv" ? files.csv : JSON.stringify(files.manifest, null, 2) + "\n";
      const name = format === "manifest" ? `${day}.manifest.json` : `${day}.${format}`;
      res.status(200).type(CONTENT_TYPES[format]).set("Content-Disposition", `attachment; filename="regulator-feed-${name}"`).send(body);
      return undefined;
    },
  });

  routes.add({
    method: "get",
    path: "/v1/conformity/abnormal-flows",
    operationId: "conformity.listAbnormalFlows",
    summary: "Abnormal flows between two days: splits into many or tiny parts, circular transfers, rapid re-transfers, parts at the deepest tier",
    description:
      "Computed from the regulator's feed. `from` and `to` are China Standard Time days, both included (default: the 30 days to today), at most 366 days apart. The thresholds are the platform's settings and come with the answer.",
    tag: TAG,
    roles: [...READERS],
    query: z.object({ from: Day.optional(), to: Day.optional() }).strict(),
    status: 200,
    response: AbnormalReport,
    handler: async ({ query }) => {
      const to = query.to ?? cstDayOf(Math.floor(Date.now() / 1000));
      const from = query.from ?? addDays(to, -29);
      const r = await s.abnormal.report(from, to);
      return { ...r, thresholds: { ...r.thresholds, splitMinPart: r.thresholds.splitMinPart.toString() } };
    },
  });

  routes.add({
    method: "get",
    path: "/v1/conformity/held-funds",
    operationId: "conformity.getHeldFunds",
    summary: "Payouts the ledger holds for parties that could not receive them, per account",
    description:
      "No pooled money: the ledger keeps a payout for a party that may not receive (suspended) until it, or another account of its organization, collects it. Each account with something held, its organization when the platform knows it, and the total. A report of the same goes out every day (docs/regulator-feed.md).",
    tag: TAG,
    roles: ["settlement_issuer", "operator", "auditor"],
    status: 200,
    response: HeldFundsView,
    handler: async () => s.held.balances(),
  });

  routes.add({
    method: "get",
    path: "/v1/conformity/payment-terms",
    operationId: "conformity.getPaymentTerms",
    summary: "Payment terms per core enterprise: issued, signed for, refused; terms over six months; SMEs paid beyond 60 days of delivery; pauses",
    description:
      "The compliance report on payment terms. `beyondSixMonths`: certificates owed by the core enterprise whose term exceeds six months (77号文: in principle within six months; a funding bank records its reasonableness review). `smeBeyond60Days`: certificates it paid an SME with that mature more than 60 days after delivery, each with the SME's recorded agreement (国务院令第802号). `paused`: paused now as a delinquent obligor.",
    tag: TAG,
    roles: [...READERS],
    status: 200,
    response: z.object({ items: z.array(PaymentTermsView) }),
    handler: async () => ({ items: await s.paymentTerms.report() }),
  });
}
