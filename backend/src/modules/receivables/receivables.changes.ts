import { randomUUID } from "node:crypto";
import { keccak256, toUtf8Bytes } from "ethers";
import type { DataSource, EntityManager } from "typeorm";
import { conflict, validationFailed } from "../../shared/errors";
import type { AuthContext } from "../../shared/http/auth";
import { inTransaction } from "../../shared/transaction";
import type { OperationBody, Outbox } from "../../ledger/outbox/outbox.service";
import { CONFIRM_TYPES, ledgerDomain } from "../../ledger/typed-data";
import type { PlatformKeys } from "../../ledger/platform-keys";
import { counterparty, custodialAccount, organizationsById } from "../onboarding";
import type { ReceivableRow, ReceivableStatus } from "./receivable.entity";
import { checkTier, type ReceivablePolicy } from "./policy";
import { recordOperation, type ReceivablesRepository } from "./receivables.repository";
import { checkConfirmationSignature, checkSplitPart, checkSplitTotal, confirmedFacts, requireNotMatured, requireParty } from "./receivables.rules";
import { changeInProgress, type Accepted, type ReceivablesService } from "./receivables.service";
import { noteReason } from "./ledger-reasons";
import type { ObligorStandings } from "./obligor-standings";

/** The check of a change only `who` of the certificate makes, while it is `status`. */
const party = (status: ReceivableStatus, who: "holder" | "obligor") => (auth: AuthContext, r: ReceivableRow) => requireParty(auth, r, status, who);

/**
 * Confirmation, rejection, cancellation, split and transfer of receivable certificates. Every
 * change goes to the ledger through the outbox; the certificate's state here is what the indexer
 * has seen, so a change answers 202 with the operation to follow.
 */
