import { AbiCoder, keccak256 } from "ethers";

/**
 * The network-wide identity of an invoice: keccak256(abi.encode(seller tax id, invoice number)).
 * Built from the invoice's identity only: never from the amount (which a fraudster could alter)
 * nor from who registers it, so the same invoice has the same key whichever member or bank asks.
 * abi.encode (not packed) keeps ("AB","C") and ("A","BC") apart.
 */
export function invoiceKey(sellerTaxId: string, invoiceNumber: string): string {
  const taxId = sellerTaxId.trim().toUpperCase();
  const number = invoiceNumber.trim();
  if (taxId.length === 0 || number.length === 0) {
    throw new RangeError("invoiceKey needs a seller tax id and an invoice number");
  }
  return keccak256(AbiCoder.defaultAbiCoder().encode(["string", "string"], [taxId, number]));
}
