import { ZeroHash } from "ethers";
import type { Projections } from "../../indexer/projections";

const certificate = (e: { args: { id: string } }) => [`r:${e.args.id}`];
const eventId = (e: { txHash: string; logIndex: number }) => `${e.txHash}:${e.logIndex}`;
const HEX32 = /^0x[0-9a-f]{64}$/;

/**
 * Ledger events → the documents their steps call for, and the ledger's records of documents.
 * A confirmation or an acceptance (签收) makes a certificate document; a financing or an accepted
 * transfer or split part, a notice of assignment to the obligor. Rows only: a document is rendered
 * when it is first asked for. Every value comes from the event (a member's own transaction is
 * untrusted input): ids and addresses are resolved against the platform's records, and an event
 * naming something unknown makes nothing.
 */
export function documentProjections(p: Projections): Projections {
  return p
    .on(
      "ReceivableLedger.ReceivableConfirmed",
      async (em, events) => {
        await em.query(
          `INSERT INTO documents (kind, occasion, subject, receivable_id, parties, block_number)
           SELECT 'certificate', 'confirm', v.subject, r.id, ARRAY[r.obligor_organization_id, r.holder_organization_id], v.block
           FROM unnest($1::bigint[], $2::text[], $3::bigint[]) AS v(chain_id, subject, block) JOIN receivables r ON r.chain_id = v.chain_id
           ON CONFLICT (kind, subject) DO NOTHING`,
          [events.map((e) => e.args.id), events.map(eventId), events.map((e) => e.blockNumber.toString())],
        );
      },
      certificate,
    )
    .on(
      "ReceivableLedger.OfferAccepted",
      async (em, events) => {
        // the receivables module's projection ran first: the holder is the receiver, the offer's kind and sender are kept
        await em.query(
          `WITH v AS (SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[]) AS v(chain_id, subject, block))
           INSERT INTO documents (kind, occasion, subject, receivable_id, parties, block_number)
           SELECT 'certificate', 'sign-for', v.subject, r.id, ARRAY[r.obligor_organization_id, r.holder_organization_id], v.block
           FROM v JOIN receivables r ON r.chain_id = v.chain_id
           UNION ALL
           SELECT 'notice', 'transfer', v.subject, r.id, ARRAY[r.obligor_organization_id, r.offer_from_organization_id, r.holder_organization_id], v.block
           FROM v JOIN receivables r ON r.chain_id = v.chain_id WHERE r.offer_kind IN ('transfer', 'split') AND r.offer_from_organization_id IS NOT NULL
           ON CONFLICT (kind, subject) DO NOTHING`,
          [events.map((e) => e.args.id), events.map(eventId), events.map((e) => e.blockNumber.toString())],
        );
      },
      certificate,
    )
    .on(
      "ReceivableLedger.ReceivableFinanced",
      async (em, events, ctx) => {
        const banks = await Promise.all(events.map((e) => ctx.orgId(e.args.bank)));
        const sellers = await Promise.all(events.map((e) => ctx.orgId(e.args.seller)));
        await em.query(
          `INSERT INTO documents (kind, occasion, subject, receivable_id, parties, block_number)
           SELECT 'notice', 'financing', v.subject, r.id, ARRAY[r.obligor_organization_id, v.seller, v.bank], v.block
           FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::uuid[], $5::uuid[]) AS v(chain_id, subject, block, bank, seller)
           JOIN receivables r ON r.chain_id = v.chain_id WHERE v.bank IS NOT NULL AND v.seller IS NOT NULL
           ON CONFLICT (kind, subject) DO NOTHING`,
          [events.map((e) => e.args.id), events.map(eventId), events.map((e) => e.blockNumber.toString()), banks, sellers],
        );
        const bound = events.filter((e) => HEX32.test(String(e.args.agreement).toLowerCase()) && e.args.agreement !== ZeroHash);
        await anchor(em, bound.map((e) => ({ e, fingerprint: String(e.args.agreement).toLowerCase(), kind: "agreement", by: e.args.bank })));
      },
      certificate,
    )
    .on(
      "ReceivableLedger.DocumentRecorded",
      async (em, events) => {
        await anchor(
          em,
          events.map((e) => ({ e, fingerprint: String(e.args.fingerprint).toLowerCase(), kind: Number(e.args.kind) === 2 ? "notice" : "certificate", by: e.args.by })),
        );
      },
      certificate,
    );
}

interface Anchor {
  e: { txHash: string; logIndex: number; blockNumber: bigint; args: { id: string } };
  fingerprint: string;
  kind: string;
  by: string;
}

async function anchor(em: { query(sql: string, params: unknown[]): Promise<unknown> }, anchors: Anchor[]): Promise<void> {
  if (!anchors.length) return;
  await em.query(
    `INSERT INTO document_anchors (tx_hash, log_index, fingerprint, receivable_chain_id, kind, by_address, block_number)
     SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::bigint[]) ON CONFLICT DO NOTHING`,
    [
      anchors.map((a) => a.e.txHash),
      anchors.map((a) => a.e.logIndex),
      anchors.map((a) => a.fingerprint),
      anchors.map((a) => a.e.args.id),
      anchors.map((a) => a.kind),
      anchors.map((a) => a.by.toLowerCase()),
      anchors.map((a) => a.e.blockNumber.toString()),
    ],
  );
}
