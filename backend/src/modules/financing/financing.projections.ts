import type { Projections } from "../../indexer/projections";
import type { OutboxHooks } from "../../ledger/outbox/hooks";
import { organizationIdByAddress } from "../onboarding/members";

/** Ledger events → credit lines and financings. */
export function financingProjections(p: Projections): Projections {
  return p
    .on("ReceivableLedger.CreditLineSet", async (em, e) => {
      const [bank, obligor] = await Promise.all([organizationIdByAddress(em, String(e.args.bank)), organizationIdByAddress(em, String(e.args.obligor))]);
      if (!bank || !obligor) return;
      await em.query(
        `INSERT INTO credit_lines (bank_organization_id, obligor_organization_id, limit_amount, used) VALUES ($1, $2, $3, $4)
         ON CONFLICT (bank_organization_id, obligor_organization_id) DO UPDATE SET limit_amount = $3, used = $4,
           requested_limit = CASE WHEN credit_lines.requested_limit = $3 THEN NULL ELSE credit_lines.requested_limit END, updated_at = now()`,
        [bank, obligor, String(e.args.limit), String(e.args.used)],
      );
    })
    .on("ReceivableLedger.ReceivableFinanced", async (em, e) => {
      await em.query(
        `UPDATE credit_lines c SET used = used + $3, updated_at = now() FROM receivables r, organizations b
         WHERE r.chain_id = $1 AND b.ledger_address = $2 AND c.bank_organization_id = b.id AND c.obligor_organization_id = r.obligor_organization_id`,
        [String(e.args.id), String(e.args.bank), String(e.args.due)],
      );
      await em.query(
        `UPDATE financings f SET status = 'funded', funded_at = now(), updated_at = now() FROM receivables r
         WHERE r.chain_id = $1 AND f.receivable_id = r.id AND f.status = 'submitting'`,
        [String(e.args.id)],
      );
      await em.query(
        `UPDATE financing_requests q SET status = 'funded', updated_at = now() FROM receivables r
         WHERE r.chain_id = $1 AND q.receivable_id = r.id AND q.status = 'accepted'`,
        [String(e.args.id)],
      );
    })
    .on("ReceivableLedger.ReceivableCleared", async (em, e) => {
      if (BigInt(String(e.args.toBank)) === 0n) return;
      await em.query(
        `UPDATE credit_lines c SET used = used - $2, updated_at = now() FROM receivables r
         WHERE r.chain_id = $1 AND c.bank_organization_id = r.financing_bank_organization_id AND c.obligor_organization_id = r.obligor_organization_id`,
        [String(e.args.id), String(e.args.toBank)],
      );
    })
    .on("ReceivableLedger.ReceivableDefaulted", async (em, e) => {
      // the line no longer carries what the bank has not received: it is a loss now
      await em.query(
        `UPDATE credit_lines c SET used = used - GREATEST(r.due - LEAST(r.repaid, r.due), 0), updated_at = now() FROM receivables r
         WHERE r.chain_id = $1 AND r.financing_bank_organization_id IS NOT NULL
           AND c.bank_organization_id = r.financing_bank_organization_id AND c.obligor_organization_id = r.obligor_organization_id`,
        [String(e.args.id)],
      );
    });
}

/** A funding the ledger refused: the financing and its request fail, with the ledger's reason. */
export function financingHooks(hooks: OutboxHooks): OutboxHooks {
  return hooks
    .onFailure("ledger.finance", async (em, rows, failure) => {
      const ids = rows.map((r) => r.aggregateId).filter(Boolean);
      const reason = `${failure.meaning} ${failure.action}`.trim();
      await em.query(`UPDATE financings SET status = 'failed', failure_code = $2, failure_reason = $3, updated_at = now() WHERE id = ANY($1::uuid[])`, [ids, failure.code, reason]);
      await em.query(`UPDATE financing_requests SET status = 'failed', updated_at = now() WHERE id IN (SELECT request_id FROM financings WHERE id = ANY($1::uuid[]))`, [ids]);
    })
    .onFailure("ledger.setCreditLine", async (em, rows) => {
      for (const r of rows) {
        await em.query(`UPDATE credit_lines SET requested_limit = NULL WHERE operation_id = $1`, [r.id.toString()]);
      }
    });
}
