import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFile } from "node:child_process";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import hre from "hardhat";
import { Wallet, encodeBytes32String } from "ethers";
import { ReceivableLedger__factory } from "../../typechain-types";
import { Stack, randomUscc } from "./support/stack";
import { eventually } from "./support/http";
import { createRedis, JobQueue } from "../../backend/src/shared/queue";
import { createLogger } from "../../backend/src/shared/logger";
import { Projections } from "../../backend/src/indexer/projections";
import { conformityProjections, cstDayOf, FeedSealer, type FeedRecord } from "../../backend/src/modules/conformity";
import { Conformity1734000000000 } from "../../backend/src/modules/conformity/conformity.migration";
import { developmentFacts } from "../../backend/src/ops/onboarding-facts";

/**
 * The regulator's feed on the whole stack: certificates registered, confirmed, split (a part
 * offered to a supplier that keeps its own key, which accepts it on the ledger) and transferred
 * (refused by the receiver on the ledger) through the API; the indexer's projections feed the
 * records, the worker's publish job delivers the day's files to FEED_DIR, and `npm run
 * feed:verify` checks them against the ledger: OK untouched, a tampered line and a deleted line
 * named.
 */

const ROOT = join(__dirname, "../..");
const SEEDS = join(ROOT, "seeds");
const CORE_USCC = "91500112MA8Q2595Y2";
const SUPPLIER_USCC = "91500109MATD0HX58F";
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** Seed invoices from the supplier to the core enterprise that the local tax bureau confirms and no registry filing blocks. */
function cleanSeedInvoices(n: number) {
  const invoices = JSON.parse(readFileSync(join(SEEDS, "invoices.json"), "utf8")).invoices as { invoice: Record<string, any>; expected?: string }[];
  const tax = new Map((JSON.parse(readFileSync(join(SEEDS, "tax-bureau.json"), "utf8")).invoices as Record<string, any>[]).map((i) => [i.invoiceNumber, i]));
  const filed = new Set((JSON.parse(readFileSync(join(SEEDS, "registry.json"), "utf8")).filings as { invoice: { invoiceNumber: string } }[]).map((f) => f.invoice.invoiceNumber));
  return invoices
    .filter(({ invoice: i, expected }) => {
      const t = tax.get(i.invoiceNumber);
      return !expected && i.sellerTaxId === SUPPLIER_USCC && i.buyerTaxId === CORE_USCC && i.invoiceNumber.length === 20 && !i.waybillNumbers?.length && !filed.has(i.invoiceNumber) && t?.status === "normal" && t.total === i.total;
    })
    .slice(0, n)
    .map(({ invoice }) => invoice);
}

/** `npm run feed:verify` as a child process (never spawnSync: the ledger it asks is served by this process). */
function verify(dir: string, rpc: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", join(ROOT, "scripts/feed-verify.ts"), "--dir", dir, "--rpc", rpc],
      { cwd: ROOT, env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" }, timeout: 120_000 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 99) : 0, out: `${stdout}${stderr}` }),
    );
  });
}

