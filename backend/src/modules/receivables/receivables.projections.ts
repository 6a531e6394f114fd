import type { EntityManager } from "typeorm";
import { perEvent, type ChunkContext, type Projections, type Touches } from "../../indexer/projections";
import type { ChainEvent } from "../../indexer/indexer.entity";
import type { LedgerEvent } from "../../indexer/ledger-events";
import { CHAIN_STATUS } from "./receivable.entity";
import { rowsOf } from "../../shared/db-types";
import { attachVerifiedInvoices, detachInvoices } from "../invoices";
import { offerProjections } from "./offers.projections";
import { standingProjections } from "./standings.projections";
import { reasonTexts } from "./ledger-reasons";

const block = (e: ChainEvent) => e.blockNumber.toString();
/** The certificate an event is about: events about one certificate are projected in chain order. */
const certificate = (e: { args: { id: string } }) => [`r:${e.args.id}`];

type Creation = "ReceivableLedger.ReceivableRegistered" | "ReceivableLedger.ReceivableIssued";

/**
 * Certificates created on chain. An event is the platform's own certificate only if the platform
 * sent it: the row's operation was signed into this very transaction (the event's `opId` is the
 * operation id the platform allocated, and its transaction hash the one the platform stored), and
 * the row still awaits its certificate (`registering`), with the same parties, amount, maturity,
 * invoice root and keys. Anything else (a member with its own key calling the contract, even with
 * keys the platform's rows hold) is recorded as a certificate of its own, never onto a platform
 * row: a failed row stays failed, and one transaction's certificate never lands on two rows.
 * (`&&` with all the batch's keys lets the planner use the invoice-keys index however many rows
 * await their certificate: without it, it joins every such row with every event.)
 */
async function created(em: EntityManager, events: LedgerEvent<Creation>[], ctx: ChunkContext, status: "pending" | "offered", origin: "registered" | "issued") {
  const parties = await Promise.all(events.map((e) => Promise.all([ctx.orgId(e.args.obligor), ctx.orgId(e.args.creditor)])));
  const keysOf = (e: LedgerEvent<Creation>) => e.args.invoiceKeys.map((k) => k.toLowerCase());
  const matched: { chain_id: string }[] = rowsOf(
    await em.query(
      `UPDATE receivables r SET chain_id = m.chain_id, status = $4, chain_block = m.block, updated_at = now()
       FROM (SELECT DISTINCT ON (p.id) p.id, v.chain_id, v.block
             FROM unnest($1::bigint[], $2::text[], $3::bigint[], $5::numeric[], $6::text[], $7::uuid[], $8::uuid[], $9::numeric[], $10::numeric[], $11::text[], $12::text[])
                  WITH ORDINALITY AS v(chain_id, key, block, op_id, tx_hash, obligor, creditor, amount, maturity, root, keys, n)
             JOIN receivables p ON p.chain_id IS NULL AND p.invoice_keys && $2::text[] AND p.invoice_keys @> ARRAY[v.key]
             JOIN outbox o ON o.id = p.operation_id
             JOIN ledger_transactions t ON t.id = o.ledger_tx_id
             WHERE p.status = 'registering' AND p.origin = $13
               AND t.id::numeric = v.op_id AND lower(t.tx_hash) = v.tx_hash
               AND p.obligor_organization_id = v.obligor AND p.creditor_organization_id = v.creditor
               AND p.amount::numeric = v.amount AND floor(extract(epoch FROM p.maturity))::numeric = v.maturity
               AND lower(p.invoices_root) = v.root AND p.invoice_keys = ARRAY(SELECT jsonb_array_elements_text(v.keys::jsonb))
             ORDER BY p.id, v.n) m
       WHERE r.id = m.id RETURNING r.chain_id::text`,
      [
        events.map((e) => e.args.id),
        events.map((e) => keysOf(e)[0]),
        events.map(block),
        status,
        events.map((e) => e.args.opId),
        events.map((e) => e.txHash.toLowerCase()),
        parties.map(([o]) => o),
        parties.map(([, c]) => c),
        events.map((e) => e.args.amount),
        events.map((e) => e.args.maturity),
        events.map((e) => e.args.invoicesRoot.toLowerCase()),
        events.map((e) => JSON.stringify(keysOf(e))),
        origin,
      ],
    ),
  );
  const done = new Set(matched.map((r) => r.chain_id));
  for (const [i, e] of events.entries()) {
    if (done.has(e.args.id)) continue;
    // registered outside the platform (a member with its own key): record it if we know both parties
    const [obligor, creditor] = parties[i];
    if (!obligor || !creditor) continue;
    // its invoices are the creditor's verified ones the verifier attested (the ledger took no
    // certificate without that): they back it now, on the platform as on the ledger; all or none
    const [inserted] = rowsOf<{ id: string }>(
      await em.query(
        `INSERT INTO receivables (chain_id, origin, obligor_organization_id, creditor_organization_id, holder_organization_id, amount, maturity, status, invoices_root, invoice_keys, chain_block)
         VALUES ($1, $2, $3, $4, $4, $5, to_timestamp($6), $7, $8, $9, $10) ON CONFLICT (chain_id) DO NOTHING RETURNING id`,
        [e.args.id, origin, obligor, creditor, e.args.amount, e.args.maturity, status, e.args.invoicesRoot, e.args.invoiceKeys, block(e)],
      ),
    );
    if (inserted) await attachVerifiedInvoices(em, inserted.id, creditor, keysOf(e));
  }
}
/** A rejected or cancelled certificate: closed, its invoices free to back another. */
const closed = (status: "rejected" | "cancelled") =>
  perEvent<"ReceivableLedger.ReceivableRejected" | "ReceivableLedger.ReceivableCancelled">(async (em, e) => {
    // a rejection keeps its reason for the supplier to read (the text the platform kept, or the short text on chain)
    const reason = "reason" in e.args ? e.args.reason.toLowerCase() : null;
    const text = reason ? ((await reasonTexts(em, [reason])).get(reason) ?? null) : null;
    const rows = rowsOf<{ id: string }>(
      await em.query(`UPDATE receivables SET status = $3, chain_block = $2, rejection_reason = $4, rejection_text = $5, updated_at = now() WHERE chain_id = $1 RETURNING id`, [e.args.id, block(e), status, reason, text]),
    );
    await detachInvoices(em, rows.map((r) => r.id));
  });

