import type { DataSource } from "typeorm";

/** One core enterprise's certificates against the payment-term rules. */
export interface PaymentTermsRow {
  organizationId: string;
  legalName: string;
  uscc: string;
  enterpriseSize: string | null;
  /** Certificates it issued (开立), and of them: signed for, refused/withdrawn/expired (void), still waiting. */
  issued: number;
  accepted: number;
  void: number;
  waiting: number;
  /** Certificates owed by it (issued or registered and confirmed) whose term exceeds six months (77号文). */
  beyondSixMonths: number;
  /** Certificates it paid an SME with, maturing more than 60 days after delivery, that the SME agreed to (802号令). */
  smeBeyond60Days: number;
  /** Paused now as a delinquent obligor. */
  paused: boolean;
}

/**
 * The compliance report on payment terms, per core enterprise: what it issued and what its
 * suppliers did with it, how many terms exceed six months (77号文), how many certificates an SME
 * agreed to take beyond 60 days of delivery (802号令), and whether it is paused. Read from the
 * receivables module's tables (the certificates, the SMEs' recorded agreements, the standings).
 */
export class PaymentTermsService {
  constructor(private readonly ds: DataSource) {}

  async report(): Promise<PaymentTermsRow[]> {
    const rows: Record<string, string | number | boolean | null>[] = await this.ds.query(
      `SELECT o.id, o.legal_name, o.uscc, o.enterprise_size,
              count(r.id) FILTER (WHERE r.origin = 'issued')::int AS issued,
              count(r.id) FILTER (WHERE r.origin = 'issued' AND r.status NOT IN ('registering', 'failed', 'offered', 'void'))::int AS accepted,
              count(r.id) FILTER (WHERE r.origin = 'issued' AND r.status = 'void')::int AS void,
              count(r.id) FILTER (WHERE r.origin = 'issued' AND r.status = 'offered')::int AS waiting,
              count(r.id) FILTER (WHERE r.parent_id IS NULL AND r.status NOT IN ('registering', 'failed', 'pending', 'rejected', 'cancelled', 'void')
                AND (r.maturity AT TIME ZONE 'Asia/Shanghai')::date > (r.created_at AT TIME ZONE 'Asia/Shanghai')::date + interval '6 months')::int AS beyond_six_months,
              (SELECT count(*) FROM sme_term_agreements a WHERE a.obligor_organization_id = o.id)::int AS sme_beyond_60_days,
              coalesce((SELECT s.paused FROM obligor_standings s WHERE s.organization_id = o.id), false) AS paused
         FROM organizations o LEFT JOIN receivables r ON r.obligor_organization_id = o.id
        WHERE 'core_enterprise' = ANY(o.roles)
        GROUP BY o.id ORDER BY o.legal_name`,
    );
    return rows.map((r) => ({
      organizationId: r.id as string,
      legalName: r.legal_name as string,
      uscc: r.uscc as string,
      enterpriseSize: r.enterprise_size as string | null,
      issued: r.issued as number,
      accepted: r.accepted as number,
      void: r.void as number,
      waiting: r.waiting as number,
      beyondSixMonths: r.beyond_six_months as number,
      smeBeyond60Days: r.sme_beyond_60_days as number,
      paused: r.paused as boolean,
    }));
  }
}
