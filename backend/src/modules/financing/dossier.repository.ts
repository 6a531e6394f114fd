/**
 * What a credit officer's dossier on a financing request reads: the certificate's line up to its
 * original, and the supplier's financing history on the platform as aggregates (one statement each,
 * bounded: a certificate's ancestry is its tier, the history reads the supplier's funded financings
 * through financings_supplier and each certificate's clearing events through their index).
 */
import type { EntityManager } from "typeorm";

/** A certificate and its ancestors, itself first, its original last. */
export interface Ancestor {
  id: string;
  chainId: string | null;
  tier: number;
  createdAt: Date;
}

export async function ancestry(em: EntityManager, receivableId: string): Promise<Ancestor[]> {
  const rows: { id: string; chain_id: string | null; tier: number; created_at: Date; depth: number }[] = await em.query(
    `WITH RECURSIVE up AS (SELECT id, parent_id, chain_id, tier, created_at, 0 AS depth FROM receivables WHERE id = $1
       UNION ALL SELECT p.id, p.parent_id, p.chain_id, p.tier, p.created_at, up.depth + 1 FROM receivables p JOIN up ON p.id = up.parent_id WHERE up.depth < 64)
     SELECT id, chain_id::text AS chain_id, tier, created_at, depth FROM up ORDER BY depth`,
    [receivableId],
  );
  return rows.map((r) => ({ id: r.id, chainId: r.chain_id, tier: r.tier, createdAt: r.created_at }));
}

/** A supplier's standing on the platform: when it joined, and what its funded financings became. */
export interface SupplierHistory {
  name: string;
  memberSince: Date;
  financings: number;
  /** What the banks advanced, in fen. */
  advanced: bigint;
  /** Settled, never overdue. */
  repaidOnTime: number;
  /** Settled after being overdue. */
  repaidLate: number;
  overdue: number;
  defaulted: number;
  /** Financings on which a bank claimed on the supplier (recourse). */
  recourseClaims: number;
  /** Still owed to `bank` on live financings (financed or overdue certificates), in fen. */
  outstandingWithYou: bigint;
  /** Still owed to all other banks together, in fen (never per bank). */
  outstandingWithOthers: bigint;
}

export async function supplierHistory(em: EntityManager, supplierId: string, bankId: string): Promise<SupplierHistory> {
  const [h] = await em.query(
    `WITH fin AS (
       SELECT f.bank_organization_id = $2 AS mine, f.advance, r.status,
              GREATEST(f.due - LEAST(r.paid_to_bank, f.due), 0) AS owed,
              EXISTS (SELECT 1 FROM clearing_events c WHERE c.receivable_id = r.id AND (c.status = 'overdue' OR c.kind = 'defaulted')) AS was_overdue,
              EXISTS (SELECT 1 FROM clearing_events c WHERE c.receivable_id = r.id AND c.kind = 'recourse') AS recourse_claimed
       FROM financings f JOIN receivables r ON r.id = f.receivable_id
       WHERE f.supplier_organization_id = $1 AND f.status = 'funded')
     SELECT o.legal_name AS name, COALESCE(o.kyc_approved_at, o.created_at) AS member_since,
            (SELECT count(*) FROM fin)::int AS financings,
            (SELECT COALESCE(sum(advance), 0) FROM fin)::text AS advanced,
            (SELECT count(*) FROM fin WHERE status = 'settled' AND NOT was_overdue)::int AS repaid_on_time,
            (SELECT count(*) FROM fin WHERE status = 'settled' AND was_overdue)::int AS repaid_late,
            (SELECT count(*) FROM fin WHERE status = 'overdue')::int AS overdue,
            (SELECT count(*) FROM fin WHERE status = 'defaulted')::int AS defaulted,
            (SELECT count(*) FROM fin WHERE recourse_claimed)::int AS recourse_claims,
            (SELECT COALESCE(sum(owed), 0) FROM fin WHERE mine AND status IN ('financed', 'overdue'))::text AS with_you,
            (SELECT COALESCE(sum(owed), 0) FROM fin WHERE NOT mine AND status IN ('financed', 'overdue'))::text AS with_others
     FROM organizations o WHERE o.id = $1`,
    [supplierId, bankId],
  );
  return {
    name: h.name,
    memberSince: h.member_since,
    financings: h.financings,
    advanced: BigInt(h.advanced),
    repaidOnTime: h.repaid_on_time,
    repaidLate: h.repaid_late,
    overdue: h.overdue,
    defaulted: h.defaulted,
    recourseClaims: h.recourse_claims,
    outstandingWithYou: BigInt(h.with_you),
    outstandingWithOthers: BigInt(h.with_others),
  };
}
