import type { DataSource } from "typeorm";
import { readsAll, type AuthContext } from "../../shared/http/auth";
import { inTransaction } from "../../shared/transaction";
import type { Outbox } from "../../ledger/outbox/outbox.service";
import type { PlatformKeys } from "../../ledger/platform-keys";
import { counterparty, custodialAccount } from "../onboarding";
import { committedOn, creditLinesOf, ledgerApprovalPending, lockCreditLine, saveCreditLine, tokenAllowance } from "./financing.repository";
import { MAX_UINT256, needsLedgerApproval, requireLimitCovers, roomOn } from "./financing.rules";
import { requireSettableTerm, termStatus } from "./credit-line-term";

/** Banks' credit lines per core enterprise: set on the ledger through the outbox, read with what they commit and have room for. */
export class CreditLinesService {
  constructor(
    private readonly ds: DataSource,
    private readonly outbox: Outbox,
    private readonly keys: PlatformKeys,
  ) {}

  /** `term`: the line's validity, set with the limit (omitted: the line keeps the term it has). */
  async setCreditLine(auth: AuthContext, obligorId: string, limit: bigint, term: { validFrom?: string; validUntil?: string } = {}) {
    const bank = auth.organization;
    const newTerm = requireSettableTerm(term, new Date());
    const signer = await custodialAccount(bank);
    const result = await inTransaction(this.ds, async (em) => {
      const obligor = await counterparty(em, obligorId, "core_enterprise", "obligorId");
      const line = await lockCreditLine(em, bank.id, obligor.id);
      // an accepted financing not yet on the ledger holds its share of the line as firmly as a funded one
      requireLimitCovers(limit, line.used, await committedOn(em, bank.id, obligor.id));
      const operation = await this.outbox.add(em, {
        kind: "ledger.setCreditLine",
        signer,
        payload: { obligor: obligor.ledgerAddress!, limit: limit.toString() },
        organizationId: bank.id,
        aggregateId: obligor.id,
      });
      line.requestedLimit = limit;
      line.operationId = operation.id;
      // the term is the bank's policy, not the ledger's: it binds at once (credit-line-term.ts)
      if (newTerm) Object.assign(line, newTerm);
      await saveCreditLine(em, line);
      const ops = [operation];
      // the bank pays advances from its settlement account: authorize the ledger once
      if (needsLedgerApproval(await tokenAllowance(em, signer, (await this.keys.deployment(em)).ledger)) && !(await ledgerApprovalPending(em, signer))) {
        ops.push(await this.outbox.add(em, { kind: "token.approveLedger", signer, payload: { spender: "ledger", amount: MAX_UINT256.toString() }, organizationId: bank.id }));
      }
      return { line, obligor, operation, ops };
    });
    await this.outbox.dispatch(result.ops);
    return result;
  }

  async creditLines(auth: AuthContext) {
    const of = readsAll(auth) ? "all" : auth.has("bank") ? { bank: auth.organization.id } : { obligor: auth.organization.id };
    const now = new Date();
    return (await creditLinesOf(this.ds.manager, of)).map(({ line, term, committed, ...parties }) => {
      const room = roomOn(line, committed);
      return { ...parties, ...line, ...term, termStatus: termStatus(term, now), committed, available: room < 0n ? 0n : room };
    });
  }
}
