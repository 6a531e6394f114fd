import { keccak256, toUtf8Bytes } from "ethers";
import { buildRecord, MemoryFeedState, type Built, type FeedEvent } from "./feed.builder";
import { FEED_FIELDS, GENESIS_HASH, feedCsv, recordHash, sha256Hex, type ChainRecord, type FeedRecord } from "./feed.record";

/**
 * The checks of `npm run feed:verify`, pure: a feed's daily files against their own hash chain
 * and manifests, and (given the ledger's events) every record against the event it stands for.
 * Each problem names the record (seq, kind, certificate, transaction) so that it can be found.
 */

/** One day's files as read from the feed directory. */
export interface FeedDay {
  day: string;
  jsonl: string;
  csv?: string;
  /** The manifest as parsed (checked field by field, so any shape is accepted). */
  manifest?: Record<string, unknown>;
}

/** A ledger event with its block's time (unix seconds), in chain order. */
export interface ChainEventAt {
  event: FeedEvent;
  at: number;
}

export type ProblemKind = "tampered" | "missing" | "broken_chain" | "manifest";

export interface FeedProblem {
  kind: ProblemKind;
  seq: number | null;
  recordKind: string | null;
  certificateId: string | null;
  txHash: string | null;
  logIndex: number | null;
  message: string;
}

/** The fields the ledger alone determines (the rest: the USCCs, checked against Membership, and the chain's own). */
const CHAIN_FIELDS: (keyof ChainRecord)[] = [
  "kind",
  "certificateId",
  "parentId",
  "obligorAddress",
  "fromAddress",
  "toAddress",
  "bankAddress",
  "amount",
  "eventAmount",
  "maturityDate",
  "termDays",
  "tier",
  "blockNumber",
  "txHash",
  "logIndex",
  "occurredAt",
];
const PARTIES = ["obligor", "from", "to", "bank"] as const;

const problemAt = (kind: ProblemKind, r: Partial<FeedRecord> | null, message: string): FeedProblem => ({
  kind,
  seq: typeof r?.seq === "number" ? r.seq : null,
  recordKind: r?.kind ?? null,
  certificateId: r?.certificateId ?? null,
  txHash: r?.txHash ?? null,
  logIndex: typeof r?.logIndex === "number" ? r.logIndex : null,
  message,
});

/** A problem as one line: what, which record, why. */
export function describeProblem(p: FeedProblem): string {
  const where = [
    p.seq !== null ? `seq ${p.seq}` : null,
    p.recordKind ? `${p.recordKind}` : null,
    p.certificateId ? `certificate ${p.certificateId}` : null,
    p.txHash ? `tx ${p.txHash}${p.logIndex !== null ? ` log ${p.logIndex}` : ""}` : null,
  ].filter(Boolean);
  return `${p.kind.toUpperCase().replace("_", " ")}${where.length ? ` ${where.join(", ")}` : ""}: ${p.message}`;
}

/** Splits a CSV text into rows of cells (RFC 4180 quoting). */
function csvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") row.push(cell), (cell = "");
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else cell += c;
  }
  if (cell !== "" || row.length) row.push(cell), rows.push(row);
  return rows;
}

/**
 * Checks the files of `days` (any order; read in day order): each record's hash, the chain of
 * `prevHash`es and `seq`s from record 1, each day's manifest and CSV; and, with `chain` (the
 * ledger's events before `through`, in chain order, with their block times), that every event has
 * its record with the same fields and every record its event.
 */
