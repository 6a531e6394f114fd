import { useTranslation } from "react-i18next";
import type { Schemas } from "../../api/client";
import { formatDate } from "../../shared/dates";
import { formatFen } from "../../shared/money";

type Mismatch = NonNullable<Schemas["Invoice"]["rejection"]>["mismatch"][number];

const MONEY = new Set(["amount", "tax", "total"]);
const shown = (m: Mismatch, v: string) => (MONEY.has(m.field) ? formatFen(v) : m.field === "issueDate" ? formatDate(v) : v);

/** What the tax bureau records where it disagreed with the submission, beside what was submitted. */
export function MismatchList({ mismatch }: { mismatch: Mismatch[] }) {
  const { t } = useTranslation("invoices");
  if (!mismatch.length) return null;
  return (
    <ul className="mismatch">
      {mismatch.map((m) => (
        <li key={m.field}>
          {t("mismatch.line", { field: t(`mismatch.field.${m.field}`), taxBureau: shown(m, m.taxBureau), submitted: shown(m, m.submitted) })}
        </li>
      ))}
    </ul>
  );
}
