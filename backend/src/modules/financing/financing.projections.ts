import { perEvent, type Projections } from "../../indexer/projections";
import type { OutboxHooks } from "../../ledger/outbox/hooks";
import { describeSelector } from "../../ledger/revert-decoder";
import type { Logger } from "../../shared/logger";
import type { PledgeRegistry } from "../invoices";
import { abandonFunding } from "./financing.repository";
import type { FundingService } from "./funding.service";

/** Every credit line's use moves by additions (they commute); setting a line is ordered with all of them. */
const addsToLines = (e: { args: { id: string } }) => ["+credit-lines", `r:${e.args.id}`];

/** Ledger events → credit lines and financings. `registry` withdraws the filings of fundings the ledger skipped. */
export function financingProjections(p: Projections, deps: { registry: Pick<PledgeRegistry, "withdraw">; log: Logger }): Projections {
  return p
    .on(
      "ReceivableLedger.CreditLineSet",
      perEvent(async (em, e, ctx) => {
        const [bank, obligor] = await Promise.all([ctx.orgId(e.args.bank), ctx.orgId(e.args.obligor)]);
        if (!bank || !obligor) return;
        await em.query(
          `INSERT INTO credit_lines (bank_organization_id, obligor_organization_id, limit_amount, used) VALUES ($1, $2, $3, $4)
           ON CONFLICT (bank_organization_id, obligor_organization_id) DO UPDATE SET limit_amount = $3, used = $4,
             requested_limit = CASE WHEN credit_lines.requested_limit = $3 THEN NULL ELSE credit_lines.requested_limit END, updated_at = now()`,
          [bank, obligor, e.args.limit, e.args.used],
        );
      }),
      () => ["credit-lines"],
    )
    .on(
      "ReceivableLedger.ReceivableFinanced",
      async (em, events, ctx) => {
        const ids = events.map((e) => e.args.id);
        const banks = await Promise.all(events.map((e) => ctx.orgId(e.args.bank)));
        // one addition per line: a multi-row UPDATE changes each row once
        await em.query(
          `UPDATE credit_lines c SET used = used + s.due, updated_at = now()
           FROM (SELECT v.bank, r.obligor_organization_id AS obligor, sum(v.due) AS due
                 FROM unnest($1::bigint[], $2::uuid[], $3::numeric[]) AS v(chain_id, bank, due) JOIN receivables r ON r.chain_id = v.chain_id
                 GROUP BY 1, 2) s
           WHERE c.bank_organization_id = s.bank AND c.obligor_organization_id = s.obligor`,
          [ids, banks, events.map((e) => e.args.due)],
        );
        await em.query(
          `UPDATE financings f SET status = 'funded', funded_at = now(), updated_at = now() FROM receivables r
           WHERE r.chain_id = ANY($1::bigint[]) AND f.receivable_id = r.id AND f.status = 'submitting'`,
          [ids],
        );
        await em.query(
          `UPDATE financing_requests q SET status = 'funded', updated_at = now() FROM receivables r
           WHERE r.chain_id = ANY($1::bigint[]) AND q.receivable_id = r.id AND q.status = 'accepted'`,
          [ids],
        );
      },
      addsToLines,
    )
    .on(
      "ReceivableLedger.FinancingSkipped",
      perEvent(async (em, e, ctx, later) => {
        // the holder (or time) made the certificate or the signature ineligible after signing: the
        // rest of the bank's batch was funded; this financing fails as a refused one does
        const bank = await ctx.orgId(e.args.bank);
        if (!bank) return;
        const rows: { id: string }[] = await em.query(
          `SELECT f.id FROM financings f JOIN receivables r ON r.id = f.receivable_id
           WHERE r.chain_id = $1 AND f.bank_organization_id = $2 AND f.status = 'submitting'`,
          [e.args.id, bank],
        );
        if (!rows.length) return; // funded by an earlier submission of the same terms, or not the platform's
        const why = describeSelector(e.args.reason);
        const reason = `The ledger did not fund it with the rest of the bank's batch: ${why.meaning} The request is open again: accept another quote or cancel it.`;
        const ids = rows.map((r) => r.id);
        await abandonFunding(em, ids, why.code, reason);
        later(async () => {
          for (const id of ids) {
            await deps.registry.withdraw(id).catch((err: Error) =>
              deps.log.error({ financingId: id, err: err.message }, "could not withdraw the registry filing of a financing the ledger skipped; withdraw it by hand"),
            );
          }
        });
      }),
      (e) => [`r:${e.args.id}`],
    )
    .on(
      "ReceivableLedger.ReceivableCleared",
      async (em, events) => {
        const toBank = events.filter((e) => BigInt(e.args.toBank) !== 0n);
        if (!toBank.length) return;
        await em.query(
          `UPDATE credit_lines c SET used = used - s.paid, updated_at = now()
           FROM (SELECT r.financing_bank_organization_id AS bank, r.obligor_organization_id AS obligor, sum(v.paid) AS paid
                 FROM unnest($1::bigint[], $2::numeric[]) AS v(chain_id, paid) JOIN receivables r ON r.chain_id = v.chain_id
                 GROUP BY 1, 2) s
           WHERE c.bank_organization_id = s.bank AND c.obligor_organization_id = s.obligor`,
          [toBank.map((e) => e.args.id), toBank.map((e) => e.args.toBank)],
        );
      },
      addsToLines,
    )
    .on(
      "ReceivableLedger.ReceivableDefaulted",
      perEvent(async (em, e) => {
        // the line no longer carries what the bank has not received: it is a loss now
        await em.query(
          `UPDATE credit_lines c SET used = used - GREATEST(r.due - LEAST(r.repaid, r.due), 0), updated_at = now() FROM receivables r
           WHERE r.chain_id = $1 AND r.financing_bank_organization_id IS NOT NULL
             AND c.bank_organization_id = r.financing_bank_organization_id AND c.obligor_organization_id = r.obligor_organization_id`,
          [e.args.id],
        );
      }),
      addsToLines,
    );
}

/**
 * A funding the ledger refused: the financing fails with the ledger's reason, its registry filings
 * are withdrawn and its request reopens (see `abandonFunding`).
 */
export function financingHooks(hooks: OutboxHooks, financing: Pick<FundingService, "ledgerRefused">): OutboxHooks {
  return hooks
    .onFailure("ledger.finance", async (em, rows, failure) => {
      const ids = rows.map((r) => r.aggregateId).filter((id): id is string => Boolean(id));
      const reason = `${failure.meaning} ${failure.action} The request is open again: accept another quote or cancel it.`.trim();
      await financing.ledgerRefused(em, ids, failure.code, reason);
    })
    .onFailure("ledger.setCreditLine", async (em, rows) => {
      for (const r of rows) {
        await em.query(`UPDATE credit_lines SET requested_limit = NULL WHERE operation_id = $1`, [r.id.toString()]);
      }
    });
}
