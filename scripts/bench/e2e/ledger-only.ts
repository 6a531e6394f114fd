import { keccak256, toUtf8Bytes, type JsonRpcProvider, type TransactionReceipt, type Wallet } from "ethers";
import { ReceivableLedger__factory } from "../../../typechain-types";
import { KeyVault } from "../../../backend/src/ledger/key-vault";
import { PlatformKeys } from "../../../backend/src/ledger/platform-keys";
import { FINANCE_TERMS_TYPES, ledgerDomain } from "../../../backend/src/ledger/typed-data";
import { invoiceKey } from "../../../backend/src/ledger/invoice-key";
import { attestedItem, platformAttestation } from "../../../backend/src/ledger/attestation";
import { LedgerGateway } from "../../../backend/src/ledger/gateway";
import type { BenchPlatform } from "./platform";
import type { BenchWorld, Candidate } from "./setup";
import { pool } from "./client";

export interface LedgerOnlyResult {
  n: number;
  lifecyclesPerS: number;
  seconds: Record<"register" | "confirm" | "finance" | "settle" | "total", number>;
  transactions: Record<"register" | "confirm" | "finance" | "settle", number>;
  batch: Record<"register" | "confirm" | "finance" | "settle", number>;
  blocks: number;
  /** CPU of the ledger node and of this client during the ledger-alone run. */
  rpcCalls?: Record<string, number>;
  usage?: { seconds: number; processes: Record<string, { cpuSeconds: number; cpuPercent: number }>; machineCpuPercent: number };
}

/** Items per transaction: the outbox's batch sizes (operations.ts, OUTBOX_BATCH_SIZE), the keeper's 100 per settle. */
const BATCH = { register: 50, confirm: 200, finance: 50, settle: 100 } as const;
const ledgerIface = ReceivableLedger__factory.createInterface();
const chunks = <T>(xs: T[], n: number) => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, (i + 1) * n));

/**
 * The ledger alone: the same lifecycles sent straight to the contracts by the same organizations'
 * keys, with the outbox's batching (one signer's items share a transaction), on the same node
 * with the same block period, after the platform's processes have stopped. Each step is sent for
 * the whole cohort at once and waited for (receipts), then the next; the clock is moved past
 * maturity before settlement as in the end-to-end run. No simulation (gas limits are fixed), no
 * database, no API: the rate the ledger itself allows with this batching.
 */
