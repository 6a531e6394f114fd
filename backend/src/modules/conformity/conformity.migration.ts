import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The conformity module's tables.
 *
 * - regulator_feed: the regulator's feed, append-only (a trigger refuses UPDATE, DELETE and
 *   TRUNCATE) and hash-chained; `record` is the record exactly as delivered (docs/regulator-feed.md),
 *   the other columns index it (`root_id`, the lineage's first certificate, is derived, not
 *   delivered). One record per chain event (unique on transaction hash + log index).
 * - conformity_inbox: feed events the indexer projected and the feed has not sealed yet (sealing
 *   takes them in chain order, numbers them and chains their hashes).
 * - conformity_certificates, conformity_accounts: what sealing remembers between events (each
 *   certificate's facts and holder; each account's Membership organization).
 * - conformity_held_movements: payouts the ledger holds for accounts that could not receive them,
 *   and their release (a balance is the sum per account).
 * - conformity_deliveries: the daily files delivered (the feed's, the held-funds report's).
 *
 * On a platform that indexed the ledger before this module, the events already stored
 * (chain_events) fill the inbox and the held payouts: the first sealing builds the whole feed.
 */
/** The ledger events that made a feed record when this migration was written (feed.builder.ts RECORD_EVENTS then). */
const FEED_EVENTS_AT_1734 = [
  "ReceivableIssued",
  "ReceivableRegistered",
  "ReceivableConfirmed",
  "ReceivableRejected",
  "ReceivableCancelled",
  "CertificateOffered",
  "OfferAccepted",
  "OfferReturned",
  "ReceivableTransferred",
  "ReceivableSplit",
  "ReceivableFinanced",
  "ReceivableCleared",
  "ReceivableDefaulted",
  "RecourseClaimed",
  "ObligorPaused",
  "ObligorResumed",
];

export class Conformity1734000000000 implements MigrationInterface {
  name = "Conformity1734000000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE regulator_feed (
        seq bigint PRIMARY KEY CHECK (seq > 0),
        kind text NOT NULL,
        certificate_id text,
        parent_id text,
        root_id text,
        occurred_at timestamptz NOT NULL,
        block_number bigint NOT NULL,
        tx_hash char(66) NOT NULL,
        log_index int NOT NULL,
        prev_hash char(64) NOT NULL,
        hash char(64) NOT NULL UNIQUE,
        record jsonb NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tx_hash, log_index)
      );
      CREATE INDEX regulator_feed_occurred ON regulator_feed (occurred_at);
      CREATE INDEX regulator_feed_root ON regulator_feed (root_id, seq);
      CREATE INDEX regulator_feed_certificate ON regulator_feed (certificate_id, seq);
      CREATE FUNCTION regulator_feed_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'regulator_feed is append-only'; END $$;
      CREATE TRIGGER regulator_feed_no_change BEFORE UPDATE OR DELETE OR TRUNCATE ON regulator_feed
        FOR EACH STATEMENT EXECUTE FUNCTION regulator_feed_append_only();

      CREATE TABLE conformity_inbox (
        block_number bigint NOT NULL,
        log_index int NOT NULL,
        tx_hash char(66) NOT NULL,
        contract text NOT NULL,
        name text NOT NULL,
        args jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (block_number, log_index),
        UNIQUE (tx_hash, log_index)
      );

      CREATE TABLE conformity_certificates (
        id text PRIMARY KEY,
        parent_id text,
        root_id text NOT NULL,
        obligor char(42) NOT NULL,
        amount numeric(78,0) NOT NULL,
        maturity bigint NOT NULL,
        tier int NOT NULL,
        root_created_at bigint NOT NULL,
        holder char(42) NOT NULL,
        offer_from char(42)
      );

      CREATE TABLE conformity_accounts (
        address char(42) PRIMARY KEY,
        chain_org_id char(66) NOT NULL
      );

      CREATE TABLE conformity_held_movements (
        tx_hash char(66) NOT NULL,
        log_index int NOT NULL,
        block_number bigint NOT NULL,
        account char(42) NOT NULL,
        kind text NOT NULL CHECK (kind IN ('held', 'withdrawn', 'redirected')),
        amount numeric(78,0) NOT NULL,
        to_account char(42),
        PRIMARY KEY (tx_hash, log_index)
      );
      CREATE INDEX conformity_held_movements_account ON conformity_held_movements (account);

      CREATE TABLE conformity_deliveries (
        report text NOT NULL CHECK (report IN ('regulator-feed', 'held-funds')),
        day date NOT NULL,
        records int NOT NULL,
        first_seq bigint,
        last_seq bigint,
        last_hash char(64),
        files jsonb NOT NULL,
        delivered_to text NOT NULL,
        delivered_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (report, day)
      );
    `);
    // a platform that indexed the ledger before this module existed: its past events go to the
    // inbox (sealed into the feed in chain order by the first run) and its held payouts are counted
    await q.query(
      `INSERT INTO conformity_inbox (block_number, log_index, tx_hash, contract, name, args)
       SELECT block_number, log_index, lower(tx_hash), contract, name, args FROM chain_events
       WHERE (contract = 'ReceivableLedger' AND name = ANY($1::text[])) OR (contract = 'Membership' AND name = 'AccountAdded')
       ON CONFLICT DO NOTHING`,
      [FEED_EVENTS_AT_1734],
    );
    await q.query(`
      INSERT INTO conformity_held_movements (tx_hash, log_index, block_number, account, kind, amount, to_account)
      SELECT lower(tx_hash), log_index, block_number, lower(coalesce(args->>'account', args->>'removed')),
             CASE name WHEN 'PayoutHeld' THEN 'held' WHEN 'PayoutWithdrawn' THEN 'withdrawn' ELSE 'redirected' END,
             (args->>'amount')::numeric, lower(args->>'to')
      FROM chain_events WHERE contract = 'ReceivableLedger' AND name IN ('PayoutHeld', 'PayoutWithdrawn', 'HeldPayoutsRedirected')
      ON CONFLICT DO NOTHING`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE conformity_deliveries, conformity_held_movements, conformity_accounts, conformity_certificates, conformity_inbox, regulator_feed;
      DROP FUNCTION regulator_feed_append_only;
    `);
  }
}
