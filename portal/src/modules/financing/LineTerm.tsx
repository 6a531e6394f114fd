import { useTranslation } from "react-i18next";
import { StatusBadge } from "../../shared/ui";
import { formatDate } from "../../shared/dates";

/** Whether a credit line lends today by its term (the API's `termStatus`). */
export type TermStatus = "none" | "valid" | "expired" | "not_yet_valid";

/** A line's term as dates, marked when the line does not lend today (expired, or not yet valid). */
export function LineTerm({ line }: { line: { validFrom: string | null; validUntil: string | null; termStatus: TermStatus } }) {
  const { t } = useTranslation("financing");
  if (line.termStatus === "none") return <span className="muted">{t("lines.noTerm")}</span>;
  return (
    <span className="term">
      <span>{t("lines.termRange", { from: formatDate(line.validFrom), until: formatDate(line.validUntil) })}</span>{" "}
      {line.termStatus === "valid" ? null : <StatusBadge status={line.termStatus} tone={line.termStatus === "expired" ? "danger" : "warning"} label={t(`lines.termStatus.${line.termStatus}`)} />}
    </span>
  );
}
