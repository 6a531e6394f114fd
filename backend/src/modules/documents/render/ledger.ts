import type { DocumentFacts } from "./facts";
import type { Field } from "./sheet";

/** Where the document is recorded, in the platform's words: a ledger and its reference, nothing more technical. */
export function ledgerFields(facts: DocumentFacts, reference: { label: Field["label"]; value: string }): Field[] {
  return [
    { label: reference.label, value: { main: reference.value, small: reference.value.length > 48 } },
    { label: { zh: "账本编号", en: "Ledger" }, value: { main: facts.ledger.toLowerCase() } },
    { label: { zh: "账本网络", en: "Ledger network" }, value: { main: String(facts.chainId) } },
  ];
}

export const LEDGER_REFERENCE = { zh: "账本凭据号", en: "Ledger reference" };

export const E_SIGNATURE_LAW = {
  zh: "依《中华人民共和国电子签名法》，可靠的电子签名与手写签名或者盖章具有同等的法律效力。",
  en: "Under the Electronic Signature Law of the PRC, a reliable electronic signature has the same legal effect as a handwritten signature or seal.",
};
