import { useTranslation } from "react-i18next";
import type { Schemas } from "../../api/client";
import { formatFen } from "../../shared/money";
import { formatDate } from "../../shared/dates";

type Draft = Schemas["Draft"];
type Subject = Schemas["DraftSubject"];

/** The draft's action in the reader's language, from its operationId; the API's summary only for an action the catalogue does not know. */
export function useActionName(): (draft: Pick<Draft, "operationId" | "action">) => string {
  const { t, i18n } = useTranslation("approvals");
  return (d) => (d.operationId && i18n.exists(`approvals:action.${d.operationId}`) ? t(`action.${d.operationId}`) : d.action);
}

/** Body fields the subjects say in names and figures (ids, and the figures of a quote, a credit line, an authorization). */
const ID_FIELDS = new Set(["receivableIds", "receivableId", "organizationId", "obligorId", "supplierId", "counterpartyId", "signature"]);
const CHANGE_FIELDS: Record<string, string[]> = {
  quote: ["advance", "advanceRateBp", "annualRateBp", "dayCount", "fee", "recourse", "validUntil"],
  creditLine: ["limit"],
  repaymentAuthorization: ["amount"],
};
const MONEY = new Set(["amount", "limit", "advance", "fee"]);
/** Dates in a body: a certificate's maturity, a credit line's term. */
const DATES = new Set(["maturityDate", "validFrom", "validUntil"]);

/** One subject: a certificate by its number and facts, an organization by name, a quote's terms, a figure's change. */
function SubjectLine({ s }: { s: Subject }) {
  const { t } = useTranslation("approvals");
  const fen = (v: string | undefined) => (v === undefined ? "—" : formatFen(v));
  switch (s.kind) {
    case "certificate":
      return (
        <>
          <dt>{s.certificateNumber ? t("subject.certificate", { number: `#${s.certificateNumber}` }) : t("subject.certificateUnnumbered")}</dt>
          <dd>{t("subject.certificateFacts", { obligor: s.obligor, supplier: s.supplier, amount: fen(s.amount), maturity: formatDate(s.maturity) })}</dd>
        </>
      );
    case "organization":
      return (
        <>
          <dt>{t("subject.organization")}</dt>
          <dd>{s.name}</dd>
        </>
      );
    case "quote":
      return (
        <>
          <dt>
            {t("subject.quote", { bank: s.name })}
            {s.certificate ? ` · ${t("subject.quoteCertificate", { number: `#${s.certificate}` })}` : ""}
          </dt>
          <dd>
            {t("subject.quoteFacts", {
              advance: fen(s.advance),
              rate: s.annualRatePercent ?? "—",
              fee: fen(s.fee),
              recourse: t(s.recourse ? "subject.recourse" : "subject.noRecourse"),
              validUntil: formatDate(s.validUntil),
            })}
          </dd>
        </>
      );
    case "creditLine":
    case "repaymentAuthorization":
      return (
        <>
          <dt>{s.kind === "creditLine" ? t("subject.creditLine", { obligor: s.name ?? "—" }) : t("subject.repaymentAuthorization")}</dt>
          <dd>{t("subject.change", { from: fen(s.from), to: fen(s.to) })}</dd>
        </>
      );
  }
}

/** A draft in words: what it touches (certificates, organizations, a quote, figures before and after), then what else its body says. */
export function DraftSummary({ draft }: { draft: Pick<Draft, "body" | "subjects"> }) {
  const { t, i18n } = useTranslation("approvals");
  const body = (draft.body ?? {}) as Record<string, unknown>;
  const subjects = draft.subjects ?? [];
  const names = new Map(subjects.filter((s) => s.id && s.name && s.kind === "organization").map((s) => [s.id!, s.name!]));
  const said = new Set([...ID_FIELDS, ...subjects.flatMap((s) => CHANGE_FIELDS[s.kind] ?? [])]);
  const rest = typeof body === "object" && body ? Object.entries(body).filter(([k]) => !said.has(k)) : [];
  const label = (key: string) => (i18n.exists(`approvals:field.${key}`) ? t(`field.${key}`) : key);
  const who = (id: unknown) => (typeof id === "string" ? (names.get(id) ?? "—") : "—");
  const value = (key: string, v: unknown): string => {
    if (MONEY.has(key) && typeof v === "string") return formatFen(v);
    if (DATES.has(key) && typeof v === "string") return formatDate(v);
    if (key === "annualRateBp" && typeof v === "number") return `${(v / 100).toFixed(2)}%`;
    if (key === "parts" && Array.isArray(v))
      return v.map((p: { amount?: unknown; organizationId?: unknown }) => `${typeof p.amount === "string" ? formatFen(p.amount) : "?"} → ${who(p.organizationId)}`).join("; ");
    if (key === "items" && Array.isArray(v))
      return v
        .map((i: { supplierId?: unknown; counterpartyId?: unknown; obligorId?: unknown; invoiceIds?: unknown[]; maturityDate?: unknown }) =>
          [who(i.supplierId ?? i.counterpartyId ?? i.obligorId), t("summary.invoices", { count: i.invoiceIds?.length ?? 0 }), typeof i.maturityDate === "string" ? formatDate(i.maturityDate) : ""]
            .filter(Boolean)
            .join(" · "),
        )
        .join("; ");
    if (key === "reasonablenessReview" && v && typeof v === "object") {
      const r = v as { reviewer?: unknown; reason?: unknown };
      return `${String(r.reviewer ?? "")}: ${String(r.reason ?? "")}`;
    }
    if (Array.isArray(v)) return t("summary.count", { count: v.length });
    if (typeof v === "boolean") return v ? t("common:yes") : t("common:no");
    if (typeof v === "object" && v !== null) return "—";
    return String(v);
  };
  if (!subjects.length && !rest.length) return <span className="muted">—</span>;
  return (
    <dl className="details compact">
      {subjects.map((s, i) => (
        <div key={`${s.kind}:${s.id ?? i}`} className="detail-pair" data-subject={s.kind}>
          <SubjectLine s={s} />
        </div>
      ))}
      {rest.map(([k, v]) => (
        <div key={k} className="detail-pair">
          <dt>{label(k)}</dt>
          <dd>{value(k, v)}</dd>
        </div>
      ))}
    </dl>
  );
}
