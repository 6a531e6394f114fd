import { describe, it, expect } from "vitest";
import { createHash } from "node:crypto";
import { createServer } from "node:http";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keccak256, toUtf8Bytes } from "ethers";
import {
  buildRecord,
  canonicalJson,
  checkFeed,
  describeProblem,
  feedCsv,
  findAbnormalFlows,
  jsonLine,
  recordHash,
  renderDay,
  sealRecord,
  GENESIS_HASH,
  DirectorySink,
  HttpSink,
  MemoryFeedState,
  type AbnormalThresholds,
  type ChainEventAt,
  type FeedDay,
  type FeedEvent,
  type FeedRecord,
  type LineageRecord,
} from "../../backend/src/modules/conformity";

/**
 * The regulator feed's pure parts: the canonical form and hash of a record (docs/regulator-feed.md),
 * the records chain events make, the abnormal flows found in them, and the verifier's checks on a
 * feed and a tampered copy of it.
 */

const A = (n: number) => `0x${n.toString(16).padStart(40, "0")}`;
const CORE = A(0xc0), SUP1 = A(0x51), SUP2 = A(0x52), SUP3 = A(0x53), BANK = A(0xba);
const USCC: Record<string, string> = { [CORE]: "91500112MA8Q2595Y2", [SUP1]: "91500109MATD0HX58F", [SUP2]: "91360722MA5W0G0MWT", [SUP3]: "91360703MA5NQ33UEJ", [BANK]: "91110000100000000A" };
const orgOf = (a: string) => keccak256(toUtf8Bytes(USCC[a]));
const T0 = Date.parse("2026-11-20T01:00:00Z") / 1000; // 09:00 in Beijing
const MATURITY = String(Date.parse("2027-02-18T00:00:00+08:00") / 1000);

let log = 0;
const ev = (name: string, args: Record<string, unknown>, contract = "ReceivableLedger"): FeedEvent =>
  ({ contract, name, args, txHash: `0x${(++log).toString(16).padStart(64, "0")}`, logIndex: log % 3, blockNumber: BigInt(100 + log) }) as unknown as FeedEvent;

/** A certificate's life: members, registration and confirmation, a split with an offered part accepted, a refused transfer, financing, settlement in two goes, and the obligor paused and resumed. */
function story(): ChainEventAt[] {
  log = 0;
  const at = (h: number) => T0 + h * 3600;
  const members = [CORE, SUP1, SUP2, SUP3, BANK].map((a) => ev("AccountAdded", { orgId: orgOf(a), account: a, opId: "1" }, "Membership"));
  return [
    ...members.map((event) => ({ event, at: at(0) })),
    { event: ev("ReceivableRegistered", { id: "1", obligor: CORE, creditor: SUP1, amount: "10000000", maturity: MATURITY, invoicesRoot: `0x${"ab".repeat(32)}`, invoiceKeys: [`0x${"cd".repeat(32)}`], opId: "7" }), at: at(1) },
    { event: ev("ReceivableConfirmed", { id: "1", obligor: CORE, opId: "8" }), at: at(2) },
    { event: ev("ReceivableSplit", { parentId: "1", childId: "2", holder: SUP1, amount: "6000000", tier: "1", opId: "9" }), at: at(3) },
    { event: ev("ReceivableSplit", { parentId: "1", childId: "3", holder: SUP1, amount: "4000000", tier: "1", opId: "9" }), at: at(3) },
    { event: ev("CertificateOffered", { id: "3", from: SUP1, to: SUP2, expires: String(at(3) + 7 * 86400), opId: "9" }), at: at(3) },
    { event: ev("ReceivableTransferred", { id: "3", from: SUP1, to: SUP2, opId: "10" }), at: at(4) },
    { event: ev("OfferAccepted", { id: "3", to: SUP2, opId: "10" }), at: at(4) },
    { event: ev("CertificateOffered", { id: "3", from: SUP2, to: SUP3, expires: String(at(5) + 7 * 86400), opId: "11" }), at: at(5) },
    { event: ev("OfferReturned", { id: "3", to: SUP3, cause: "0", reason: `0x${"00".repeat(32)}`, opId: "12" }), at: at(6) },
    { event: ev("ReceivableFinanced", { id: "2", bank: BANK, seller: SUP1, advance: "5700000", due: "5900000", recourse: false, agreement: "0x" + "ab".repeat(32), nonce: "1", opId: "13" }), at: at(7) },
    { event: ev("ReceivableCleared", { id: "2", bank: BANK, holder: SUP1, toBank: "3000000", toHolder: "0", outstanding: "3000000", status: "3", opId: "14" }), at: at(30 * 24) },
    { event: ev("ObligorPaused", { obligor: CORE, id: "2", delinquencies: "1" }), at: at(31 * 24) },
    { event: ev("ReceivableCleared", { id: "2", bank: BANK, holder: SUP1, toBank: "2900000", toHolder: "100000", outstanding: "0", status: "5", opId: "15" }), at: at(32 * 24) },
    { event: ev("ObligorResumed", { obligor: CORE, id: "2", reason: `0x${"00".repeat(32)}` }), at: at(32 * 24) },
  ];
}

