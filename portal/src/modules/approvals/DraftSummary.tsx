import { useTranslation } from "react-i18next";
import { formatFen } from "../../shared/money";
import { formatDate } from "../../shared/dates";

const MONEY = new Set(["amount", "limit", "advance", "fee"]);

/** A draft's body in words: amounts in yuan, lists counted, ids shortened. */
export function DraftSummary({ body }: { body: unknown }) {
  const { t, i18n } = useTranslation("approvals");
  if (body === null || typeof body !== "object" || Object.keys(body).length === 0) return <span className="muted">—</span>;
  const label = (key: string) => (i18n.exists(`approvals:field.${key}`) ? t(`field.${key}`) : key);
  const value = (key: string, v: unknown): string => {
    if (MONEY.has(key) && typeof v === "string") return formatFen(v);
    if (key === "maturityDate" && typeof v === "string") return formatDate(v);
    if (key === "annualRateBp" && typeof v === "number") return `${(v / 100).toFixed(2)}%`;
    if (key === "parts" && Array.isArray(v))
      return v
        .map((p: { amount?: unknown; organizationId?: unknown }) => `${typeof p.amount === "string" ? formatFen(p.amount) : "?"} → ${String(p.organizationId ?? "").slice(0, 8)}`)
        .join("; ");
    if (Array.isArray(v)) return t("summary.count", { count: v.length });
    if (typeof v === "boolean") return v ? t("common:yes") : t("common:no");
    if (typeof v === "string" && /^[0-9a-f-]{36}$/.test(v)) return v.slice(0, 8);
    if (typeof v === "object" && v !== null) return JSON.stringify(v);
    return String(v);
  };
  return (
    <dl className="details compact">
      {Object.entries(body as Record<string, unknown>).map(([k, v]) => (
        <div key={k} className="detail-pair">
          <dt>{label(k)}</dt>
          <dd>{value(k, v)}</dd>
        </div>
      ))}
    </dl>
  );
}
