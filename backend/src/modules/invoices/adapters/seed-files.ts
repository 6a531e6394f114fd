import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { Day, FenString, TaxId, TaxpayerRecord, taxInvoiceRecord, WaybillRecord } from "./records";

/**
 * The JSON files in seeds/ that the local adapters and the seed loader read (written by
 * scripts/seeds/generate.ts). Money is a decimal string of fen, dates are YYYY-MM-DD.
 */
const Fen = FenString;

export const SeedTaxBureauFile = z.object({
  taxpayers: z.array(TaxpayerRecord),
  invoices: z.array(taxInvoiceRecord(FenString)),
});
export type SeedTaxBureau = z.infer<typeof SeedTaxBureauFile>;

export const SeedLogisticsFile = z.object({
  carriers: z.array(z.object({ code: z.string(), name: z.string(), englishName: z.string() })),
  waybills: z.array(
    WaybillRecord.extend({ origin: z.string(), destination: z.string() }),
  ),
});
export type SeedLogistics = z.infer<typeof SeedLogisticsFile>;

export const SeedRegistryFile = z.object({
  filings: z.array(
    z.object({
      invoiceKey: z.string().regex(/^0x[0-9a-f]{64}$/),
      /** For people reading the file: which invoice the key stands for. */
      invoice: z.object({ sellerTaxId: TaxId, invoiceNumber: z.string() }),
      kind: z.enum(["pledge", "assignment"]),
      debtorTaxId: TaxId.nullable(),
      creditorTaxId: TaxId,
      assignee: z.string(),
      amount: Fen,
      reference: z.string(),
      filedOn: Day,
    }),
  ),
});
export type SeedRegistry = z.infer<typeof SeedRegistryFile>;

export const SEED_ROLES = ["core_enterprise", "supplier", "bank", "auditor", "settlement_issuer"] as const;

export const SeedOrganizationsFile = z.object({
  asOf: Day,
  scenarios: z.array(z.object({ id: z.string(), name: z.string(), englishName: z.string(), description: z.string() })),
  organizations: z.array(
    z.object({
      legalName: z.string(),
      englishName: z.string(),
      uscc: TaxId,
      roles: z.array(z.enum(SEED_ROLES)),
      /** null: serves every scenario (banks, the settlement issuer). */
      scenario: z.string().nullable(),
      /** 0: core enterprise; 1-3: supplier tier; null: not in the chain. */
      tier: z.number().int().min(0).max(3).nullable(),
      city: z.string(),
      /** Whom a supplier sells to (USCCs, one tier up). */
      customers: z.array(TaxId),
      contact: z.object({ name: z.string(), email: z.string(), phone: z.string() }),
      note: z.string().optional(),
    }),
  ),
});
export type SeedOrganizations = z.infer<typeof SeedOrganizationsFile>;
export type SeedOrganization = SeedOrganizations["organizations"][number];

export const SeedInvoicesFile = z.object({
  invoices: z.array(
    z.object({
      scenario: z.string(),
      /** The submitting supplier's USCC (= invoice.sellerTaxId). */
      supplier: TaxId,
      /** Fraud cases: the rejection code verification must produce; absent for good invoices. */
      expected: z.string().optional(),
      fraud: z.string().optional(),
      note: z.string().optional(),
      /** For a copy of another supplier's invoice: the original (submit it first). */
      duplicateOf: z.object({ supplier: TaxId, invoiceNumber: z.string() }).optional(),
      /** The body of POST /v1/invoices. */
      invoice: z.object({
        invoiceCode: z.string().optional(),
        invoiceNumber: z.string(),
        sellerTaxId: TaxId,
        buyerTaxId: TaxId,
        issueDate: Day,
        amount: Fen,
        tax: Fen,
        total: Fen,
        currency: z.string(),
        waybillNumbers: z.array(z.string()).optional(),
        attachments: z.array(z.object({ name: z.string(), sha256: z.string() })).optional(),
      }),
    }),
  ),
});
export type SeedInvoices = z.infer<typeof SeedInvoicesFile>;
export type SeedInvoice = SeedInvoices["invoices"][number];

export const SEED_FILE_NAMES = {
  organizations: "organizations.json",
  invoices: "invoices.json",
  taxBureau: "tax-bureau.json",
  logistics: "logistics.json",
  registry: "registry.json",
} as const;

/** Reads and checks one seed file. */
export function readSeedFile<T extends z.ZodType>(dir: string, name: string, schema: T): z.infer<T> {
  const path = join(dir, name);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new Error(`cannot read seed file ${path}: ${(e as Error).message} (run \`npx ts-node scripts/seeds/generate.ts\`)`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new Error(`seed file ${path} is malformed: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return parsed.data;
}