/** A creation claims its certificate and its invoice keys. */
const creation: Touches<Creation> = (e) => [...certificate(e), ...e.args.invoiceKeys.map((k) => `invoice:${k}`)];

/**
 * Ledger events → receivable certificates as the API shows them (offers: offers.projections.ts;
 * delinquent obligors: standings.projections.ts).
 */
export function receivablesProjections(p: Projections): Projections {
  p
    // an issued certificate waits, Offered, for its supplier's acceptance (CertificateOffered follows)
    .on("ReceivableLedger.ReceivableRegistered", (em, events, ctx) => created(em, events, ctx, "pending", "registered"), creation)
    .on("ReceivableLedger.ReceivableIssued", (em, events, ctx) => created(em, events, ctx, "offered", "issued"), creation)
    .on(
      "ReceivableLedger.ReceivableConfirmed",
      async (em, events) => {
        await em.query(
          `UPDATE receivables r SET status = 'confirmed', chain_block = v.block, updated_at = now()
           FROM unnest($1::bigint[], $2::bigint[]) AS v(chain_id, block) WHERE r.chain_id = v.chain_id AND r.status = 'pending'`,
          [events.map((e) => e.args.id), events.map(block)],
        );
      },
      certificate,
    )
    .on("ReceivableLedger.ReceivableRejected", closed("rejected"), certificate)
    .on("ReceivableLedger.ReceivableCancelled", closed("cancelled"), certificate)
    .on(
      "ReceivableLedger.ReceivableSplit",
      perEvent(async (em, e, ctx) => {
        const holder = await ctx.orgId(e.args.holder);
        await em.query(`UPDATE receivables SET status = 'split', chain_block = $2, updated_at = now() WHERE chain_id = $1`, [e.args.parentId, block(e)]);
        if (!holder) return;
        await em.query(
          `INSERT INTO receivables (chain_id, origin, obligor_organization_id, creditor_organization_id, holder_organization_id, amount, currency, maturity, status, tier, parent_id, chain_block)
           SELECT $1, 'split', p.obligor_organization_id, $2, $2, $3, p.currency, p.maturity, 'confirmed', $4, p.id, $5 FROM receivables p WHERE p.chain_id = $6
           ON CONFLICT (chain_id) DO NOTHING`,
          [e.args.childId, holder, e.args.amount, Number(e.args.tier), block(e), e.args.parentId],
        );
      }),
      (e) => [`r:${e.args.parentId}`, `r:${e.args.childId}`],
    )
    .on(
      "ReceivableLedger.Transfer",
      perEvent(async (em, e, ctx) => {
        if (BigInt(e.args.from) === 0n) return; // creation: the Registered/Issued/Split event records it
        const holder = await ctx.orgId(e.args.to);
        if (holder) {
          await em.query(`UPDATE receivables SET holder_organization_id = $2, chain_block = $3, updated_at = now() WHERE chain_id = $1`, [e.args.tokenId, holder, block(e)]);
        }
      }),
      (e) => (BigInt(e.args.from) === 0n ? [] : [`r:${e.args.tokenId}`]),
    )
    .on(
      "ReceivableLedger.ReceivableFinanced",
      async (em, events, ctx) => {
        const banks = await Promise.all(events.map((e) => ctx.orgId(e.args.bank)));
        await em.query(
          `UPDATE receivables r SET status = 'financed', financing_bank_organization_id = v.bank, due = v.due, recourse = v.recourse, chain_block = v.block, updated_at = now()
           FROM unnest($1::bigint[], $2::uuid[], $3::numeric[], $4::boolean[], $5::bigint[]) AS v(chain_id, bank, due, recourse, block) WHERE r.chain_id = v.chain_id`,
          [events.map((e) => e.args.id), banks, events.map((e) => e.args.due), events.map((e) => e.args.recourse), events.map(block)],
        );
      },
      certificate,
    )
    .on(
      "ReceivableLedger.ReceivableCleared",
      async (em, events) => {
        const toBank = events.map((e) => BigInt(e.args.toBank));
        const toHolder = events.map((e) => BigInt(e.args.toHolder));
        // the payment, and its clearing event (in chain order) for each certificate the platform knows
        await em.query(
          `WITH v AS (
             SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::numeric[], $5::numeric[], $6::numeric[], $7::bigint[], $8::text[])
               WITH ORDINALITY AS v(event_id, chain_id, status, to_bank, to_holder, outstanding, block, tx_hash, n)
           ), paid AS (
             UPDATE receivables r SET status = v.status, repaid = repaid + v.to_bank + v.to_holder, paid_to_bank = paid_to_bank + v.to_bank,
               paid_to_holder = paid_to_holder + v.to_holder, chain_block = v.block, updated_at = now(),
               delinquent = r.delinquent AND v.status <> 'settled'  -- a settled certificate no longer counts against its obligor
             FROM v WHERE r.chain_id = v.chain_id RETURNING r.id, r.chain_id
           )
           INSERT INTO clearing_events (chain_event_id, receivable_id, kind, to_bank, to_holder, outstanding, status, block_number, tx_hash)
           SELECT v.event_id, paid.id, 'cleared', v.to_bank, v.to_holder, v.outstanding, v.status, v.block, v.tx_hash FROM v JOIN paid ON paid.chain_id = v.chain_id
           ORDER BY v.n ON CONFLICT (chain_event_id) DO NOTHING`,
          [
            events.map((e) => e.id.toString()),
            events.map((e) => e.args.id),
            events.map((e) => CHAIN_STATUS[Number(e.args.status)] ?? null),
            toBank.map(String),
            toHolder.map(String),
            events.map((e) => e.args.outstanding),
            events.map(block),
            events.map((e) => e.txHash),
          ],
        );
      },
      certificate,
    )
    .on(
      "ReceivableLedger.ReceivableDefaulted",
      perEvent(async (em, e) => {
        const [row] = rowsOf(await em.query(`UPDATE receivables SET status = 'defaulted', chain_block = $2, updated_at = now() WHERE chain_id = $1 RETURNING id`, [e.args.id, block(e)]));
        if (row) {
          await em.query(
            `INSERT INTO clearing_events (chain_event_id, receivable_id, kind, outstanding, status, block_number, tx_hash)
             VALUES ($1, $2, 'defaulted', $3, 'defaulted', $4, $5) ON CONFLICT (chain_event_id) DO NOTHING`,
            [e.id.toString(), row.id, e.args.outstanding, block(e), e.txHash],
          );
        }
      }),
      certificate,
    )
    .on(
      "ReceivableLedger.RecourseClaimed",
      perEvent(async (em, e) => {
        const [row] = rowsOf(await em.query(`UPDATE receivables SET recovered = recovered + $2, chain_block = $3, updated_at = now() WHERE chain_id = $1 RETURNING id, status`, [e.args.id, e.args.amount, block(e)]));
        if (row) {
          await em.query(
            `INSERT INTO clearing_events (chain_event_id, receivable_id, kind, to_bank, outstanding, status, block_number, tx_hash)
             VALUES ($1, $2, 'recourse', $3, $4, $5, $6, $7) ON CONFLICT (chain_event_id) DO NOTHING`,
            [e.id.toString(), row.id, e.args.amount, e.args.remaining, row.status, block(e), e.txHash],
          );
        }
      }),
      certificate,
    );
  return standingProjections(offerProjections(p));
}
