import type { DataSource } from "typeorm";
import type { Logger } from "../../shared/logger";
import type { FeedSink } from "./feed.sink";
import { sha256Hex } from "./feed.record";
import { TIME_ZONE } from "./days";

/** What the ledger holds for one account (PayoutHeld less PayoutWithdrawn and HeldPayoutsRedirected). */
export interface HeldBalance {
  account: string;
  organizationId: string | null;
  name: string | null;
  uscc: string | null;
  held: string;
  /** The block of the account's last movement. */
  lastBlock: string;
}

export interface HeldFunds {
  /** The last block the indexer projected: the balances are as of its end. */
  asOfBlock: string | null;
  total: string;
  accounts: HeldBalance[];
}

/**
 * Held funds, no pooled money: the ledger keeps a payout for a party that could not receive it
 * (suspended) until that party, or another account of its organization, collects it. Each
 * account's balance is projected from the ledger's events; the settlement issuers, the operator
 * and the auditors read them, and a daily report goes out through the feed's sink.
 */
export class HeldFundsService {
  constructor(
    private readonly ds: DataSource,
    private readonly sink: FeedSink,
    private readonly log: Logger,
  ) {}

  async balances(): Promise<HeldFunds> {
    const rows: { account: string; held: string; last_block: string; id: string | null; legal_name: string | null; uscc: string | null }[] = await this.ds.query(
      `WITH balances AS (
         SELECT account, sum(CASE WHEN kind = 'held' THEN amount ELSE -amount END) AS held, max(block_number) AS last_block
         FROM conformity_held_movements GROUP BY account)
       SELECT b.account, b.held::text AS held, b.last_block::text AS last_block, o.id, o.legal_name, o.uscc
       FROM balances b
       LEFT JOIN conformity_accounts a ON a.address = b.account
       LEFT JOIN LATERAL (
         SELECT id, legal_name, uscc FROM organizations
         WHERE lower(chain_org_id) = lower(a.chain_org_id) OR lower(ledger_address) = b.account
         ORDER BY lower(chain_org_id) = lower(a.chain_org_id) DESC LIMIT 1) o ON true
       WHERE b.held <> 0
       ORDER BY b.held DESC, b.account`,
    );
    const [cp] = (await this.ds.query(`SELECT block_number::text AS block FROM indexer_checkpoints WHERE name = 'main'`)) as { block: string }[];
    return {
      asOfBlock: cp?.block ?? null,
      total: rows.reduce((s, r) => s + BigInt(r.held), 0n).toString(),
      accounts: rows.map((r) => ({ account: r.account, organizationId: r.id, name: r.legal_name, uscc: r.uscc?.trim() ?? null, held: r.held, lastBlock: r.last_block })),
    };
  }

  /** Delivers the held-funds report for `day` (the balances as of now, at most once a day unless asked again). */
  async publish(day: string, again = false): Promise<boolean> {
    if (!again) {
      const [done] = await this.ds.query(`SELECT 1 FROM conformity_deliveries WHERE report = 'held-funds' AND day = $1`, [day]);
      if (done) return false;
    }
    const b = await this.balances();
    const report = { report: "held-funds", day, timeZone: TIME_ZONE, generatedAt: new Date().toISOString(), ...b };
    const json = JSON.stringify(report, null, 2) + "\n";
    const csv =
      ["account,organizationId,uscc,name,held,lastBlock", ...b.accounts.map((a) => [a.account, a.organizationId ?? "", a.uscc ?? "", csvText(a.name), a.held, a.lastBlock].join(","))].join("\n") + "\n";
    await this.sink.put(`held-funds/${day}.csv`, csv, "text/csv; charset=utf-8");
    await this.sink.put(`held-funds/${day}.json`, json, "application/json");
    await this.ds.query(
      `INSERT INTO conformity_deliveries (report, day, records, files, delivered_to) VALUES ('held-funds', $1, $2, $3, $4)
       ON CONFLICT (report, day) DO UPDATE SET records = $2, files = $3, delivered_to = $4, delivered_at = now()`,
      [day, b.accounts.length, JSON.stringify({ json: { name: `${day}.json`, sha256: sha256Hex(json) }, csv: { name: `${day}.csv`, sha256: sha256Hex(csv) } }), this.sink.target],
    );
    this.log.info({ day, accounts: b.accounts.length, total: b.total }, "held-funds report delivered");
    return true;
  }
}

const csvText = (s: string | null) => (s === null ? "" : /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
