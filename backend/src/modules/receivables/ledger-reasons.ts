import { decodeBytes32String, encodeBytes32String, keccak256, toUtf8Bytes, ZeroHash } from "ethers";
import type { EntityManager } from "typeorm";

/**
 * Reasons the ledger records as bytes32 (a rejection, a refusal of an offer, a governance resume):
 * the text itself when it fits in 31 bytes of UTF-8, else keccak256 of the text. Either way the
 * platform keeps the text off chain (ledger_reasons), so that what a member wrote can be shown
 * next to the ledger's record, and anyone holding the text can check it against the hash.
 */
export const reasonBytes32 = (reason: string) => (toUtf8Bytes(reason).length <= 31 ? encodeBytes32String(reason) : keccak256(toUtf8Bytes(reason)));

/** Keeps `text` behind its bytes32 (in the caller's transaction); returns the bytes32 to send. */
export async function noteReason(em: Pick<EntityManager, "query">, text: string): Promise<string> {
  const reason = reasonBytes32(text);
  await em.query(`INSERT INTO ledger_reasons (reason, text) VALUES ($1, $2) ON CONFLICT (reason) DO NOTHING`, [reason, text]);
  return reason;
}

/** The text of each bytes32 reason: as kept off chain, or the short text on chain itself; null when unknown (a hash sent by someone else). */
export async function reasonTexts(db: Pick<EntityManager, "query">, reasons: (string | null)[]): Promise<Map<string, string | null>> {
  const wanted = [...new Set(reasons.filter((r): r is string => !!r && r !== ZeroHash))];
  const kept = new Map<string, string>();
  if (wanted.length) {
    for (const r of (await db.query(`SELECT reason, text FROM ledger_reasons WHERE reason = ANY($1::char(66)[])`, [wanted])) as { reason: string; text: string }[]) kept.set(r.reason, r.text);
  }
  return new Map(wanted.map((r) => [r, kept.get(r) ?? onChainText(r)]));
}

/** The short text a bytes32 holds, if it is one (a hash is not). */
export function onChainText(reason: string): string | null {
  try {
    return decodeBytes32String(reason);
  } catch {
    return null;
  }
}
