import { AbiCoder, concat, getBytes, keccak256 } from "ethers";
import type { Invoice } from "./invoice.entity";

/**
 * The receivable's commitment to its invoices: a Merkle root over one leaf per invoice,
 * keccak256(abi.encode(bytes32 invoiceKey, bytes32 evidenceHash)), hashed in sorted pairs so that
 * OpenZeppelin's MerkleProof.verify(proof, root, leaf) accepts the proofs of `invoiceProof`.
 * Leaves are sorted first, so the root does not depend on the order the invoices were listed in;
 * an odd node at the end of a level moves up unpaired.
 */
export type RootInput = Pick<Invoice, "invoiceKey" | "evidenceHash">;

export function invoiceLeaf(invoice: RootInput): string {
  if (!invoice.evidenceHash) throw new RangeError(`invoice ${invoice.invoiceKey} has no evidence hash: only verified invoices go into a root`);
  return keccak256(AbiCoder.defaultAbiCoder().encode(["bytes32", "bytes32"], [invoice.invoiceKey, invoice.evidenceHash]));
}

const hashPair = (a: string, b: string) => (BigInt(a) < BigInt(b) ? keccak256(concat([getBytes(a), getBytes(b)])) : keccak256(concat([getBytes(b), getBytes(a)])));

function levels(leaves: string[]): string[][] {
  if (leaves.length === 0) throw new RangeError("an invoice root needs at least one invoice");
  const out = [[...leaves].sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : BigInt(x) > BigInt(y) ? 1 : 0))];
  while (out[out.length - 1].length > 1) {
    const level = out[out.length - 1];
    const next: string[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? hashPair(level[i], level[i + 1]) : level[i]);
    out.push(next);
  }
  return out;
}

/** The Merkle root of the invoices (see above). */
export function invoicesRoot(invoices: RootInput[]): string {
  const ls = levels(invoices.map(invoiceLeaf));
  return ls[ls.length - 1][0];
}

/** The proof that `invoice` is one of `invoices`, for MerkleProof.verify(proof, root, invoiceLeaf(invoice)). */
export function invoiceProof(invoices: RootInput[], invoice: RootInput): string[] {
  const ls = levels(invoices.map(invoiceLeaf));
  let index = ls[0].indexOf(invoiceLeaf(invoice));
  if (index < 0) throw new RangeError(`invoice ${invoice.invoiceKey} is not in the set`);
  const proof: string[] = [];
  for (const level of ls.slice(0, -1)) {
    const sibling = index % 2 === 0 ? index + 1 : index - 1;
    if (sibling < level.length) proof.push(level[sibling]);
    index = Math.floor(index / 2);
  }
  return proof;
}

/** MerkleProof.processProof, off chain. */
export function verifyInvoiceProof(proof: string[], root: string, leaf: string): boolean {
  return proof.reduce((h, p) => hashPair(h, p), leaf).toLowerCase() === root.toLowerCase();
}
