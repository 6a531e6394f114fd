/**
 * The onboarding module's statements on organizations, users and api_keys, and what it reads of the
 * ledger's tables (the operator's key, operations and their transactions). Invitations and sessions
 * are in people.repository.ts. Each takes the pool or the transaction it runs in.
 */
import type { DataSource, EntityManager } from "typeorm";
import { Rows } from "../../shared/rows";
import { LedgerKeyEntity, type LedgerKey } from "../../ledger/ledger.entity";
import { OutboxEntity, type LedgerTransaction, type OutboxEntry } from "../../ledger/outbox/outbox.entity";
import { INDEXER_CHECKPOINT } from "../../indexer/indexer.entity";
import { ApiKeyEntity, OrganizationEntity, UserEntity, type ApiKey, type Organization, type OrgRole, type User } from "./onboarding.entity";

type Db = DataSource | EntityManager;

const outboxRows = new Rows(OutboxEntity);

/** An operation with its ledger transaction, and how far the indexer has projected (-1: not started). */
export interface OperationRow {
  op: OutboxEntry;
  tx: Pick<LedgerTransaction, "txHash" | "blockNumber"> | null;
  indexed: bigint;
}

// ─── organizations ──────────────────────────────────────────────────

export async function organizationExists(db: Db, by: Pick<Organization, "id"> | Pick<Organization, "uscc"> | { ledgerAddress: string }): Promise<boolean> {
  return db.getRepository(OrganizationEntity).existsBy(by);
}

export async function insertOrganization(db: Db, org: Omit<Organization, "id" | "chainBlock" | "kycApprovedAt" | "kycApprovedBy" | "suspensionReason" | "createdAt" | "updatedAt">): Promise<Organization> {
  const repo = db.getRepository(OrganizationEntity);
  return repo.save(repo.create(org));
}

/** Organizations by id, from `after`: all of them, or only `own` (null: all). */
export async function organizationsPage(db: Db, limit: number, after: string | undefined, own: string | null): Promise<Organization[]> {
  const q = db.getRepository(OrganizationEntity).createQueryBuilder("o").orderBy("o.id").limit(limit);
  if (own) q.where("o.id = :own", { own });
  if (after) q.andWhere("o.id > :after", { after });
  return q.getMany();
}

/** Active and suspended organizations by id, from `after`, of one role or all. */
export async function memberDirectory(db: Db, q: { role?: OrgRole; limit: number; after?: string }): Promise<Organization[]> {
  const qb = db.getRepository(OrganizationEntity).createQueryBuilder("o").where("o.status IN ('active', 'suspended')").orderBy("o.id").limit(q.limit);
  if (q.role) qb.andWhere(":role = ANY(o.roles)", { role: q.role });
  if (q.after) qb.andWhere("o.id > :after", { after: q.after });
  return qb.getMany();
}

export async function organizationById(db: Db, id: string): Promise<Organization | null> {
  return db.getRepository(OrganizationEntity).findOneBy({ id });
}

export async function organizationByIdOrFail(em: EntityManager, id: string): Promise<Organization> {
  return em.getRepository(OrganizationEntity).findOneByOrFail({ id });
}

export async function lockOrganization(em: EntityManager, id: string): Promise<Organization | null> {
  return em.getRepository(OrganizationEntity).findOne({ where: { id }, lock: { mode: "pessimistic_write" } });
}

export async function saveOrganization(em: EntityManager, org: Organization): Promise<void> {
  await em.getRepository(OrganizationEntity).save(org);
}

// ─── users ──────────────────────────────────────────────────────────

export async function userExists(db: Db, organizationId: string, email: string): Promise<boolean> {
  return db.getRepository(UserEntity).existsBy({ organizationId, email });
}

export async function insertUser(db: Db, user: Pick<User, "organizationId" | "email" | "name" | "role" | "duty"> & Partial<Pick<User, "passwordHash" | "passwordChangedAt">>): Promise<User> {
  const repo = db.getRepository(UserEntity);
  return repo.save(repo.create(user));
}

