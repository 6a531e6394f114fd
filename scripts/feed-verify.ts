/**
 * `npm run feed:verify -- --dir <feed dir> [--rpc <url>] [--ledger <address>] [--membership <address>]`
 *
 * Checks the regulator feed's daily files (regulator-feed/<day>.jsonl, .csv, .manifest.json, as
 * FEED_DIR holds them or the receiver got them): every record's hash, the chain of `prevHash`es and
 * `seq`s from record 1, each manifest and CSV. With `--rpc`, also reads the ledger's events
 * (eth_getLogs on the ledger and Membership addresses the manifests name, decoded with the TypeChain
 * interfaces), rebuilds each record from its event exactly as the platform does, and reports a
 * record that differs from its event (tampered), an event with no record (missing) and a record
 * with no event. Each problem names the record: seq, kind, certificate, transaction. Exit code 0
 * when everything checks, 1 when something does not, 2 when the check could not run.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Interface, JsonRpcProvider, type Log } from "ethers";
import { Membership__factory, ReceivableLedger__factory } from "../typechain-types";
import { checkFeed, describeProblem, FEED_EVENTS, addDays, dayStartS, type ChainEventAt, type FeedDay, type FeedEvent } from "../backend/src/modules/conformity";

const LOG_BLOCKS = 5_000;

function readDays(dir: string): FeedDay[] {
  const root = existsSync(join(dir, "regulator-feed")) ? join(dir, "regulator-feed") : dir;
  const days = readdirSync(root)
    .map((f) => /^(\d{4}-\d{2}-\d{2})\.jsonl$/.exec(f)?.[1])
    .filter((d): d is string => !!d)
    .sort();
  return days.map((day) => {
    const file = (ext: string) => join(root, `${day}.${ext}`);
    return {
      day,
      jsonl: readFileSync(file("jsonl"), "utf8"),
      csv: existsSync(file("csv")) ? readFileSync(file("csv"), "utf8") : undefined,
      manifest: existsSync(file("manifest.json")) ? (JSON.parse(readFileSync(file("manifest.json"), "utf8")) as Record<string, unknown>) : undefined,
    };
  });
}

/** bigint → decimal string, arrays recursively: the shape the indexer stores (and the builder reads). */
const jsonable = (v: unknown): unknown => (typeof v === "bigint" ? v.toString() : Array.isArray(v) ? v.map(jsonable) : v);

async function chainEvents(rpc: string, ledger: string, membership: string | null, fromBlock: number): Promise<{ events: ChainEventAt[]; chainId: bigint }> {
  const provider = new JsonRpcProvider(rpc, undefined, { staticNetwork: true, batchMaxCount: 1 });
  try {
    const chainId = (await provider.getNetwork()).chainId;
    const ledgerIface = ReceivableLedger__factory.createInterface() as unknown as Interface;
    const membershipAddress =
      membership ?? (ledgerIface.decodeFunctionResult("membership", await provider.call({ to: ledger, data: ledgerIface.encodeFunctionData("membership", []) }))[0] as string);
    const sources = new Map<string, { contract: string; iface: Interface }>([
      [ledger.toLowerCase(), { contract: "ReceivableLedger", iface: ledgerIface }],
      [membershipAddress.toLowerCase(), { contract: "Membership", iface: Membership__factory.createInterface() as unknown as Interface }],
    ]);
    const wanted = new Set<string>(FEED_EVENTS);
    const head = await provider.getBlockNumber();
    const logs: Log[] = [];
    for (let from = fromBlock; from <= head; from += LOG_BLOCKS) {
      logs.push(...(await provider.getLogs({ address: [...sources.keys()], fromBlock: from, toBlock: Math.min(from + LOG_BLOCKS - 1, head) })));
    }
    const decoded: FeedEvent[] = [];
    for (const l of logs.sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index)) {
      const source = sources.get(l.address.toLowerCase());
      const parsed = source?.iface.parseLog(l);
      if (!source || !parsed || !wanted.has(`${source.contract}.${parsed.name}`)) continue;
      const args: Record<string, unknown> = {};
      parsed.fragment.inputs.forEach((input, i) => (args[input.name] = jsonable(parsed.args[i])));
      decoded.push({ contract: source.contract, name: parsed.name, args, txHash: l.transactionHash, logIndex: l.index, blockNumber: BigInt(l.blockNumber) } as FeedEvent);
    }
    const blocks = [...new Set(decoded.map((e) => Number(e.blockNumber)))];
    const times = new Map<number, number>();
    for (let i = 0; i < blocks.length; i += 8) {
      const slice = blocks.slice(i, i + 8);
      const got = await Promise.all(slice.map((b) => provider.getBlock(b)));
      slice.forEach((b, j) => times.set(b, got[j]!.timestamp));
    }
    return { events: decoded.map((event) => ({ event, at: times.get(Number(event.blockNumber))! })), chainId };
  } finally {
    provider.destroy();
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { dir: { type: "string" }, rpc: { type: "string" }, ledger: { type: "string" }, membership: { type: "string" }, help: { type: "boolean" } },
  });
  if (values.help || !values.dir) {
    console.log("usage: npm run feed:verify -- --dir <feed dir> [--rpc <json-rpc url>] [--ledger <address>] [--membership <address>]");
    return values.help ? 0 : 2;
  }
  const days = readDays(values.dir);
  if (!days.length) {
    console.error(`no regulator-feed day files (YYYY-MM-DD.jsonl) in ${values.dir}`);
    return 2;
  }
  let chain: { events: ChainEventAt[]; through: number } | undefined;
  const ledgerInfo = [...days].reverse().map((d) => d.manifest?.ledger as { chainId?: string; address?: string; membership?: string; deployedBlock?: string } | null | undefined).find((l) => l?.address);
  if (values.rpc) {
    const ledger = values.ledger ?? ledgerInfo?.address;
    if (!ledger) {
      console.error("the manifests name no ledger address: pass --ledger");
      return 2;
    }
    const { events, chainId } = await chainEvents(values.rpc, ledger, values.membership ?? ledgerInfo?.membership ?? null, Number(ledgerInfo?.deployedBlock ?? 0));
    if (ledgerInfo?.chainId && BigInt(ledgerInfo.chainId) !== chainId) {
      console.error(`the feed is of chain ${ledgerInfo.chainId}, the node at ${values.rpc} of chain ${chainId}`);
      return 2;
    }
    chain = { events, through: dayStartS(addDays(days[days.length - 1].day, 1)) };
  }
  const problems = checkFeed(days, chain);
  const records = days.reduce((n, d) => n + d.jsonl.split("\n").filter(Boolean).length, 0);
  const span = `${days.length} day(s), ${days[0].day} to ${days[days.length - 1].day}, ${records} record(s)`;
  if (problems.length) {
    for (const p of problems) console.log(describeProblem(p));
    console.log(`FAILED: ${problems.length} problem(s) in ${span}${chain ? `, against ${chain.events.length} ledger event(s)` : ""}`);
    return 1;
  }
  console.log(`OK: ${span}; hash chain intact${chain ? `; every record matches the ledger's events (${chain.events.length} read) and none is missing` : " (the ledger not consulted: pass --rpc)"}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    console.error(`feed:verify could not run: ${e.message}`);
    process.exit(2);
  },
);