export function checkFeed(days: FeedDay[], chain?: { events: ChainEventAt[]; through: number }): FeedProblem[] {
  const problems: FeedProblem[] = [];
  const records: FeedRecord[] = [];
  let prev: FeedRecord | null = null;
  let prevDayHash: string | null = null;
  for (const d of [...days].sort((a, b) => a.day.localeCompare(b.day))) {
    const lines = d.jsonl.split("\n").filter((l, i, all) => l !== "" || i < all.length - 1);
    const mine: FeedRecord[] = [];
    lines.forEach((line, i) => {
      let r: FeedRecord;
      try {
        r = JSON.parse(line) as FeedRecord;
        if (!r || typeof r !== "object" || Array.isArray(r)) throw new Error("not an object");
      } catch (e) {
        problems.push(problemAt("tampered", null, `${d.day}.jsonl line ${i + 1} is not a record: ${(e as Error).message}`));
        return;
      }
      const extra = Object.keys(r).filter((k) => !FEED_FIELDS.some((f) => f.name === k));
      const absent = FEED_FIELDS.filter((f) => !(f.name in r)).map((f) => f.name);
      if (extra.length || absent.length) problems.push(problemAt("tampered", r, `${d.day}.jsonl line ${i + 1} has ${[extra.length ? `unknown fields ${extra.join(", ")}` : "", absent.length ? `no ${absent.join(", ")}` : ""].filter(Boolean).join(" and ")}`));
      const hash = recordHash(r);
      if (hash !== r.hash) problems.push(problemAt("tampered", r, `its hash is ${r.hash} but its content hashes to ${hash} (${d.day}.jsonl line ${i + 1})`));
      const expectedSeq = prev ? prev.seq + 1 : 1;
      if (r.seq !== expectedSeq) problems.push(problemAt("broken_chain", r, prev ? `follows seq ${prev.seq}: record(s) ${expectedSeq}${r.seq - 1 > expectedSeq ? `–${r.seq - 1}` : ""} missing or out of order` : `the feed starts at seq ${r.seq}, not 1`));
      const expectedPrev = prev ? prev.hash : GENESIS_HASH;
      if (r.prevHash !== expectedPrev) problems.push(problemAt("broken_chain", r, `prevHash is ${r.prevHash} but the record before ${prev ? `(seq ${prev.seq}) hashes to` : "it is the genesis hash"} ${expectedPrev}`));
      prev = r;
      mine.push(r);
      records.push(r);
    });
    if (d.manifest) problems.push(...checkManifest(d, mine, prevDayHash));
    if (d.csv !== undefined) problems.push(...checkCsv(d, mine));
    prevDayHash = mine.at(-1)?.hash ?? prevDayHash ?? (typeof d.manifest?.lastHash === "string" ? d.manifest.lastHash : null);
  }
  if (chain) problems.push(...reconcile(records, chain));
  return problems;
}

function checkManifest(d: FeedDay, mine: FeedRecord[], prevDayHash: string | null): FeedProblem[] {
  const m = d.manifest!;
  const out: FeedProblem[] = [];
  const bad = (message: string) => out.push(problemAt("manifest", null, `${d.day}.manifest.json: ${message}`));
  const expect = (field: string, actual: unknown, wanted: unknown) => {
    if (actual !== wanted) bad(`${field} is ${JSON.stringify(actual)} but the files say ${JSON.stringify(wanted)}`);
  };
  expect("day", m.day, d.day);
  expect("records", m.records, mine.length);
  expect("firstSeq", m.firstSeq, mine[0]?.seq ?? null);
  expect("lastSeq", m.lastSeq, mine.at(-1)?.seq ?? null);
  if (mine.length) expect("lastHash", m.lastHash, mine.at(-1)!.hash);
  if (prevDayHash !== null) expect("prevHash", m.prevHash, prevDayHash);
  else if (mine.length) expect("prevHash", m.prevHash, mine[0].prevHash);
  const files = (m.files ?? {}) as Record<string, { sha256?: unknown }>;
  expect("files.jsonl.sha256", files.jsonl?.sha256, sha256Hex(d.jsonl));
  if (d.csv !== undefined) expect("files.csv.sha256", files.csv?.sha256, sha256Hex(d.csv));
  return out;
}

