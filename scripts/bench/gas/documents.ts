// Signed documents (docs/signed-documents.md): what recording fingerprints costs per item, and what
// binding the financing agreement in FinanceTerms added to a financing.
import { keccak256, toBeHex } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { DAY, exec, type Sample, type World } from "./world";
import { confirmDirect, later, registerItems, steadily } from "./scenario";

export const DOCUMENT_BATCHES = [1, 10, 100] as const;
export const DOCUMENT_KINDS = {
  certificate: { kind: 1, by: "the holder (supplier), its record's creditor" },
  notice: { kind: 2, by: "the obligor" },
} as const;
export type DocumentKind = keyof typeof DOCUMENT_KINDS;

/**
 * `finance` before FinanceTerms carried the agreement: the same benchmark at commit 127a14a (the
 * contracts before issue 19), lifecycle figures per item and the single operation. Measured once;
 * rerun it on that commit if the benchmark's scenario changes.
 */
export const FINANCE_BEFORE_AGREEMENT = { batch1: 116_363, batch10: 51_951, batch100: 45_530, single: 116_375 };

let fingerprints = 0;
/** A distinct nonzero 32-byte fingerprint per document, as an SM3 hash would be. */
const nextFingerprint = () => keccak256(toBeHex(BigInt(++fingerprints), 32));

/** One call recording a document of `kind` for each of `ids`, sent by `by`. */
async function record(w: World, by: HardhatEthersSigner, ids: bigint[], kind: number): Promise<Sample> {
  const op = w.ops.take("ledger", by.address);
  const items = ids.map((id) => ({ id, kind, fingerprint: nextFingerprint() }));
  return exec(w.ledger.connect(by).recordDocuments(items, op.id), [op.fresh]);
}

/** Gas per call of recording `batch` documents of each kind, in steady state, on Confirmed certificates. */
export async function measureDocuments(w: World): Promise<Record<DocumentKind, Record<number, Sample>>> {
  const ids: bigint[] = [];
  const maturity = await later(60n * DAY);
  for (let i = 0; i < 2; i++) {
    const made = await registerItems(w, w.core1.address, 50, maturity);
    await confirmDirect(w, made.ids, w.core1);
    ids.push(...made.ids);
  }
  const by: Record<DocumentKind, HardhatEthersSigner> = { certificate: w.supplierA, notice: w.core1 };
  const out = {} as Record<DocumentKind, Record<number, Sample>>;
  for (const name of Object.keys(DOCUMENT_KINDS) as DocumentKind[]) {
    await record(w, by[name], ids.slice(0, 1), DOCUMENT_KINDS[name].kind); // warm-up: the recorder's first op-id word
    out[name] = {};
    for (const batch of DOCUMENT_BATCHES) {
      out[name][batch] = await steadily(() => record(w, by[name], ids.slice(0, batch), DOCUMENT_KINDS[name].kind));
    }
  }
  return out;
}
