/**
 * The credit lines' use as stacked bars (used, committed, available), drawn from whole yuan; the
 * tooltip shows the exact amounts. Apart from CreditLinesPage so that the chart library loads only
 * where the chart is drawn, not with the bank's home (which imports the page's query key).
 */
import { useTranslation } from "react-i18next";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatFen } from "../../shared/money";
import { reducedMotion } from "../../shared/motion";

export type LineAmounts = { used: string; committed: string; available: string };
export type LineBar = { name: string; used: number; committed: number; available: number; exact: LineAmounts };

export function CreditLinesChart({ bars }: { bars: LineBar[] }) {
  const { t } = useTranslation(["financing", "common"]);
  return (
    <ResponsiveContainer width="100%" height="100%">
      {/* the figure is aria-hidden (the table below holds the figures): no keyboard stop inside it */}
      <BarChart data={bars} margin={{ top: 10, right: 20, bottom: 10, left: 20 }} accessibilityLayer={false}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="name" />
        <YAxis tickFormatter={(v: number) => `¥${v.toLocaleString("zh-CN")}`} width={110} />
        <Tooltip
          formatter={(_value, key, item) => {
            const l = (item.payload as LineBar).exact;
            const k = String(key) as "used" | "committed" | "available";
            return [formatFen(l[k]), t(`lines.${k}`)];
          }}
        />
        <Legend formatter={(v: string) => t(`lines.${v}`)} />
        <Bar dataKey="used" stackId="a" fill="#1f5fa8" name="used" isAnimationActive={!reducedMotion()} />
        <Bar dataKey="committed" stackId="a" fill="#e0a030" name="committed" isAnimationActive={!reducedMotion()} />
        <Bar dataKey="available" stackId="a" fill="#9cc3a0" name="available" isAnimationActive={!reducedMotion()} />
      </BarChart>
    </ResponsiveContainer>
  );
}
