import type { DataSource, EntityManager } from "typeorm";
import { AppError, notFound } from "../../shared/errors";
import { reasonTexts } from "./ledger-reasons";

/** An obligor's standing as the API shows it (GET /v1/obligors/{organizationId}/standing). */
export interface StandingView {
  organizationId: string;
  paused: boolean;
  /** Its certificates overdue beyond grace (or defaulted) that count against it. */
  delinquencies: number;
  /** When the platform saw the pause begin (null while not paused). */
  since: string | null;
  /** Those certificates' ledger ids. */
  certificateIds: string[];
  resumedAt: string | null;
  /** Why governance last resumed it (null when it was resumed by paying, or never). */
  resumedReason: string | null;
}

interface StandingRow {
  id: string;
  legal_name: string;
  paused: boolean | null;
  paused_since: Date | null;
  resumed_at: Date | null;
  resumed_reason: string | null;
  certificate_ids: string[];
  receivable_ids: string[];
}

/**
 * Delinquent obligors (802号令): an obligor with a certificate overdue beyond grace (or defaulted)
 * may neither issue nor confirm until it pays or governance resumes it. The ledger enforces it; the
 * platform reads its projection (obligor_standings, receivables.delinquent) to refuse such requests
 * before anything is queued, naming the certificates to pay, and to show every member whether an
 * obligor is paused (a supplier offered a certificate sees it before accepting).
 */
export class ObligorStandings {
  constructor(private readonly ds: DataSource) {}

  private async row(db: Pick<EntityManager, "query">, organizationId: string): Promise<StandingRow | undefined> {
    const [row] = (await db.query(
      `SELECT o.id, o.legal_name, o.roles, o.status, s.paused, s.paused_since, s.resumed_at, s.resumed_reason,
              coalesce(array_agg(r.chain_id::text ORDER BY r.chain_id) FILTER (WHERE r.id IS NOT NULL), '{}') AS certificate_ids,
              coalesce(array_agg(r.id::text ORDER BY r.chain_id) FILTER (WHERE r.id IS NOT NULL), '{}') AS receivable_ids
       FROM organizations o LEFT JOIN obligor_standings s ON s.organization_id = o.id
       LEFT JOIN receivables r ON r.obligor_organization_id = o.id AND r.delinquent
       WHERE o.id = $1 AND 'core_enterprise' = ANY(o.roles) AND o.status <> 'pending'
       GROUP BY o.id, s.organization_id`,
      [organizationId],
    )) as StandingRow[];
    return row;
  }

  /** Any member may read any obligor's standing; an organization that is no obligor (or not yet a member) is absent. */
  async of(organizationId: string): Promise<StandingView> {
    const row = await this.row(this.ds, organizationId);
    if (!row) throw notFound("obligor", organizationId);
    const texts = await reasonTexts(this.ds, [row.resumed_reason]);
    return {
      organizationId: row.id,
      paused: row.paused ?? false,
      delinquencies: row.paused ? row.certificate_ids.length : 0,
      since: row.paused && row.paused_since ? row.paused_since.toISOString() : null,
      certificateIds: row.paused ? row.certificate_ids : [],
      resumedAt: row.resumed_at?.toISOString() ?? null,
      resumedReason: row.resumed_reason ? (texts.get(row.resumed_reason) ?? row.resumed_reason) : null,
    };
  }

  /**
   * Refuses (409 OBLIGOR.PAUSED) an issue or confirmation by a paused obligor, naming the
   * certificates it has to pay; the ledger would refuse it anyway (ObligorDelinquent).
   */
  async requireNotPaused(em: Pick<EntityManager, "query">, organizationId: string): Promise<void> {
    const row = await this.row(em, organizationId);
    if (!row?.paused) return;
    const which = row.certificate_ids.length ? `certificate${row.certificate_ids.length === 1 ? "" : "s"} ${row.certificate_ids.join(", ")} ${row.certificate_ids.length === 1 ? "is" : "are"}` : "a certificate is";
    throw new AppError(
      "OBLIGOR.PAUSED",
      409,
      `${row.legal_name} is paused as a delinquent obligor: ${which} overdue beyond the grace period. It may not issue or confirm certificates until they are paid (fund the repayment authorization; the platform collects them) or governance resumes it.`,
      [],
      { certificateIds: row.certificate_ids, receivableIds: row.receivable_ids },
    );
  }
}
