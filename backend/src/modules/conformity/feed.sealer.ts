import type { DataSource, EntityManager } from "typeorm";
import type { Logger } from "../../shared/logger";
import { buildRecord, type CertificateFacts, type FeedEvent, type FeedState } from "./feed.builder";
import { GENESIS_HASH, sealRecord, type FeedRecord } from "./feed.record";

/** Inbox rows per sealing transaction. */
const BATCH = 2000;
/** Block times remembered between runs (a chunk's events share few blocks). */
const TIMES_KEPT = 20_000;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

interface InboxRow {
  block_number: string;
  log_index: number;
  tx_hash: string;
  contract: string;
  name: string;
  args: Record<string, unknown>;
}

/** The certificates and accounts a batch of events reads, loaded at once, and what it changed. */
class LoadedState implements FeedState {
  private readonly certificates = new Map<string, CertificateFacts>();
  private readonly accounts = new Map<string, string>();
  readonly changedCertificates = new Set<string>();
  readonly changedAccounts = new Set<string>();

  static async load(em: EntityManager, events: FeedEvent[]): Promise<LoadedState> {
    const s = new LoadedState();
    const args = events.map((e) => e.args as Record<string, unknown>);
    const ids = [...new Set(args.flatMap((a) => [a.id, a.parentId, a.childId].filter((v): v is string => typeof v === "string")))];
    const facts: Record<string, string | null>[] = ids.length
      ? await em.query(
          `SELECT id, parent_id, root_id, obligor, amount::text AS amount, maturity::text AS maturity, tier, root_created_at::text AS root_created_at, holder, offer_from
           FROM conformity_certificates WHERE id = ANY($1::text[])`,
          [ids],
        )
      : [];
    for (const f of facts) {
      s.certificates.set(f.id!, {
        id: f.id!,
        parentId: f.parent_id,
        rootId: f.root_id!,
        obligor: f.obligor!,
        amount: f.amount!,
        maturity: Number(f.maturity),
        tier: Number(f.tier),
        rootCreatedAt: Number(f.root_created_at),
        holder: f.holder!,
        offerFrom: f.offer_from,
      });
    }
    // the parties: those the events name, and those the certificates' facts name (a confirmation names only its obligor)
    const addresses = [
      ...new Set([
        ...args.flatMap((a) => Object.values(a).filter((v): v is string => typeof v === "string" && ADDRESS.test(v))),
        ...[...s.certificates.values()].flatMap((f) => [f.obligor, f.holder, f.offerFrom ?? ""]).filter((v) => ADDRESS.test(v)),
      ].map((v) => v.toLowerCase())),
    ];
    const accounts: { address: string; chain_org_id: string }[] = addresses.length
      ? await em.query(`SELECT address, chain_org_id FROM conformity_accounts WHERE address = ANY($1::text[])`, [addresses])
      : [];
    for (const a of accounts) s.accounts.set(a.address, a.chain_org_id);
    return s;
  }

  certificate = (id: string) => this.certificates.get(id);
  putCertificate = (f: CertificateFacts) => {
    this.certificates.set(f.id, f);
    this.changedCertificates.add(f.id);
  };
  orgOf = (address: string) => this.accounts.get(address.toLowerCase()) ?? null;
  putAccount = (address: string, orgId: string) => {
    this.accounts.set(address.toLowerCase(), orgId.toLowerCase());
    this.changedAccounts.add(address.toLowerCase());
  };

