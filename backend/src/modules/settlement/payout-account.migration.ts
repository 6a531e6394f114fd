import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Where a member's withdrawals are paid: its payout bank account (one per organization, replaced
 * when its approver changes it), and each withdrawal with the account it was paid to as it was
 * then (masked: reconciliation matches it against the bank's statement; the full number stays on
 * the member's account on file).
 */
export class PayoutAccounts1734470000000 implements MigrationInterface {
  name = "PayoutAccounts1734470000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE payout_accounts (
        organization_id uuid PRIMARY KEY REFERENCES organizations(id),
        bank_name text NOT NULL,
        branch text,
        account_name text NOT NULL,
        account_number text NOT NULL CHECK (account_number ~ '^[0-9]{6,32}$'),
        updated_by uuid REFERENCES users(id),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE payout_withdrawals (
        operation_id bigint PRIMARY KEY REFERENCES outbox(id),
        organization_id uuid NOT NULL REFERENCES organizations(id),
        amount numeric(78, 0) NOT NULL CHECK (amount > 0),
        bank_name text NOT NULL,
        branch text,
        account_name text NOT NULL,
        account_number_masked text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX payout_withdrawals_organization ON payout_withdrawals (organization_id, created_at);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE payout_withdrawals, payout_accounts`);
  }
}
