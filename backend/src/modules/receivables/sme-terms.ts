import type { DataSource, EntityManager } from "typeorm";
import { validationFailed } from "../../shared/errors";
import { smeTermBeyond60Days } from "../../shared/terms";
import { deliveryOf } from "../invoices";
import type { ReceivableRow } from "./receivable.entity";

/** An issued certificate that a large enterprise pays an SME with, maturing more than 60 days after delivery. */
export interface SmeTerm {
  deliveredOn: string;
  /** Where the delivery date comes from: the carrier's waybill, else the invoice's issue date. */
  deliveredBy: "waybill" | "invoice";
  daysAfterDelivery: number;
}

/**
 * 国务院令第802号 (arts. 9, 11): a large enterprise pays an SME within 60 days of delivery unless a
 * longer term is agreed, and may not use a certificate to stretch the term. Of the offered
 * certificates `rows`, the ones issued by a large enterprise to an SME (enterprise sizes recorded
 * at onboarding) maturing more than 60 days after delivery: the SME sees this in its inbox, and
 * signing for one needs its explicit agreement, which the platform records.
 */
export async function smeTermsOf(db: DataSource | EntityManager, rows: ReceivableRow[]): Promise<Map<string, SmeTerm>> {
  const issued = rows.filter((r) => r.offerKind === "issue" && r.offerToOrganizationId !== null);
  const out = new Map<string, SmeTerm>();
  if (issued.length === 0) return out;
  const orgIds = [...new Set(issued.flatMap((r) => [r.obligorOrganizationId, r.offerToOrganizationId!]))];
  const sizes = new Map<string, string | null>(
    ((await db.query(`SELECT id, enterprise_size FROM organizations WHERE id = ANY($1::uuid[])`, [orgIds])) as { id: string; enterprise_size: string | null }[]).map((o) => [o.id, o.enterprise_size]),
  );
  const delivery = await deliveryOf(db, issued.map((r) => r.id));
  for (const r of issued) {
    const d = delivery.get(r.id);
    const term = smeTermBeyond60Days(sizes.get(r.obligorOrganizationId) ?? null, sizes.get(r.offerToOrganizationId!) ?? null, d?.deliveredOn ?? null, r.maturity);
    if (term && d) out.set(r.id, { deliveredOn: term.deliveredOn, deliveredBy: d.source, daysAfterDelivery: term.daysAfterDelivery });
  }
  return out;
}

/** Signing for such certificates without the SME's explicit agreement is refused, naming each. */
export function requireSmeAgreement(terms: Map<string, SmeTerm>, agreed: boolean): void {
  if (agreed || terms.size === 0) return;
  const list = [...terms.entries()].map(([id, t]) => `${id} matures ${t.daysAfterDelivery} days after delivery (${t.deliveredOn})`).join("; ");
  throw validationFailed([
    {
      field: "body.agreeToTermBeyond60Days",
      message: `must be true to sign for these certificates: a large enterprise pays an SME within 60 days of delivery unless the SME agrees to a longer term (国务院令第802号), and ${list}. Refuse them instead if you do not agree.`,
    },
  ]);
}

/** Records the SME's agreement to each certificate's term (once; a repeated acceptance keeps the first). */
export async function recordSmeAgreements(em: EntityManager, terms: Map<string, SmeTerm>, rows: ReceivableRow[], userId: string): Promise<void> {
  const agreed = rows.filter((r) => terms.has(r.id));
  if (agreed.length === 0) return;
  await em.query(
    `INSERT INTO sme_term_agreements (receivable_id, supplier_organization_id, obligor_organization_id, delivered_on, days_after_delivery, agreed_by)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::date[], $5::int[], $6::uuid[])
     ON CONFLICT (receivable_id) DO NOTHING`,
    [
      agreed.map((r) => r.id),
      agreed.map((r) => r.offerToOrganizationId),
      agreed.map((r) => r.obligorOrganizationId),
      agreed.map((r) => terms.get(r.id)!.deliveredOn),
      agreed.map((r) => terms.get(r.id)!.daysAfterDelivery),
      agreed.map(() => userId),
    ],
  );
}
