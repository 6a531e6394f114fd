import type { FeedRecord } from "./feed.record";

/**
 * Abnormal flows (77号文: splitting across many layers is managed, abnormal splitting is
 * reported), found in the feed's own records. Pure: the service reads the records of every lineage
 * with activity in the period and hands them here.
 */

export interface AbnormalThresholds {
  /** A split into more parts than this is abnormal (N). */
  splitMaxParts: number;
  /** A split part below this, in fen, is abnormal (X). */
  splitMinPart: bigint;
  /** More transfers of one certificate than this… (K) */
  retransferCount: number;
  /** …within this many hours is abnormal (T). */
  retransferHours: number;
  /** The deepest split tier the ledger allows: a part at it is reported. */
  maxTier: number;
}

export const ABNORMAL_KINDS = ["many_tiny_parts", "circular_transfer", "rapid_retransfer", "max_tier"] as const;
export type AbnormalKind = (typeof ABNORMAL_KINDS)[number];

export interface AbnormalFinding {
  kind: AbnormalKind;
  /** The certificate the finding is about (the parent for a split). */
  certificateId: string;
  /** The lineage's first certificate (issued or registered). */
  lineageId: string;
  /** When the flow became abnormal (the record that made it so). */
  occurredAt: string;
  /** The feed records that show it. */
  seqs: number[];
  /** The parties involved: their USCC (null when the feed has none) and ledger address. */
  parties: Party[];
  detail: string;
}

/** A feed record with its lineage (regulator_feed.root_id). */
export type LineageRecord = FeedRecord & { lineageId: string };

export interface Party {
  uscc: string | null;
  address: string | null;
}
const party = (uscc: string | null, address: string | null): Party | null => (uscc || address ? { uscc, address } : null);
const uniq = (xs: (Party | null)[]): Party[] => [...new Map(xs.filter((x): x is Party => !!x).map((p) => [p.uscc ?? p.address, p])).values()];
const named = (p: Party | null) => p?.uscc ?? p?.address ?? "an unknown party";

/**
 * Findings among `records` (every record of the lineages concerned, in seq order) whose deciding
 * record occurred in [from, to) (unix seconds).
 */
export function findAbnormalFlows(records: LineageRecord[], t: AbnormalThresholds, from: number, to: number): AbnormalFinding[] {
  const inPeriod = (r: FeedRecord) => {
    const at = Date.parse(r.occurredAt) / 1000;
    return at >= from && at < to;
  };
  const out: AbnormalFinding[] = [];

  // a split: its parts are the split records sharing the parent
  const splits = new Map<string, LineageRecord[]>();
  for (const r of records) if (r.kind === "split" && r.parentId) splits.set(r.parentId, [...(splits.get(r.parentId) ?? []), r]);
  for (const [parent, parts] of splits) {
    const decisive = parts[parts.length - 1];
    if (!inPeriod(decisive)) continue;
    const tiny = parts.filter((p) => p.amount !== null && BigInt(p.amount) < t.splitMinPart);
    if (parts.length > t.splitMaxParts || tiny.length) {
      const why = [
        parts.length > t.splitMaxParts ? `${parts.length} parts (more than ${t.splitMaxParts})` : "",
        tiny.length ? `${tiny.length} part(s) below ${t.splitMinPart} fen (smallest ${tiny.map((p) => BigInt(p.amount!)).reduce((a, b) => (b < a ? b : a))})` : "",
      ].filter(Boolean);
      out.push({
        kind: "many_tiny_parts",
        certificateId: parent,
        lineageId: decisive.lineageId,
        occurredAt: decisive.occurredAt,
        seqs: parts.map((p) => p.seq),
        parties: uniq(parts.map((p) => party(p.fromUscc, p.fromAddress))),
        detail: `Certificate ${parent} was split into ${why.join(" and ")}.`,
      });
    }
    for (const p of parts) {
      if (p.tier !== null && p.tier >= t.maxTier && inPeriod(p)) {
        out.push({
          kind: "max_tier",
          certificateId: p.certificateId!,
          lineageId: p.lineageId,
          occurredAt: p.occurredAt,
          seqs: [p.seq],
          parties: uniq([party(p.fromUscc, p.fromAddress)]),
          detail: `Part ${p.certificateId} of certificate ${parent} is at tier ${p.tier}, the deepest the ledger allows (${t.maxTier}): it cannot be split further.`,
        });
      }
    }
  }

  // a lineage coming back to an earlier holder, and certificates passed on too fast
  const lineages = new Map<string, LineageRecord[]>();
  const rapid = new Set<string>(); // certificates reported already: once each
  for (const r of records) lineages.set(r.lineageId, [...(lineages.get(r.lineageId) ?? []), r]);
  for (const [lineageId, rs] of lineages) {
    const holders = new Map<string, number>(); // holder → the record that made it one
    const path: LineageRecord[] = [];
    const transfers = new Map<string, LineageRecord[]>();
    for (const r of rs) {
      const holderOf = (a: string | null) => a && !holders.has(a) && holders.set(a, r.seq);
      if (r.kind === "issue") holderOf(r.toAddress);
      else if (r.kind === "registration" || r.kind === "split") holderOf(r.fromAddress);
      else if (r.kind === "transfer" && r.toAddress) {
        path.push(r);
        if (holders.has(r.toAddress) && r.toAddress !== r.fromAddress && inPeriod(r)) {
          const since = holders.get(r.toAddress)!;
          const loop = [since, ...path.filter((p) => p.seq > since).map((p) => p.seq)];
          out.push({
            kind: "circular_transfer",
            certificateId: r.certificateId!,
            lineageId,
            occurredAt: r.occurredAt,
            seqs: [...new Set(loop)],
            parties: uniq(rs.filter((x) => loop.includes(x.seq)).flatMap((x) => [party(x.fromUscc, x.fromAddress), party(x.toUscc, x.toAddress)])),
            detail: `Certificate ${r.certificateId} went back to ${named(party(r.toUscc, r.toAddress))}, which held lineage ${lineageId} before (record ${since}).`,
          });
        }
        holderOf(r.toAddress);
        const mine = [...(transfers.get(r.certificateId!) ?? []), r];
        transfers.set(r.certificateId!, mine);
        // the K+1 transfers up to this one within T hours
        const window = mine.slice(-(t.retransferCount + 1));
        const span = (Date.parse(r.occurredAt) - Date.parse(window[0].occurredAt)) / 3_600_000;
        if (window.length > t.retransferCount && span <= t.retransferHours && inPeriod(r) && !rapid.has(r.certificateId!)) {
          rapid.add(r.certificateId!);
          out.push({
            kind: "rapid_retransfer",
            certificateId: r.certificateId!,
            lineageId,
            occurredAt: r.occurredAt,
            seqs: window.map((w) => w.seq),
            parties: uniq(window.flatMap((w) => [party(w.fromUscc, w.fromAddress), party(w.toUscc, w.toAddress)])),
            detail: `Certificate ${r.certificateId} changed hands ${window.length} times within ${Math.max(1, Math.ceil(span))} hour(s) (more than ${t.retransferCount} within ${t.retransferHours}).`,
          });
        }
      }
    }
  }
  return out.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt) || a.seqs[0] - b.seqs[0]);
}
