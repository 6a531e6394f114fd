import type { DataSource, EntityManager } from "typeorm";

/** A certificate the keeper settles. */
export interface DueRow {
  id: string;
  chain_id: string;
}

/** A clearing event of a certificate (the receivables module projects them). */
export interface ClearingEventRow {
  kind: "cleared" | "defaulted" | "recourse";
  to_bank: string;
  to_holder: string;
  outstanding: string;
  status: string;
  block_number: string;
  tx_hash: string;
  at: Date;
}

/** The clearing module's reads of the receivables module's tables (it writes none: see recordOperation). */
export class ClearingRepository {
  constructor(private readonly ds: DataSource) {}

  /**
   * Up to 2000 certificates due by the ledger's clock (`chainNow`, unix seconds) and not paid,
   * not tried within `retryMs`, with no operation in flight or mined in a block the indexer has
   * not projected yet: locked, skipping those another keeper holds, sorted by obligor, bank and
   * holder so that a batch nets into one transfer per counterparty pair.
   */
  async due(em: EntityManager, chainNow: number, retryMs: number): Promise<DueRow[]> {
    return em.query(
      `SELECT r.id, r.chain_id FROM receivables r
       WHERE r.chain_id IS NOT NULL AND r.status IN ('confirmed', 'financed', 'overdue') AND r.maturity <= to_timestamp($1)
         AND (r.settle_attempted_at IS NULL OR r.settle_attempted_at < now() - ($2 || ' milliseconds')::interval)
         AND NOT EXISTS (SELECT 1 FROM outbox o LEFT JOIN ledger_transactions t ON t.id = o.ledger_tx_id WHERE o.id = r.operation_id
                           AND (o.status IN ('pending', 'submitted')
                                OR (o.status = 'mined' AND t.block_number > (SELECT coalesce(max(block_number), -1) FROM indexer_checkpoints))))
       ORDER BY r.obligor_organization_id, r.financing_bank_organization_id NULLS FIRST, r.holder_organization_id, r.chain_id
       LIMIT 2000 FOR UPDATE OF r SKIP LOCKED`,
      [chainNow, String(retryMs)],
    );
  }

  /**
   * Up to 2000 offered certificates whose offer the ledger lets anyone return by the ledger's clock
   * (`chainNow`, unix seconds): past its expiry or the certificate's maturity, with no operation in
   * flight or mined in a block the indexer has not projected yet (an acceptance or refusal on its
   * way wins; if it fails, the offer is returned on a later run). Locked, skipping those another
   * keeper holds.
   */
  async expiredOffers(em: EntityManager, chainNow: number): Promise<DueRow[]> {
    return em.query(
      `SELECT r.id, r.chain_id FROM receivables r
       WHERE r.status = 'offered' AND r.chain_id IS NOT NULL AND (r.offer_expires_at <= to_timestamp($1) OR r.maturity <= to_timestamp($1))
         AND NOT EXISTS (SELECT 1 FROM outbox o LEFT JOIN ledger_transactions t ON t.id = o.ledger_tx_id WHERE o.id = r.operation_id
                           AND (o.status IN ('pending', 'submitted')
                                OR (o.status = 'mined' AND t.block_number > (SELECT coalesce(max(block_number), -1) FROM indexer_checkpoints))))
       ORDER BY r.chain_id LIMIT 2000 FOR UPDATE OF r SKIP LOCKED`,
      [chainNow],
    );
  }

  /** A certificate's clearing events, oldest first. */
  async events(receivableId: string): Promise<ClearingEventRow[]> {
    return this.ds.query(
      `SELECT kind, to_bank::text, to_holder::text, outstanding::text, status, block_number::text, tx_hash, at FROM clearing_events WHERE receivable_id = $1 ORDER BY id`,
      [receivableId],
    );
  }
}
