/**
 * A certificate's term (付款期限) in days, and the mark of a term beyond six months (77号文: a
 * funding bank records its reasonableness review). The receivables, financing and audit pages show
 * it wherever a certificate's maturity is shown.
 */
import { useTranslation } from "react-i18next";
import { termOf, type Term } from "./terms";
import { StatusBadge } from "./ui";

/** The mark alone: "超过六个月", with what it means for a screen reader and a pointer. */
export function LongTermMark() {
  const { t } = useTranslation("common");
  return (
    <span className="term-mark" title={t("term.beyondSixMonthsHint")}>
      <StatusBadge status="long-term" tone="warning" label={t("term.beyondSixMonths")} />
      <span className="visually-hidden">{t("term.beyondSixMonthsHint")}</span>
    </span>
  );
}

/** "186 天" and the mark when the term is beyond six months. */
export function TermText({ term }: { term: Term | null }) {
  const { t } = useTranslation("common");
  if (!term) return <span className="muted">—</span>;
  return (
    <span className="term">
      <span>{t("term.days", { count: term.days })}</span>
      {term.beyondSixMonths ? <LongTermMark /> : null}
    </span>
  );
}

/** The term of a certificate as the API reads it: from its creation on the platform to its maturity. */
export function CertificateTerm({ receivable }: { receivable: { createdAt: string; maturity: string } }) {
  return <TermText term={termOf(receivable.createdAt, receivable.maturity)} />;
}

/** A maturity date with the long-term mark beside it (for tables, where a column of its own is too much). */
export function MaturityWithMark({ receivable, formatted }: { receivable: { createdAt: string; maturity: string }; formatted: string }) {
  const term = termOf(receivable.createdAt, receivable.maturity);
  return (
    <span className="term">
      <span>{formatted}</span>
      {term?.beyondSixMonths ? <LongTermMark /> : null}
    </span>
  );
}
