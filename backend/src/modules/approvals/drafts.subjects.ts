import type { DataSource } from "typeorm";
import type { PlatformKeys } from "../../ledger/platform-keys";
import { rowsOf } from "../../shared/db-types";
import type { AuthContext } from "../../shared/http/auth";

/**
 * What a draft touches, in business names and figures, so that an approver reads "确权 #12, owed by
 * 华东制造, ¥1,000,000.00, due 2027-06-30" rather than ids. Data-driven: the ids a draft names are
 * found by the kind of their field (the path's `:id` by its route, body fields by their name), and
 * each kind has one resolver, which resolves only what the drafter's organization may see (a
 * certificate it holds, owes, created, finances or is offered; a quote it made or was made; a
 * member in the directory): an id it may not see is left out, never named. Three actions change a
 * figure the approver must compare (a credit line, the repayment authorization, a new quote): their
 * old and new figures are a subject too. Amounts are integer fen as strings; dates are calendar
 * dates in China Standard Time.
 */
export type SubjectKind = "certificate" | "organization" | "quote" | "creditLine" | "repaymentAuthorization";

export interface Subject {
  kind: SubjectKind;
  /** The object's id (null for a quote not made yet, the repayment authorization). */
  id: string | null;
  /** An organization's, a quote's bank's or a credit line's obligor's legal name. */
  name?: string;
  /** A certificate's number (its ledger number), null until the ledger has it. */
  certificateNumber?: string | null;
  obligor?: string;
  supplier?: string;
  amount?: string;
  /** A certificate's maturity date. */
  maturity?: string;
  /** A quote: cash now (the advance), the annual rate in percent ("4.35"), fee, recourse, valid until (a date). */
  advance?: string;
  annualRatePercent?: string;
  fee?: string;
  recourse?: boolean;
  validUntil?: string;
  /** A quote's certificate (its number), when the drafter may see it. */
  certificate?: string | null;
  /** A credit line's or the repayment authorization's figure before and after. */
  from?: string;
  to?: string;
}

/** Id-bearing kinds, found in drafts. */
export type IdKind = "certificate" | "organization" | "quote" | "financingRequest";

