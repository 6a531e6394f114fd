import type { DataSource } from "typeorm";
import { conflict, forbidden } from "../../shared/errors";
import { inTransaction } from "../../shared/transaction";
import type { AuthContext } from "../../shared/http/auth";
import type { Outbox } from "../../ledger/outbox/outbox.service";
import { custodialAccount } from "../onboarding";
import { recordOperation, type ReceivablesService } from "../receivables";
import { ClearingRepository } from "./clearing.repository";

/** Defaults and recourse: what creditors do when the keeper could not collect. */
export class ClearingService {
  private readonly repo: ClearingRepository;

  constructor(
    private readonly ds: DataSource,
    private readonly outbox: Outbox,
    private readonly receivables: ReceivablesService,
  ) {
    this.repo = new ClearingRepository(ds);
  }

  /** The financing bank (or, if unfinanced, the holder) declares Overdue certificates Defaulted. */
  async declareDefault(auth: AuthContext, ids: string[]) {
    return this.queue(auth, ids, "ledger.declareDefault", (r) => {
      const creditor = r.financingBankOrganizationId ?? r.holderOrganizationId;
      if (creditor !== auth.organization.id) throw forbidden(`Only the certificate's creditor (the financing bank, or the holder if unfinanced) can declare it defaulted (certificate ${r.id}).`);
      if (r.status !== "overdue") throw conflict("RECEIVABLE.INVALID_STATUS", `Certificate ${r.id} is ${r.status}; only an overdue certificate can be declared defaulted.`);
    });
  }

  /** The financing bank claims what a defaulted certificate financed with recourse still owes it, from the seller. */
  async claimRecourse(auth: AuthContext, ids: string[]) {
    return this.queue(auth, ids, "ledger.claimRecourse", (r) => {
      if (r.financingBankOrganizationId !== auth.organization.id) throw forbidden(`Only the financing bank can claim recourse (certificate ${r.id}).`);
      if (r.status !== "defaulted" || !r.recourse) throw conflict("CLEARING.NO_RECOURSE", `Certificate ${r.id} is ${r.status}${r.recourse ? "" : " and was financed without recourse"}; recourse needs a defaulted certificate financed with recourse.`);
    });
  }

  private async queue(auth: AuthContext, ids: string[], kind: "ledger.declareDefault" | "ledger.claimRecourse", check: (r: Awaited<ReturnType<ReceivablesService["visible"]>>[number]) => void) {
    const signer = await custodialAccount(auth.organization);
    const operation = await inTransaction(this.ds, async (em) => {
      const rows = await this.receivables.visible(em, auth, ids, true);
      rows.forEach(check);
      const op = await this.outbox.add(em, { kind, signer, payload: { ids: rows.map((r) => r.chainId!.toString()) }, organizationId: auth.organization.id, aggregateId: rows[0].id });
      await recordOperation(em, rows.map((r) => r.id), op.id);
      return op;
    });
    await this.outbox.dispatch([operation]);
    return operation;
  }

  /** Clearing history of a certificate the caller may see. */
  async events(auth: AuthContext, receivableId: string) {
    await this.receivables.get(auth, receivableId);
    const rows = await this.repo.events(receivableId);
    return rows.map((e) => ({ kind: e.kind, toBank: e.to_bank, toHolder: e.to_holder, outstanding: e.outstanding, status: e.status, blockNumber: e.block_number, txHash: e.tx_hash, at: e.at.toISOString() }));
  }
}
