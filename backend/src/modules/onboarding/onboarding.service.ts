import { encodeBytes32String, keccak256, toUtf8Bytes } from "ethers";
import type { DataSource, EntityManager } from "typeorm";
import { AppError, conflict, forbidden, notFound } from "../../shared/errors";
import { inTransaction } from "../../shared/transaction";
import type { AuthContext } from "../../shared/http/auth";
import type { KeyVault } from "../../ledger/key-vault";
import { LedgerKeyEntity } from "../../ledger/ledger.entity";
import type { OperationBody, Outbox } from "../../ledger/outbox/outbox.service";
import { OutboxEntity, type LedgerTransaction, type OutboxEntry } from "../../ledger/outbox/outbox.entity";
import { Rows } from "../../shared/rows";
import { Coalescer } from "../../shared/coalesce";
import { INDEXER_CHECKPOINT } from "../../indexer/indexer.entity";

const outboxRows = new Rows(OutboxEntity);
import { MemberRole } from "../../ledger/roles";
import { issueApiKey } from "./api-key-secret";
import {
  ApiKeyEntity,
  OrganizationEntity,
  UserEntity,
  type ApiKey,
  type Organization,
  type OrgRole,
  type User,
} from "./onboarding.entity";

/** Platform role → the role flag the membership contract knows. */
const CHAIN_ROLE: Partial<Record<OrgRole, number>> = {
  core_enterprise: MemberRole.CoreEnterprise,
  supplier: MemberRole.Supplier,
  bank: MemberRole.Bank,
  auditor: MemberRole.Auditor,
  settlement_issuer: MemberRole.SettlementIssuer,
};
export const chainRoles = (roles: OrgRole[]) => roles.reduce((mask, r) => mask | (CHAIN_ROLE[r] ?? 0), 0);
export const chainOrgId = (uscc: string) => keccak256(toUtf8Bytes(uscc));
/** A suspension reason as bytes32: short ones readable, long ones hashed (the text stays off chain). */
const reasonBytes32 = (reason: string) => (toUtf8Bytes(reason).length <= 31 ? encodeBytes32String(reason) : keccak256(toUtf8Bytes(reason)));

export interface CreateOrganization {
  legalName: string;
  unifiedSocialCreditCode: string;
  roles: OrgRole[];
  contacts: Organization["contacts"];
  ledgerAddress?: string;
}

/** The operator asked to act inside another organization: it never does (apart from inviting a first admin). */
export const operatorOutsideItsOwn = () =>
  new AppError(
    "OPERATOR.NOT_A_MEMBER",
    403,
    "The operator does not act inside another organization: its admins manage their people and keys. The operator only invites a new organization's first admin while it has none.",
  );
export const peopleNeedApprover = () =>
  new AppError("DUTY.APPROVER_REQUIRED", 403, "Adding people, changing duties and issuing keys for others needs an admin of the organization who is also an approver.");

/** Reads everyone's data: the operator and auditors. */
const readsAll = (a: AuthContext) => a.has("operator") || a.has("auditor");

export class OnboardingService {
  constructor(
    private readonly ds: DataSource,
    private readonly outbox: Outbox,
    private readonly vault: KeyVault,
  ) {}

  // ─── Organizations ────────────────────────────────────────────────

  async createOrganization(input: CreateOrganization): Promise<Organization> {
    const repo = this.ds.getRepository(OrganizationEntity);
    if (await repo.existsBy({ uscc: input.unifiedSocialCreditCode })) {
      throw conflict("ORGANIZATION.DUPLICATE", `An organization with unified social credit code ${input.unifiedSocialCreditCode} is already registered.`);
    }
    if (input.ledgerAddress && (await repo.existsBy({ ledgerAddress: input.ledgerAddress }))) {
      throw conflict("ORGANIZATION.ADDRESS_TAKEN", `Ledger address ${input.ledgerAddress} already belongs to an organization.`);
    }
    return repo.save(
      repo.create({
        legalName: input.legalName,
        uscc: input.unifiedSocialCreditCode,
        roles: input.roles,
        contacts: input.contacts,
        status: "pending",
        chainOrgId: chainOrgId(input.unifiedSocialCreditCode),
        keyCustody: input.ledgerAddress ? "external" : "custodial",
        ledgerAddress: input.ledgerAddress ?? null,
        chainStatus: "none",
      }),
    );
  }

