import type { DataSource, EntityManager } from "typeorm";
import { OrganizationEntity, type Organization } from "../onboarding";

type Db = DataSource | EntityManager;

/** A token movement as token_movements holds it (amounts and blocks as decimal strings). */
export interface MovementRow {
  id: string;
  kind: "deposit" | "withdrawal" | "transfer";
  from_address: string | null;
  to_address: string | null;
  amount: string;
  block_number: string;
  tx_hash: string;
  at: Date;
  /** What it was for (the ledger's event in the same transaction). */
  purpose: MovementPurpose;
  /** The certificates it paid for between its two parties (certificate numbers). */
  certificate_ids: string[];
  counterparty_id: string | null;
  counterparty_name: string | null;
}

export const MOVEMENT_PURPOSES = ["deposit", "withdrawal", "financing_advance", "repayment", "recourse", "held_payout", "transfer"] as const;
export type MovementPurpose = (typeof MOVEMENT_PURPOSES)[number];

/** What an obligor owes on one day (China Standard Time), outstanding on its live certificates. */
export interface DueRow {
  day: string;
  amount: string;
}

/** The settlement module's reads: the token projections (its tables), and the organizations and dues they are about. */
export const settlementRepository = {
  organization: (db: Db, id: string): Promise<Organization | null> => db.getRepository(OrganizationEntity).findOneBy({ id }),

  activeIssuer: (em: EntityManager): Promise<Organization | null> =>
    em.getRepository(OrganizationEntity).createQueryBuilder("o").where("'settlement_issuer' = ANY(o.roles) AND o.status = 'active'").getOne(),

  async balance(db: Db, address: string): Promise<string | null> {
    const [row]: { balance: string }[] = await db.query(`SELECT balance::text FROM token_balances WHERE address = $1`, [address]);
    return row?.balance ?? null;
  },

  async allowance(db: Db, owner: string, spender: string): Promise<string | null> {
    const [row]: { amount: string }[] = await db.query(`SELECT amount::text FROM token_allowances WHERE owner = $1 AND spender = $2`, [owner, spender]);
    return row?.amount ?? null;
  },

  /**
   * An address's movements, newest first, each with what it was for — read from the ledger's events
   * in the same transaction (a financing's advance, a repayment at maturity, a recourse claim, a held
   * payout paid out) — the certificates it paid for between the two parties, and the other party.
   */
  movements: (db: Db, address: string, limit: number): Promise<MovementRow[]> =>
    db.query(
      `SELECT m.id::text, m.kind, m.from_address, m.to_address, m.amount::text, m.block_number::text, m.tx_hash, m.at,
         CASE WHEN m.kind <> 'transfer' THEN m.kind ELSE coalesce((
           SELECT CASE e.name WHEN 'ReceivableFinanced' THEN 'financing_advance' WHEN 'RecourseClaimed' THEN 'recourse'
                              WHEN 'ReceivableCleared' THEN 'repayment' ELSE 'held_payout' END
           FROM chain_events e WHERE e.tx_hash = m.tx_hash AND e.name IN ('ReceivableFinanced', 'RecourseClaimed', 'ReceivableCleared', 'PayoutWithdrawn')
           ORDER BY CASE e.name WHEN 'ReceivableFinanced' THEN 1 WHEN 'RecourseClaimed' THEN 2 WHEN 'ReceivableCleared' THEN 3 ELSE 4 END LIMIT 1), 'transfer') END AS purpose,
         coalesce((
           SELECT array_agg(DISTINCT e.args->>'id') FROM chain_events e
           WHERE e.tx_hash = m.tx_hash AND e.name IN ('ReceivableFinanced', 'RecourseClaimed', 'ReceivableCleared')
             AND (lower(e.args->>'bank') IN (lower(m.from_address), lower(m.to_address))
                  OR lower(coalesce(e.args->>'seller', e.args->>'holder')) IN (lower(m.from_address), lower(m.to_address)))
         ), '{}') AS certificate_ids,
         o.id AS counterparty_id, o.legal_name AS counterparty_name
       FROM token_movements m
       LEFT JOIN organizations o ON lower(o.ledger_address) = lower(CASE WHEN m.from_address = $1 THEN m.to_address ELSE m.from_address END)
       WHERE m.from_address = $1 OR m.to_address = $1 ORDER BY m.id DESC LIMIT $2`,
      [address, limit],
    ),

  /** What the obligor owes by day: an offered certificate counts too (a transfer is owed whoever signs for it, an issue once its supplier does). */
  dues: (db: Db, obligorId: string): Promise<DueRow[]> =>
    db.query(
      `SELECT to_char(maturity AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS day, sum(amount - repaid)::text AS amount FROM receivables
       WHERE obligor_organization_id = $1 AND status IN ('offered', 'confirmed', 'financed', 'overdue') GROUP BY 1 ORDER BY 1`,
      [obligorId],
    ),
};
