import { TIME_ZONE } from "./days";
import { CANONICAL_FORM, feedCsv, jsonLine, sha256Hex, type FeedRecord } from "./feed.record";

/** A day's files as delivered: the records as JSON Lines and CSV, and the manifest that vouches for them. */
export interface DayFiles {
  day: string;
  records: FeedRecord[];
  jsonl: string;
  csv: string;
  manifest: FeedManifest;
}

export interface FeedManifest {
  canonicalForm: typeof CANONICAL_FORM;
  report: "regulator-feed";
  day: string;
  timeZone: typeof TIME_ZONE;
  records: number;
  firstSeq: number | null;
  lastSeq: number | null;
  /** The hash the day's first record chains to (the last record of the days before, or the genesis hash). */
  prevHash: string;
  /** The chain's hash at the day's end: its last record's, or `prevHash` on a day without records. */
  lastHash: string;
  files: { jsonl: FileEntry; csv: FileEntry };
  ledger: { chainId: string; address: string; membership: string; deployedBlock: string } | null;
}
interface FileEntry {
  name: string;
  sha256: string;
  bytes: number;
}

/** The ledger a feed is of, as its manifests name it. */
export type FeedLedger = FeedManifest["ledger"];

/** A day's files from its records (in seq order) and the hash its first record chains to. */
export function renderDay(day: string, records: FeedRecord[], prevHash: string, ledger: FeedLedger): DayFiles {
  const jsonl = records.map((r) => jsonLine(r) + "\n").join("");
  const csv = feedCsv(records);
  const file = (ext: string, text: string): FileEntry => ({ name: `${day}.${ext}`, sha256: sha256Hex(text), bytes: Buffer.byteLength(text, "utf8") });
  const manifest: FeedManifest = {
    canonicalForm: CANONICAL_FORM,
    report: "regulator-feed",
    day,
    timeZone: TIME_ZONE,
    records: records.length,
    firstSeq: records[0]?.seq ?? null,
    lastSeq: records.at(-1)?.seq ?? null,
    prevHash,
    lastHash: records.at(-1)?.hash ?? prevHash,
    files: { jsonl: file("jsonl", jsonl), csv: file("csv", csv) },
    ledger,
  };
  return { day, records, jsonl, csv, manifest };
}