/** The feed the platform would seal from the events: each record built, given its USCCs, numbered and chained. */
function sealedFeed(events: ChainEventAt[]): FeedRecord[] {
  const state = new MemoryFeedState();
  const uscc = (org: string | null) => Object.values(USCC).find((u) => org !== null && keccak256(toUtf8Bytes(u)).toLowerCase() === org) ?? null;
  const out: FeedRecord[] = [];
  for (const { event, at } of events) {
    const b = buildRecord(event, at, state);
    if (!b) continue;
    out.push(sealRecord({ ...b.record, obligorUscc: uscc(b.orgs.obligor), fromUscc: uscc(b.orgs.from), toUscc: uscc(b.orgs.to), bankUscc: uscc(b.orgs.bank) }, out.length + 1, out.at(-1)?.hash ?? GENESIS_HASH));
  }
  return out;
}

/** The feed's day files, as the publish job writes them. */
function dayFiles(records: FeedRecord[]): FeedDay[] {
  const byDay = new Map<string, FeedRecord[]>();
  for (const r of records) {
    const day = new Date(Date.parse(r.occurredAt) + 8 * 3600_000).toISOString().slice(0, 10);
    byDay.set(day, [...(byDay.get(day) ?? []), r]);
  }
  return [...byDay].map(([day, rs]) => {
    const f = renderDay(day, rs, rs[0].prevHash, null);
    return { day, jsonl: f.jsonl, csv: f.csv, manifest: JSON.parse(JSON.stringify(f.manifest)) };
  });
}

