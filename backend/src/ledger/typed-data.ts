import { concat, keccak256, TypedDataEncoder, type SigningKey, type TypedDataDomain, type TypedDataField } from "ethers";

/** EIP-712 domain of the receivable ledger; binds every intent to one chain and one contract. */
export function ledgerDomain(chainId: bigint, verifyingContract: string): TypedDataDomain {
  return { name: "ChainFactor Receivable Ledger", version: "1", chainId, verifyingContract };
}

/**
 * The obligor's confirmation of a batch of Pending certificates: each by its id and the facts it
 * owes on (creditor, amount, maturity, invoice root), which the ledger checks against the record.
 */
export const CONFIRM_TYPES: Record<string, TypedDataField[]> = {
  ConfirmReceivables: [
    { name: "items", type: "ConfirmedReceivable[]" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
  ConfirmedReceivable: [
    { name: "id", type: "uint256" },
    { name: "creditor", type: "address" },
    { name: "amount", type: "uint256" },
    { name: "maturity", type: "uint256" },
    { name: "invoicesRoot", type: "bytes32" },
  ],
};

/** One certificate as a confirmation names it (the contract's `ConfirmItem`); numbers as decimal strings on the wire. */
export interface ConfirmedReceivable {
  id: string;
  creditor: string;
  amount: string;
  maturity: string;
  invoicesRoot: string;
}

/**
 * The holder's acceptance of a bank's financing terms, bound to the financing agreement (融资协议)
 * both signed: `agreement` is the SM3 fingerprint of its PDF (docs/signed-documents.md).
 */
export const FINANCE_TERMS_TYPES: Record<string, TypedDataField[]> = {
  FinanceTerms: [
    { name: "receivableId", type: "uint256" },
    { name: "bank", type: "address" },
    { name: "advance", type: "uint256" },
    { name: "due", type: "uint256" },
    { name: "recourse", type: "bool" },
    { name: "agreement", type: "bytes32" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

export interface FinanceTermsValue {
  receivableId: bigint;
  bank: string;
  advance: bigint;
  due: bigint;
  recourse: boolean;
  /** The financing agreement's fingerprint, 0x + 64 hex (ZeroHash when no agreement is bound). */
  agreement: string;
  nonce: bigint;
  deadline: bigint;
}

/** The FinanceTerms encoder, built once (ethers builds one per call otherwise). */
const financeTermsEncoder = TypedDataEncoder.from(FINANCE_TERMS_TYPES);

/**
 * The EIP-712 signature of `terms` under `domain` by `key`: what `Wallet.signTypedData` gives for
 * the same arguments (the terms name no ENS names: every address is hex), with the encoder built
 * once instead of on every acceptance.
 */
export function signFinanceTerms(key: SigningKey, domain: TypedDataDomain, terms: Record<string, unknown>): string {
  return key.sign(keccak256(concat(["0x1901", TypedDataEncoder.hashDomain(domain), financeTermsEncoder.hash(terms)]))).serialized;
}

/**
 * A verifier's attestation of a whole `register` or `issue` call: each certificate's parties,
 * amount, maturity, invoice root and canonical invoice keys (backend/src/ledger/invoice-key.ts), and whether the
 * caller issues (obligor) or registers (creditor). One signature per call.
 */
export const ATTESTATION_TYPES: Record<string, TypedDataField[]> = {
  InvoiceAttestation: [
    { name: "issued", type: "bool" },
    { name: "items", type: "AttestedReceivable[]" },
    { name: "deadline", type: "uint256" },
  ],
  AttestedReceivable: [
    { name: "obligor", type: "address" },
    { name: "creditor", type: "address" },
    { name: "amount", type: "uint256" },
    { name: "maturity", type: "uint256" },
    { name: "invoicesRoot", type: "bytes32" },
    { name: "invoiceKeys", type: "bytes32[]" },
  ],
};

/** One certificate as an attestation names it. */
export interface AttestedReceivable {
  obligor: string;
  creditor: string;
  amount: bigint | string;
  maturity: bigint | string;
  invoicesRoot: string;
  invoiceKeys: string[];
}

const attestationEncoder = TypedDataEncoder.from(ATTESTATION_TYPES);

/** The digest a verifier signs for a call creating `items` (`issued`: an issue by the obligor, else a registration by the creditor). */
export function attestationDigest(domain: TypedDataDomain, issued: boolean, items: AttestedReceivable[], deadline: bigint): string {
  return keccak256(concat(["0x1901", TypedDataEncoder.hashDomain(domain), attestationEncoder.hash({ issued, items, deadline })]));
}

/** The verifier's signature of {@link attestationDigest} (what `signTypedData` gives for the same arguments, with the encoder built once). */
export function signAttestation(key: SigningKey, domain: TypedDataDomain, issued: boolean, items: AttestedReceivable[], deadline: bigint): string {
  return key.sign(attestationDigest(domain, issued, items, deadline)).serialized;
}