function checkCsv(d: FeedDay, mine: FeedRecord[]): FeedProblem[] {
  const out: FeedProblem[] = [];
  const got = csvRows(d.csv!);
  const want = csvRows(feedCsv(mine));
  if (got[0]?.join(",") !== want[0].join(",")) out.push(problemAt("tampered", null, `${d.day}.csv: the header is not ${want[0].join(",")}`));
  const bySeq = new Map(got.slice(1).map((row) => [row[0], row]));
  for (const [i, r] of mine.entries()) {
    const row = bySeq.get(String(r.seq));
    if (!row) out.push(problemAt("tampered", r, `${d.day}.csv has no row for it`));
    else if (row.join("\u0000") !== want[i + 1].join("\u0000")) {
      const at = want[i + 1].findIndex((v, j) => row[j] !== v);
      out.push(problemAt("tampered", r, `${d.day}.csv: ${FEED_FIELDS[at]?.name ?? `column ${at + 1}`} is ${JSON.stringify(row[at])} but the JSON line says ${JSON.stringify(want[i + 1][at])}`));
    }
  }
  if (got.length - 1 > mine.length) out.push(problemAt("tampered", null, `${d.day}.csv has ${got.length - 1} rows for ${mine.length} records`));
  return out;
}

const orgOfUscc = (uscc: string) => keccak256(toUtf8Bytes(uscc)).toLowerCase();

/** Every record against the ledger's event it stands for, and every event against its record. */
function reconcile(records: FeedRecord[], chain: { events: ChainEventAt[]; through: number }): FeedProblem[] {
  const out: FeedProblem[] = [];
  const key = (txHash: string, logIndex: number) => `${txHash.toLowerCase()}:${logIndex}`;
  const feed = new Map<string, FeedRecord>();
  for (const r of records) {
    const k = key(String(r.txHash), Number(r.logIndex));
    if (feed.has(k)) out.push(problemAt("tampered", r, `a second record of the same event (seq ${feed.get(k)!.seq})`));
    else feed.set(k, r);
  }
  const state = new MemoryFeedState();
  const seen = new Set<string>();
  let lastSeq = 0;
  for (const { event, at } of chain.events) {
    if (at >= chain.through) break;
    const built: Built | null = buildRecord(event, at, state);
    if (!built) continue;
    const k = key(built.record.txHash, built.record.logIndex);
    const r = feed.get(k);
    if (!r) {
      out.push(
        problemAt("missing", { ...built.record, seq: undefined }, `the ledger's ${event.name} of ${built.record.occurredAt} has no record in the feed (it would follow seq ${lastSeq})`),
      );
      continue;
    }
    seen.add(k);
    if (r.seq < lastSeq) out.push(problemAt("tampered", r, `out of the chain's order: seq ${lastSeq} records a later event`));
    lastSeq = Math.max(lastSeq, r.seq);
    for (const f of CHAIN_FIELDS) {
      if (r[f] !== built.record[f]) out.push(problemAt("tampered", r, `${f} is ${JSON.stringify(r[f])} in the feed but ${JSON.stringify(built.record[f])} on the ledger`));
    }
    for (const p of PARTIES) {
      const uscc = r[`${p}Uscc`];
      const org = built.orgs[p];
      const account = built.record[`${p}Address`];
      if (uscc === null || uscc === undefined) {
        if (org) out.push(problemAt("tampered", r, `${p}Uscc is empty but the ledger's Membership says account ${account} acts for organization ${org}`));
      } else if (typeof uscc !== "string" || !org || orgOfUscc(uscc) !== org) {
        out.push(problemAt("tampered", r, `${p}Uscc ${JSON.stringify(uscc)} is not the organization account ${account} acts for on the ledger (${org ?? "none"})`));
      }
    }
  }
  for (const [k, r] of feed) {
    if (!seen.has(k)) out.push(problemAt("tampered", r, "the ledger has no such event"));
  }
  return out;
}
