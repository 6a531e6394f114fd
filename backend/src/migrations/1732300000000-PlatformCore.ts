import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The platform core: organizations, users and API keys; custodial ledger keys; the transaction
 * outbox with its ledger transactions and per-signer nonces; idempotency keys; the append-only
 * audit log; the indexer's events, checkpoint and recent block hashes; deployments.
 * Tables are created unqualified, in the connection's search_path (one schema per test file).
 */
export class PlatformCore1732300000000 implements MigrationInterface {
  name = "PlatformCore1732300000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE organizations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        legal_name text NOT NULL,
        uscc char(18) NOT NULL UNIQUE,
        roles text[] NOT NULL,
        contacts jsonb NOT NULL DEFAULT '[]',
        status text NOT NULL CHECK (status IN ('pending', 'kyc_approved', 'active', 'suspended')),
        chain_org_id char(66) NOT NULL UNIQUE,
        key_custody text NOT NULL CHECK (key_custody IN ('custodial', 'external')),
        ledger_address char(42) UNIQUE,
        chain_status text NOT NULL DEFAULT 'none' CHECK (chain_status IN ('none', 'registered', 'suspended')),
        chain_block bigint,
        kyc_approved_at timestamptz,
        kyc_approved_by uuid,
        suspension_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX organizations_status ON organizations (status);

      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id),
        email text NOT NULL,
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('admin', 'member')),
        created_at timestamptz NOT NULL DEFAULT now(),
        disabled_at timestamptz,
        UNIQUE (organization_id, email)
      );

      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id),
        user_id uuid NOT NULL REFERENCES users(id),
        prefix text NOT NULL UNIQUE,
        secret_hash bytea NOT NULL,
        label text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz
      );
      CREATE INDEX api_keys_organization ON api_keys (organization_id);

      CREATE TABLE ledger_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid REFERENCES organizations(id),
        purpose text NOT NULL CHECK (purpose IN ('operator', 'member', 'relayer')),
        address char(42) NOT NULL UNIQUE,
        ciphertext bytea NOT NULL,
        iv bytea NOT NULL,
        auth_tag bytea NOT NULL,
        key_version smallint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        retired_at timestamptz
      );
      CREATE UNIQUE INDEX ledger_keys_one_live_operator ON ledger_keys (purpose) WHERE purpose = 'operator' AND retired_at IS NULL;

      CREATE TABLE ledger_deployments (
        id serial PRIMARY KEY,
        chain_id numeric(78, 0) NOT NULL,
        membership char(42) NOT NULL,
        settlement_token char(42) NOT NULL,
        ledger char(42) NOT NULL,
        admin char(42) NOT NULL,
        deployed_block bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE ledger_transactions (
        id bigint PRIMARY KEY,
        signer char(42) NOT NULL,
        nonce bigint NOT NULL,
        to_address char(42) NOT NULL,
        data text NOT NULL,
        raw_tx text NOT NULL,
        tx_hash char(66) NOT NULL UNIQUE,
        status text NOT NULL CHECK (status IN ('signed', 'sent', 'mined', 'reverted')),
        block_number bigint,
        error_code text,
        error_message text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (signer, nonce)
      );
      -- On-chain operation ids: one per ledger transaction, allocated before signing.
      CREATE SEQUENCE ledger_operation_ids START 1;

      CREATE TABLE signer_nonces (
        address char(42) PRIMARY KEY,
        next_nonce bigint NOT NULL
      );

      CREATE TABLE outbox (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        kind text NOT NULL,
        batch_key text NOT NULL,
        signer char(42) NOT NULL,
        payload jsonb NOT NULL,
        organization_id uuid REFERENCES organizations(id),
        aggregate_id text,
        status text NOT NULL CHECK (status IN ('pending', 'submitted', 'mined', 'failed')),
        ledger_tx_id bigint REFERENCES ledger_transactions(id),
        error_code text,
        error_message text,
        attempts int NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX outbox_unfinished ON outbox (status, updated_at) WHERE status IN ('pending', 'submitted');
      CREATE INDEX outbox_batch ON outbox (batch_key, id) WHERE status = 'pending';
      CREATE INDEX outbox_ledger_tx ON outbox (ledger_tx_id);

      CREATE TABLE idempotency_keys (
        scope text NOT NULL,
        key text NOT NULL,
        request_hash char(64) NOT NULL,
        status text NOT NULL CHECK (status IN ('in_progress', 'done')),
        response_status int,
        response_body jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (scope, key)
      );

      CREATE TABLE audit_log (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        request_id text NOT NULL,
        organization_id uuid,
        user_id uuid,
        api_key_id uuid,
        method text NOT NULL,
        path text NOT NULL,
        action text NOT NULL,
        status int NOT NULL,
        detail jsonb NOT NULL DEFAULT '{}'
      );
      CREATE INDEX audit_log_organization ON audit_log (organization_id, at);
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

      CREATE TABLE chain_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        block_number bigint NOT NULL,
        block_hash char(66) NOT NULL,
        tx_hash char(66) NOT NULL,
        log_index int NOT NULL,
        contract text NOT NULL,
        name text NOT NULL,
        args jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tx_hash, log_index)
      );
      CREATE INDEX chain_events_block ON chain_events (block_number);

      CREATE TABLE indexer_checkpoints (
        name text PRIMARY KEY,
        block_number bigint NOT NULL,
        block_hash char(66) NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE indexer_checkpoints, chain_events, audit_log, idempotency_keys, outbox, signer_nonces,
        ledger_transactions, ledger_deployments, ledger_keys, api_keys, users, organizations;
      DROP FUNCTION audit_log_append_only;
      DROP SEQUENCE ledger_operation_ids;
    `);
  }
}