  async save(em: EntityManager) {
    const fs = [...this.changedCertificates].map((id) => this.certificates.get(id)!);
    if (fs.length) {
      await em.query(
        `INSERT INTO conformity_certificates (id, parent_id, root_id, obligor, amount, maturity, tier, root_created_at, holder, offer_from)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::numeric[], $6::bigint[], $7::int[], $8::bigint[], $9::text[], $10::text[])
         ON CONFLICT (id) DO UPDATE SET holder = EXCLUDED.holder, offer_from = EXCLUDED.offer_from`,
        [
          fs.map((f) => f.id),
          fs.map((f) => f.parentId),
          fs.map((f) => f.rootId),
          fs.map((f) => f.obligor),
          fs.map((f) => f.amount),
          fs.map((f) => String(f.maturity)),
          fs.map((f) => f.tier),
          fs.map((f) => String(f.rootCreatedAt)),
          fs.map((f) => f.holder),
          fs.map((f) => f.offerFrom),
        ],
      );
    }
    const as = [...this.changedAccounts];
    if (as.length) {
      await em.query(
        `INSERT INTO conformity_accounts (address, chain_org_id) SELECT * FROM unnest($1::text[], $2::text[])
         ON CONFLICT (address) DO UPDATE SET chain_org_id = EXCLUDED.chain_org_id`,
        [as, as.map((a) => this.accounts.get(a)!)],
      );
    }
  }
}

/**
 * Turns the inbox into feed records, in chain order (block, log index): each event is built into
 * its record (feed.builder.ts), its parties' USCCs are read from the organizations their accounts
 * act for, and it is numbered and chained after the last record (sha256 of its canonical JSON,
 * `prevHash` included). One sealer at a time (an advisory lock); an event the feed already holds
 * (a projection delivered again) is dropped from the inbox, not recorded twice. Block times come
 * from the ledger before the transaction: if the ledger cannot be read, nothing is sealed and the
 * next run tries again.
 */
export class FeedSealer {
  private readonly times = new Map<number, number>();

  constructor(
    private readonly ds: DataSource,
    private readonly blockTime: (block: number) => Promise<number>,
    private readonly log: Logger,
  ) {}

  /** Seals everything in the inbox; answers how many records it appended. */
  async seal(): Promise<number> {
    let appended = 0;
    for (;;) {
      const run = await this.sealBatch();
      appended += run.appended;
      if (!run.more) break;
    }
    if (appended) this.log.info({ appended }, "regulator feed: records sealed");
    return appended;
  }

  /** Whether events wait in the inbox up to `block` (the feed is not complete through it). */
  async pendingThrough(block: number): Promise<boolean> {
    const [row] = await this.ds.query(`SELECT 1 FROM conformity_inbox WHERE block_number <= $1 LIMIT 1`, [block]);
    return !!row;
  }

