/**
 * The payables by week as bars. Apart from PayablesPage so that the chart library loads only where
 * a chart is drawn (PayablesCalendar imports this lazily), not with the core enterprise's home.
 */
import { useTranslation } from "react-i18next";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatDate } from "../../../shared/dates";
import { formatFen } from "../../../shared/money";
import { reducedMotion } from "../../../shared/motion";

export type Week = { week: string; total: string; certificates: number; yuan: number };

export function PayablesChart({ weeks }: { weeks: Week[] }) {
  const { t } = useTranslation("receivables");
  return (
    <ResponsiveContainer width="100%" height="100%">
      <BarChart data={weeks} margin={{ top: 8, right: 16, bottom: 8, left: 16 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#d5dbe3" />
        <XAxis dataKey="week" tickFormatter={(w: string) => formatDate(w)} stroke="#4a5668" />
        <YAxis tickFormatter={(v: number) => `¥${v.toLocaleString()}`} stroke="#4a5668" width={110} />
        <Tooltip formatter={(_v, _n, item) => [formatFen((item.payload as Week).total), t("payables.due")]} labelFormatter={(w) => t("payables.weekOf", { date: formatDate(String(w)) })} />
        <Bar dataKey="yuan" fill="#0b4f8a" maxBarSize={56} name={t("payables.due")} isAnimationActive={!reducedMotion()} />
      </BarChart>
    </ResponsiveContainer>
  );
}
