import { isError, keccak256, Transaction, type TransactionReceipt } from "ethers";
import { In, IsNull, type DataSource, type EntityManager } from "typeorm";
import type { Logger } from "../../shared/logger";
import type { BlockClock } from "../block-clock";
import type { LedgerGateway } from "../gateway";
import type { KeyVault } from "../key-vault";
import type { LedgerDeploymentRow } from "../ledger.entity";
import { decodeRevert, revertDataOf, type LedgerFailure } from "../revert-decoder";
import { announceChange } from "../../shared/changes";
import { allocateNonce } from "./nonces";
import { operationKind, type EncodeContext } from "./operations";
import { ATTESTATION_TTL_SECONDS, platformAttestor } from "../attestation";
import { OutboxEntity, LedgerTransactionEntity, type OutboxEntry, type LedgerTransaction } from "./outbox.entity";
import type { FaultPoint } from "./faults";
import type { OutboxHooks } from "./hooks";
import { ReceivableLedger__factory } from "../../../../typechain-types";

export interface SubmitterOptions {
  batchSize: number;
  /** How long a batch waits for more rows when the ledger has no block period (automining). */
  batchWaitMs: number;
  /** How long before the next block a batch is drained: time to check, sign and send it. */
  drainLeadMs: number;
  gasPriceWei: bigint;
  receiptTimeoutMs: number;
}

/** A transaction that used all the gas its kind's budget gave it: a defect of the budget, never retried. */
const OUT_OF_GAS: LedgerFailure = {
  code: "LEDGER.OUT_OF_GAS",
  name: "OutOfGas",
  args: {},
  meaning: "The transaction ran out of the gas budget of its kind of operation.",
  action: "Report it to the operator: the budget in backend/src/ledger/outbox/operations.ts is too small for this call.",
};

/** A transaction this job signed, with the number of outbox rows it carries. */
type Signed = LedgerTransaction & { rows: number };

/** A retryable condition: the job throws, BullMQ retries it with backoff. */
export class RetryLater extends Error {}

/**
 * Takes an outbox row to a mined (or failed) ledger transaction:
 *   pending ─ simulate, allocate nonce, sign, store raw tx (one Postgres transaction) ─▶ submitted
 *   submitted ─ broadcast the stored bytes, wait for the receipt ─▶ mined | failed
 * Every step can be repeated after a crash: a row with a transaction is only ever re-broadcast
 * with the same bytes (same nonce, same operation id), never signed again.
 */
export class OutboxSubmitter {
  constructor(
    private readonly ds: DataSource,
    private readonly gateway: LedgerGateway,
    private readonly vault: KeyVault,
    private readonly deployment: () => Promise<LedgerDeploymentRow>,
    private readonly o: SubmitterOptions,
    private readonly log: Logger,
    private readonly fault: (p: FaultPoint) => void,
    private readonly hooks?: OutboxHooks,
    private readonly clock?: BlockClock,
  ) {}

  /** Batch keys whose leader in this process waits for the next block, with the rows it promised to drain. */
  private readonly waiting = new Map<string, Set<bigint>>();

