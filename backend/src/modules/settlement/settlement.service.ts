import type { DataSource } from "typeorm";
import { conflict, forbidden, notFound, validationFailed } from "../../shared/errors";
import { inTransaction } from "../../shared/transaction";
import { readsAll, type AuthContext } from "../../shared/http/auth";
import type { Outbox } from "../../ledger/outbox/outbox.service";
import type { PlatformKeys } from "../../ledger/platform-keys";
import { custodialAccount } from "../onboarding";
import { settlementRepository, type PayoutAccountRow, type PayoutSnapshot } from "./settlement.repository";


/** An account number as people other than the member's approver see it: its last four digits. */
export const maskAccountNumber = (n: string) => `****${n.slice(-4)}`;

export interface PayoutAccountInput {
  bankName: string;
  branch?: string | null;
  accountName: string;
  accountNumber: string;
}

const payoutSnapshot = (a: PayoutAccountRow): PayoutSnapshot => ({ bankName: a.bank_name, branch: a.branch, accountName: a.account_name, accountNumberMasked: maskAccountNumber(a.account_number) });

const noPayoutAccount = () =>
  conflict("SETTLEMENT.NO_PAYOUT_ACCOUNT", "Your organization has no payout bank account on file: an approver of your organization sets it first (POST /v1/settlement/payout-account; a clerk drafts it), then withdraw.");

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
      if (member.status !== "active" || !member.ledgerAddress) throw conflict("ORGANIZATION.NOT_ACTIVE", `${member.legalName} is ${member.status}: it cannot hold settlement funds.`);
      return this.outbox.add(em, { kind: "token.mint", signer, payload: { account: member.ledgerAddress, amount: amount.toString() }, organizationId: auth.organization.id, aggregateId: member.id });
    });
    await this.outbox.dispatch([operation]);
    return operation;
  }

  /**
   * The member authorizes the issuer for `amount`, and the issuer burns it once that is on chain and
   * pays it to the member's payout account on file (refused without one), which the withdrawal records.
   */
  async withdraw(auth: AuthContext, amount: bigint) {
    const member = auth.organization;
    const payout = await settlementRepository.payoutAccount(this.ds, member.id);
    if (!payout) throw noPayoutAccount();
    const to = payoutSnapshot(payout);
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
      await settlementRepository.recordWithdrawal(em, String(burn.id), member.id, amount, to);
      return [approve, burn];
    });
    await this.outbox.dispatch(ops);
    return { operation: ops[1], payoutAccount: to };
  }

  /** Sets or replaces the caller's organization's payout account (its approver: the route commits). */
  async setPayoutAccount(auth: AuthContext, input: PayoutAccountInput) {
    await settlementRepository.setPayoutAccount(this.ds, auth.organization.id, auth.user.id, {
      bankName: input.bankName,
      branch: input.branch || null,
      accountName: input.accountName,
      accountNumber: input.accountNumber,
    });
    return this.payoutAccount(auth);
  }

  /**
   * A member's payout account: its people read it, masked except to its approvers; the operator and
   * auditors read any member's, masked; anyone else finds the organization absent.
   */
  async payoutAccount(auth: AuthContext, organizationId?: string) {
    const id = organizationId ?? auth.organization.id;
    const own = id === auth.organization.id;
    if (!own && !readsAll(auth)) throw notFound("organization", id);
    if (!own && !(await settlementRepository.organization(this.ds, id))) throw notFound("organization", id);
    const a = await settlementRepository.payoutAccount(this.ds, id);
    if (!a) return { organizationId: id, account: null };
    const full = own && auth.duty === "approver";
    return {
      organizationId: id,
      account: {
        bankName: a.bank_name,
        branch: a.branch,
        accountName: a.account_name,
        accountNumber: full ? a.account_number : maskAccountNumber(a.account_number),
        masked: !full,
        updatedAt: a.updated_at.toISOString(),
      },
    };
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
      payoutAccount: m.payout_bank_name
        ? { bankName: m.payout_bank_name, branch: m.payout_branch, accountName: m.payout_account_name!, accountNumberMasked: m.payout_account_number_masked! }
        : null,
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

