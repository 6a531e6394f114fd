import { encodeBytes32String, keccak256, toUtf8Bytes } from "ethers";
import type { DataSource, EntityManager } from "typeorm";
import { AppError, conflict, forbidden, notFound } from "../../shared/errors";
import { inTransaction } from "../../shared/transaction";
import { readsAll, type AuthContext } from "../../shared/http/auth";
import type { KeyVault } from "../../ledger/key-vault";
import type { OperationBody, Outbox } from "../../ledger/outbox/outbox.service";
import type { OutboxEntry } from "../../ledger/outbox/outbox.entity";
import { Coalescer } from "../../shared/coalesce";
import { MemberRole } from "../../ledger/roles";
import { issueApiKey } from "./api-key-secret";
import type { ApiKey, Organization, OrgRole, User } from "./onboarding.entity";
import * as repo from "./onboarding.repository";
import type { OperationRow } from "./onboarding.repository";
import { adminProblem, dutyManagesPeople, operationAsSeen } from "./onboarding.rules";

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
  enterpriseSize?: Organization["enterpriseSize"];
  settlementLicence?: Organization["settlementLicence"];
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

/**
 * Whether `auth`, which neither asked for the operation nor is the organization it onboards, is a
 * party to what the operation changes and may follow it (e.g. the supplier of a financing its bank
 * funds). Registered by the module that owns what operations of a kind change.
 */
export type OperationParties = (auth: AuthContext, op: OutboxEntry) => Promise<boolean>;

export class OnboardingService {
  constructor(
    private readonly ds: DataSource,
    private readonly outbox: Outbox,
    private readonly vault: KeyVault,
  ) {}

  // ─── Organizations ────────────────────────────────────────────────

  async createOrganization(input: CreateOrganization): Promise<Organization> {
    if (await repo.organizationExists(this.ds, { uscc: input.unifiedSocialCreditCode })) {
      throw conflict("ORGANIZATION.DUPLICATE", `An organization with unified social credit code ${input.unifiedSocialCreditCode} is already registered.`);
    }
    if (input.ledgerAddress && (await repo.organizationExists(this.ds, { ledgerAddress: input.ledgerAddress }))) {
      throw conflict("ORGANIZATION.ADDRESS_TAKEN", `Ledger address ${input.ledgerAddress} already belongs to an organization.`);
    }
    return repo.insertOrganization(this.ds, {
      legalName: input.legalName,
      uscc: input.unifiedSocialCreditCode,
      roles: input.roles,
      contacts: input.contacts,
      status: "pending",
      chainOrgId: chainOrgId(input.unifiedSocialCreditCode),
      keyCustody: input.ledgerAddress ? "external" : "custodial",
      ledgerAddress: input.ledgerAddress ?? null,
      chainStatus: "none",
      enterpriseSize: input.enterpriseSize ?? null,
      settlementLicence: input.settlementLicence ?? null,
    });
  }

  async listOrganizations(auth: AuthContext, limit: number, after?: string): Promise<Organization[]> {
    return repo.organizationsPage(this.ds, limit, after, readsAll(auth) ? null : auth.organization.id);
  }

  /**
   * The consortium's members as every member may know them (to pick a counterparty by name):
   * active organizations' names, codes and roles, never their contacts or keys.
   */
  async directory(q: { role?: OrgRole; limit: number; after?: string }): Promise<Organization[]> {
    return repo.memberDirectory(this.ds, q);
  }

