import { FetchRequest, JsonRpcProvider, makeError, Network, type TransactionReceipt } from "ethers";
import type { DataSource } from "typeorm";
import type { Logger } from "../shared/logger";
import { withoutCredentials } from "../shared/preflight";
import { LedgerDeploymentEntity, type LedgerDeploymentRow } from "./ledger.entity";

/**
 * JSON-RPC to the ledger, with `waitForTransaction` that never leaves a rejection unhandled.
 * ethers 6's own runs its poll in an `async` Promise executor whose first `getBlockNumber()` is
 * awaited outside any try: when the node drops the connection at that moment (ECONNREFUSED,
 * ECONNRESET, "socket hang up"), the executor's promise rejects with nobody listening, and the
 * process dies of an unhandled rejection right after the worker signed and sent a transaction.
 * This one polls the receipt: a node that does not answer is retried until the timeout, which
 * rejects with ethers' TIMEOUT error as the original does.
 */
export class LedgerProvider extends JsonRpcProvider {
  override async waitForTransaction(hash: string, confirms?: number | null, timeout?: number | null): Promise<TransactionReceipt | null> {
    const wanted = confirms ?? 1;
    if (wanted === 0) return this.getTransactionReceipt(hash);
    const deadline = timeout == null ? Infinity : Date.now() + timeout;
    for (;;) {
      try {
        const receipt = await this.getTransactionReceipt(hash);
        if (receipt && (wanted <= 1 || (await this.getBlockNumber()) - receipt.blockNumber + 1 >= wanted)) return receipt;
      } catch {
        // the node is away for a moment: the deadline decides, as with ethers' own waiting
      }
      if (this.destroyed) throw makeError("provider destroyed; cancelled request", "UNSUPPORTED_OPERATION", { operation: "waitForTransaction" });
      const left = deadline - Date.now();
      if (left <= 0) throw makeError("timeout", "TIMEOUT", { operation: "waitForTransaction", reason: "timeout" });
      await sleep(Math.min(this.pollingInterval, left));
    }
  }
}

/** How a process waits for a ledger that does not answer yet. */
export interface LedgerWait {
  log: Logger;
  /** First pause between attempts, ms (doubled after each failure). */
  initialDelayMs?: number;
  /** Longest pause between attempts, ms. */
  maxDelayMs?: number;
}

/**
 * The platform's connection to the ledger: plain JSON-RPC (the same code talks to Hardhat's node
 * and to Besu), the chain id checked once at start, and the active deployment's contracts.
 */
export class LedgerGateway {
  private constructor(
    readonly provider: JsonRpcProvider,
    readonly chainId: bigint,
  ) {}

  /**
   * Connects and checks the chain id (if one is expected). Without `wait`, a ledger that does not
   * answer is an error at once (the ops commands); with it, the call waits for the ledger, with
   * backoff, logging each failed attempt (a process started while the ledger is down). A ledger
   * on another chain is an error either way: waiting would not change it.
   */
  static async connect(rpcUrl: string, expectedChainId?: bigint, wait?: LedgerWait): Promise<LedgerGateway> {
    let chainId: bigint;
    for (let attempt = 1, delay = wait?.initialDelayMs ?? 500; ; attempt++, delay = Math.min(delay * 2, wait?.maxDelayMs ?? 10_000)) {
      try {
        chainId = await chainIdAt(rpcUrl);
        if (attempt > 1) wait?.log.info({ attempts: attempt }, "the ledger answers");
        break;
      } catch (e) {
        const reason = `the ledger at ${withoutCredentials(rpcUrl)} does not answer JSON-RPC: ${(e as Error).message}`;
        if (!wait) throw new Error(reason);
        wait.log.warn({ attempt, retryInMs: delay, err: (e as Error).message }, `${reason}; waiting for it`);
        await sleep(delay);
      }
    }
    if (expectedChainId !== undefined && chainId !== expectedChainId) {
      throw new Error(`the ledger at ${withoutCredentials(rpcUrl)} is chain ${chainId}, but LEDGER_CHAIN_ID is ${expectedChainId}`);
    }
    // cacheTimeout -1: ethers otherwise answers identical reads from a 250 ms cache, and a nonce
    // read from that cache is stale
    const provider = new LedgerProvider(rpcUrl, Network.from(chainId), { staticNetwork: true, pollingInterval: 250, cacheTimeout: -1 });
    return new LedgerGateway(provider, chainId);
  }

  /** Connects lazily, for processes that must start while the ledger is down (the API). */
  static lazy(rpcUrl: string): JsonRpcProvider {
    return new LedgerProvider(rpcUrl, undefined, { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1 });
  }

  destroy() {
    this.provider.destroy();
  }
}

/** One `eth_chainId` request (no provider: ethers' network detection would retry and print on its own). */
async function chainIdAt(rpcUrl: string): Promise<bigint> {
  const request = new FetchRequest(rpcUrl);
  request.timeout = 10_000;
  request.setHeader("content-type", "application/json");
  request.body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] });
  const response = await request.send();
  response.assertOk();
  const body = response.bodyJson as { result?: string; error?: { message?: string } };
  if (typeof body?.result !== "string") throw new Error(`eth_chainId answered ${JSON.stringify(body?.error ?? body).slice(0, 200)}`);
  return BigInt(body.result);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The newest recorded deployment for `chainId`, or null before `ops deploy` has run. */
export async function activeDeployment(ds: DataSource, chainId: bigint): Promise<LedgerDeploymentRow | null> {
  return ds.getRepository(LedgerDeploymentEntity).findOne({ where: { chainId }, order: { id: "DESC" } });
}
