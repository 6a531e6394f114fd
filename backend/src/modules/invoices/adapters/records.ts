import { z } from "zod";

/**
 * The records the tax bureau, the logistics company and the registry hold, as the HTTP services
 * answer them and as seeds/ stores them for the local adapters (same shape, so the local adapters
 * are faithful stand-ins). `fen` decides how money is typed: decimal strings in files, bigint in code.
 */
export const TaxId = z.string().regex(/^[0-9A-Z]{18}$/);
export const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
export const FenString = z.string().regex(/^[0-9]{1,18}$/);
export const Fen = FenString.transform((v) => BigInt(v));

export const TaxpayerRecord = z.object({ taxId: TaxId, name: z.string(), status: z.enum(["normal", "abnormal", "deregistered"]) });

export const taxInvoiceRecord = <F extends z.ZodType>(fen: F) =>
  z.object({
    invoiceCode: z.string().nullable(),
    invoiceNumber: z.string(),
    sellerTaxId: TaxId,
    buyerTaxId: TaxId,
    issueDate: Day,
    amount: fen,
    tax: fen,
    total: fen,
    currency: z.string().length(3),
    status: z.enum(["normal", "voided", "red_lettered"]),
    statusDate: Day.nullable(),
  });

export const WaybillRecord = z.object({
  waybillNumber: z.string(),
  carrier: z.string(),
  shipperTaxId: TaxId,
  consigneeTaxId: TaxId,
  shippedOn: Day,
  deliveredOn: Day.nullable(),
  status: z.enum(["in_transit", "delivered", "returned"]),
});
