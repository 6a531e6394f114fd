import type { DataSource } from "typeorm";
import { validationFailed } from "../../shared/errors";
import { addDays, dayStartS, TIME_ZONE } from "./days";
import { findAbnormalFlows, type AbnormalFinding, type AbnormalThresholds, type LineageRecord } from "./abnormal.rules";
import type { FeedRecord } from "./feed.record";

/** The longest period one report covers. */
export const MAX_PERIOD_DAYS = 366;

export type AbnormalFlowView = Omit<AbnormalFinding, "parties"> & { parties: { uscc: string | null; address: string | null; name: string | null }[] };

/** Abnormal flows between two days (China Standard Time, both included), from the feed table alone. */
export class AbnormalFlowsService {
  constructor(
    private readonly ds: DataSource,
    readonly thresholds: AbnormalThresholds,
  ) {}

  async report(from: string, to: string): Promise<{ from: string; to: string; timeZone: typeof TIME_ZONE; thresholds: AbnormalThresholds; items: AbnormalFlowView[] }> {
    if (from > to) throw validationFailed([{ field: "query.from", message: `must be on or before to (${to})` }]);
    if (dayStartS(to) - dayStartS(from) >= MAX_PERIOD_DAYS * 86_400) throw validationFailed([{ field: "query.to", message: `must be within ${MAX_PERIOD_DAYS} days of from` }]);
    const start = dayStartS(from);
    const end = dayStartS(addDays(to, 1));
    // every record, up to the period's end, of the lineages that split or changed hands in it
    const rows: { record: FeedRecord; root_id: string }[] = await this.ds.query(
      `WITH touched AS (
         SELECT DISTINCT root_id FROM regulator_feed
         WHERE occurred_at >= to_timestamp($1) AND occurred_at < to_timestamp($2) AND root_id IS NOT NULL AND kind IN ('split', 'transfer'))
       SELECT f.record, f.root_id FROM regulator_feed f JOIN touched USING (root_id)
       WHERE f.occurred_at < to_timestamp($2) AND f.kind IN ('issue', 'registration', 'split', 'transfer')
       ORDER BY f.seq`,
      [start, end],
    );
    const records: LineageRecord[] = rows.map((r) => ({ ...r.record, lineageId: r.root_id }));
    const findings = findAbnormalFlows(records, this.thresholds, start, end);
    const usccs = [...new Set(findings.flatMap((f) => f.parties.map((p) => p.uscc).filter((u): u is string => !!u)))];
    const names = new Map<string, string>(
      usccs.length
        ? ((await this.ds.query(`SELECT uscc, legal_name FROM organizations WHERE uscc = ANY($1::text[])`, [usccs])) as { uscc: string; legal_name: string }[]).map((o) => [o.uscc.trim(), o.legal_name])
        : [],
    );
    return {
      from,
      to,
      timeZone: TIME_ZONE,
      thresholds: this.thresholds,
      items: findings.map((f) => ({ ...f, parties: f.parties.map((p) => ({ ...p, name: p.uscc ? (names.get(p.uscc) ?? null) : null })) })),
    };
  }
}
