import { JsonRpcProvider, Network } from "ethers";
import type { DataSource } from "typeorm";
import { LedgerDeploymentEntity, type LedgerDeploymentRow } from "./ledger.entity";

/**
 * The platform's connection to the ledger: plain JSON-RPC (the same code talks to Hardhat's node
 * and to Besu), the chain id checked once at start, and the active deployment's contracts.
 */
export class LedgerGateway {
  private constructor(
    readonly provider: JsonRpcProvider,
    readonly chainId: bigint,
  ) {}

  /** Connects and checks the chain id (if one is expected). */
  static async connect(rpcUrl: string, expectedChainId?: bigint): Promise<LedgerGateway> {
    const probe = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true, batchMaxCount: 1 });
    let chainId: bigint;
    try {
      chainId = BigInt(await probe.send("eth_chainId", []));
    } catch (e) {
      probe.destroy();
      throw new Error(`the ledger at ${rpcUrl} does not answer JSON-RPC: ${(e as Error).message}`);
    }
    probe.destroy();
    if (expectedChainId !== undefined && chainId !== expectedChainId) {
      throw new Error(`the ledger at ${rpcUrl} is chain ${chainId}, but LEDGER_CHAIN_ID is ${expectedChainId}`);
    }
    // cacheTimeout -1: ethers otherwise answers identical reads from a 250 ms cache, and a nonce
    // read from that cache is stale
    const provider = new JsonRpcProvider(rpcUrl, Network.from(chainId), { staticNetwork: true, pollingInterval: 250, cacheTimeout: -1 });
    return new LedgerGateway(provider, chainId);
  }

  /** Connects lazily, for processes that must start while the ledger is down (the API). */
  static lazy(rpcUrl: string): JsonRpcProvider {
    return new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1 });
  }

  destroy() {
    this.provider.destroy();
  }
}

/** The newest recorded deployment for `chainId`, or null before `ops deploy` has run. */
export async function activeDeployment(ds: DataSource, chainId: bigint): Promise<LedgerDeploymentRow | null> {
  return ds.getRepository(LedgerDeploymentEntity).findOne({ where: { chainId }, order: { id: "DESC" } });
}
