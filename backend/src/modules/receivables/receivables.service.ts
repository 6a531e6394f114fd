import type { DataSource, EntityManager } from "typeorm";
import { conflict, forbidden, notFound } from "../../shared/errors";
import { readsAll, type AuthContext } from "../../shared/http/auth";
import type { OutboxEntry } from "../../ledger/outbox/outbox.entity";
import type { InvoicesService } from "../invoices";
import type { ReceivableRow } from "./receivable.entity";
import type { ReceivablesRepository } from "./receivables.repository";
import type { LineageNodeView } from "./receivables.schemas";
import { canSee } from "./receivables.rules";

/** A certificate accepted by the platform and the ledger operation that writes it. */
export interface Accepted {
  receivable: ReceivableRow;
  operation: OutboxEntry;
}

/**
 * Refuses (throws) when something outside this module holds a claim on the certificates that a
 * change of holder would break (e.g. an open financing request: the financing module registers it).
 */
export type HolderChangeGuard = (em: EntityManager, receivableIds: string[]) => Promise<void>;

/** What a change refused for a change in flight (`changeInFlightSql`) is told. */
export const changeInProgress = (operationId: string) =>
  conflict("RECEIVABLE.CHANGE_IN_PROGRESS", `Operation ${operationId} on one of these certificates is still being written to the ledger; retry when it is done.`, { operationId });

/**
 * Receivable certificates as their members and the other modules read them: who sees which, their
 * evidence, family and calendar, and the claims other modules hold on them. (Creation is
 * ReceivableCreation's, changes ReceivableChanges'.)
 */
export class ReceivablesService {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: ReceivablesRepository,
    private readonly invoices: InvoicesService,
  ) {}

  private readonly holderChangeGuards: HolderChangeGuard[] = [];

  /** Another module's claim on certificates that a split or transfer must not break (see HolderChangeGuard). */
  guardHolderChanges(guard: HolderChangeGuard): void {
    this.holderChangeGuards.push(guard);
  }

  /** Runs the other modules' guards on a change of holder of `ids`. */
  async checkHolderChange(em: EntityManager, ids: string[]): Promise<void> {
    for (const guard of this.holderChangeGuards) await guard(em, ids);
  }

  /** The certificates the caller may see among `ids` (locked if asked); any other is a 404. */
  async visible(em: EntityManager, auth: AuthContext, ids: string[], lock = false): Promise<ReceivableRow[]> {
    const byId = new Map((await this.repo.byIds(em, ids, lock)).map((r) => [r.id, r]));
    return ids.map((id) => {
      const r = byId.get(id);
      if (!r || !canSee(auth, r)) throw notFound("receivable", id);
      return r;
    });
  }

  async get(auth: AuthContext, id: string): Promise<ReceivableRow> {
    return (await this.visible(this.ds.manager, auth, [id]))[0];
  }

  /**
   * The invoice evidence of a certificate: the invoices of its original (a part of a split is
   * backed by the invoices of the certificate it was split from), for whoever may see the part.
   */
  async evidence(auth: AuthContext, id: string) {
    await this.get(auth, id);
    return this.invoices.backing(await this.repo.rootOf(id));
  }

  async list(auth: AuthContext, q: { role: "holder" | "obligor" | "creditor" | "all"; status?: string; limit: number; after?: string }) {
    if (q.role === "all" && !readsAll(auth)) throw forbidden("Only the operator and auditors list every certificate: ask with role holder, obligor or creditor.");
    return this.repo.list({ party: q.role === "all" ? null : q.role, me: auth.organization.id, statuses: q.status ? q.status.split(",") : undefined, limit: q.limit, after: q.after });
  }

  /**
   * The certificate's family from the core enterprise's original down to every tier. The obligor,
   * operator and auditors see every holder; others see the holders of the branches they are part
   * of, and `null` elsewhere.
   */
  async lineage(auth: AuthContext, id: string) {
    const start = await this.get(auth, id);
    const rootId = await this.repo.rootOf(start.id);
    const family = await this.repo.family(rootId);
    const seesAll = readsAll(auth) || start.obligorOrganizationId === auth.organization.id;
    const mine = new Set(family.filter((r) => canSee(auth, r)).map((r) => r.id));
    const names = new Map<string, string>((await this.repo.organizations([...new Set(family.map((r) => r.holderOrganizationId))])).map((o) => [o.id, o.legalName]));
    const node = (r: ReceivableRow): LineageNodeView => ({
      id: r.id,
      certificateId: r.chainId?.toString() ?? null,
      tier: r.tier,
      amount: r.amount.toString(),
      status: r.status,
      holder: seesAll || mine.has(r.id) ? { id: r.holderOrganizationId, name: names.get(r.holderOrganizationId) ?? null } : null,
      children: family.filter((c) => c.parentId === r.id).sort((a, b) => Number((a.chainId ?? 0n) - (b.chainId ?? 0n))).map(node),
    });
    return node(family.find((r) => r.id === rootId)!);
  }

  /** A core enterprise's payables: what falls due when, to whom. */
  async calendar(auth: AuthContext, from?: string, to?: string) {
    const rows = await this.repo.payables(auth.organization.id, from ?? null, to ?? null);
    const days = new Map<string, { date: string; total: bigint; certificates: number; payees: { organizationId: string; name: string; amount: string; certificates: number }[] }>();
    for (const r of rows) {
      const d = days.get(r.day) ?? { date: r.day, total: 0n, certificates: 0, payees: [] };
      d.total += BigInt(r.amount);
      d.certificates += r.count;
      d.payees.push({ organizationId: r.holder_organization_id, name: r.legal_name, amount: r.amount, certificates: r.count });
      days.set(r.day, d);
    }
    return [...days.values()].map((d) => ({ ...d, total: d.total.toString() }));
  }
}