export class ReceivableChanges {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: ReceivablesRepository,
    private readonly outbox: Outbox,
    private readonly keys: PlatformKeys,
    private readonly policy: ReceivablePolicy,
    /** The ledger's time (unix seconds) for signature deadlines. */
    private readonly ledgerTime: () => Promise<bigint>,
    private readonly receivables: ReceivablesService,
    private readonly standings: ObligorStandings,
  ) {}

  // ─── Confirmation, rejection, cancellation ────────────────────────

  /** The obligor confirms Pending certificates: with its custodial key, or its own EIP-712 signature. */
  async confirm(auth: AuthContext, ids: string[], signature?: { nonce: string; deadline: string; signature: string }) {
    const core = auth.organization;
    // a signature's deadline counts on the ledger's clock (read before the transaction: no lock waits on the ledger)
    const ledgerNow = signature ? await this.ledgerTime() : 0n;
    return this.change(auth, ids, party("pending", "obligor"), async (em, rows) => {
      // a delinquent obligor may not confirm (the ledger refuses it too): say which certificates to pay first
      await this.standings.requireNotPaused(em, core.id);
      // what the obligor confirms: each certificate's facts as the platform shows them, which the ledger checks
      const items = await this.confirmedFacts(em, rows);
      if (!signature) return { kind: "ledger.confirm", signer: await custodialAccount(core), payload: { items } };
      if (!core.ledgerAddress) throw conflict("ORGANIZATION.NOT_ACTIVE", "Your organization has no ledger address yet.");
      const deployment = await this.keys.deployment(em);
      const message = { items, nonce: signature.nonce, deadline: signature.deadline };
      checkConfirmationSignature(deployment, core.ledgerAddress, message, signature.signature, ledgerNow);
      return { kind: "ledger.confirmBySig", signer: await this.keys.relayer(em), payload: { ...message, obligor: core.ledgerAddress, signature: signature.signature } };
    });
  }

  /** What an obligor that keeps its own key signs to confirm `ids`. */
  async confirmationTypedData(auth: AuthContext, ids: string[]) {
    const rows = await this.receivables.visible(this.ds.manager, auth, ids);
    for (const r of rows) requireParty(auth, r, "pending", "obligor");
    await this.standings.requireNotPaused(this.ds.manager, auth.organization.id);
    const { chainId, ledger } = await this.keys.deployment(this.ds.manager);
    const nonce = BigInt(keccak256(toUtf8Bytes(randomUUID()))) >> 8n;
    return {
      domain: ledgerDomain(chainId, ledger),
      types: CONFIRM_TYPES,
      primaryType: "ConfirmReceivables",
      message: { items: await this.confirmedFacts(this.ds.manager, rows), nonce: nonce.toString(), deadline: String((await this.ledgerTime()) + 3600n) },
    };
  }

  async reject(auth: AuthContext, ids: string[], reason: string) {
    return this.change(auth, ids, party("pending", "obligor"), async (em, rows) => ({
      kind: "ledger.reject",
      signer: await custodialAccount(auth.organization),
      payload: { ids: rows.map((r) => r.chainId!.toString()), reason: await noteReason(em, reason) },
    }));
  }

  async cancel(auth: AuthContext, ids: string[]) {
    return this.change(auth, ids, party("pending", "holder"), async (_em, rows) => ({
      kind: "ledger.cancel",
      signer: await custodialAccount(auth.organization),
      payload: { ids: rows.map((r) => r.chainId!.toString()) },
    }));
  }

  // ─── Split and transfer ───────────────────────────────────────────

  async split(auth: AuthContext, id: string, parts: { organizationId: string; amount: bigint }[]) {
    const [result] = await this.change(auth, [id], party("confirmed", "holder"), async (em, [r]) => {
      requireNotMatured(r);
      await this.receivables.checkHolderChange(em, [r.id]);
      checkTier(this.policy, r.tier + 1);
      checkSplitTotal(r, parts);
      const resolved = [];
      for (const [i, p] of parts.entries()) {
        checkSplitPart(this.policy.minSplitAmount, p, i);
        const to = await counterparty(em, p.organizationId, "supplier", `parts.${i}.organizationId`);
        resolved.push({ to: to.ledgerAddress!, amount: p.amount.toString() });
      }
      return { kind: "ledger.split", signer: await custodialAccount(auth.organization), payload: { id: r.chainId!.toString(), parts: resolved } };
    });
    return result;
  }

  async transfer(auth: AuthContext, id: string, organizationId: string) {
    const [result] = await this.change(auth, [id], party("confirmed", "holder"), async (em, [r]) => {
      requireNotMatured(r);
      await this.receivables.checkHolderChange(em, [r.id]);
      const to = await counterparty(em, organizationId, "supplier", "organizationId");
      if (to.id === auth.organization.id) throw validationFailed([{ field: "body.organizationId", message: "is your own organization" }]);
      return { kind: "ledger.transfer", signer: await custodialAccount(auth.organization), payload: { id: r.chainId!.toString(), to: to.ledgerAddress! } };
    });
    return result;
  }

  /**
   * Locks the certificates, checks the caller's part and their state (`check`, per certificate), and
   * queues one operation for all of them; each records it, so a second change while one is in flight
   * is refused.
   */
  async change(
    auth: AuthContext,
    ids: string[],
    check: (auth: AuthContext, r: ReceivableRow) => void,
    build: (em: EntityManager, rows: ReceivableRow[]) => Promise<OperationBody & { signer: string }>,
  ): Promise<Accepted[]> {
    const accepted = await inTransaction(this.ds, async (em) => {
      const rows = await this.receivables.visible(em, auth, ids, true);
      for (const r of rows) check(auth, r);
      // under the lock: a change of these certificates still on its way to the ledger is refused (see changeInFlightSql)
      const inFlight = await this.repo.changeInFlight(em, rows.map((r) => r.id));
      if (inFlight) throw changeInProgress(inFlight.id);
      const op = await build(em, rows);
      const operation = await this.outbox.add(em, { ...op, organizationId: auth.organization.id, aggregateId: rows[0].id });
      await recordOperation(em, rows.map((r) => r.id), operation.id);
      return rows.map((receivable) => ({ receivable, operation }));
    });
    await this.outbox.dispatch([accepted[0].operation]);
    return accepted;
  }

  /** {@link confirmedFacts} of `rows`, with their creditors' ledger addresses. */
  private async confirmedFacts(em: EntityManager, rows: ReceivableRow[]) {
    return confirmedFacts(rows, await organizationsById(em, rows.map((r) => r.creditorOrganizationId)));
  }
}