  async listOrganizations(auth: AuthContext, limit: number, after?: string): Promise<Organization[]> {
    const q = this.ds.getRepository(OrganizationEntity).createQueryBuilder("o").orderBy("o.id").limit(limit);
    if (!readsAll(auth)) q.where("o.id = :own", { own: auth.organization.id });
    if (after) q.andWhere("o.id > :after", { after });
    return q.getMany();
  }

  /**
   * The consortium's members as every member may know them (to pick a counterparty by name):
   * active organizations' names, codes and roles, never their contacts or keys.
   */
  async directory(q: { role?: OrgRole; limit: number; after?: string }): Promise<Organization[]> {
    const qb = this.ds.getRepository(OrganizationEntity).createQueryBuilder("o").where("o.status IN ('active', 'suspended')").orderBy("o.id").limit(q.limit);
    if (q.role) qb.andWhere(":role = ANY(o.roles)", { role: q.role });
    if (q.after) qb.andWhere("o.id > :after", { after: q.after });
    return qb.getMany();
  }

  /** An organization the caller may see; another tenant's is reported as absent. */
  async getOrganization(auth: AuthContext, id: string): Promise<Organization> {
    if (!readsAll(auth) && id !== auth.organization.id) throw notFound("organization", id);
    const org = await this.ds.getRepository(OrganizationEntity).findOneBy({ id });
    if (!org) throw notFound("organization", id);
    return org;
  }

  /** KYC passed: give the organization a custodial key (unless it brought its own) and register it on chain. */
  async approveKyc(auth: AuthContext, id: string): Promise<{ organization: Organization; operation: OutboxEntry }> {
    const signer = await this.operatorAddress();
    const result = await inTransaction(this.ds, async (em) => {
      const org = await this.lockOrganization(em, id);
      if (org.status !== "pending") {
        throw conflict("ORGANIZATION.NOT_PENDING", `KYC can only be approved for a pending organization; this one is ${org.status}.`);
      }
      if (org.keyCustody === "custodial") org.ledgerAddress = await this.vault.create(em, "member", org.id);
      org.status = "kyc_approved";
      org.kycApprovedAt = new Date();
      org.kycApprovedBy = auth.user.id;
      await em.getRepository(OrganizationEntity).save(org);
      const operation = await this.outbox.add(em, {
        kind: "membership.registerOrganization",
        signer,
        payload: { orgId: org.chainOrgId, roles: chainRoles(org.roles), accounts: [org.ledgerAddress!] },
        organizationId: auth.organization.id,
        aggregateId: org.id,
      });
      return { organization: org, operation };
    });
    await this.outbox.dispatch([result.operation]);
    return result;
  }

  async suspend(auth: AuthContext, id: string, reason: string) {
    return this.changeSuspension(auth, id, "active", (org) => {
      org.suspensionReason = reason;
      return { kind: "membership.suspend", payload: { orgId: org.chainOrgId, reason: reasonBytes32(reason) } };
    });
  }

  async reinstate(auth: AuthContext, id: string) {
    return this.changeSuspension(auth, id, "suspended", (org) => {
      org.suspensionReason = null;
      return { kind: "membership.reinstate", payload: { orgId: org.chainOrgId } };
    });
  }

