import type { DataSource, EntityManager } from "typeorm";
import type { Logistics, PledgeRegistry, RegistryFiling, TaxBureau, TaxInvoiceRecord, Taxpayer, Waybill } from "../ports";
import { invoiceIdentity } from "../identity";
import {
  SEED_FILE_NAMES,
  SeedLogisticsFile,
  SeedRegistryFile,
  SeedTaxBureauFile,
  readSeedFile,
  type SeedLogistics,
  type SeedRegistry,
  type SeedTaxBureau,
} from "./seed-files";

/** The seed files, each read once, when first needed. */
export class SeedFiles {
  private tax?: SeedTaxBureau;
  private logistics?: SeedLogistics;
  private registry?: SeedRegistry;

  constructor(readonly dir: string) {}

  taxBureau = () => (this.tax ??= readSeedFile(this.dir, SEED_FILE_NAMES.taxBureau, SeedTaxBureauFile));
  waybills = () => (this.logistics ??= readSeedFile(this.dir, SEED_FILE_NAMES.logistics, SeedLogisticsFile));
  filings = () => (this.registry ??= readSeedFile(this.dir, SEED_FILE_NAMES.registry, SeedRegistryFile));
}

/** The tax bureau's records from seeds/tax-bureau.json. */
export class LocalTaxBureau implements TaxBureau {
  private index?: { taxpayers: Map<string, Taxpayer>; invoices: Map<string, TaxInvoiceRecord> };

  constructor(private readonly seeds: SeedFiles) {}

  private data() {
    if (!this.index) {
      const file = this.seeds.taxBureau();
      this.index = {
        taxpayers: new Map(file.taxpayers.map((t) => [t.taxId, t])),
        invoices: new Map(
          file.invoices.map((i) => [
            invoiceIdentity(i.invoiceCode, i.invoiceNumber),
            { ...i, amount: BigInt(i.amount), tax: BigInt(i.tax), total: BigInt(i.total) },
          ]),
        ),
      };
    }
    return this.index;
  }

  async taxpayer(taxId: string): Promise<Taxpayer | null> {
    return this.data().taxpayers.get(taxId) ?? null;
  }

  async invoice(ref: { invoiceCode: string | null; invoiceNumber: string }): Promise<TaxInvoiceRecord | null> {
    return this.data().invoices.get(invoiceIdentity(ref.invoiceCode, ref.invoiceNumber)) ?? null;
  }
}

/** The logistics provider's waybills from seeds/logistics.json. */
export class LocalLogistics implements Logistics {
  private index?: Map<string, Waybill>;

  constructor(private readonly seeds: SeedFiles) {}

  async waybill(waybillNumber: string): Promise<Waybill | null> {
    this.index ??= new Map(this.seeds.waybills().waybills.map((w) => [w.waybillNumber, w]));
    return this.index.get(waybillNumber) ?? null;
  }
}

interface FilingRow {
  id: string;
  invoice_key: string;
  kind: "pledge" | "assignment";
  debtor_tax_id: string | null;
  creditor_tax_id: string;
  assignee: string;
  amount: string;
  reference: string;
  property: RegistryFiling["property"];
  created_at: Date;
}

const filing = (r: FilingRow): RegistryFiling => ({
  id: r.id,
  invoiceKey: r.invoice_key,
  kind: r.kind,
  debtorTaxId: r.debtor_tax_id,
  creditorTaxId: r.creditor_tax_id,
  assignee: r.assignee,
  amount: BigInt(r.amount),
  reference: r.reference,
  property: r.property ?? null,
  createdAt: r.created_at.toISOString(),
});

/** Any number that identifies this adapter's advisory lock (seeding runs once across processes). */
const SEED_LOCK = 0x43465247; // "CFRG"

/**
 * The registry kept in the `registry_filings` table, holding from the first use on the
 * pre-existing pledges and assignments of seeds/registry.json (inserted once, whatever the number
 * of processes that start at the same time).
 */
export class LocalRegistry implements PledgeRegistry {
  private seeded: Promise<void> | null = null;

  constructor(
    private readonly ds: DataSource,
    private readonly seeds: SeedFiles,
  ) {}

  private ensureSeeded(): Promise<void> {
    this.seeded ??= this.seed().catch((e) => {
      this.seeded = null;
      throw e;
    });
    return this.seeded;
  }

  private async seed(): Promise<void> {
    const { filings } = this.seeds.filings();
    if (filings.length === 0) return;
    await this.ds.transaction(async (em) => {
      await em.query(`SELECT pg_advisory_xact_lock($1)`, [SEED_LOCK]);
      const existing = new Set<string>(
        (await em.query(`SELECT reference FROM registry_filings WHERE reference = ANY($1)`, [filings.map((f) => f.reference)])).map(
          (r: { reference: string }) => r.reference,
        ),
      );
      const missing = filings.filter((f) => !existing.has(f.reference));
      if (missing.length === 0) return;
      await em.query(
        `INSERT INTO registry_filings (invoice_key, kind, debtor_tax_id, creditor_tax_id, assignee, amount, reference, created_at)
         SELECT * FROM unnest($1::char(66)[], $2::text[], $3::char(18)[], $4::char(18)[], $5::text[], $6::bigint[], $7::text[], $8::timestamptz[])`,
        [
          missing.map((f) => f.invoiceKey),
          missing.map((f) => f.kind),
          missing.map((f) => f.debtorTaxId),
          missing.map((f) => f.creditorTaxId),
          missing.map((f) => f.assignee),
          missing.map((f) => f.amount),
          missing.map((f) => f.reference),
          missing.map((f) => `${f.filedOn}T09:00:00+08:00`),
        ],
      );
    });
  }

  async search(invoiceKeys: string[]): Promise<RegistryFiling[]> {
    await this.ensureSeeded();
    if (invoiceKeys.length === 0) return [];
    const rows: FilingRow[] = await this.ds.query(
      `SELECT * FROM registry_filings WHERE invoice_key = ANY($1::char(66)[]) ORDER BY created_at, id`,
      [invoiceKeys.map((k) => k.toLowerCase())],
    );
    return rows.map(filing);
  }

  async register(f: Omit<RegistryFiling, "id" | "createdAt">, em?: EntityManager): Promise<RegistryFiling> {
    await this.ensureSeeded();
    const [row]: FilingRow[] = await (em ?? this.ds.manager).query(
      `INSERT INTO registry_filings (invoice_key, kind, debtor_tax_id, creditor_tax_id, assignee, amount, reference, property)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
      [f.invoiceKey.toLowerCase(), f.kind, f.debtorTaxId ?? null, f.creditorTaxId, f.assignee, f.amount.toString(), f.reference, f.property ? JSON.stringify(f.property) : null],
    );
    return filing(row);
  }

  async withdraw(reference: string, em?: EntityManager): Promise<void> {
    await (em ?? this.ds.manager).query(`DELETE FROM registry_filings WHERE reference = $1`, [reference]);
  }
}
