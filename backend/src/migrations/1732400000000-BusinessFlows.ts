import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Business flows: invoices and their verification evidence, receivable certificates (the
 * indexer's projection plus what the platform knows before the chain does), settlement-token
 * accounts, credit lines, financing requests, quotes and financings, clearing records, the local
 * pledge/transfer registry, reconciliation statements and webhooks.
 */
export class BusinessFlows1732400000000 implements MigrationInterface {
  name = "BusinessFlows1732400000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      -- an operation may wait for another (e.g. a burn for the member's approval of the issuer)
      ALTER TABLE outbox ADD COLUMN depends_on bigint REFERENCES outbox(id);

      CREATE TABLE invoices (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id),
        buyer_organization_id uuid REFERENCES organizations(id),
        invoice_number text NOT NULL,
        invoice_code text,
        seller_tax_id char(18) NOT NULL,
        buyer_tax_id char(18) NOT NULL,
        issue_date date NOT NULL,
        amount bigint NOT NULL CHECK (amount > 0),
        tax bigint NOT NULL CHECK (tax >= 0),
        total bigint NOT NULL CHECK (total > 0),
        currency char(3) NOT NULL,
        waybill_numbers text[] NOT NULL DEFAULT '{}',
        attachments jsonb NOT NULL DEFAULT '[]',
        invoice_key char(66) NOT NULL,
        status text NOT NULL CHECK (status IN ('received', 'verifying', 'verified', 'rejected')),
        rejection_code text,
        rejection_reason text,
        evidence jsonb NOT NULL DEFAULT '[]',
        evidence_hash char(66),
        verified_at timestamptz,
        receivable_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (organization_id, seller_tax_id, invoice_number)
      );
      CREATE INDEX invoices_key ON invoices (invoice_key);
      CREATE INDEX invoices_number ON invoices (invoice_number);
      CREATE INDEX invoices_status ON invoices (organization_id, status);

      CREATE TABLE receivables (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        chain_id bigint UNIQUE,
        origin text NOT NULL CHECK (origin IN ('registered', 'issued', 'split')),
        obligor_organization_id uuid NOT NULL REFERENCES organizations(id),
        creditor_organization_id uuid NOT NULL REFERENCES organizations(id),
        holder_organization_id uuid NOT NULL REFERENCES organizations(id),
        amount bigint NOT NULL CHECK (amount > 0),
        currency char(3) NOT NULL DEFAULT 'CNY',
        maturity timestamptz NOT NULL,
        status text NOT NULL,
        tier int NOT NULL DEFAULT 0,
        parent_id uuid REFERENCES receivables(id),
        invoices_root char(66),
        invoice_keys text[] NOT NULL DEFAULT '{}',
        operation_id bigint REFERENCES outbox(id),
        financing_bank_organization_id uuid REFERENCES organizations(id),
        due bigint,
        recourse boolean NOT NULL DEFAULT false,
        repaid bigint NOT NULL DEFAULT 0,
        recovered bigint NOT NULL DEFAULT 0,
        paid_to_bank bigint NOT NULL DEFAULT 0,
        paid_to_holder bigint NOT NULL DEFAULT 0,
        failure_code text,
        failure_reason text,
        settle_attempted_at timestamptz,
        chain_block bigint,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX receivables_holder ON receivables (holder_organization_id, status);
      CREATE INDEX receivables_obligor_maturity ON receivables (obligor_organization_id, maturity);
      CREATE INDEX receivables_due ON receivables (maturity) WHERE status IN ('confirmed', 'financed', 'overdue');
      CREATE INDEX receivables_parent ON receivables (parent_id);
      CREATE INDEX receivables_keys ON receivables USING gin (invoice_keys);

      CREATE TABLE token_movements (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        chain_event_id bigint NOT NULL UNIQUE REFERENCES chain_events(id),
        kind text NOT NULL CHECK (kind IN ('deposit', 'withdrawal', 'transfer')),
        from_address char(42),
        to_address char(42),
        amount bigint NOT NULL,
        block_number bigint NOT NULL,
        tx_hash char(66) NOT NULL,
        at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX token_movements_from ON token_movements (from_address, id);
      CREATE INDEX token_movements_to ON token_movements (to_address, id);
      CREATE TABLE token_balances (
        address char(42) PRIMARY KEY,
        balance numeric(78, 0) NOT NULL DEFAULT 0
      );
      CREATE TABLE token_allowances (
        owner char(42) NOT NULL,
        spender char(42) NOT NULL,
        amount numeric(78, 0) NOT NULL,
        PRIMARY KEY (owner, spender)
      );

      CREATE TABLE credit_lines (
        bank_organization_id uuid NOT NULL REFERENCES organizations(id),
        obligor_organization_id uuid NOT NULL REFERENCES organizations(id),
        limit_amount bigint NOT NULL,
        used bigint NOT NULL DEFAULT 0,
        requested_limit bigint,
        operation_id bigint REFERENCES outbox(id),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (bank_organization_id, obligor_organization_id)
      );

      CREATE TABLE financing_requests (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        receivable_id uuid NOT NULL REFERENCES receivables(id),
        supplier_organization_id uuid NOT NULL REFERENCES organizations(id),
        obligor_organization_id uuid NOT NULL REFERENCES organizations(id),
        status text NOT NULL CHECK (status IN ('open', 'accepted', 'funded', 'failed', 'cancelled')),
        accepted_quote_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX financing_requests_one_live ON financing_requests (receivable_id) WHERE status IN ('open', 'accepted');
      CREATE INDEX financing_requests_obligor ON financing_requests (obligor_organization_id, status);

      CREATE TABLE quotes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        request_id uuid NOT NULL REFERENCES financing_requests(id),
        bank_organization_id uuid NOT NULL REFERENCES organizations(id),
        advance bigint NOT NULL CHECK (advance > 0),
        annual_rate_bp int NOT NULL CHECK (annual_rate_bp >= 0),
        day_count int NOT NULL CHECK (day_count IN (360, 365)),
        fee bigint NOT NULL CHECK (fee >= 0),
        days int NOT NULL,
        interest bigint NOT NULL,
        due bigint NOT NULL,
        recourse boolean NOT NULL,
        valid_until timestamptz NOT NULL,
        status text NOT NULL CHECK (status IN ('open', 'accepted', 'closed', 'withdrawn')),
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (request_id, bank_organization_id)
      );

      CREATE TABLE financings (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        request_id uuid NOT NULL UNIQUE REFERENCES financing_requests(id),
        quote_id uuid NOT NULL REFERENCES quotes(id),
        receivable_id uuid NOT NULL REFERENCES receivables(id),
        bank_organization_id uuid NOT NULL REFERENCES organizations(id),
        supplier_organization_id uuid NOT NULL REFERENCES organizations(id),
        advance bigint NOT NULL,
        due bigint NOT NULL,
        recourse boolean NOT NULL,
        terms jsonb NOT NULL,
        signature text NOT NULL,
        status text NOT NULL CHECK (status IN ('registry_check', 'submitting', 'funded', 'failed')),
        registry_registration_id text,
        failure_code text,
        failure_reason text,
        operation_id bigint REFERENCES outbox(id),
        accepted_at timestamptz NOT NULL DEFAULT now(),
        funded_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX financings_bank ON financings (bank_organization_id, accepted_at);

      CREATE TABLE clearing_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        chain_event_id bigint NOT NULL UNIQUE REFERENCES chain_events(id),
        receivable_id uuid NOT NULL REFERENCES receivables(id),
        kind text NOT NULL CHECK (kind IN ('cleared', 'defaulted', 'recourse')),
        to_bank bigint NOT NULL DEFAULT 0,
        to_holder bigint NOT NULL DEFAULT 0,
        outstanding bigint NOT NULL DEFAULT 0,
        status text NOT NULL,
        block_number bigint NOT NULL,
        tx_hash char(66) NOT NULL,
        at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX clearing_events_receivable ON clearing_events (receivable_id);

      CREATE TABLE registry_filings (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        invoice_key char(66) NOT NULL,
        kind text NOT NULL CHECK (kind IN ('pledge', 'assignment')),
        debtor_tax_id char(18),
        creditor_tax_id char(18) NOT NULL,
        assignee text NOT NULL,
        amount bigint NOT NULL,
        reference text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX registry_filings_key ON registry_filings (invoice_key);

      CREATE TABLE bank_statements (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        bank_organization_id uuid NOT NULL REFERENCES organizations(id),
        statement_date date NOT NULL,
        file_sha256 char(64) NOT NULL,
        lines jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (bank_organization_id, statement_date, file_sha256)
      );

      CREATE TABLE webhook_subscriptions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id),
        url text NOT NULL,
        events text[] NOT NULL,
        secret_ciphertext bytea NOT NULL,
        secret_iv bytea NOT NULL,
        secret_tag bytea NOT NULL,
        secret_key_version smallint NOT NULL,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        subscription_id uuid NOT NULL REFERENCES webhook_subscriptions(id),
        organization_id uuid NOT NULL REFERENCES organizations(id),
        event_id text NOT NULL,
        event_type text NOT NULL,
        payload jsonb NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts int NOT NULL DEFAULT 0,
        last_status_code int,
        last_error text,
        next_attempt_at timestamptz,
        delivered_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (subscription_id, event_id)
      );
      CREATE INDEX webhook_deliveries_org ON webhook_deliveries (organization_id, created_at);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE outbox DROP COLUMN depends_on;
      DROP TABLE webhook_deliveries, webhook_subscriptions, bank_statements, registry_filings, clearing_events, financings,
        quotes, financing_requests, credit_lines, token_allowances, token_balances, token_movements, receivables, invoices;
    `);
  }
}