  private async changeSuspension(
    auth: AuthContext,
    id: string,
    required: Organization["status"],
    change: (org: Organization) => OperationBody<"membership.suspend" | "membership.reinstate">,
  ) {
    const signer = await this.operatorAddress();
    const result = await inTransaction(this.ds, async (em) => {
      const org = await this.lockOrganization(em, id);
      if (org.status !== required) throw conflict("ORGANIZATION.INVALID_STATUS", `This needs an organization that is ${required}; this one is ${org.status}.`);
      const pending = await em.getRepository(OutboxEntity).existsBy({ aggregateId: org.id, status: "pending" });
      if (pending) throw conflict("ORGANIZATION.CHANGE_IN_PROGRESS", "A change to this organization is still being written to the ledger; retry when it is done.");
      const call = change(org);
      await em.getRepository(OrganizationEntity).save(org);
      const operation = await this.outbox.add(em, { ...call, signer, organizationId: auth.organization.id, aggregateId: org.id });
      return { organization: org, operation };
    });
    await this.outbox.dispatch([result.operation]);
    return result;
  }

  private async lockOrganization(em: EntityManager, id: string): Promise<Organization> {
    const org = await em.getRepository(OrganizationEntity).findOne({ where: { id }, lock: { mode: "pessimistic_write" } });
    if (!org) throw notFound("organization", id);
    return org;
  }

  /** The platform's operator key, which signs membership changes. */
  private async operatorAddress(): Promise<string> {
    const key = await this.ds.getRepository(LedgerKeyEntity).findOne({ where: { purpose: "operator" }, order: { createdAt: "DESC" } });
    if (!key || key.retiredAt) {
      throw new AppError("LEDGER.NOT_DEPLOYED", 503, "The platform has no operator ledger key yet: run `npm run ops -- deploy`.");
    }
    return key.address;
  }

  // ─── Users and API keys ───────────────────────────────────────────

  async createUser(auth: AuthContext, organizationId: string, input: Pick<User, "email" | "name" | "role" | "duty">): Promise<User> {
    await this.requirePeopleManager(auth, organizationId);
    const repo = this.ds.getRepository(UserEntity);
    if (await repo.existsBy({ organizationId, email: input.email })) {
      throw conflict("USER.DUPLICATE", `${input.email} is already a user of this organization.`);
    }
    return repo.save(repo.create({ organizationId, ...input }));
  }

  async listUsers(auth: AuthContext, organizationId: string): Promise<User[]> {
    await this.getOrganization(auth, organizationId);
    return this.ds.getRepository(UserEntity).find({ where: { organizationId }, order: { createdAt: "ASC" } });
  }

  /** A key for yourself (any duty that may write), or, as your organization's admin and approver, for a colleague. */
  async issueKey(auth: AuthContext, input: { label: string; userId?: string }): Promise<{ key: string; row: ApiKey }> {
    const userId = input.userId ?? auth.user.id;
    const user = await this.ds.getRepository(UserEntity).findOneBy({ id: userId });
    // another tenant's user is absent, whoever asks (the operator included: it never holds a member's key)
    if (!user || user.disabledAt || user.organizationId !== auth.organization.id) throw notFound("user", userId);
    if (userId !== auth.user.id) await this.requirePeopleManager(auth, user.organizationId, () => notFound("user", userId));
    const issued = issueApiKey();
    const repo = this.ds.getRepository(ApiKeyEntity);
    const row = await repo.save(
      repo.create({ organizationId: user.organizationId, userId, prefix: issued.prefix, secretHash: issued.secretHash, label: input.label }),
    );
    return { key: issued.key, row };
  }

  async listKeys(auth: AuthContext): Promise<ApiKey[]> {
    const where = auth.user.role === "admin" ? { organizationId: auth.organization.id } : { userId: auth.user.id };
    return this.ds.getRepository(ApiKeyEntity).find({ where, order: { createdAt: "ASC" } });
  }

