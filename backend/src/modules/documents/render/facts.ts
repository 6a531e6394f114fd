/**
 * What each document states: facts from the ledger and the platform, already decided. Amounts are
 * fen as decimal strings (as on the wire), dates are China calendar days "YYYY-MM-DD".
 */

export interface Party {
  name: string;
  /** 统一社会信用代码 */
  uscc: string;
}

interface Common {
  receivableId: string;
  chainId: number;
  ledger: string;
  /** The public verification page for this document; its QR code opens it. */
  verifyUrl: string;
}

export interface CertificateFacts extends Common {
  kind: "certificate";
  /** 确权 (the obligor confirms a registered receivable) or 签收 (the receiver accepts an issued one). */
  act: "confirm" | "sign-for";
  transaction: string;
  obligor: Party;
  holder: Party;
  amount: string;
  issuedOn: string;
  maturity: string;
  termDays: number;
  tier: number;
  parentId: string | null;
  originalId: string | null;
  invoices: { number: string; issuedOn: string; amount: string }[];
}

export interface NoticeFacts extends Common {
  kind: "notice";
  reason: "financing" | "transfer";
  transaction: string;
  obligor: Party;
  assignor: Party;
  assignee: Party;
  /** face amount */
  amount: string;
  /** the amount due to the bank, financing only */
  due: string | null;
  maturity: string;
  assignedOn: string;
}

export interface AgreementFacts extends Common {
  kind: "agreement";
  quoteId: string;
  supplier: Party;
  bank: Party;
  obligor: Party;
  face: string;
  advance: string;
  interest: string;
  fee: string;
  due: string;
  annualRateBp: number;
  dayCount: 360 | 365;
  days: number;
  effectiveAnnualCostBp: number;
  recourse: boolean;
  maturity: string;
  quotedOn: string;
  validUntil: string;
  /** 77号文: a term beyond six months needs the bank's recorded review. */
  reasonablenessReview: { reviewer: string; reason: string } | null;
}

export type DocumentFacts = CertificateFacts | NoticeFacts | AgreementFacts;