  private async sealBatch(): Promise<{ appended: number; more: boolean }> {
    const blocks: { block_number: string }[] = await this.ds.query(
      `SELECT DISTINCT block_number FROM (SELECT block_number FROM conformity_inbox ORDER BY block_number, log_index LIMIT $1) b`,
      [BATCH],
    );
    if (!blocks.length) return { appended: 0, more: false };
    await this.loadTimes(blocks.map((b) => Number(b.block_number)));

    return this.ds.transaction(async (em) => {
      await em.query(`SELECT pg_advisory_xact_lock(hashtext('conformity:regulator_feed'))`);
      const rows: InboxRow[] = await em.query(
        `SELECT i.block_number::text AS block_number, i.log_index, i.tx_hash, i.contract, i.name, i.args FROM conformity_inbox i ORDER BY i.block_number, i.log_index LIMIT $1`,
        [BATCH],
      );
      // a prefix of the chain: stop at the first event whose block time is not known yet
      const timed = rows.findIndex((r) => !this.times.has(Number(r.block_number)));
      const usable = timed === -1 ? rows : rows.slice(0, timed);
      if (!usable.length) return { appended: 0, more: rows.length > 0 };
      const events: FeedEvent[] = usable.map((r) => ({ contract: r.contract, name: r.name, args: r.args, txHash: r.tx_hash, logIndex: r.log_index, blockNumber: BigInt(r.block_number) }) as FeedEvent);

      const known = new Set(
        (
          (await em.query(
            `SELECT f.tx_hash, f.log_index FROM regulator_feed f JOIN unnest($1::text[], $2::int[]) AS e(tx_hash, log_index) USING (tx_hash, log_index)`,
            [events.map((e) => e.txHash), events.map((e) => e.logIndex)],
          )) as { tx_hash: string; log_index: number }[]
        ).map((r) => `${r.tx_hash}:${r.log_index}`),
      );
      const state = await LoadedState.load(em, events);
      const built = events.flatMap((e) => {
        if (known.has(`${e.txHash}:${e.logIndex}`)) return [];
        const b = buildRecord(e, this.times.get(Number(e.blockNumber))!, state);
        if (!b) return [];
        const rootId = b.record.certificateId === null ? null : (state.certificate(b.record.certificateId)?.rootId ?? null);
        return [{ ...b, rootId }];
      });

      const orgIds = [...new Set(built.flatMap((b) => Object.values(b.orgs).filter((o): o is string => !!o)))];
      const usccs = new Map<string, string>(
        orgIds.length
          ? ((await em.query(`SELECT lower(chain_org_id) AS org, uscc FROM organizations WHERE lower(chain_org_id) = ANY($1::text[])`, [orgIds])) as { org: string; uscc: string }[]).map((r) => [
              r.org,
              r.uscc.trim(),
            ])
          : [],
      );
      const uscc = (org: string | null) => (org ? (usccs.get(org) ?? null) : null);

      const [head] = (await em.query(`SELECT f.seq::text AS last_seq, f.hash FROM regulator_feed f ORDER BY f.seq DESC LIMIT 1`)) as { last_seq: string; hash: string }[];
      let seq = head ? Number(head.last_seq) : 0;
      let prev = head?.hash ?? GENESIS_HASH;
      const records: (FeedRecord & { rootId: string | null })[] = built.map((b) => {
        const r = sealRecord(
          { ...b.record, obligorUscc: uscc(b.orgs.obligor), fromUscc: uscc(b.orgs.from), toUscc: uscc(b.orgs.to), bankUscc: uscc(b.orgs.bank) },
          ++seq,
          prev,
        );
        prev = r.hash;
        return { ...r, rootId: b.rootId };
      });
      if (records.length) {
        await em.query(
          `INSERT INTO regulator_feed (seq, kind, certificate_id, parent_id, root_id, occurred_at, block_number, tx_hash, log_index, prev_hash, hash, record)
           SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::bigint[], $8::text[], $9::int[], $10::text[], $11::text[], $12::jsonb[])`,
          [
            records.map((r) => r.seq),
            records.map((r) => r.kind),
            records.map((r) => r.certificateId),
            records.map((r) => r.parentId),
            records.map((r) => r.rootId),
            records.map((r) => r.occurredAt),
            records.map((r) => r.blockNumber),
            records.map((r) => r.txHash),
            records.map((r) => r.logIndex),
            records.map((r) => r.prevHash),
            records.map((r) => r.hash),
            records.map(({ rootId: _root, ...r }) => JSON.stringify(r)),
          ],
        );
      }
      await state.save(em);
      await em.query(`DELETE FROM conformity_inbox WHERE (block_number, log_index) IN (SELECT * FROM unnest($1::bigint[], $2::int[]))`, [
        usable.map((r) => r.block_number),
        usable.map((r) => r.log_index),
      ]);
      return { appended: records.length, more: rows.length === BATCH || usable.length < rows.length };
    });
  }

  private async loadTimes(blocks: number[]) {
    if (this.times.size + blocks.length > TIMES_KEPT) this.times.clear();
    const missing = blocks.filter((b) => !this.times.has(b));
    for (let i = 0; i < missing.length; i += 8) {
      const slice = missing.slice(i, i + 8);
      const times = await Promise.all(slice.map((b) => this.blockTime(b)));
      slice.forEach((b, j) => this.times.set(b, times[j]));
    }
  }
}
