import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * 国务院令第802号: an SME's explicit agreement to a certificate from a large enterprise that matures
 * more than 60 days after delivery, recorded when it signs for (签收) the certificate.
 */
export class SmeTermAgreements1734100000000 implements MigrationInterface {
  name = "SmeTermAgreements1734100000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sme_term_agreements (
        receivable_id uuid PRIMARY KEY REFERENCES receivables (id),
        supplier_organization_id uuid NOT NULL REFERENCES organizations (id),
        obligor_organization_id uuid NOT NULL REFERENCES organizations (id),
        delivered_on date NOT NULL,
        days_after_delivery int NOT NULL CHECK (days_after_delivery > 60),
        agreed_by uuid NOT NULL REFERENCES users (id),
        agreed_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX sme_term_agreements_obligor ON sme_term_agreements (obligor_organization_id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sme_term_agreements`);
  }
}
