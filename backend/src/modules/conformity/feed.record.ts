import { createHash } from "node:crypto";

/**
 * The regulator's feed record and its canonical form (docs/regulator-feed.md is the integrators'
 * copy of what this file defines; change both together, and the version with them).
 */
export const CANONICAL_FORM = "chainfactor-regulator-feed/1" as const;

/** Every kind of record, with the chain event it stands for and its name in the trade. */
export const FEED_KINDS = {
  issue: { zh: "开立", event: "ReceivableIssued" },
  registration: { zh: "登记", event: "ReceivableRegistered" },
  confirmation: { zh: "确权", event: "ReceivableConfirmed" },
  rejection: { zh: "拒绝确权", event: "ReceivableRejected" },
  cancellation: { zh: "撤销登记", event: "ReceivableCancelled" },
  offer: { zh: "待签收", event: "CertificateOffered" },
  acceptance: { zh: "签收", event: "OfferAccepted" },
  refusal: { zh: "拒签", event: "OfferReturned (cause 0, Refused)" },
  withdrawal: { zh: "撤回", event: "OfferReturned (cause 1, Withdrawn)" },
  expiry: { zh: "逾期未签收", event: "OfferReturned (cause 2, Expired)" },
  transfer: { zh: "转让", event: "ReceivableTransferred" },
  split: { zh: "拆分", event: "ReceivableSplit" },
  financing: { zh: "融资", event: "ReceivableFinanced" },
  settlement: { zh: "兑付", event: "ReceivableCleared (status Settled)" },
  partial_settlement: { zh: "部分兑付", event: "ReceivableCleared (status Confirmed or Financed: paid in part, within the grace period)" },
  overdue: { zh: "逾期", event: "ReceivableCleared (status Overdue)" },
  default: { zh: "违约", event: "ReceivableDefaulted" },
  recourse: { zh: "追索", event: "RecourseClaimed" },
  obligor_paused: { zh: "暂停开立与确权", event: "ObligorPaused" },
  obligor_resumed: { zh: "恢复开立与确权", event: "ObligorResumed" },
} as const;
export type FeedKind = keyof typeof FEED_KINDS;
export const FEED_KIND_NAMES = Object.keys(FEED_KINDS) as FeedKind[];

/** A record as the ledger alone determines it (the platform adds the USCCs, the sequence and the hashes). */
export interface ChainRecord {
  kind: FeedKind;
  certificateId: string | null;
  parentId: string | null;
  obligorAddress: string | null;
  fromAddress: string | null;
  toAddress: string | null;
  bankAddress: string | null;
  amount: string | null;
  eventAmount: string | null;
  maturityDate: string | null;
  termDays: number | null;
  tier: number | null;
  blockNumber: number;
  txHash: string;
  logIndex: number;
  occurredAt: string;
}

/** One record of the feed: what the regulator receives, one JSON line each. */
export interface FeedRecord extends ChainRecord {
  seq: number;
  obligorUscc: string | null;
  fromUscc: string | null;
  toUscc: string | null;
  bankUscc: string | null;
  prevHash: string;
  hash: string;
}

/** The record's fields in the order the CSV file and the documentation list them, with their Chinese names. */
export const FEED_FIELDS: { name: keyof FeedRecord; zh: string; en: string }[] = [
  { name: "seq", zh: "序号", en: "sequence number, 1, 2, 3… without gaps" },
  { name: "kind", zh: "事件类型", en: "kind of event (see the kinds)" },
  { name: "certificateId", zh: "凭证编号", en: "certificate id on the ledger" },
  { name: "parentId", zh: "原凭证编号", en: "the certificate it was split from" },
  { name: "obligorUscc", zh: "债务人统一社会信用代码", en: "obligor's unified social credit code" },
  { name: "obligorAddress", zh: "债务人链上地址", en: "obligor's ledger address" },
  { name: "fromUscc", zh: "转出方统一社会信用代码", en: "from: the party that acts or gives" },
  { name: "fromAddress", zh: "转出方链上地址", en: "from: its ledger address" },
  { name: "toUscc", zh: "接收方统一社会信用代码", en: "to: the party that receives" },
  { name: "toAddress", zh: "接收方链上地址", en: "to: its ledger address" },
  { name: "bankUscc", zh: "金融机构统一社会信用代码", en: "the financing bank" },
  { name: "bankAddress", zh: "金融机构链上地址", en: "the financing bank's ledger address" },
  { name: "amount", zh: "凭证金额（分）", en: "the certificate's face amount, fen" },
  { name: "eventAmount", zh: "本次金额（分）", en: "money the event moves, fen" },
  { name: "maturityDate", zh: "到期日", en: "maturity date" },
  { name: "termDays", zh: "期限（天）", en: "term in days" },
  { name: "tier", zh: "层级", en: "split tier" },
  { name: "blockNumber", zh: "区块高度", en: "block number" },
  { name: "txHash", zh: "交易哈希", en: "transaction hash" },
  { name: "logIndex", zh: "日志序号", en: "log index in the block" },
  { name: "occurredAt", zh: "发生时间", en: "block time, UTC" },
  { name: "prevHash", zh: "前一记录哈希", en: "hash of the record before" },
  { name: "hash", zh: "本记录哈希", en: "this record's hash" },
];

/** The `prevHash` of record 1. */
export const GENESIS_HASH = "0".repeat(64);

type Scalar = string | number | null;

/**
 * The canonical JSON of an object of scalars (RFC 8785, JCS, for the values a record holds):
 * members sorted by name (UTF-16 code units), no whitespace, strings escaped as JSON.stringify
 * does, integers in decimal, null as null.
 */
export function canonicalJson(o: Record<string, Scalar>): string {
  const names = Object.keys(o).sort();
  return `{${names
    .map((n) => {
      const v = o[n];
      if (typeof v === "number" && !Number.isSafeInteger(v)) throw new Error(`${n}: ${v} is not a safe integer`);
      return `${JSON.stringify(n)}:${JSON.stringify(v)}`;
    })
    .join(",")}}`;
}

/** sha256 (hex) of the canonical JSON of the record without its `hash` (its `prevHash` included). */
export function recordHash(r: Omit<FeedRecord, "hash"> & { hash?: string }): string {
  const { hash: _hash, ...rest } = r;
  return createHash("sha256").update(canonicalJson(rest as unknown as Record<string, Scalar>), "utf8").digest("hex");
}

/** Chains `record` after `prevHash` as `seq`: the record as it is stored and delivered. */
export function sealRecord(record: Omit<FeedRecord, "seq" | "prevHash" | "hash">, seq: number, prevHash: string): FeedRecord {
  const unsealed = { ...record, seq, prevHash };
  return { ...unsealed, hash: recordHash(unsealed) };
}

/** One line of the day's JSON Lines file: the record's canonical JSON, `hash` included. */
export const jsonLine = (r: FeedRecord) => canonicalJson(r as unknown as Record<string, Scalar>);

const csvCell = (v: Scalar) => {
  if (v === null) return "";
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** The day's CSV file: a header of the field names, then a row per record (null: an empty cell). */
export function feedCsv(records: FeedRecord[]): string {
  const header = FEED_FIELDS.map((f) => f.name).join(",");
  return [header, ...records.map((r) => FEED_FIELDS.map((f) => csvCell(r[f.name] as Scalar)).join(","))].join("\n") + "\n";
}

export const sha256Hex = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");
