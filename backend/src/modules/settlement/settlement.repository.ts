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
  /** A withdrawal's payout account as it was when asked for (masked number). */
  payout_bank_name: string | null;
  payout_branch: string | null;
  payout_account_name: string | null;
  payout_account_number_masked: string | null;
}

/** A member's payout bank account on file (payout_accounts). */
export interface PayoutAccountRow {
  organization_id: string;
  bank_name: string;
  branch: string | null;
  account_name: string;
  account_number: string;
  updated_at: Date;
}

/** What a withdrawal records of the account it is paid to. */
export interface PayoutSnapshot {
  bankName: string;
  branch: string | null;
  accountName: string;
  accountNumberMasked: string;
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
         o.id AS counterparty_id, o.legal_name AS counterparty_name,
         w.bank_name AS payout_bank_name, w.branch AS payout_branch, w.account_name AS payout_account_name,
         w.account_number_masked AS payout_account_number_masked
       FROM token_movements m
       LEFT JOIN organizations o ON lower(o.ledger_address) = lower(CASE WHEN m.from_address = $1 THEN m.to_address ELSE m.from_address END)
       LEFT JOIN LATERAL (
         SELECT pw.* FROM ledger_transactions lt JOIN outbox ob ON ob.ledger_tx_id = lt.id JOIN payout_withdrawals pw ON pw.operation_id = ob.id
         WHERE m.kind = 'withdrawal' AND lt.tx_hash = m.tx_hash AND pw.amount = m.amount LIMIT 1
       ) w ON true
       WHERE m.from_address = $1 OR m.to_address = $1 ORDER BY m.id DESC LIMIT $2`,
      [address, limit],
    ),

  payoutAccount: async (db: Db, organizationId: string): Promise<PayoutAccountRow | null> => {
    const [row]: PayoutAccountRow[] = await db.query(
      `SELECT organization_id, bank_name, branch, account_name, account_number, updated_at FROM payout_accounts WHERE organization_id = $1`,
      [organizationId],
    );
    return row ?? null;
  },

  /** Sets (or replaces) a member's payout account. */
  async setPayoutAccount(db: Db, organizationId: string, userId: string, a: { bankName: string; branch: string | null; accountName: string; accountNumber: string }) {
    await db.query(
      `INSERT INTO payout_accounts (organization_id, bank_name, branch, account_name, account_number, updated_by) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (organization_id) DO UPDATE SET bank_name = EXCLUDED.bank_name, branch = EXCLUDED.branch, account_name = EXCLUDED.account_name,
         account_number = EXCLUDED.account_number, updated_by = EXCLUDED.updated_by, updated_at = now()`,
      [organizationId, a.bankName, a.branch, a.accountName, a.accountNumber, userId],
    );
  },

  /** The withdrawal (its burn operation) and the account it is paid to, as it is now. */
  async recordWithdrawal(em: EntityManager, operationId: string, organizationId: string, amount: bigint, to: PayoutSnapshot) {
    await em.query(
      `INSERT INTO payout_withdrawals (operation_id, organization_id, amount, bank_name, branch, account_name, account_number_masked) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [operationId, organizationId, amount.toString(), to.bankName, to.branch, to.accountName, to.accountNumberMasked],
    );
  },

  /** What the obligor owes by day: an offered certificate counts too (a transfer is owed whoever signs for it, an issue once its supplier does). */
  dues: (db: Db, obligorId: string): Promise<DueRow[]> =>
    db.query(
      `SELECT to_char(maturity AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS day, sum(amount - repaid)::text AS amount FROM receivables
       WHERE obligor_organization_id = $1 AND status IN ('offered', 'confirmed', 'financed', 'overdue') GROUP BY 1 ORDER BY 1`,
      [obligorId],
    ),
};