/** The organization's users, oldest first. */
export async function usersOf(db: Db, organizationId: string): Promise<User[]> {
  return db.getRepository(UserEntity).find({ where: { organizationId }, order: { createdAt: "ASC" } });
}

export async function userById(db: Db, id: string): Promise<User | null> {
  return db.getRepository(UserEntity).findOneBy({ id });
}

export async function userByIdOrFail(em: EntityManager, id: string): Promise<User> {
  return em.getRepository(UserEntity).findOneByOrFail({ id });
}

/** The organization's user of that id (null: none). */
export async function userOf(db: Db, organizationId: string, id: string): Promise<User | null> {
  return db.getRepository(UserEntity).findOneBy({ id, organizationId });
}

export async function updateUser(db: Db, id: string, fields: Partial<Pick<User, "role" | "duty" | "passwordHash" | "passwordChangedAt">>): Promise<void> {
  await db.getRepository(UserEntity).update({ id }, fields);
}

/** The user's password hash (null: no password, or no such user). */
export async function passwordHashOf(db: Db, userId: string): Promise<string | null> {
  const [row] = await db.query(`SELECT password_hash FROM users WHERE id = $1`, [userId]);
  return row?.password_hash ?? null;
}

export async function setPassword(em: EntityManager, userId: string, hash: string): Promise<void> {
  await em.query(`UPDATE users SET password_hash = $2, password_changed_at = now() WHERE id = $1`, [userId, hash]);
}

// ─── api_keys ───────────────────────────────────────────────────────

export async function insertApiKey(db: Db, key: Pick<ApiKey, "organizationId" | "userId" | "prefix" | "secretHash" | "label">): Promise<ApiKey> {
  const repo = db.getRepository(ApiKeyEntity);
  return repo.save(repo.create(key));
}

/** The keys of an organization or of a user, oldest first. */
export async function apiKeysOf(db: Db, of: Pick<ApiKey, "organizationId"> | Pick<ApiKey, "userId">): Promise<ApiKey[]> {
  return db.getRepository(ApiKeyEntity).find({ where: of, order: { createdAt: "ASC" } });
}

export async function apiKeyById(db: Db, id: string): Promise<ApiKey | null> {
  return db.getRepository(ApiKeyEntity).findOneBy({ id });
}

export async function revokeApiKey(db: Db, id: string): Promise<void> {
  await db.getRepository(ApiKeyEntity).update({ id }, { revokedAt: new Date() });
}

// ─── the ledger's tables (read) ─────────────────────────────────────

/** The newest operator key (retired or not). */
export async function latestOperatorKey(db: Db): Promise<LedgerKey | null> {
  return db.getRepository(LedgerKeyEntity).findOne({ where: { purpose: "operator" }, order: { createdAt: "DESC" } });
}

/** Whether an operation about `aggregateId` is still waiting to be sent. */
export async function operationPendingFor(em: EntityManager, aggregateId: string): Promise<boolean> {
  return em.getRepository(OutboxEntity).existsBy({ aggregateId, status: "pending" });
}

/** Operations by id with their ledger transaction and the indexer's checkpoint, in one statement. */
export async function operationsByIds(ds: DataSource, ids: string[]): Promise<Map<string, OperationRow>> {
  const rows: Record<string, unknown>[] = await ds.query(
    `SELECT o.*, t.id AS t_id, t.tx_hash AS t_tx_hash, t.block_number::text AS t_block_number,
              (SELECT block_number::text FROM indexer_checkpoints WHERE name = $2) AS indexed
       FROM outbox o LEFT JOIN ledger_transactions t ON t.id = o.ledger_tx_id WHERE o.id = ANY($1::bigint[])`,
    [ids, INDEXER_CHECKPOINT],
  );
  return new Map(
    rows.map((r) => [
      String(r.id),
      {
        op: outboxRows.from(ds, r),
        tx: r.t_id === null ? null : { txHash: r.t_tx_hash as string, blockNumber: r.t_block_number === null ? null : BigInt(r.t_block_number as string) },
        indexed: r.indexed === null ? -1n : BigInt(r.indexed as string),
      },
    ]),
  );
}