describe("the canonical form and hash of a record", () => {
  it("is JSON with members sorted by name, no spaces, integers as numbers, money as strings, null as null", () => {
    expect(canonicalJson({ b: "2", a: 1, c: null, "é": "ü\"" })).toBe('{"a":1,"b":"2","c":null,"é":"ü\\""}');
    expect(() => canonicalJson({ n: 2 ** 53 })).toThrow(/not a safe integer/);
  });

  it("hashes the canonical JSON of the record without its hash, prevHash included", () => {
    const [first] = sealedFeed(story());
    const { hash, ...rest } = first;
    expect(hash).toBe(createHash("sha256").update(canonicalJson(rest as never), "utf8").digest("hex"));
    expect(recordHash(first)).toBe(hash);
    expect(recordHash({ ...first, prevHash: "1".repeat(64) })).not.toBe(hash);
    // a line of the file is the canonical JSON with the hash
    expect(JSON.parse(jsonLine(first))).toEqual(first);
    expect(jsonLine(first)).toBe(canonicalJson(first as never));
    expect(jsonLine(first)).toMatch(/^\{"amount":"10000000","bankAddress":null,"bankUscc":null,"blockNumber":106,"certificateId":"1",/);
  });

  it("hashes docs/regulator-feed.md's example as the document says", () => {
    const doc = readFileSync(join(__dirname, "../../docs/regulator-feed.md"), "utf8");
    const canonical = /canonical JSON without hash:\n(\{.*\})\n\nhash: ([0-9a-f]{64})/.exec(doc)!;
    const record = JSON.parse(canonical[1]);
    expect(canonicalJson(record)).toBe(canonical[1]);
    expect(recordHash(record)).toBe(canonical[2]);
  });

  it("writes the CSV with a header of the field names and empty cells for null", () => {
    const [first] = sealedFeed(story());
    const [header, row] = feedCsv([first]).trimEnd().split("\n");
    expect(header.split(",").slice(0, 4)).toEqual(["seq", "kind", "certificateId", "parentId"]);
    expect(row.split(",").slice(0, 4)).toEqual(["1", "registration", "1", ""]);
  });
});

describe("the records chain events make", () => {
  const feed = sealedFeed(story());
  const kinds = feed.map((r) => r.kind);

  it("makes one record per certificate event, in chain order, and none for a Membership account", () => {
    expect(kinds).toEqual([
      "registration",
      "confirmation",
      "split",
      "split",
      "offer",
      "transfer",
      "acceptance",
      "offer",
      "refusal",
      "financing",
      "partial_settlement",
      "obligor_paused",
      "settlement",
      "obligor_resumed",
    ]);
    expect(feed.map((r) => r.seq)).toEqual(feed.map((_, i) => i + 1));
    feed.forEach((r, i) => expect(r.prevHash).toBe(i ? feed[i - 1].hash : GENESIS_HASH));
  });

  it("names the parties by USCC and address, the amounts, the maturity and the term from the lineage's registration", () => {
    const [reg, conf, split1, , offer, transfer, acceptance, , refusal, financing, partial, paused, settled, resumed] = feed;
    expect(reg).toMatchObject({ certificateId: "1", parentId: null, obligorUscc: USCC[CORE], fromUscc: USCC[SUP1], toUscc: USCC[CORE], amount: "10000000", tier: 0, maturityDate: "2027-02-18", termDays: 90 });
    expect(conf).toMatchObject({ fromUscc: USCC[CORE], toUscc: USCC[SUP1] });
    expect(split1).toMatchObject({ certificateId: "2", parentId: "1", amount: "6000000", tier: 1, fromUscc: USCC[SUP1], toUscc: null, maturityDate: "2027-02-18", termDays: 90 });
    expect(offer).toMatchObject({ certificateId: "3", fromAddress: SUP1, toAddress: SUP2 });
    expect(transfer).toMatchObject({ fromUscc: USCC[SUP1], toUscc: USCC[SUP2] });
    expect(acceptance).toMatchObject({ kind: "acceptance", fromUscc: USCC[SUP1], toUscc: USCC[SUP2] });
    // refused by supplier 3: the offer went back to its sender, supplier 2 (the holder since its acceptance)
    expect(refusal).toMatchObject({ kind: "refusal", fromUscc: USCC[SUP2], toUscc: USCC[SUP3] });
    expect(financing).toMatchObject({ certificateId: "2", fromUscc: USCC[SUP1], toUscc: USCC[BANK], bankUscc: USCC[BANK], amount: "6000000", eventAmount: "5700000" });
    expect(partial).toMatchObject({ kind: "partial_settlement", fromUscc: USCC[CORE], toUscc: USCC[SUP1], bankUscc: USCC[BANK], eventAmount: "3000000" });
    expect(settled).toMatchObject({ kind: "settlement", eventAmount: "3000000" });
    expect(paused).toMatchObject({ certificateId: "2", obligorUscc: USCC[CORE], fromUscc: null, toUscc: null });
    expect(resumed).toMatchObject({ kind: "obligor_resumed", obligorAddress: CORE });
    expect(reg.occurredAt).toBe("2026-11-20T02:00:00Z");
  });

  it("tells refusal, withdrawal and expiry apart by the offer's cause, and overdue by the settlement's status", () => {
    const state = new MemoryFeedState();
    for (const { event, at } of story().slice(0, 10)) buildRecord(event, at, state);
    const kind = (name: string, args: Record<string, unknown>) => buildRecord(ev(name, args), T0, state)!.record.kind;
    expect(kind("OfferReturned", { id: "3", to: SUP3, cause: "1", reason: `0x${"00".repeat(32)}`, opId: "1" })).toBe("withdrawal");
    expect(kind("OfferReturned", { id: "3", to: SUP3, cause: "2", reason: `0x${"00".repeat(32)}`, opId: "1" })).toBe("expiry");
    expect(kind("ReceivableCleared", { id: "2", bank: BANK, holder: SUP1, toBank: "0", toHolder: "0", outstanding: "1", status: "6", opId: "1" })).toBe("overdue");
    expect(kind("ReceivableDefaulted", { id: "2", creditor: BANK, outstanding: "1", opId: "1" })).toBe("default");
  });
});

describe("abnormal flows", () => {
  const t: AbnormalThresholds = { splitMaxParts: 3, splitMinPart: 100_000n, retransferCount: 2, retransferHours: 24, maxTier: 2 };
  let seq = 0;
  const rec = (kind: string, o: Partial<FeedRecord> & { hours: number }, lineageId = "1"): LineageRecord =>
    ({ seq: ++seq, kind, certificateId: "1", parentId: null, fromAddress: null, toAddress: null, fromUscc: null, toUscc: null, amount: "1000000", tier: 0, occurredAt: new Date((T0 + o.hours * 3600) * 1000).toISOString(), lineageId, ...o }) as unknown as LineageRecord;
  const all = (rs: LineageRecord[]) => findAbnormalFlows(rs, t, T0 - 1, T0 + 1000 * 3600);

  it("reports a split into more parts than N, or a part below X, and parts at the deepest tier", () => {
    seq = 0;
    const many = [1, 2, 3, 4].map((i) => rec("split", { hours: 1, certificateId: String(10 + i), parentId: "1", fromAddress: SUP1, amount: "500000", tier: 1 }));
    const tiny = [rec("split", { hours: 2, certificateId: "20", parentId: "10", fromAddress: SUP1, amount: "99999", tier: 2 }), rec("split", { hours: 2, certificateId: "21", parentId: "10", fromAddress: SUP1, amount: "900001", tier: 2 })];
    const found = all([rec("issue", { hours: 0, toAddress: SUP1 }), ...many, ...tiny]);
    expect(found.map((f) => [f.kind, f.certificateId])).toEqual([
      ["many_tiny_parts", "1"],
      ["many_tiny_parts", "10"],
      ["max_tier", "20"],
      ["max_tier", "21"],
    ]);
    expect(found[0].detail).toMatch(/4 parts \(more than 3\)/);
    expect(found[1].detail).toMatch(/1 part\(s\) below 100000 fen \(smallest 99999\)/);
    expect(found[0].seqs).toEqual(many.map((m) => m.seq));
  });

  it("reports a lineage coming back to an earlier holder, and a certificate changing hands more than K times within T hours", () => {
    seq = 0;
    const found = all([
      rec("issue", { hours: 0, toAddress: SUP1 }),
      rec("transfer", { hours: 1, fromAddress: SUP1, toAddress: SUP2 }),
      rec("transfer", { hours: 2, fromAddress: SUP2, toAddress: SUP3 }),
      rec("transfer", { hours: 3, fromAddress: SUP3, toAddress: SUP1, toUscc: USCC[SUP1] }),
    ]);
    expect(found.map((f) => f.kind)).toEqual(["circular_transfer", "rapid_retransfer"]);
    expect(found[0]).toMatchObject({ certificateId: "1", lineageId: "1", seqs: [1, 2, 3, 4] });
    expect(found[0].detail).toContain(USCC[SUP1]);
    expect(found[1].seqs).toEqual([2, 3, 4]);
  });

  it("leaves ordinary flows alone: a few parts above X, transfers spread out, and nothing outside the period", () => {
    seq = 0;
    const quiet = [
      rec("issue", { hours: 0, toAddress: SUP1 }),
      rec("split", { hours: 1, certificateId: "2", parentId: "1", fromAddress: SUP1, amount: "600000", tier: 1 }),
      rec("split", { hours: 1, certificateId: "3", parentId: "1", fromAddress: SUP1, amount: "400000", tier: 1 }),
      rec("transfer", { hours: 2, certificateId: "3", fromAddress: SUP1, toAddress: SUP2 }),
      rec("transfer", { hours: 30, certificateId: "3", fromAddress: SUP2, toAddress: SUP3 }),
      rec("transfer", { hours: 60, certificateId: "3", fromAddress: SUP3, toAddress: BANK }),
    ];
    expect(all(quiet)).toEqual([]);
    const loop = [...quiet, rec("transfer", { hours: 61, certificateId: "3", fromAddress: BANK, toAddress: SUP2 })];
    expect(all(loop).map((f) => f.kind)).toEqual(["circular_transfer"]);
    expect(findAbnormalFlows(loop, t, T0 + 62 * 3600, T0 + 100 * 3600)).toEqual([]);
  });
});

describe("the feed verifier's checks", () => {
  const events = story();
  const feed = sealedFeed(events);
  const through = Math.max(...events.map((e) => e.at)) + 1;
  const chain = { events, through };
  const lines = (d: FeedDay) => d.jsonl.trimEnd().split("\n");
  const withLines = (days: FeedDay[], day: string, edit: (ls: string[]) => string[]) =>
    days.map((d) => (d.day === day ? { ...d, jsonl: edit(lines(d)).map((l) => l + "\n").join("") } : d));

  it("passes an untouched feed, against its own chain and the ledger's events", () => {
    expect(dayFiles(feed).length).toBeGreaterThan(2);
    expect(checkFeed(dayFiles(feed), chain)).toEqual([]);
  });

  it("names a tampered record: its hash no longer matches, its field differs from the ledger's, the manifest and the CSV disagree", () => {
    const days = dayFiles(feed);
    const day = days[0].day;
    const tampered = withLines(days, day, (ls) => ls.map((l) => (JSON.parse(l).seq === 6 ? l.replace(`"toAddress":"${SUP2}"`, `"toAddress":"${SUP3}"`) : l)));
    const problems = checkFeed(tampered, chain);
    const text = problems.map(describeProblem);
    expect(problems.filter((p) => p.kind === "tampered").every((p) => p.seq === 6 || p.seq === null)).toBe(true);
    expect(text).toContainEqual(expect.stringMatching(/^TAMPERED seq 6, transfer, certificate 3, tx 0x0+b log 2: its hash is [0-9a-f]{64} but its content hashes to/));
    expect(text).toContainEqual(expect.stringContaining(`toAddress is "${SUP3}" in the feed but "${SUP2}" on the ledger`));
    expect(text).toContainEqual(expect.stringMatching(/^MANIFEST: \d{4}-\d{2}-\d{2}\.manifest\.json: files\.jsonl\.sha256/));
    expect(text).toContainEqual(expect.stringContaining(`csv: toAddress is "${SUP2}" but the JSON line says "${SUP3}"`));
  });

  it("names a record rewritten with a fresh hash: the next record's chain breaks, and the ledger disagrees", () => {
    const days = dayFiles(feed);
    const forged = withLines(days, days[0].day, (ls) =>
      ls.map((l) => {
        const r = JSON.parse(l) as FeedRecord;
        return r.seq === 3 ? jsonLine(sealRecord({ ...r, amount: "6500000" }, r.seq, r.prevHash)) : l;
      }),
    );
    const text = checkFeed(forged, chain).map(describeProblem);
    expect(text).toContainEqual(expect.stringMatching(/^BROKEN CHAIN seq 4, split, certificate 3, .*: prevHash is [0-9a-f]{64} but the record before \(seq 3\) hashes to/));
    expect(text).toContainEqual(expect.stringContaining('TAMPERED seq 3, split, certificate 2'));
    expect(text).toContainEqual(expect.stringContaining('amount is "6500000" in the feed but "6000000" on the ledger'));
  });

  it("names a deleted record: the chain has a gap and the ledger's event has no record", () => {
    const days = dayFiles(feed);
    const cut = withLines(days, days[0].day, (ls) => ls.filter((l) => JSON.parse(l).seq !== 5));
    const problems = checkFeed(cut, chain);
    const text = problems.map(describeProblem);
    expect(text).toContainEqual(expect.stringMatching(/^BROKEN CHAIN seq 6, transfer, certificate 3, .*: follows seq 4: record\(s\) 5 missing or out of order/));
    expect(text).toContainEqual(expect.stringMatching(/^MISSING offer, certificate 3, tx 0x0+a log 1: the ledger's CertificateOffered of .* has no record in the feed \(it would follow seq 4\)/));
    // without the ledger the chain alone still shows the gap
    expect(checkFeed(cut).map((p) => p.kind)).toContain("broken_chain");
  });

  it("names a USCC that is not the organization the ledger's Membership says the account acts for", () => {
    const swapped = feed.map((r) => (r.seq === 1 ? { ...r, obligorUscc: USCC[BANK] } : r));
    const resealed = swapped.reduce<FeedRecord[]>((out, r) => [...out, sealRecord(r, r.seq, out.at(-1)?.hash ?? GENESIS_HASH)], []);
    const text = checkFeed(dayFiles(resealed), chain).map(describeProblem);
    expect(text).toEqual([expect.stringContaining(`TAMPERED seq 1, registration, certificate 1`)]);
    expect(text[0]).toContain(`obligorUscc "${USCC[BANK]}" is not the organization account ${CORE} acts for`);
  });

  it("names a ledger event the feed lacks at its end, and a record of an event the ledger never had", () => {
    const short = sealedFeed(events.slice(0, -1));
    expect(checkFeed(dayFiles(short), chain).map(describeProblem)).toEqual([expect.stringMatching(/^MISSING obligor_resumed, certificate 2, tx .*: the ledger's ObligorResumed/)]);
    const invented = sealedFeed(events);
    const last = invented.at(-1)!;
    const { seq: _seq, hash: _hash, prevHash: _prev, ...copy } = last;
    invented.push(sealRecord({ ...copy, txHash: `0x${"ee".repeat(32)}` }, last.seq + 1, last.hash));
    expect(checkFeed(dayFiles(invented), chain).map(describeProblem)).toEqual([expect.stringMatching(/^TAMPERED seq 15, obligor_resumed, .*: the ledger has no such event/)]);
  });
});

describe("the sinks the daily files go through", () => {
  it("writes a file into the directory whole, under its report's folder, and refuses a path outside it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sink-"));
    try {
      const sink = new DirectorySink(dir);
      await sink.put("regulator-feed/2026-11-20.jsonl", "{}\n");
      expect(readFileSync(join(dir, "regulator-feed/2026-11-20.jsonl"), "utf8")).toBe("{}\n");
      await expect(sink.put("../2026-11-20.jsonl", "x")).rejects.toThrow(/is not <report>\/<day>/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("POSTs a file to FEED_URL/<path> with its type, sha256 and the bearer token, and throws on anything but 2xx", async () => {
    const got: { url: string; headers: Record<string, unknown>; body: string }[] = [];
    let status = 201;
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        got.push({ url: req.url!, headers: req.headers, body });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const { port } = server.address() as { port: number };
      const sink = new HttpSink({ baseUrl: `http://127.0.0.1:${port}/feed/`, token: "t0ken", timeoutMs: 2000 });
      await sink.put("regulator-feed/2026-11-20.csv", "seq\n", "text/csv; charset=utf-8");
      expect(got[0]).toMatchObject({
        url: "/feed/regulator-feed/2026-11-20.csv",
        body: "seq\n",
        headers: { "content-type": "text/csv; charset=utf-8", authorization: "Bearer t0ken", "x-content-sha256": createHash("sha256").update("seq\n").digest("hex") },
      });
      status = 503;
      await expect(sink.put("regulator-feed/2026-11-20.csv", "seq\n", "text/csv")).rejects.toThrow(/answered 503/);
    } finally {
      server.close();
    }
  });
});
