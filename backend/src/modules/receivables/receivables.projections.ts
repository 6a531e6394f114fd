import type { EntityManager } from "typeorm";
import type { Projections } from "../../indexer/projections";
import type { ChainEvent } from "../../indexer/indexer.entity";
import { organizationIdByAddress } from "../onboarding/members";
import { CHAIN_STATUS } from "./receivable.entity";
import { rowsOf } from "../../shared/db-types";

const arg = (e: ChainEvent, name: string) => String(e.args[name]);

/** Releases the invoices of a certificate that will never be confirmed. */
async function releaseInvoices(em: EntityManager, chainId: string) {
  await em.query(`UPDATE invoices SET receivable_id = NULL, updated_at = now() WHERE receivable_id = (SELECT id FROM receivables WHERE chain_id = $1)`, [chainId]);
}

/** A certificate created on chain: matched to the platform's row by its (unique) invoice keys, or recorded as new. */
async function created(em: EntityManager, e: ChainEvent, status: "pending" | "confirmed", origin: "registered" | "issued") {
  const keys = e.args.invoiceKeys as string[];
  const matched = rowsOf(
    await em.query(
      `UPDATE receivables SET chain_id = $1, status = $2, chain_block = $3, updated_at = now()
       WHERE chain_id IS NULL AND invoice_keys @> $4::text[] RETURNING id`,
      [arg(e, "id"), status, e.blockNumber.toString(), [keys[0]]],
    ),
  );
  if (matched.length) return;
  // registered outside the platform (a member with its own key): record it if we know both parties
  const [obligor, creditor] = await Promise.all([organizationIdByAddress(em, arg(e, "obligor")), organizationIdByAddress(em, arg(e, "creditor"))]);
  if (!obligor || !creditor) return;
  await em.query(
    `INSERT INTO receivables (chain_id, origin, obligor_organization_id, creditor_organization_id, holder_organization_id, amount, maturity, status, invoices_root, invoice_keys, chain_block)
     VALUES ($1, $2, $3, $4, $4, $5, to_timestamp($6), $7, $8, $9, $10) ON CONFLICT (chain_id) DO NOTHING`,
    [arg(e, "id"), origin, obligor, creditor, arg(e, "amount"), arg(e, "maturity"), status, arg(e, "invoicesRoot"), keys, e.blockNumber.toString()],
  );
}