export async function ledgerOnly(platform: BenchPlatform, world: BenchWorld, n: number, _group: number, log: (l: string) => void): Promise<LedgerOnlyResult> {
  log(`── ledger alone: ${n} lifecycles straight to the contracts`);
  const gateway = await LedgerGateway.connect(platform.node.url);
  const provider = gateway.provider;
  const vault = new KeyVault(platform.env.KEY_ENCRYPTION_KEY);
  const [dep] = await platform.ds.query(`SELECT chain_id::text, ledger FROM ledger_deployments ORDER BY id DESC LIMIT 1`);
  const ledger: string = dep.ledger;
  const domain = ledgerDomain(BigInt(dep.chain_id), ledger);
  const addresses = new Map<string, string>(
    (await platform.ds.query(`SELECT id::text, ledger_address FROM organizations WHERE ledger_address IS NOT NULL`)).map((r: any) => [r.id, r.ledger_address]),
  );
  const wallets = new Map<string, Wallet>();
  const wallet = async (address: string) => {
    if (!wallets.has(address)) wallets.set(address, (await vault.signer(platform.ds, address)).connect(provider) as Wallet);
    return wallets.get(address)!;
  };
  const relayer = await new PlatformKeys(vault).relayer(platform.ds.manager);
  const nonces = new Map<string, Promise<number>>();
  let opId = 1n << 48n;
  const send = async (from: string, data: string, gasLimit: bigint): Promise<TransactionReceipt> => {
    const w = await wallet(from);
    // one chain of nonces per signer, taken in call order (a concurrent first use must not read the count twice)
    const previous = nonces.get(from) ?? provider.getTransactionCount(from, "pending").then((n) => n - 1);
    const mine = previous.then((n) => n + 1);
    nonces.set(from, mine);
    const nonce = await mine;
    const tx = await w.sendTransaction({ to: ledger, data, nonce, gasLimit, maxFeePerGas: 0n, maxPriorityFeePerGas: 0n, type: 2, chainId: BigInt(dep.chain_id) });
    const receipt = await provider.waitForTransaction(tx.hash, 1, 120_000).catch(async (e: Error) => {
      const seen = await provider.send("eth_getTransactionByHash", [tx.hash]).catch(() => null);
      const counts = [await provider.getTransactionCount(from, "latest"), await provider.getTransactionCount(from, "pending")];
      const block = await provider.getBlock("latest");
      throw new Error(`no receipt for ${tx.hash} (from ${from}, nonce ${nonce}, gas ${gasLimit}) after 120 s: ${e.message}; node has it: ${!!seen}; nonces latest/pending ${counts}; base fee ${block?.baseFeePerGas}, gas limit ${block?.gasLimit}`);
    });
    if (!receipt || receipt.status !== 1) throw new Error(`ledger-only transaction ${tx.hash} reverted`);
    return receipt;
  };
  const candidates = world.candidates.slice(0, n);
  const chainNow = Number((await provider.getBlock("latest"))!.timestamp);
  const maturity = BigInt(chainNow + 30 * 86_400);
  const startBlock = await provider.getBlockNumber();
  const seconds = { register: 0, confirm: 0, finance: 0, settle: 0, total: 0 };
  const transactions = { register: 0, confirm: 0, finance: 0, settle: 0 };
  const timed = async <T>(step: keyof typeof transactions, fn: () => Promise<T>) => {
    const t = Date.now();
    const out = await fn();
    seconds[step] = (Date.now() - t) / 1000;
    log(`  ${step}: ${transactions[step]} transactions in ${seconds[step].toFixed(1)} s`);
    return out;
  };
  const bySigner = <T>(items: T[], signerOf: (x: T) => string, size: number) => {
    const m = new Map<string, T[]>();
    for (const x of items) m.set(signerOf(x), [...(m.get(signerOf(x)) ?? []), x]);
    return [...m.entries()].flatMap(([s, xs]) => chunks(xs, size).map((c) => ({ signer: s, items: c })));
  };
  const parallel = <T>(jobs: T[], fn: (j: T) => Promise<void>) => pool(jobs, 256, fn);

  // register: one supplier's items per transaction; ids from the events
  type Cert = { c: Candidate; id?: bigint; facts?: { creditor: string; amount: bigint; maturity: bigint; invoicesRoot: string } };
  const certs: Cert[] = candidates.map((c) => ({ c }));
  await timed("register", async () => {
    const jobs = bySigner(certs, (x) => addresses.get(x.c.supplier.id)!, BATCH.register);
    transactions.register = jobs.length;
    await parallel(jobs, async ({ signer, items }) => {
      const inputs = items.map((x, i) => {
        const key = invoiceKey(x.c.supplier.uscc, `LEDGER-ONLY-${x.c.invoiceId}-${i}`);
        return { counterparty: addresses.get(x.c.obligor.id)!, amount: 100_000_000n, maturity, invoicesRoot: keccak256(key), invoiceKeys: [key] };
      });
      const attestation = await platformAttestation(platform.ds.manager, vault, { chainId: BigInt(dep.chain_id), ledger }, false, inputs.map((i) => attestedItem(signer, false, i)), maturity);
      const receipt = await send(signer, ledgerIface.encodeFunctionData("register", [inputs, attestation, opId++]), 120_000n * BigInt(items.length) + 200_000n);
      const ids = receipt.logs.map((l) => ledgerIface.parseLog(l)).filter((e) => e?.name === "ReceivableRegistered").map((e) => BigInt(e!.args.id));
      items.forEach((x, i) => {
        x.id = ids[i];
        x.facts = { creditor: signer, amount: inputs[i].amount, maturity: inputs[i].maturity, invoicesRoot: inputs[i].invoicesRoot };
      });
    });
  });
  await timed("confirm", async () => {
    const jobs = bySigner(certs, (x) => addresses.get(x.c.obligor.id)!, BATCH.confirm);
    transactions.confirm = jobs.length;
    await parallel(jobs, async ({ signer, items }) => {
      await send(signer, ledgerIface.encodeFunctionData("confirm", [items.map((x) => ({ id: x.id!, ...x.facts! })), opId++]), 40_000n * BigInt(items.length) + 200_000n);
    });
  });
  await timed("finance", async () => {
    const jobs = bySigner(certs, (x) => addresses.get(x.c.bank.id)!, BATCH.finance);
    transactions.finance = jobs.length;
    const deadline = BigInt(chainNow + 86_400);
    await parallel(jobs, async ({ signer, items }) => {
      const terms = items.map((x) => ({ receivableId: x.id!, bank: signer, advance: 90_000_000n, due: 95_000_000n, recourse: false, agreement: keccak256(toUtf8Bytes(`financing agreement ${x.id!}`)), nonce: BigInt(keccak256(`0x${x.id!.toString(16).padStart(64, "0")}`)) >> 8n, deadline }));
      const signatures = await Promise.all(items.map(async (x, i) => (await wallet(addresses.get(x.c.supplier.id)!)).signTypedData(domain, FINANCE_TERMS_TYPES, terms[i])));
      await send(signer, ledgerIface.encodeFunctionData("finance", [terms, signatures, opId++]), 200_000n * BigInt(items.length) + 200_000n);
    });
  });
  await provider.send("evm_increaseTime", [30 * 86_400 + 120]);
  await provider.send("evm_mine", []);
  await timed("settle", async () => {
    const sorted = [...certs].sort((a, b) => (a.c.obligor.id + a.c.bank.id + a.c.supplier.id < b.c.obligor.id + b.c.bank.id + b.c.supplier.id ? -1 : 1));
    const jobs = chunks(sorted, BATCH.settle);
    transactions.settle = jobs.length;
    await parallel(jobs.map((items) => ({ items })), async ({ items }) => {
      await send(relayer, ledgerIface.encodeFunctionData("settle", [items.map((x) => x.id!), opId++]), 150_000n * BigInt(items.length) + 200_000n);
    });
  });
  seconds.total = seconds.register + seconds.confirm + seconds.finance + seconds.settle;
  const blocks = (await provider.getBlockNumber()) - startBlock;
  gateway.destroy();
  const result = { n, lifecyclesPerS: n / seconds.total, seconds, transactions, batch: { ...BATCH }, blocks };
  log(`  ledger alone: ${result.lifecyclesPerS.toFixed(1)} lifecycles/s (${seconds.total.toFixed(1)} s, ${blocks} blocks)`);
  return result;
}
