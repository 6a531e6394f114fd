import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The chain is untrusted input. Every money column that holds a value a contract emitted (or one
 * derived from it: a quote on a certificate's face, a registry filing for it) becomes
 * numeric(78,0), which holds any uint256: a member with its own key can make the contracts emit
 * amounts far beyond bigint (face values up to 2^80-1, credit limits up to 2^128-1, token mints
 * without limit), and one such event used to stop the indexer for everyone ("bigint out of range",
 * retried for ever). Amounts a person types into the API (invoices) stay bigint: the API bounds them.
 *
 * An event the indexer still cannot project (any error in its projection) is quarantined in
 * indexer_quarantine with the keys it touches: later events meeting those keys are quarantined
 * after it, so nothing is projected out of order, and everything else goes on.
 *
 * A funding that can never succeed (a party suspended, the holder's signature expired) fails its
 * financing and reopens the request: a request may then have several financings, one of them live.
 */
export class ChainSizedMoney1733100000000 implements MigrationInterface {
  name = "ChainSizedMoney1733100000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE receivables
        ALTER COLUMN amount TYPE numeric(78, 0), ALTER COLUMN due TYPE numeric(78, 0), ALTER COLUMN repaid TYPE numeric(78, 0),
        ALTER COLUMN recovered TYPE numeric(78, 0), ALTER COLUMN paid_to_bank TYPE numeric(78, 0), ALTER COLUMN paid_to_holder TYPE numeric(78, 0);
      ALTER TABLE token_movements ALTER COLUMN amount TYPE numeric(78, 0);
      ALTER TABLE credit_lines
        ALTER COLUMN limit_amount TYPE numeric(78, 0), ALTER COLUMN used TYPE numeric(78, 0), ALTER COLUMN requested_limit TYPE numeric(78, 0);
      ALTER TABLE quotes
        ALTER COLUMN advance TYPE numeric(78, 0), ALTER COLUMN fee TYPE numeric(78, 0), ALTER COLUMN interest TYPE numeric(78, 0), ALTER COLUMN due TYPE numeric(78, 0);
      ALTER TABLE financings ALTER COLUMN advance TYPE numeric(78, 0), ALTER COLUMN due TYPE numeric(78, 0);
      ALTER TABLE clearing_events
        ALTER COLUMN to_bank TYPE numeric(78, 0), ALTER COLUMN to_holder TYPE numeric(78, 0), ALTER COLUMN outstanding TYPE numeric(78, 0);
      ALTER TABLE registry_filings ALTER COLUMN amount TYPE numeric(78, 0);

      CREATE TABLE indexer_quarantine (
        chain_event_id bigint PRIMARY KEY REFERENCES chain_events(id),
        contract text NOT NULL,
        name text NOT NULL,
        args jsonb NOT NULL,
        block_number bigint NOT NULL,
        tx_hash char(66) NOT NULL,
        log_index int NOT NULL,
        keys text[] NOT NULL,
        error text NOT NULL,
        -- the quarantined event this one follows (it touches the same keys), or null: it failed itself
        after_event_id bigint REFERENCES chain_events(id),
        created_at timestamptz NOT NULL DEFAULT now()
      );

      ALTER TABLE financings DROP CONSTRAINT financings_request_id_key;
      CREATE UNIQUE INDEX financings_one_live_per_request ON financings (request_id) WHERE status <> 'failed';
      CREATE INDEX financings_request ON financings (request_id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX financings_one_live_per_request, financings_request;
      ALTER TABLE financings ADD CONSTRAINT financings_request_id_key UNIQUE (request_id);
      DROP TABLE indexer_quarantine;
      ALTER TABLE registry_filings ALTER COLUMN amount TYPE bigint;
      ALTER TABLE clearing_events ALTER COLUMN to_bank TYPE bigint, ALTER COLUMN to_holder TYPE bigint, ALTER COLUMN outstanding TYPE bigint;
      ALTER TABLE financings ALTER COLUMN advance TYPE bigint, ALTER COLUMN due TYPE bigint;
      ALTER TABLE quotes ALTER COLUMN advance TYPE bigint, ALTER COLUMN fee TYPE bigint, ALTER COLUMN interest TYPE bigint, ALTER COLUMN due TYPE bigint;
      ALTER TABLE credit_lines ALTER COLUMN limit_amount TYPE bigint, ALTER COLUMN used TYPE bigint, ALTER COLUMN requested_limit TYPE bigint;
      ALTER TABLE token_movements ALTER COLUMN amount TYPE bigint;
      ALTER TABLE receivables
        ALTER COLUMN amount TYPE bigint, ALTER COLUMN due TYPE bigint, ALTER COLUMN repaid TYPE bigint,
        ALTER COLUMN recovered TYPE bigint, ALTER COLUMN paid_to_bank TYPE bigint, ALTER COLUMN paid_to_holder TYPE bigint;
    `);
  }
}