/** Ledger events → receivable certificates as the API shows them. */
export function receivablesProjections(p: Projections): Projections {
  return p
    .on("ReceivableLedger.ReceivableRegistered", (em, e) => created(em, e, "pending", "registered"))
    .on("ReceivableLedger.ReceivableIssued", (em, e) => created(em, e, "confirmed", "issued"))
    .on("ReceivableLedger.ReceivableConfirmed", async (em, e) => {
      await em.query(`UPDATE receivables SET status = 'confirmed', chain_block = $2, updated_at = now() WHERE chain_id = $1 AND status = 'pending'`, [arg(e, "id"), e.blockNumber.toString()]);
    })
    .on("ReceivableLedger.ReceivableRejected", async (em, e) => {
      await em.query(`UPDATE receivables SET status = 'rejected', chain_block = $2, updated_at = now() WHERE chain_id = $1`, [arg(e, "id"), e.blockNumber.toString()]);
      await releaseInvoices(em, arg(e, "id"));
    })
    .on("ReceivableLedger.ReceivableCancelled", async (em, e) => {
      await em.query(`UPDATE receivables SET status = 'cancelled', chain_block = $2, updated_at = now() WHERE chain_id = $1`, [arg(e, "id"), e.blockNumber.toString()]);
      await releaseInvoices(em, arg(e, "id"));
    })
    .on("ReceivableLedger.ReceivableSplit", async (em, e) => {
      const holder = await organizationIdByAddress(em, arg(e, "holder"));
      await em.query(`UPDATE receivables SET status = 'split', chain_block = $2, updated_at = now() WHERE chain_id = $1`, [arg(e, "parentId"), e.blockNumber.toString()]);
      if (!holder) return;
      await em.query(
        `INSERT INTO receivables (chain_id, origin, obligor_organization_id, creditor_organization_id, holder_organization_id, amount, currency, maturity, status, tier, parent_id, chain_block)
         SELECT $1, 'split', p.obligor_organization_id, $2, $2, $3, p.currency, p.maturity, 'confirmed', $4, p.id, $5 FROM receivables p WHERE p.chain_id = $6
         ON CONFLICT (chain_id) DO NOTHING`,
        [arg(e, "childId"), holder, arg(e, "amount"), Number(e.args.tier), e.blockNumber.toString(), arg(e, "parentId")],
      );
    })
    .on("ReceivableLedger.Transfer", async (em, e) => {
      if (BigInt(arg(e, "from")) === 0n) return; // creation: the Registered/Issued/Split event records it
      const holder = await organizationIdByAddress(em, arg(e, "to"));
      if (holder) {
        await em.query(`UPDATE receivables SET holder_organization_id = $2, chain_block = $3, updated_at = now() WHERE chain_id = $1`, [arg(e, "tokenId"), holder, e.blockNumber.toString()]);
      }
    })
    .on("ReceivableLedger.ReceivableFinanced", async (em, e) => {
      const bank = await organizationIdByAddress(em, arg(e, "bank"));
      await em.query(
        `UPDATE receivables SET status = 'financed', financing_bank_organization_id = $2, due = $3, recourse = $4, chain_block = $5, updated_at = now() WHERE chain_id = $1`,
        [arg(e, "id"), bank, arg(e, "due"), Boolean(e.args.recourse), e.blockNumber.toString()],
      );
    })
    .on("ReceivableLedger.ReceivableCleared", async (em, e) => {
      const toBank = BigInt(arg(e, "toBank"));
      const toHolder = BigInt(arg(e, "toHolder"));
      const status = CHAIN_STATUS[Number(e.args.status)];
      const [row] = rowsOf(await em.query(
        `UPDATE receivables SET status = $2, repaid = repaid + $3, paid_to_bank = paid_to_bank + $4, paid_to_holder = paid_to_holder + $5,
           chain_block = $6, updated_at = now() WHERE chain_id = $1 RETURNING id`,
        [arg(e, "id"), status, (toBank + toHolder).toString(), toBank.toString(), toHolder.toString(), e.blockNumber.toString()],
      ));
      if (row) {
        await em.query(
          `INSERT INTO clearing_events (chain_event_id, receivable_id, kind, to_bank, to_holder, outstanding, status, block_number, tx_hash)
           VALUES ($1, $2, 'cleared', $3, $4, $5, $6, $7, $8) ON CONFLICT (chain_event_id) DO NOTHING`,
          [e.id.toString(), row.id, toBank.toString(), toHolder.toString(), arg(e, "outstanding"), status, e.blockNumber.toString(), e.txHash],
        );
      }
    })
    .on("ReceivableLedger.ReceivableDefaulted", async (em, e) => {
      const [row] = rowsOf(await em.query(`UPDATE receivables SET status = 'defaulted', chain_block = $2, updated_at = now() WHERE chain_id = $1 RETURNING id`, [arg(e, "id"), e.blockNumber.toString()]));
      if (row) {
        await em.query(
          `INSERT INTO clearing_events (chain_event_id, receivable_id, kind, outstanding, status, block_number, tx_hash)
           VALUES ($1, $2, 'defaulted', $3, 'defaulted', $4, $5) ON CONFLICT (chain_event_id) DO NOTHING`,
          [e.id.toString(), row.id, arg(e, "outstanding"), e.blockNumber.toString(), e.txHash],
        );
      }
    })
    .on("ReceivableLedger.RecourseClaimed", async (em, e) => {
      const [row] = rowsOf(await em.query(`UPDATE receivables SET recovered = recovered + $2, chain_block = $3, updated_at = now() WHERE chain_id = $1 RETURNING id, status`, [arg(e, "id"), arg(e, "amount"), e.blockNumber.toString()]));
      if (row) {
        await em.query(
          `INSERT INTO clearing_events (chain_event_id, receivable_id, kind, to_bank, outstanding, status, block_number, tx_hash)
           VALUES ($1, $2, 'recourse', $3, $4, $5, $6, $7) ON CONFLICT (chain_event_id) DO NOTHING`,
          [e.id.toString(), row.id, arg(e, "amount"), arg(e, "remaining"), row.status, e.blockNumber.toString(), e.txHash],
        );
      }
    });
}