  async process(outboxId: bigint): Promise<OutboxEntry["status"]> {
    let row = await this.ds.getRepository(OutboxEntity).findOneBy({ id: outboxId });
    if (!row || row.status === "mined" || row.status === "failed") return row?.status ?? "failed";
    const firstAttempt = row.attempts === 0;
    await this.ds.getRepository(OutboxEntity).increment({ id: outboxId }, "attempts", 1);
    if (row.ledgerTxId === null && row.dependsOn !== null) {
      const dependency = await this.ds.getRepository(OutboxEntity).findOneByOrFail({ id: row.dependsOn });
      if (dependency.status === "failed") {
        await this.ds.transaction((em) =>
          this.fail(em, [row!], { code: "OPERATION.DEPENDENCY_FAILED", name: "DependencyFailed", args: {}, meaning: `It depended on operation ${dependency.id}, which failed.`, action: "Retry the request." }),
        );
        return "failed";
      }
      if (dependency.status !== "mined") throw new RetryLater(`waiting for operation ${dependency.id}`);
    }
    let signedHere = false;
    let following: Promise<unknown> = Promise.resolve();
    if (row.ledgerTxId === null) {
      const batching = operationKind(row.kind).maxBatch > 1;
      const promised = this.waiting.get(row.batchKey);
      if (batching && promised) {
        // a job of this process waits for the next block and drains this row with it (if that job
        // dies, the row is stale in OUTBOX_STALE_MS and the sweeper brings it back)
        promised.add(row.id);
        return row.status;
      }
      const drained = new Set<bigint>();
      if (batching) {
        this.waiting.set(row.batchKey, drained);
        try {
          await sleep(this.msUntilDrain());
        } finally {
          this.waiting.delete(row.batchKey);
        }
      }
      const signed = await this.sign(row);
      const more = await this.drainRest(row, drained, signed);
      row = await this.ds.getRepository(OutboxEntity).findOneByOrFail({ id: outboxId });
      if (row.ledgerTxId === null) {
        // refused by the ledger, or claimed by another worker; or left out of the batch it led
        // (an item at fault was failed, or one conflicting with an earlier item waits its turn)
        await Promise.all([...(signed ? [signed] : []), ...more].map((ltx) => this.follow(ltx, outboxId)));
        if (row.status === "pending" && signed) throw new RetryLater(`operation ${outboxId} was left out of batch ${signed.id} and waits for the next one`);
        return row.status;
      }
      signedHere = signed?.id === row.ledgerTxId;
      // the further batches are followed beside this row's; one that cannot be followed now is
      // stale in OUTBOX_STALE_MS and its rows' jobs, brought back by the sweeper, follow it
      following = Promise.allSettled(more.map((ltx) => this.follow(ltx, outboxId)));
    }
    const ltx = await this.ds.getRepository(LedgerTransactionEntity).findOneByOrFail({ id: row.ledgerTxId });
    // The job that signed a batch follows it and settles every row in it; the other rows' jobs
    // need not each hold a worker slot for a block waiting for the same receipt. If that job died,
    // its own re-run (a stalled job) or the sweeper's re-enqueued jobs come back with attempts
    // counted, and those follow the transaction themselves.
    if (!signedHere && firstAttempt && (ltx.status === "signed" || ltx.status === "sent")) return row.status;
    const status = await this.follow(ltx, outboxId).finally(() => following);
    // a batch that reverted on chain went back to pending, to be checked again item by item
    if (status === "pending") {
      if (row.attempts >= 5) throw new RetryLater(`operation ${outboxId} went back to pending ${row.attempts} times`);
      return this.process(outboxId);
    }
    return status;
  }

  /**
   * When a batch is drained: just before the next block is due, so that it carries every row that
   * arrived since the last block (a full batch); at once for a ledger without a block period
   * (automining), after `batchWaitMs` to gather the rows of one request.
   */
  private msUntilDrain(): number {
    const untilBlock = this.clock?.msUntilNextBlock() ?? null;
    if (untilBlock === null) return this.o.batchWaitMs;
    return Math.max(0, untilBlock - this.o.drainLeadMs);
  }

  /**
   * The rows other jobs left to this one's drain that its first batch did not carry (more arrived
   * than a batch holds, or the first batch was claimed elsewhere): further batches, while each is
   * full. What is still left then (an item that conflicts with an earlier one waits its turn) goes
   * back to its own job through the sweeper.
   */
  private async drainRest(leader: OutboxEntry, promised: Set<bigint>, first: Signed | null): Promise<Signed[]> {
    const more: Signed[] = [];
    let last = first;
    while (promised.size > 0 && (last === null || last.rows >= this.claimLimit(leader))) {
      const [next] = await this.ds.getRepository(OutboxEntity).find({
        where: { id: In([...promised].map(String)), status: "pending", ledgerTxId: IsNull() },
        order: { id: "ASC" },
        take: 1,
      });
      if (!next) break;
      const signed = await this.sign(next);
      if (!signed) break;
      more.push(signed);
      last = signed;
    }
    return more;
  }

  private claimLimit(row: OutboxEntry): number {
    const kind = operationKind(row.kind);
    return Math.max(1, Math.min(kind.maxBatch, this.o.batchSize, Math.floor(kind.maxItems / Math.max(1, kind.itemCount(row.payload as never)))));
  }

