import type { EntityManager } from "typeorm";
import type { KeyVault } from "./key-vault";
import { LedgerKeyEntity } from "./ledger.entity";
import { ledgerDomain, signAttestation, type AttestedReceivable } from "./typed-data";

/**
 * How long an attestation the platform's verifier signs stays valid, counted from the ledger's
 * latest block (its clock, not the wall clock: the demo moves the ledger's time ahead). A stored
 * signed transaction may be broadcast again after a crash: a day covers any retry.
 */
export const ATTESTATION_TTL_SECONDS = 86_400n;

/** What `register` and `issue` take besides the items (the contract's `Attestation`). */
export interface Attestation {
  verifier: string;
  deadline: string;
  signature: string;
}

/** The live verifier key's address, created if missing (by `ops deploy`, which grants it VERIFIER_ROLE). */
export async function verifierKeyAddress(em: EntityManager, vault: KeyVault): Promise<string> {
  const live = await em.getRepository(LedgerKeyEntity).findOne({ where: { purpose: "verifier" }, order: { createdAt: "DESC" } });
  if (live && !live.retiredAt) return live.address;
  return vault.create(em, "verifier", null);
}

/** The live verifier key, or null before `ops deploy` made one. */
async function liveVerifier(em: EntityManager) {
  const live = await em.getRepository(LedgerKeyEntity).findOne({ where: { purpose: "verifier" }, order: { createdAt: "DESC" } });
  return live && !live.retiredAt ? live : null;
}

/**
 * The platform verifier's attestation of one `register` (`issued` false: the caller is each
 * item's creditor) or `issue` (the caller is each item's obligor) of `items`, on the ledger of
 * `deployment`, valid until `deadline` (ledger time). Only for items whose invoices the platform
 * verified: callers are the outbox submitter (custodial requests, checked by the receivables
 * service when they were accepted) and the attestation endpoint (self-keyed members, checked there).
 */
export async function platformAttestation(
  em: EntityManager,
  vault: KeyVault,
  deployment: { chainId: bigint; ledger: string },
  issued: boolean,
  items: AttestedReceivable[],
  deadline: bigint,
): Promise<Attestation> {
  return (await platformAttestor(em, vault, deployment, deadline))(issued, items);
}

/** Signs attestations with the platform's verifier key, synchronously once loaded (the submitter signs one per sub-batch it checks). */
export type Attestor = (issued: boolean, items: AttestedReceivable[]) => Attestation;

/** {@link platformAttestation} with the key loaded once, for several calls with one deadline. */
export async function platformAttestor(em: EntityManager, vault: KeyVault, deployment: { chainId: bigint; ledger: string }, deadline: bigint): Promise<Attestor> {
  const key = await liveVerifier(em);
  if (!key) throw new Error("no live verifier key: run `npm run ops -- deploy`, which creates it and grants it VERIFIER_ROLE");
  const signingKey = vault.signingKeyOf(key, key.address);
  const domain = ledgerDomain(deployment.chainId, deployment.ledger);
  return (issued, items) => ({ verifier: key.address, deadline: deadline.toString(), signature: signAttestation(signingKey, domain, issued, items, deadline) });
}

/** The attested form of a `register`/`issue` item sent by `sender`. */
export function attestedItem(sender: string, issued: boolean, i: { counterparty: string; amount: string | bigint; maturity: string | bigint; invoicesRoot: string; invoiceKeys: string[] }): AttestedReceivable {
  return {
    obligor: issued ? sender : i.counterparty,
    creditor: issued ? i.counterparty : sender,
    amount: BigInt(i.amount),
    maturity: BigInt(i.maturity),
    invoicesRoot: i.invoicesRoot,
    invoiceKeys: i.invoiceKeys,
  };
}
