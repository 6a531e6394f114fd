import type { DataSource } from "typeorm";
import type { JsonRpcProvider } from "ethers";
import type { Logger } from "../../shared/logger";
import type { Outbox } from "../../ledger/outbox/outbox.service";
import type { PlatformKeys } from "../../ledger/platform-keys";
import type { OutboxEntry } from "../../ledger/outbox/outbox.entity";
import { recordOperation } from "../receivables";
import { ClearingRepository } from "./clearing.repository";

export interface KeeperOptions {
  /** Certificates per settle transaction. */
  batchSize: number;
  /** How long after an attempt a certificate that stayed unpaid is tried again. */
  retryMs: number;
}

/**
 * The maturity keeper (a BullMQ repeatable job): finds certificates that are due by the ledger's
 * clock and not yet paid, and queues `settle` batches sorted by obligor, bank and holder, so the
 * ledger nets them into one token transfer per counterparty pair. Certificates already being
 * settled are skipped (their rows are locked, their operation is in flight or mined in a block the
 * indexer has not projected yet, which would only be refused as NotSettleable); unpaid ones are
 * retried every `retryMs`, which is how a later repayment of an Overdue certificate is collected.
 *
 * It also returns offers nobody accepted in time (签收 has an acceptance period): past their
 * expiry, or at their certificate's maturity, anyone may return them, and the platform's relayer
 * does, so that a waiting offer never holds up settlement (the ledger settles no offered
 * certificate). An issued one becomes void, a transfer or split part its sender's again; once
 * that is projected, the next run settles what is due.
 *
 * One run at a time, across every worker (an advisory lock; a run that finds it taken does
 * nothing, the next tick comes soon): a run that waited on another's row locks would re-check those
 * rows against a snapshot taken before the other run recorded its operations on them, and queue
 * the same certificates a second time (read committed re-reads the row, not the outbox).
 */
export class MaturityKeeper {
  private readonly repo: ClearingRepository;

  constructor(
    private readonly ds: DataSource,
    private readonly provider: JsonRpcProvider,
    private readonly outbox: Outbox,
    private readonly keys: PlatformKeys,
    private readonly o: KeeperOptions,
    private readonly log: Logger,
  ) {
    this.repo = new ClearingRepository(ds);
  }

  async run(): Promise<number> {
    const latest = await this.provider.getBlock("latest");
    if (!latest) return 0;
    const chainNow = latest.timestamp;
    const ops = await this.ds.transaction(async (em) => {
      const [{ alone }] = await em.query(`SELECT pg_try_advisory_xact_lock(hashtext('clearing:keeper')) AS alone`);
      if (!alone) return [];
      const expired = await this.repo.expiredOffers(em, chainNow);
      const due = await this.repo.due(em, chainNow, this.o.retryMs);
      if (!due.length && !expired.length) return [];
      const relayer = await this.keys.relayer(em);
      const created: OutboxEntry[] = [];
      for (let i = 0; i < expired.length; i += this.o.batchSize) {
        const chunk = expired.slice(i, i + this.o.batchSize);
        const op = await this.outbox.add(em, { kind: "ledger.expireOffers", signer: relayer, payload: { ids: chunk.map((r) => r.chain_id) }, aggregateId: chunk[0].id });
        await recordOperation(em, chunk.map((r) => r.id), op.id);
        created.push(op);
      }
      for (let i = 0; i < due.length; i += this.o.batchSize) {
        const chunk = due.slice(i, i + this.o.batchSize);
        const op = await this.outbox.add(em, { kind: "ledger.settle", signer: relayer, payload: { ids: chunk.map((r) => r.chain_id) }, aggregateId: chunk[0].id });
        await recordOperation(em, chunk.map((r) => r.id), op.id, { settleAttempt: true });
        created.push(op);
      }
      return created;
    });
    if (ops.length) {
      this.log.info({ batches: ops.length }, "maturity keeper queued settlements and offer returns");
      await this.outbox.dispatch(ops);
    }
    return ops.length;
  }
}
