import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { get } from "../../api/client";
import { Money } from "../../shared/Money";
import { sumFen } from "../../shared/money";
import { Card, ProblemMessage, Stat } from "../../shared/ui";
import { settlementKey } from "./SettlementPage";

/** The settlement issuer's home: its movements at a glance and a link to record a deposit. */
export function IssuerHome() {
  const { t } = useTranslation(["settlement", "common"]);
  const movements = useQuery({ queryKey: [...settlementKey, "movements", ""], queryFn: () => get("/v1/settlement/movements", { params: { query: { limit: 200 } } }) });
  const items = movements.data?.items ?? [];
  return (
    <Card title={t("home.issuer")}>
      <ProblemMessage error={movements.error} />
      <dl className="stats">
        <Stat label={t("home.recentMovements")} value={movements.data ? items.length : "…"} />
        <Stat label={t("purpose.deposit")} value={<Money fen={sumFen(items.filter((m) => m.kind === "deposit").map((m) => m.amount))} />} />
        <Stat label={t("purpose.withdrawal")} value={<Money fen={sumFen(items.filter((m) => m.kind === "withdrawal").map((m) => m.amount))} />} />
      </dl>
      <ul className="links">
        <li>
          <Link to="/settlement">{t("home.recordDeposit")}</Link>
        </li>
      </ul>
    </Card>
  );
}