  /**
   * Claims the row (and compatible pending rows), checks the call once (eth_call), signs it with
   * the kind's gas budget and stores the transaction; returns it, or null if it signed nothing.
   * A batch that would revert is split to find the item at fault, which fails alone with its
   * decoded error; the rest is sent.
   */
  private async sign(row: OutboxEntry): Promise<Signed | null> {
    const deployment = await this.deployment();
    const kind = operationKind(row.kind);
    const signed = await this.ds.transaction(async (em) => {
      const claimed: OutboxEntry[] = await em
        .getRepository(OutboxEntity)
        .createQueryBuilder("o")
        .where("o.status = 'pending' AND o.ledger_tx_id IS NULL AND o.batch_key = :key", { key: row.batchKey })
        .orderBy("(o.id = :id)", "DESC")
        .addOrderBy("o.id", "ASC")
        .setParameter("id", row.id.toString())
        // rows of one batch key are alike: as many as keep the call within the kind's items
        .limit(this.claimLimit(row))
        .setLock("pessimistic_write")
        .setOnLocked("skip_locked")
        .getMany();
      if (!claimed.some((r) => r.id === row.id)) return null; // done already, or being signed elsewhere
      let rows = claimed;
      const [{ nextval }] = await em.query(`SELECT nextval('ledger_operation_ids') AS nextval`);
      const opId = BigInt(nextval);
      const ctx = await this.encodeContext(em, row.signer, kind.attested === true, deployment);
      const encode = (batch: OutboxEntry[]) => kind.encode(batch.map((r) => r.payload as never), opId, deployment, ctx);
      for (;;) {
        const failure = await this.check(row.signer, encode(rows));
        if (!failure) break;
        const fault = rows.length === 1 ? { index: 0, failure } : await this.culprit(row.signer, rows, encode);
        if (fault.failure) await this.fail(em, [rows[fault.index]], fault.failure);
        // an item that fails alone is out; one that only conflicts with an earlier item waits for the next batch, with those after it
        rows = fault.failure ? rows.filter((_, i) => i !== fault.index) : rows.slice(0, fault.index);
        if (rows.length === 0) return null;
      }
      const call = encode(rows);
      const nonce = await allocateNonce(em, this.gateway.provider, row.signer);
      const wallet = await this.vault.signer(em, row.signer);
      const rawTx = await wallet.signTransaction({
        type: 2,
        chainId: this.gateway.chainId,
        nonce: Number(nonce),
        to: call.to,
        data: call.data,
        gasLimit: kind.gas(rows.map((r) => r.payload as never)),
        maxFeePerGas: this.o.gasPriceWei,
        maxPriorityFeePerGas: this.o.gasPriceWei,
      });
      const ltx = em.getRepository(LedgerTransactionEntity).create({
        id: opId,
        signer: row.signer,
        nonce,
        toAddress: call.to,
        data: call.data,
        rawTx,
        txHash: keccak256(rawTx),
        status: "signed",
      });
      await em.getRepository(LedgerTransactionEntity).insert(ltx);
      await em.getRepository(OutboxEntity).update({ id: In(rows.map((r) => r.id.toString())) }, { status: "submitted", ledgerTxId: opId });
      return { ...ltx, rows: rows.length };
    });
    if (signed) {
      this.log.info({ opId: signed.id.toString(), txHash: signed.txHash, nonce: signed.nonce.toString(), kind: row.kind }, "signed");
      this.fault("after-sign");
    }
    return signed;
  }

  /**
   * Who sends the call, and for register/issue the platform verifier's attestation: the service
   * checked the invoices when it accepted each request (verified, the creditor's own, billed to
   * the obligor); the verifier signs the batch as formed here, valid for a day of ledger time.
   */
  private async encodeContext(em: EntityManager, sender: string, attested: boolean, deployment: LedgerDeploymentRow): Promise<EncodeContext> {
    if (!attested) return { sender };
    const latest = await this.gateway.provider.getBlock("latest").catch((e: Error) => {
      throw new RetryLater(`reading the ledger's time failed: ${e.message}`);
    });
    if (!latest) throw new RetryLater("the ledger has no latest block yet");
    const deadline = BigInt(latest.timestamp) + ATTESTATION_TTL_SECONDS;
    return { sender, attest: await platformAttestor(em, this.vault, deployment, deadline) };
  }

  /** One execution of the call as the signer (eth_call): null if it succeeds, else the decoded reason it reverts. */
  private async check(from: string, call: { to: string; data: string }): Promise<LedgerFailure | null> {
    const reverted = await this.execute(from, call);
    return reverted === null ? null : decodeRevert(reverted);
  }

  /** eth_call: null if the call succeeds, else its revert data ("0x" for none); a node that does not answer is RetryLater. */
  private async execute(from: string, call: { to: string; data: string }, o: { blockTag?: number; gasLimit?: bigint } = {}): Promise<string | null> {
    try {
      await this.gateway.provider.call({ from, to: call.to, data: call.data, ...o });
      return null;
    } catch (e) {
      const data = revertDataOf(e);
      if (data === undefined && !isError(e, "CALL_EXCEPTION")) throw new RetryLater(`eth_call failed: ${(e as Error).message}`);
      return data ?? "0x";
    }
  }

