import type { DataSource } from "typeorm";
import { conflict, forbidden, notFound, validationFailed } from "../../shared/errors";
import { inTransaction } from "../../shared/transaction";
import type { AuthContext } from "../../shared/http/auth";
import type { Outbox } from "../../ledger/outbox/outbox.service";
import type { PlatformKeys } from "../../ledger/platform-keys";
import { custodialAccount } from "../onboarding";
import { settlementRepository } from "./settlement.repository";

const readsAll = (a: AuthContext) => a.has("operator") || a.has("auditor");

/**
 * Settlement-token accounts: the settlement issuer records deposits (mint) and members ask for
 * withdrawals (approve the issuer, then the issuer burns); every member sees its balance, its
 * repayment authorization (allowance to the ledger) and its movements, from the indexer's
 * projection of the token's events.
 */
export class SettlementService {
  constructor(
    private readonly ds: DataSource,
    private readonly outbox: Outbox,
    private readonly keys: PlatformKeys,
    /** The live allowance on chain (spending an allowance emits no event, so the projection lags). */
    private readonly allowanceOnChain: (token: string, owner: string, spender: string) => Promise<bigint>,
  ) {}

  async deposit(auth: AuthContext, organizationId: string, amount: bigint) {
    const signer = await custodialAccount(auth.organization);
    const operation = await inTransaction(this.ds, async (em) => {
      const member = await settlementRepository.organization(em, organizationId);
      if (!member) throw notFound("organization", organizationId);
      if (member.status !== "active" || !member.ledgerAddress) throw conflict("ORGANIZATION.NOT_ACTIVE", `${member.legalName} is ${member.status}: it cannot hold settlement tokens.`);
      return this.outbox.add(em, { kind: "token.mint", signer, payload: { account: member.ledgerAddress, amount: amount.toString() }, organizationId: auth.organization.id, aggregateId: member.id });
    });
    await this.outbox.dispatch([operation]);
    return operation;
  }

  /** The member authorizes the issuer for `amount`, and the issuer burns it once that is on chain. */
  async withdraw(auth: AuthContext, amount: bigint) {
    const member = auth.organization;
    const account = await custodialAccount(member);
    const balance = await settlementRepository.balance(this.ds, account);
    if (balance === null || BigInt(balance) < amount) {
      throw validationFailed([{ field: "body.amount", message: `is more than your balance (${balance ?? 0} fen)` }]);
    }
    const ops = await inTransaction(this.ds, async (em) => {
      const issuer = await settlementRepository.activeIssuer(em);
      if (!issuer?.ledgerAddress) throw conflict("SETTLEMENT.NO_ISSUER", "No active settlement issuer can pay out the withdrawal.");
      const approve = await this.outbox.add(em, { kind: "token.approve", signer: account, payload: { spender: issuer.ledgerAddress, amount: amount.toString() }, organizationId: member.id });
      const burn = await this.outbox.add(em, {
        kind: "token.burn",
        signer: await custodialAccount(issuer),
        payload: { account, amount: amount.toString() },
        organizationId: member.id,
        aggregateId: member.id,
        dependsOn: approve.id,
      });
      return [approve, burn];
    });
    await this.outbox.dispatch(ops);
    return ops[1];
  }

  /** How much the ledger may pull: a core enterprise's repayments at maturity, a supplier's recourse. */
  async authorizeRepayment(auth: AuthContext, amount: bigint) {
    const signer = await custodialAccount(auth.organization);
    const operation = await inTransaction(this.ds, (em) =>
      this.outbox.add(em, { kind: "token.approveLedger", signer, payload: { spender: "ledger", amount: amount.toString() }, organizationId: auth.organization.id }),
    );
    await this.outbox.dispatch([operation]);
    return operation;
  }

  async account(auth: AuthContext, organizationId?: string) {
    const org = await this.visibleOrg(auth, organizationId);
    if (!org.ledgerAddress) return { organizationId: org.id, address: null, balance: "0", repaymentAuthorization: "0" };
    const { ledger, settlementToken } = await this.keys.deployment(this.ds.manager);
    const [balance, allowance] = await Promise.all([settlementRepository.balance(this.ds, org.ledgerAddress), settlementRepository.allowance(this.ds, org.ledgerAddress, ledger)]);
    const live = await this.allowanceOnChain(settlementToken, org.ledgerAddress, ledger).catch(() => null);
    return {
      organizationId: org.id,
      address: org.ledgerAddress,
      balance: balance ?? "0",
      repaymentAuthorization: live === null ? (allowance ?? "0") : live.toString(),
    };
  }

  async movements(auth: AuthContext, limit: number, organizationId?: string) {
    const org = await this.visibleOrg(auth, organizationId);
    if (!org.ledgerAddress) return [];
    const rows = await settlementRepository.movements(this.ds, org.ledgerAddress, limit);
    return rows.map((m) => ({
      id: m.id,
      kind: m.kind,
      purpose: m.purpose,
      counterparty: m.counterparty_id ? { id: m.counterparty_id, name: m.counterparty_name! } : null,
      certificateIds: [...m.certificate_ids].sort((a, b) => Number(BigInt(a) - BigInt(b))),
      fromAddress: m.from_address,
      toAddress: m.to_address,
      amount: m.amount,
      blockNumber: m.block_number,
      txHash: m.tx_hash,
      at: m.at.toISOString(),
    }));
  }

  /** What a core enterprise's authorization and balance must cover, and by when. */
  async coverage(auth: AuthContext) {
    const account = await this.account(auth);
    const dues = await settlementRepository.dues(this.ds, auth.organization.id);
    const total = dues.reduce((s, d) => s + BigInt(d.amount), 0n);
    const covered = [BigInt(account.balance), BigInt(account.repaymentAuthorization)].reduce((a, b) => (a < b ? a : b));
    return { ...account, outstanding: total.toString(), coverable: covered.toString(), shortfall: (total > covered ? total - covered : 0n).toString(), dues };
  }

  private async visibleOrg(auth: AuthContext, organizationId?: string) {
    const id = organizationId ?? auth.organization.id;
    if (id !== auth.organization.id && !readsAll(auth) && !auth.has("settlement_issuer")) throw notFound("organization", id);
    const org = await settlementRepository.organization(this.ds, id);
    if (!org) throw notFound("organization", id);
    return org;
  }

  requireIssuer(auth: AuthContext) {
    if (!auth.has("settlement_issuer")) throw forbidden("Only the settlement issuer records deposits.");
  }
}

