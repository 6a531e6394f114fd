import type { JsonRpcProvider } from "ethers";
import type { EntityManager } from "typeorm";

/**
 * One nonce sequence per signing key, persisted in Postgres. Allocation happens inside the
 * transaction that stores the signed transaction, after simulation succeeded, so a failed
 * simulation leaves no gap; the row lock serializes concurrent workers. The chain's own count is
 * the floor, in case the key was used outside the platform.
 */
export async function allocateNonce(em: EntityManager, provider: JsonRpcProvider, address: string): Promise<bigint> {
  const onChain = BigInt(await provider.getTransactionCount(address, "latest"));
  await em.query(`INSERT INTO signer_nonces (address, next_nonce) VALUES ($1, $2) ON CONFLICT (address) DO NOTHING`, [
    address,
    onChain.toString(),
  ]);
  const [row] = await em.query(`SELECT next_nonce FROM signer_nonces WHERE address = $1 FOR UPDATE`, [address]);
  const stored = BigInt(row.next_nonce);
  const nonce = stored > onChain ? stored : onChain;
  await em.query(`UPDATE signer_nonces SET next_nonce = $2 WHERE address = $1`, [address, (nonce + 1n).toString()]);
  return nonce;
}