/** The path's `:id`, by the route's path. */
const PATH_KINDS: [RegExp, IdKind][] = [
  [/^\/v1\/receivables\/:id\//, "certificate"],
  [/^\/v1\/quotes\/:id\//, "quote"],
  [/^\/v1\/financing-requests\/:id\//, "financingRequest"],
  [/^\/v1\/organizations\/:id\//, "organization"],
];
/** Body fields (at any depth), by their name. */
const BODY_KINDS: Record<string, IdKind> = {
  receivableIds: "certificate",
  receivableId: "certificate",
  organizationId: "organization",
  obligorId: "organization",
  supplierId: "organization",
  counterpartyId: "organization",
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The ids a draft names, by kind, in the order they appear. */
export function idsOf(routePath: string | null, params: Record<string, string>, body: unknown): { kind: IdKind; id: string }[] {
  const found: { kind: IdKind; id: string }[] = [];
  const add = (kind: IdKind, v: unknown) => {
    if (typeof v !== "string" || !UUID.test(v)) return;
    const id = v.toLowerCase();
    if (!found.some((f) => f.kind === kind && f.id === id)) found.push({ kind, id });
  };
  const pathKind = routePath ? PATH_KINDS.find(([re]) => re.test(routePath))?.[1] : undefined;
  if (pathKind && params.id) add(pathKind, params.id);
  const walk = (v: unknown, key?: string) => {
    if (Array.isArray(v)) return v.forEach((x) => walk(x, key));
    if (v && typeof v === "object") return Object.entries(v).forEach(([k, x]) => walk(x, k));
    if (key && BODY_KINDS[key]) add(BODY_KINDS[key], v);
  };
  walk(body);
  return found;
}

const CST_DATE = (col: string) => `to_char(${col} AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')`;
const cstDate = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
/** Basis points as a percentage with two decimals, without floating point. */
const percent = (bp: number) => `${Math.trunc(bp / 100)}.${String(bp % 100).padStart(2, "0")}`;

/** A certificate the organization `$2` may see: holder, obligor, creditor, financing bank, or the one it is offered to. */
const VISIBLE_CERTIFICATE = `($2 IN (r.holder_organization_id, r.obligor_organization_id, r.creditor_organization_id, r.financing_bank_organization_id)
  OR (r.status = 'offered' AND r.offer_to_organization_id = $2))`;

export class DraftSubjects {
  constructor(
    private readonly ds: DataSource,
    private readonly keys: PlatformKeys,
  ) {}

  private async certificates(ids: string[], me: string): Promise<Subject[]> {
    if (!ids.length) return [];
    const rows = rowsOf<Record<string, string>>(
      await this.ds.query(
        `SELECT r.id, r.chain_id::text AS number, o.legal_name AS obligor, c.legal_name AS supplier, r.amount::text AS amount, ${CST_DATE("r.maturity")} AS maturity
         FROM receivables r JOIN organizations o ON o.id = r.obligor_organization_id JOIN organizations c ON c.id = r.creditor_organization_id
         WHERE r.id = ANY($1::uuid[]) AND ${VISIBLE_CERTIFICATE}`,
        [ids, me],
      ),
    );
    return rows.map((r) => ({ kind: "certificate", id: r.id, certificateNumber: r.number, obligor: r.obligor, supplier: r.supplier, amount: r.amount, maturity: r.maturity }));
  }

  /** Members by legal name, as the member directory shows them to every member (and the drafter's own). */
  private async organizations(ids: string[], me: string): Promise<Subject[]> {
    if (!ids.length) return [];
    const rows = rowsOf<{ id: string; legal_name: string }>(
      await this.ds.query(`SELECT id, legal_name FROM organizations WHERE id = ANY($1::uuid[]) AND (status IN ('active', 'suspended') OR id = $2)`, [ids, me]),
    );
    return rows.map((r) => ({ kind: "organization", id: r.id, name: r.legal_name }));
  }

  /** Quotes the drafter made (its bank) or was made (the request's supplier). */
  private async quotes(ids: string[], me: string): Promise<Subject[]> {
    if (!ids.length) return [];
    const rows = rowsOf<Record<string, any>>(
      await this.ds.query(
        `SELECT q.id, b.legal_name AS bank, q.advance::text AS advance, q.annual_rate_bp, q.fee::text AS fee, q.recourse, ${CST_DATE("q.valid_until")} AS valid_until, r.chain_id::text AS certificate
         FROM quotes q JOIN financing_requests f ON f.id = q.request_id JOIN organizations b ON b.id = q.bank_organization_id JOIN receivables r ON r.id = f.receivable_id
         WHERE q.id = ANY($1::uuid[]) AND $2 IN (q.bank_organization_id, f.supplier_organization_id)`,
        [ids, me],
      ),
    );
    return rows.map((q) => ({
      kind: "quote",
      id: q.id,
      name: q.bank,
      certificate: q.certificate,
      advance: q.advance,
      annualRatePercent: percent(q.annual_rate_bp),
      fee: q.fee,
      recourse: q.recourse,
      validUntil: q.valid_until,
    }));
  }

  /** A financing request is shown as its certificate: the request's supplier, or a bank with a credit line for its obligor. */
  private async financingRequests(ids: string[], me: string): Promise<Subject[]> {
    if (!ids.length) return [];
    const rows = rowsOf<{ receivable_id: string }>(
      await this.ds.query(
        `SELECT f.receivable_id FROM financing_requests f WHERE f.id = ANY($1::uuid[])
           AND (f.supplier_organization_id = $2 OR EXISTS (SELECT 1 FROM credit_lines l WHERE l.bank_organization_id = $2 AND l.obligor_organization_id = f.obligor_organization_id))`,
        [ids, me],
      ),
    );
    // the bank may read the certificate of a request it may quote on
    const certificates = rows.map((r) => r.receivable_id);
    if (!certificates.length) return [];
    const found = rowsOf<Record<string, string>>(
      await this.ds.query(
        `SELECT r.id, r.chain_id::text AS number, o.legal_name AS obligor, c.legal_name AS supplier, r.amount::text AS amount, ${CST_DATE("r.maturity")} AS maturity
         FROM receivables r JOIN organizations o ON o.id = r.obligor_organization_id JOIN organizations c ON c.id = r.creditor_organization_id WHERE r.id = ANY($1::uuid[])`,
        [certificates],
      ),
    );
    return found.map((r) => ({ kind: "certificate", id: r.id, certificateNumber: r.number, obligor: r.obligor, supplier: r.supplier, amount: r.amount, maturity: r.maturity }));
  }

  /** Figures an action changes, by the action (its operationId): before and after. */
  private async changes(operationId: string | null, body: any, auth: AuthContext, named: Subject[]): Promise<Subject[]> {
    const me = auth.organization.id;
    if (operationId === "financing.setCreditLine" && typeof body?.obligorId === "string" && typeof body?.limit === "string") {
      const [line] = rowsOf<{ limit_amount: string }>(
        await this.ds.query(`SELECT limit_amount::text FROM credit_lines WHERE bank_organization_id = $1 AND obligor_organization_id = $2`, [me, body.obligorId]),
      );
      const obligor = named.find((s) => s.kind === "organization" && s.id === body.obligorId);
      return [{ kind: "creditLine", id: body.obligorId, name: obligor?.name, from: line?.limit_amount ?? "0", to: body.limit }];
    }
    if (operationId === "settlement.authorizeRepayment" && typeof body?.amount === "string") {
      const ledger = (await this.keys.deployment(this.ds.manager).catch(() => null))?.ledger;
      const [row] = ledger
        ? rowsOf<{ amount: string }>(
            await this.ds.query(`SELECT a.amount::text FROM token_allowances a JOIN organizations o ON lower(o.ledger_address) = lower(a.owner) WHERE o.id = $1 AND lower(a.spender) = lower($2)`, [me, ledger]),
          )
        : [];
      return [{ kind: "repaymentAuthorization", id: null, from: row?.amount ?? "0", to: body.amount }];
    }
    if (operationId === "financing.createQuote" && body && typeof body === "object") {
      const certificate = named.find((s) => s.kind === "certificate");
      const advance =
        typeof body.advance === "string"
          ? body.advance
          : certificate?.amount && typeof body.advanceRateBp === "number"
            ? ((BigInt(certificate.amount) * BigInt(body.advanceRateBp)) / 10_000n).toString()
            : undefined;
      const validUntil = typeof body.validUntil === "string" && !Number.isNaN(Date.parse(body.validUntil)) ? cstDate(new Date(body.validUntil)) : undefined;
      return [
        {
          kind: "quote",
          id: null,
          name: auth.organization.legalName,
          certificate: certificate?.certificateNumber ?? null,
          advance,
          annualRatePercent: typeof body.annualRateBp === "number" ? percent(body.annualRateBp) : undefined,
          fee: typeof body.fee === "string" ? body.fee : undefined,
          recourse: body.recourse === true,
          validUntil,
        },
      ];
    }
    return [];
  }

  /** The subjects of a draft of `operationId` on `routePath` with `params` and `body`, as `auth`'s organization may see them. */
  async resolve(auth: AuthContext, action: { operationId: string | null; routePath: string | null; params: Record<string, string> }, body: unknown): Promise<Subject[]> {
    const me = auth.organization.id;
    const ids = idsOf(action.routePath, action.params, body);
    const of = (kind: IdKind) => ids.filter((i) => i.kind === kind).map((i) => i.id);
    const [certificates, organizations, quotes, requested] = await Promise.all([
      this.certificates(of("certificate"), me),
      this.organizations(of("organization"), me),
      this.quotes(of("quote"), me),
      this.financingRequests(of("financingRequest"), me),
    ]);
    // in the order the draft names them
    const byId = new Map([...certificates, ...organizations, ...quotes].map((s) => [`${s.kind}:${s.id}`, s]));
    const named = [...requested, ...ids.map((i) => byId.get(`${i.kind}:${i.id}`)).filter((s): s is Subject => !!s)];
    return [...named, ...(await this.changes(action.operationId, body, auth, named))];
  }
}