describe("the regulator's feed on the whole stack", () => {
  let stack: Stack;
  const feedDir = mkdtempSync(join(tmpdir(), "feed-"));
  const copies: string[] = [];
  const walletB = Wallet.createRandom();
  let core: { orgId: string; key: string }, supplier: { orgId: string; key: string }, supplierB: { orgId: string; key: string }, auditor: { key: string };
  let records: FeedRecord[] = [];
  let day: string;
  const api = () => stack.api;
  const as = (m: { key: string }) => ({ key: m.key });

  const mined = (operationId: string, key: string) =>
    eventually(async () => {
      const r = (await api().get(`/v1/operations/${operationId}`, { key })).body;
      if (r.status === "failed") throw new Error(`operation ${operationId} failed: ${JSON.stringify(r.error)}`);
      return r.status === "mined";
    }, 30_000, `operation ${operationId}`);
  const feed = async (after = 0) => (await api().get(`/v1/conformity/feed?after=${after}&limit=1000`, as(auditor))).body as { records: FeedRecord[]; next: number };
  const feedHas = (n: number) =>
    eventually(async () => ((await feed()).records.length >= n ? (await feed()).records : null), 30_000, `${n} feed records`).catch(async (e: Error) => {
      const quarantined = await stack.ds.query(`SELECT name, error FROM indexer_quarantine`);
      quarantined.push(...(await stack.ds.query(`SELECT name, block_number FROM conformity_inbox`)), ...(await stack.ds.query(`SELECT name, block_number FROM chain_events ORDER BY id DESC LIMIT 5`)));
      throw new Error(`${e.message}; the feed has ${(await feed()).records.map((r) => r.kind).join(", ")}; quarantined: ${JSON.stringify(quarantined)}`);
    });

  beforeAll(async () => {
    stack = await Stack.start({ env: { FEED_DIR: feedDir, RATE_LIMIT_PER_MINUTE: "100000", ABNORMAL_SPLIT_MIN_PART: "50000000" } });
    const op = { key: stack.operatorKey };
    const onboard = async (name: string, roles: string[], uscc = randomUscc(), ledgerAddress?: string) => {
      const created = await api().post("/v1/organizations", { legalName: name, unifiedSocialCreditCode: uscc, roles, contacts: [], ...developmentFacts(roles), ...(ledgerAddress ? { ledgerAddress } : {}) }, op);
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const orgId = created.body.id as string;
      expect((await api().post(`/v1/organizations/${orgId}/kyc-approval`, {}, op)).status).toBe(202);
      await eventually(async () => (await api().get(`/v1/organizations/${orgId}`, op)).body.status === "active", 30_000, `${name} to become active`);
      return { orgId, key: (await stack.firstAdmin(orgId, undefined, roles)).key };
    };
    [core, supplier, supplierB, auditor] = await Promise.all([
      onboard("渝川汽车集团股份有限公司", ["core_enterprise"], CORE_USCC),
      onboard("重庆巴渝汽车内饰有限公司", ["supplier"], SUPPLIER_USCC),
      onboard("自持密钥供应商", ["supplier"], randomUscc(), walletB.address),
      onboard("审计机构", ["auditor"]),
    ]);

    // two certificates, registered and confirmed through the API
    const picked = cleanSeedInvoices(2);
    expect(picked).toHaveLength(2);
    const batch = await api().post("/v1/invoices/batch", { invoices: picked.map(({ waybillNumbers: _w, ...i }) => i) }, as(supplier));
    expect(batch.status, JSON.stringify(batch.body)).toBe(202);
    const invoiceIds = batch.body.items.map((i: { id: string }) => i.id) as string[];
    await eventually(async () => {
      const all = await Promise.all(invoiceIds.map(async (id) => (await api().get(`/v1/invoices/${id}`, as(supplier))).body));
      if (all.some((i) => i.status === "rejected")) throw new Error(`invoice rejected: ${JSON.stringify(all.map((i) => i.rejection ?? i.status))}`);
      return all.every((i) => i.status === "verified");
    }, 30_000, "the invoices to be verified");
    const today = cstDayOf((await hre.ethers.provider.getBlock("latest"))!.timestamp);
    const registered = await api().post("/v1/receivables", { items: invoiceIds.map((id) => ({ obligorId: core.orgId, invoiceIds: [id], maturityDate: addDays(today, 30) })) }, as(supplier));
    expect(registered.status, JSON.stringify(registered.body)).toBe(202);
    const ids = registered.body.items.map((x: { receivable: { id: string } }) => x.receivable.id) as string[];
    for (const x of registered.body.items) await mined(x.operation.id, supplier.key);
    const confirmed = await api().post("/v1/receivables/confirmations", { receivableIds: ids }, as(core));
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(202);
    for (const x of confirmed.body.items) await mined(x.operation.id, core.key);
    const [r1, r2] = await Promise.all(ids.map(async (id) => (await api().get(`/v1/receivables/${id}`, as(supplier))).body));

    // a split: one part kept, one offered to supplier B, which accepts it on the ledger with its own key
    const small = 20_000n; // 200 yuan: above the smallest part the policy allows, below ABNORMAL_SPLIT_MIN_PART
    const split = await api().post(`/v1/receivables/${r1.id}/splits`, { parts: [{ organizationId: supplier.orgId, amount: String(BigInt(r1.amount) - small) }, { organizationId: supplierB.orgId, amount: String(small) }] }, as(supplier));
    expect(split.status, JSON.stringify(split.body)).toBe(202);
    await mined(split.body.operation.id, supplier.key);
    const afterSplit = await feedHas(6); // 2 registrations, 2 confirmations, 2 parts (and the offer)
    const offeredPart = afterSplit.find((r) => r.kind === "split" && r.amount === String(small))!.certificateId!;
    await hre.network.provider.send("hardhat_setBalance", [walletB.address, "0x56BC75E2D63100000"]);
    const ledger = ReceivableLedger__factory.connect(stack.deployment.ledger, walletB.connect(hre.ethers.provider));
    await (await ledger.accept([BigInt(offeredPart)], 1n, { gasPrice: 0 })).wait();

    // a transfer offered to supplier B, which refuses it (拒签)
    const transfer = await api().post(`/v1/receivables/${r2.id}/transfers`, { organizationId: supplierB.orgId }, as(supplier));
    expect(transfer.status, JSON.stringify(transfer.body)).toBe(202);
    await mined(transfer.body.operation.id, supplier.key);
    await feedHas(10);
    await (await ledger.returnOffers([BigInt(r2.certificateId)], encodeBytes32String("wrong goods"), 2n, { gasPrice: 0 })).wait();
    records = await feedHas(11);
    day = cstDayOf(Date.parse(records[0].occurredAt) / 1000);

    // the day ends on the ledger's clock; once the indexer has read past it, the worker's job delivers its files
    await hre.network.provider.send("evm_increaseTime", [86_400]);
    await hre.network.provider.send("evm_mine", []);
    const head = await hre.ethers.provider.getBlockNumber();
    await eventually(async () => Number((await stack.ds.query(`SELECT block_number FROM indexer_checkpoints`))[0]?.block_number) >= head, 30_000, "the indexer to read the new day's block");
    const redis = createRedis(stack.config.REDIS_URL, "queue");
    const queue = new JobQueue(redis, stack.config.QUEUE_PREFIX);
    await queue.add("conformity.publish", {}, `publish-${Date.now()}`);
    await queue.add("conformity.held-funds", { day }, `held-${Date.now()}`);
    await queue.close();
    redis.disconnect();
    await eventually(async () => existsSync(join(feedDir, "regulator-feed", `${day}.manifest.json`)) && existsSync(join(feedDir, "held-funds", `${day}.json`)), 30_000, "the day's files");
  }, 300_000);
  afterAll(async () => {
    await stack?.close();
    for (const d of [feedDir, ...copies]) rmSync(d, { recursive: true, force: true });
  });

  it("records every certificate event in chain order, numbered and hash-chained, for auditors and the operator only", async () => {
    expect(records.map((r) => r.kind)).toEqual([
      "registration",
      "registration",
      "confirmation",
      "confirmation",
      "split",
      "split",
      "offer",
      "transfer",
      "acceptance",
      "offer",
      "refusal",
    ]);
    expect(records.map((r) => r.seq)).toEqual(records.map((_, i) => i + 1));
    records.slice(1).forEach((r, i) => expect(r.prevHash).toBe(records[i].hash));
    const [registration] = records;
    expect(registration).toMatchObject({ obligorUscc: CORE_USCC, fromUscc: SUPPLIER_USCC, toUscc: CORE_USCC, tier: 0, termDays: 30 });
    const acceptance = records.find((r) => r.kind === "acceptance")!;
    expect(acceptance).toMatchObject({ fromUscc: SUPPLIER_USCC, toAddress: walletB.address.toLowerCase(), tier: 1 });
    expect(records.find((r) => r.kind === "refusal")).toMatchObject({ fromUscc: SUPPLIER_USCC, toAddress: walletB.address.toLowerCase() });

    // a cursor: the next page starts after `next`
    const page = (await api().get("/v1/conformity/feed?after=3&limit=2", as(auditor))).body;
    expect(page.records.map((r: FeedRecord) => r.seq)).toEqual([4, 5]);
    expect(page.next).toBe(5);
    expect((await api().get(`/v1/conformity/feed?after=${records.length + 100}`, as(auditor))).body).toEqual({ records: [], next: records.length + 100 });
    expect((await api().get("/v1/conformity/feed", { key: stack.operatorKey })).status).toBe(200);
    for (const member of [core, supplier]) expect((await api().get("/v1/conformity/feed", as(member))).status).toBe(403);
  });

  it("refuses to change or delete a record, and records an event delivered again once", async () => {
    await expect(stack.ds.query(`UPDATE regulator_feed SET kind = 'issue' WHERE seq = 1`)).rejects.toThrow(/append-only/);
    await expect(stack.ds.query(`DELETE FROM regulator_feed WHERE seq = 1`)).rejects.toThrow(/append-only/);
    // the indexer delivers a transfer's chain event to the projections again
    const [row] = await stack.ds.query(`SELECT * FROM chain_events WHERE name = 'ReceivableTransferred'`);
    const sealer = new FeedSealer(stack.ds, async (n) => (await hre.ethers.provider.getBlock(n))!.timestamp, createLogger("silent", "test"));
    const later: (() => Promise<void>)[] = [];
    const projections = conformityProjections(new Projections(), () => sealer.seal());
    await stack.ds.transaction((em) =>
      projections.apply(em, { id: BigInt(row.id), blockNumber: BigInt(row.block_number), blockHash: row.block_hash, txHash: row.tx_hash, logIndex: row.log_index, contract: row.contract, name: row.name, args: row.args, createdAt: row.created_at }, (t) => later.push(t)),
    );
    for (const t of later) await t();
    expect(later.length).toBe(1);
    expect(await sealer.seal()).toBe(0);
    expect((await feed()).records).toEqual(records);
    expect((await stack.ds.query(`SELECT count(*)::int AS n FROM conformity_inbox`))[0].n).toBe(0);
  });

  it("delivers the day's JSON Lines, CSV and manifest, and serves them as delivered; a day not over is not served", async () => {
    const file = (ext: string) => readFileSync(join(feedDir, "regulator-feed", `${day}.${ext}`), "utf8");
    const manifest = JSON.parse(file("manifest.json"));
    expect(manifest).toMatchObject({ day, records: records.length, firstSeq: 1, lastSeq: records.length, lastHash: records.at(-1)!.hash, ledger: { address: stack.deployment.ledger.toLowerCase() } });
    expect(file("jsonl").trimEnd().split("\n").map((l) => JSON.parse(l))).toEqual(records);
    const jsonl = await fetch(`${api().baseUrl}/v1/conformity/feed/days/${day}.jsonl`, { headers: { authorization: `Bearer ${auditor.key}` } });
    expect(jsonl.headers.get("content-type")).toMatch(/application\/x-ndjson/);
    expect(await jsonl.text()).toBe(file("jsonl"));
    const csv = await fetch(`${api().baseUrl}/v1/conformity/feed/days/${day}?format=csv`, { headers: { authorization: `Bearer ${auditor.key}` } });
    expect(await csv.text()).toBe(file("csv"));
    const served = await fetch(`${api().baseUrl}/v1/conformity/feed/days/${day}?format=manifest`, { headers: { authorization: `Bearer ${stack.operatorKey}` } });
    expect(await served.json()).toEqual(manifest);
    expect((await api().get(`/v1/conformity/feed/days/${addDays(day, 2)}.csv`, as(auditor))).status).toBe(404);
    expect((await api().get(`/v1/conformity/feed/days/${day}.csv?format=jsonl`, as(auditor))).status).toBe(422);
    expect((await api().get(`/v1/conformity/feed/days/${day}.jsonl`, as(supplier))).status).toBe(403);
    const held = JSON.parse(readFileSync(join(feedDir, "held-funds", `${day}.json`), "utf8"));
    expect(held).toMatchObject({ report: "held-funds", day, total: "0", accounts: [] });
  });

  it("passes `npm run feed:verify` on the delivered files, against the ledger", async () => {
    const r = await verify(feedDir, stack.config.LEDGER_RPC_URL);
    expect(r.out).toMatch(new RegExp(`^OK: 1 day\\(s\\), ${day} to ${day}, ${records.length} record\\(s\\); hash chain intact; every record matches the ledger's events`, "m"));
    expect(r.code).toBe(0);
  }, 150_000);

  it("fails `npm run feed:verify` on a tampered line, naming it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "feed-tampered-"));
    copies.push(dir);
    cpSync(feedDir, dir, { recursive: true });
    const path = join(dir, "regulator-feed", `${day}.jsonl`);
    const transfer = records.find((r) => r.kind === "transfer")!;
    // the transfer now says it went to supplier A's own account
    const lines = readFileSync(path, "utf8").split("\n").map((l) => (l.includes(`"seq":${transfer.seq},`) ? l.replace(`"toAddress":"${transfer.toAddress}"`, `"toAddress":"${transfer.fromAddress}"`) : l));
    writeFileSync(path, lines.join("\n"));
    const r = await verify(dir, stack.config.LEDGER_RPC_URL);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`TAMPERED seq ${transfer.seq}, transfer, certificate ${transfer.certificateId}, tx ${transfer.txHash} log ${transfer.logIndex}: its hash is`);
    expect(r.out).toContain(`toAddress is "${transfer.fromAddress}" in the feed but "${transfer.toAddress}" on the ledger`);
    expect(r.out).toMatch(/^FAILED: \d+ problem\(s\)/m);
  }, 150_000);

  it("fails `npm run feed:verify` on a deleted line, naming the missing event and the broken chain", async () => {
    const dir = mkdtempSync(join(tmpdir(), "feed-cut-"));
    copies.push(dir);
    cpSync(feedDir, dir, { recursive: true });
    const path = join(dir, "regulator-feed", `${day}.jsonl`);
    const acceptance = records.find((r) => r.kind === "acceptance")!;
    writeFileSync(path, readFileSync(path, "utf8").split("\n").filter((l) => !l.includes(`"seq":${acceptance.seq},`)).join("\n"));
    const r = await verify(dir, stack.config.LEDGER_RPC_URL);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`MISSING acceptance, certificate ${acceptance.certificateId}, tx ${acceptance.txHash} log ${acceptance.logIndex}: the ledger's OfferAccepted`);
    expect(r.out).toContain(`BROKEN CHAIN seq ${acceptance.seq + 1}, offer, certificate`);
    expect(r.out).toContain(`follows seq ${acceptance.seq - 1}: record(s) ${acceptance.seq} missing`);
  }, 150_000);

  it("reports the split with a part below the threshold as abnormal, and held funds to issuers, the operator and auditors", async () => {
    const abnormal = await api().get(`/v1/conformity/abnormal-flows?from=${day}&to=${day}`, as(auditor));
    expect(abnormal.status, JSON.stringify(abnormal.body)).toBe(200);
    const parent = records.find((r) => r.kind === "split")!.parentId;
    expect(abnormal.body.thresholds).toMatchObject({ splitMinPart: "50000000" });
    expect(abnormal.body.items).toContainEqual(
      expect.objectContaining({ kind: "many_tiny_parts", certificateId: parent, parties: [{ uscc: SUPPLIER_USCC, address: expect.any(String), name: "重庆巴渝汽车内饰有限公司" }] }),
    );
    expect((await api().get(`/v1/conformity/abnormal-flows?from=${day}&to=${addDays(day, -1)}`, as(auditor))).status).toBe(422);
    expect((await api().get("/v1/conformity/abnormal-flows", as(supplier))).status).toBe(403);
    const held = await api().get("/v1/conformity/held-funds", as(auditor));
    expect(held.status).toBe(200);
    expect(held.body).toMatchObject({ total: "0", accounts: [] });
    expect((await api().get("/v1/conformity/held-funds", as(core))).status).toBe(403);

    // the ledger holds payouts for supplier B (suspended when it was paid), then B collects part of them
    const b = walletB.address;
    const projections = conformityProjections(new Projections(), async () => 0);
    const event = (n: number, name: string, args: Record<string, unknown>) =>
      ({ id: BigInt(900_000 + n), blockNumber: 1n, blockHash: `0x${"00".repeat(32)}`, txHash: `0x${n.toString(16).padStart(64, "0")}`, logIndex: 0, contract: "ReceivableLedger", name, args, createdAt: new Date() }) as never;
    await stack.ds.transaction(async (em) => {
      await projections.apply(em, event(1, "PayoutHeld", { account: b, amount: "500000" }));
      await projections.apply(em, event(2, "PayoutHeld", { account: b, amount: "250000" }));
      await projections.apply(em, event(3, "PayoutWithdrawn", { account: b, amount: "600000" }));
      await projections.apply(em, event(3, "PayoutWithdrawn", { account: b, amount: "600000" })); // delivered again: once
    });
    const after = await api().get("/v1/conformity/held-funds", as(auditor));
    expect(after.body).toMatchObject({ total: "150000", accounts: [{ account: b.toLowerCase(), organizationId: supplierB.orgId, name: "自持密钥供应商", held: "150000" }] });
  });

  // last: it rebuilds the module's tables
  it("builds the same feed, hash for hash, for a platform that indexed the ledger before the module existed", async () => {
    await stack.parts.splice(0).reduce((p, part) => p.then(() => part.close()), Promise.resolve()); // nothing seals meanwhile
    const migration = new Conformity1734000000000();
    const runner = stack.ds.createQueryRunner();
    try {
      await migration.down(runner);
      await migration.up(runner); // the inbox and held payouts from the events the indexer stored (chain_events)
    } finally {
      await runner.release();
    }
    expect(Number((await stack.ds.query(`SELECT count(*) AS n FROM conformity_inbox`))[0].n)).toBeGreaterThan(records.length);
    const sealer = new FeedSealer(stack.ds, async (n) => (await hre.ethers.provider.getBlock(n))!.timestamp, createLogger("silent", "test"));
    expect(await sealer.seal()).toBe(records.length);
    const rebuilt = (await stack.ds.query(`SELECT record FROM regulator_feed ORDER BY seq`)).map((r: { record: FeedRecord }) => r.record);
    expect(rebuilt).toEqual(records);
  });
});
