import type { ChainEvent } from "../../indexer/indexer.entity";
import type { Projections } from "../../indexer/projections";
import { rowsOf } from "../../shared/db-types";
import { detachInvoices } from "../invoices";
import { OFFER_RETURN } from "./receivable.entity";
import { onChainText } from "./ledger-reasons";

const block = (e: ChainEvent) => e.blockNumber.toString();
const certificate = (e: { args: { id: string } }) => [`r:${e.args.id}`];

/**
 * Offers (签收 / 拒签) as the ledger records them. An offer's kind follows the contract's own rule:
 * the receiver already holds an issued certificate (its creditor, lazily its owner); a split part
 * is offered in the very transaction that created it; anything else is a transfer. Accepted, the
 * certificate is Confirmed with its receiver (the ERC-721 Transfer moves the holder); returned, an
 * issued one is Void, its invoices free again, and a transfer or split part Confirmed with its
 * sender. The latest offer stays on the row (the API shows it while `offered`), with why it went
 * back and the reason's text where the platform knows it (ledger_reasons, or the short text on chain).
 */
export function offerProjections(p: Projections): Projections {
  return p
    .on(
      "ReceivableLedger.CertificateOffered",
      async (em, events, ctx) => {
        const parties = await Promise.all(events.map((e) => Promise.all([ctx.orgId(e.args.from), ctx.orgId(e.args.to)])));
        await em.query(
          `UPDATE receivables r SET status = 'offered',
             offer_kind = CASE WHEN r.holder_organization_id = v.receiver THEN 'issue'
                               WHEN r.origin = 'split' AND EXISTS (SELECT 1 FROM chain_events c WHERE c.tx_hash = v.tx_hash AND c.contract = 'ReceivableLedger'
                                                                      AND c.name = 'ReceivableSplit' AND c.args->>'childId' = v.chain_id::text) THEN 'split'
                               ELSE 'transfer' END,
             offer_from_organization_id = v.sender, offer_to_organization_id = v.receiver, offer_expires_at = to_timestamp(v.expires::double precision),
             offer_returned = NULL, offer_return_reason = NULL, chain_block = v.block, updated_at = now()
           FROM unnest($1::bigint[], $2::uuid[], $3::uuid[], $4::numeric[], $5::text[], $6::bigint[]) AS v(chain_id, sender, receiver, expires, tx_hash, block)
           WHERE r.chain_id = v.chain_id`,
          [
            events.map((e) => e.args.id),
            parties.map(([from]) => from),
            parties.map(([, to]) => to),
            events.map((e) => e.args.expires),
            events.map((e) => e.txHash),
            events.map(block),
          ],
        );
      },
      certificate,
    )
    .on(
      "ReceivableLedger.OfferAccepted",
      async (em, events, ctx) => {
        const receivers = await Promise.all(events.map((e) => ctx.orgId(e.args.to)));
        await em.query(
          `UPDATE receivables r SET status = 'confirmed', holder_organization_id = coalesce(v.receiver, r.holder_organization_id), chain_block = v.block, updated_at = now()
           FROM unnest($1::bigint[], $2::uuid[], $3::bigint[]) AS v(chain_id, receiver, block) WHERE r.chain_id = v.chain_id`,
          [events.map((e) => e.args.id), receivers, events.map(block)],
        );
      },
      certificate,
    )
    .on(
      "ReceivableLedger.OfferReturned",
      async (em, events, ctx) => {
        const receivers = await Promise.all(events.map((e) => ctx.orgId(e.args.to)));
        const voided = rowsOf<{ id: string; status: string }>(
          await em.query(
            `UPDATE receivables r SET status = CASE WHEN r.offer_kind = 'issue' OR r.holder_organization_id = v.receiver THEN 'void' ELSE 'confirmed' END,
               offer_returned = v.cause, offer_return_reason = v.reason, chain_block = v.block, updated_at = now(),
               offer_return_text = coalesce((SELECT t.text FROM ledger_reasons t WHERE t.reason = v.reason), v.short_text)
             FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::bigint[]) AS v(chain_id, receiver, cause, reason, short_text, block)
             WHERE r.chain_id = v.chain_id RETURNING r.id, r.status`,
            [
              events.map((e) => e.args.id),
              receivers,
              events.map((e) => OFFER_RETURN[Number(e.args.cause)] ?? null),
              events.map((e) => e.args.reason.toLowerCase()),
              events.map((e) => (BigInt(e.args.reason) === 0n ? null : onChainText(e.args.reason))),
              events.map(block),
            ],
          ),
        ).filter((r) => r.status === "void");
        // a void certificate owes nothing: its invoices may back another
        await detachInvoices(em, voided.map((r) => r.id));
      },
      certificate,
    );
}