  /**
   * The item that makes a batch revert: the last of the shortest reverting prefix (a binary
   * search, log2 of the batch in calls), with its own error if it reverts alone too, or without
   * one if it only conflicts with an item before it.
   */
  private async culprit(from: string, rows: OutboxEntry[], encode: (batch: OutboxEntry[]) => { to: string; data: string }): Promise<{ index: number; failure: LedgerFailure | null }> {
    let lo = 1;
    let hi = rows.length;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (await this.check(from, encode(rows.slice(0, mid)))) hi = mid;
      else lo = mid + 1;
    }
    const index = lo - 1;
    return { index, failure: await this.check(from, encode([rows[index]])) };
  }

  /** Broadcasts the stored bytes (again, if need be) and records the receipt. */
  private async follow(ltx: LedgerTransaction, outboxId: bigint): Promise<OutboxEntry["status"]> {
    if (ltx.status === "mined" || ltx.status === "reverted") {
      await this.settleRows(ltx);
      return (await this.ds.getRepository(OutboxEntity).findOneByOrFail({ id: outboxId })).status;
    }
    let receipt = await this.gateway.provider.getTransactionReceipt(ltx.txHash);
    if (!receipt) {
      await this.broadcast(ltx);
      this.fault("after-broadcast");
      if (ltx.status === "signed") await this.ds.getRepository(LedgerTransactionEntity).update({ id: ltx.id }, { status: "sent" });
      try {
        receipt = await this.gateway.provider.waitForTransaction(ltx.txHash, 1, this.o.receiptTimeoutMs);
      } catch (e) {
        if (isError(e, "TIMEOUT")) throw new RetryLater(`no receipt for ${ltx.txHash} yet`);
        throw e;
      }
      if (!receipt) throw new RetryLater(`no receipt for ${ltx.txHash} yet`);
    }
    await this.record(ltx, receipt);
    return (await this.ds.getRepository(OutboxEntity).findOneByOrFail({ id: outboxId })).status;
  }

  /**
   * Sends the stored bytes. Nonces are allocated in order but workers broadcast in any order, and
   * a node that does not queue future nonces (Hardhat automining) refuses a transaction whose
   * predecessors it has not seen: then the signer's earlier unmined transactions (all stored, all
   * signed) are sent first, in nonce order, and this one again.
   */
  private async broadcast(ltx: LedgerTransaction): Promise<void> {
    const send = async (tx: Pick<LedgerTransaction, "rawTx">): Promise<"ok" | "gap"> => {
      try {
        await this.gateway.provider.broadcastTransaction(tx.rawTx);
        return "ok";
      } catch (e) {
        const message = (e as Error).message;
        // the node has it already, or it is mined (the receipt check follows): both fine
        if (isError(e, "NONCE_EXPIRED") || /already known|known transaction|already imported|nonce too low/i.test(message)) return "ok";
        if (/nonce too high/i.test(message)) return "gap";
        throw new RetryLater(`broadcast of ${ltx.txHash} failed: ${message}`);
      }
    };
    if ((await send(ltx)) === "ok") return;
    const earlier = await this.ds.getRepository(LedgerTransactionEntity).find({
      where: { signer: ltx.signer, status: In(["signed", "sent"]) },
      order: { nonce: "ASC" },
    });
    for (const tx of earlier) if (tx.nonce < ltx.nonce) await send(tx);
    if ((await send(ltx)) === "gap") throw new RetryLater(`nonce ${ltx.nonce} of ${ltx.signer} is ahead of the chain; waiting for its predecessors`);
  }

  private async record(ltx: LedgerTransaction, receipt: TransactionReceipt): Promise<void> {
    const mined = receipt.status === 1;
    let failure: LedgerFailure | null = null;
    if (!mined) failure = await this.explainRevert(ltx, receipt);
    await this.ds.getRepository(LedgerTransactionEntity).update(
      { id: ltx.id },
      {
        status: mined ? "mined" : "reverted",
        blockNumber: BigInt(receipt.blockNumber),
        errorCode: failure?.code ?? null,
        errorMessage: failure ? `${failure.meaning} ${failure.action}` : null,
      },
    );
    await this.settleRows({ ...ltx, status: mined ? "mined" : "reverted", errorCode: failure?.code ?? null, errorMessage: failure?.meaning ?? null });
  }

  /**
   * Replays the call against the state before its block to learn why it reverted: with the
   * transaction's own gas limit, and if that fails without a reason, with all the gas of a block:
   * passing then means the budget was too small (a call that runs out of gas inside another
   * contract reverts with 1/64 of the gas left, so the receipt alone does not always tell). A call
   * that passes before its block reverted because of the block itself: its time (an offer that
   * expired, a deadline that passed, in between the check and the block) or a transaction ahead of
   * it in the block; replayed at the block, it tells why.
   */
  private async explainRevert(ltx: LedgerTransaction, receipt: TransactionReceipt): Promise<LedgerFailure> {
    const gasLimit = Transaction.from(ltx.rawTx).gasLimit;
    if (receipt.gasUsed >= gasLimit) return OUT_OF_GAS;
    const replay = (blockTag: number, gas?: bigint) => this.execute(ltx.signer, { to: ltx.toAddress, data: ltx.data }, { blockTag, ...(gas ? { gasLimit: gas } : {}) });
    const data = await replay(receipt.blockNumber - 1, gasLimit);
    if (data !== null && data !== "0x") return decodeRevert(data);
    if (data === "0x" && (await replay(receipt.blockNumber - 1)) === null) return OUT_OF_GAS;
    if (data === null) {
      const within = await replay(receipt.blockNumber, gasLimit);
      if (within !== null && within !== "0x") return decodeRevert(within);
    }
    return decodeRevert(undefined);
  }

  private async settleRows(ltx: Pick<LedgerTransaction, "id" | "status" | "errorCode" | "errorMessage">): Promise<void> {
    if (ltx.status === "mined") {
      await this.ds.getRepository(OutboxEntity).update({ ledgerTxId: ltx.id, status: "submitted" }, { status: "mined" });
      // the operation reads "mined" once this row is and the indexer has the block; when the
      // indexer had it first, its notice came too early for a reader waiting on the operation
      await announceChange(this.ds.manager);
      return;
    }
    await this.ds.transaction(async (em) => {
      const rows = await em.getRepository(OutboxEntity).find({ where: { ledgerTxId: ltx.id, status: "submitted" }, lock: { mode: "pessimistic_write" } });
      if (rows.length === 0) return;
      if (rows.length > 1 && ltx.errorCode !== OUT_OF_GAS.code) {
        // the state changed between the check and the block: the batch goes back to be checked
        // item by item (the reverted call recorded nothing on chain, its operation id included)
        this.log.warn({ opId: ltx.id.toString(), outboxIds: rows.map((r) => r.id.toString()), code: ltx.errorCode }, "batch reverted on chain; its items are checked again");
        await em.getRepository(OutboxEntity).update({ id: In(rows.map((r) => r.id.toString())) }, { status: "pending", ledgerTxId: null });
        return;
      }
      const failure = { code: ltx.errorCode ?? "LEDGER.UNKNOWN_REVERT", name: "Reverted", args: {}, meaning: ltx.errorMessage ?? "The transaction reverted.", action: "" };
      await this.fail(em, rows, failure);
    });
  }

  private async fail(em: EntityManager, rows: OutboxEntry[], failure: LedgerFailure): Promise<void> {
    // an intent someone else submitted first (a relayer race): done, not failed
    const ledger = async () => ReceivableLedger__factory.connect((await this.deployment()).ledger, this.gateway.provider);
    const done = (await this.hooks?.doneElsewhere(rows, failure, ledger)) ?? new Set<bigint>();
    if (done.size) {
      this.log.info({ outboxIds: [...done].map(String), code: failure.code }, "operation carried out by another submission of the same intent");
      await em.getRepository(OutboxEntity).update({ id: In([...done].map(String)) }, { status: "mined", errorCode: null, errorMessage: null });
      rows = rows.filter((r) => !done.has(r.id));
      if (!rows.length) return announceChange(em);
    }
    this.log.warn({ outboxIds: rows.map((r) => r.id.toString()), code: failure.code, args: failure.args }, "operation rejected by the ledger");
    await em.getRepository(OutboxEntity).update(
      { id: In(rows.map((r) => r.id.toString())) },
      { status: "failed", errorCode: failure.code, errorMessage: `${failure.meaning} ${failure.action}`.trim() },
    );
    await this.hooks?.fail(em, rows, failure);
    await announceChange(em);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