  /** Your own key, or as your organization's admin any of its keys (revoking only ever takes access away). */
  async revokeKey(auth: AuthContext, id: string): Promise<void> {
    const repo = this.ds.getRepository(ApiKeyEntity);
    const key = await repo.findOneBy({ id });
    if (!key) throw notFound("API key", id);
    // another organization's key is absent to everyone, the operator too (it lists no one's keys but its own)
    if (key.userId !== auth.user.id) await this.requireAdminOf(auth, key.organizationId, () => notFound("API key", id), false);
    if (!key.revokedAt) await repo.update({ id }, { revokedAt: new Date() });
  }

  /**
   * An admin of `organizationId`, calling from it. Nobody else, the operator included: the
   * operator never acts inside another organization (ARCHITECTURE.md, "Trust boundaries").
   */
  async requireAdminOf(auth: AuthContext, organizationId: string, hidden = () => notFound("organization", organizationId), explainToOperator = true) {
    if (auth.organization.id !== organizationId) {
      // the operator reads every organization and its users: tell it why, not "absent"
      if (explainToOperator && auth.has("operator") && (await this.ds.getRepository(OrganizationEntity).existsBy({ id: organizationId }))) throw operatorOutsideItsOwn();
      throw hidden();
    }
    if (auth.user.role !== "admin") throw forbidden("Only an admin of the organization can do this.");
  }

  /**
   * Who changes who may act for an organization (adds people, sets duties, issues keys for others):
   * an admin of that organization who is also an approver, since each such act hands out the power
   * to act for it.
   */
  async requirePeopleManager(auth: AuthContext, organizationId: string, hidden = () => notFound("organization", organizationId)) {
    await this.requireAdminOf(auth, organizationId, hidden);
    if (auth.duty !== "approver") throw peopleNeedApprover();
  }

  // ─── Operations ───────────────────────────────────────────────────

  /**
   * Operations by id with their ledger transaction and how far the indexer has projected, in one
   * statement, read together when several reads ask at once (waiting reads woken by one change
   * notice), with the indexer's checkpoint.
   */
  private readonly operationsById = new Coalescer<string, { op: OutboxEntry; tx: Pick<LedgerTransaction, "txHash" | "blockNumber"> | null; indexed: bigint }>(async (ids) => {
    const rows: Record<string, unknown>[] = await this.ds.query(
      `SELECT o.*, t.id AS t_id, t.tx_hash AS t_tx_hash, t.block_number::text AS t_block_number,
              (SELECT block_number::text FROM indexer_checkpoints WHERE name = $2) AS indexed
       FROM outbox o LEFT JOIN ledger_transactions t ON t.id = o.ledger_tx_id WHERE o.id = ANY($1::bigint[])`,
      [ids, INDEXER_CHECKPOINT],
    );
    return new Map(
      rows.map((r) => [
        String(r.id),
        {
          op: outboxRows.from(this.ds, r),
          tx: r.t_id === null ? null : { txHash: r.t_tx_hash as string, blockNumber: r.t_block_number === null ? null : BigInt(r.t_block_number as string) },
          indexed: r.indexed === null ? -1n : BigInt(r.indexed as string),
        },
      ]),
    );
  });

  async getOperation(auth: AuthContext, id: string) {
    if (!/^[1-9][0-9]{0,17}$/.test(id)) throw notFound("operation", id);
    const found = await this.operationsById.load(BigInt(id).toString());
    const op = found?.op;
    // the organization that asked for it, or the organization it concerns (its onboarding)
    const mine = op && (op.organizationId === auth.organization.id || op.aggregateId === auth.organization.id);
    if (!found || !op || (!readsAll(auth) && !mine)) throw notFound("operation", id);
    const tx = found.tx;
    // "mined" promises read-your-writes: until the indexer has projected its block, it is still "submitted"
    if (op.status === "mined" && tx?.blockNumber != null && tx.blockNumber > found.indexed) return { op: { ...op, status: "submitted" as const }, tx };
    return { op, tx };
  }
}