  /** An organization the caller may see; another tenant's is reported as absent. */
  async getOrganization(auth: AuthContext, id: string): Promise<Organization> {
    if (!readsAll(auth) && id !== auth.organization.id) throw notFound("organization", id);
    const org = await repo.organizationById(this.ds, id);
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
      await repo.saveOrganization(em, org);
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
      if (await repo.operationPendingFor(em, org.id)) throw conflict("ORGANIZATION.CHANGE_IN_PROGRESS", "A change to this organization is still being written to the ledger; retry when it is done.");
      const call = change(org);
      await repo.saveOrganization(em, org);
      const operation = await this.outbox.add(em, { ...call, signer, organizationId: auth.organization.id, aggregateId: org.id });
      return { organization: org, operation };
    });
    await this.outbox.dispatch([result.operation]);
    return result;
  }

  private async lockOrganization(em: EntityManager, id: string): Promise<Organization> {
    const org = await repo.lockOrganization(em, id);
    if (!org) throw notFound("organization", id);
    return org;
  }

  /** The platform's operator key, which signs membership changes. */
  private async operatorAddress(): Promise<string> {
    const key = await repo.latestOperatorKey(this.ds);
    if (!key || key.retiredAt) {
      throw new AppError("LEDGER.NOT_DEPLOYED", 503, "The platform has no operator ledger key yet: run `npm run ops -- deploy`.");
    }
    return key.address;
  }

  // ─── Users and API keys ───────────────────────────────────────────

  async createUser(auth: AuthContext, organizationId: string, input: Pick<User, "email" | "name" | "role" | "duty">): Promise<User> {
    await this.requirePeopleManager(auth, organizationId);
    if (await repo.userExists(this.ds, organizationId, input.email)) {
      throw conflict("USER.DUPLICATE", `${input.email} is already a user of this organization.`);
    }
    return repo.insertUser(this.ds, { organizationId, ...input });
  }

  async listUsers(auth: AuthContext, organizationId: string): Promise<User[]> {
    await this.getOrganization(auth, organizationId);
    return repo.usersOf(this.ds, organizationId);
  }

  /** A key for yourself (any duty that may write), or, as your organization's admin and approver, for a colleague. */
  async issueKey(auth: AuthContext, input: { label: string; userId?: string }): Promise<{ key: string; row: ApiKey }> {
    const userId = input.userId ?? auth.user.id;
    const user = await repo.userById(this.ds, userId);
    // another tenant's user is absent, whoever asks (the operator included: it never holds a member's key)
    if (!user || user.disabledAt || user.organizationId !== auth.organization.id) throw notFound("user", userId);
    if (userId !== auth.user.id) await this.requirePeopleManager(auth, user.organizationId, () => notFound("user", userId));
    const issued = issueApiKey();
    const row = await repo.insertApiKey(this.ds, { organizationId: user.organizationId, userId, prefix: issued.prefix, secretHash: issued.secretHash, label: input.label });
    return { key: issued.key, row };
  }

  async listKeys(auth: AuthContext): Promise<ApiKey[]> {
    const where = auth.user.role === "admin" ? { organizationId: auth.organization.id } : { userId: auth.user.id };
    return repo.apiKeysOf(this.ds, where);
  }

  /** Your own key, or as your organization's admin any of its keys (revoking only ever takes access away). */
  async revokeKey(auth: AuthContext, id: string): Promise<void> {
    const key = await repo.apiKeyById(this.ds, id);
    if (!key) throw notFound("API key", id);
    // another organization's key is absent to everyone, the operator too (it lists no one's keys but its own)
    if (key.userId !== auth.user.id) await this.requireAdminOf(auth, key.organizationId, () => notFound("API key", id), false);
    if (!key.revokedAt) await repo.revokeApiKey(this.ds, id);
  }

  /**
   * An admin of `organizationId`, calling from it. Nobody else, the operator included: the
   * operator never acts inside another organization (ARCHITECTURE.md, "Trust boundaries").
   */
  async requireAdminOf(auth: AuthContext, organizationId: string, hidden = () => notFound("organization", organizationId), explainToOperator = true) {
    const problem = adminProblem(auth, organizationId);
    if (problem === "outside") {
      // the operator reads every organization and its users: tell it why, not "absent"
      if (explainToOperator && auth.has("operator") && (await repo.organizationExists(this.ds, { id: organizationId }))) throw operatorOutsideItsOwn();
      throw hidden();
    }
    if (problem === "not-admin") throw forbidden("Only an admin of the organization can do this.");
  }

  /**
   * Who changes who may act for an organization (adds people, sets duties, issues keys for others):
   * an admin of that organization who is also an approver, since each such act hands out the power
   * to act for it.
   */
  async requirePeopleManager(auth: AuthContext, organizationId: string, hidden = () => notFound("organization", organizationId)) {
    await this.requireAdminOf(auth, organizationId, hidden);
    if (!dutyManagesPeople(auth.duty)) throw peopleNeedApprover();
  }

  // ─── Operations ───────────────────────────────────────────────────

  /**
   * Operations by id with their ledger transaction and how far the indexer has projected, in one
   * statement, read together when several reads ask at once (waiting reads woken by one change
   * notice), with the indexer's checkpoint.
   */
  private readonly operationsById = new Coalescer<string, OperationRow>((ids) => repo.operationsByIds(this.ds, ids));

  private readonly parties = new Map<string, OperationParties>();

  /** Lets the parties `parties` names follow operations of `kind` too (GET /v1/operations/{id}). */
  shareOperations(kind: string, parties: OperationParties): void {
    this.parties.set(kind, parties);
  }

  async getOperation(auth: AuthContext, id: string) {
    if (!/^[1-9][0-9]{0,17}$/.test(id)) throw notFound("operation", id);
    const found = await this.operationsById.load(BigInt(id).toString());
    let seen = operationAsSeen(auth, found);
    const parties = found && this.parties.get(found.op.kind);
    if (!seen && parties && (await parties(auth, found.op))) seen = operationAsSeen(auth, found, true);
    if (!seen) throw notFound("operation", id);
    return seen;
  }
}
