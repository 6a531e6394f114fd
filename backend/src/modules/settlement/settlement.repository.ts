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
}

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

  movements: (db: Db, address: string, limit: number): Promise<MovementRow[]> =>
    db.query(
      `SELECT id::text, kind, from_address, to_address, amount::text, block_number::text, tx_hash, at FROM token_movements
       WHERE from_address = $1 OR to_address = $1 ORDER BY id DESC LIMIT $2`,
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
