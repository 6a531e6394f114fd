import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { get } from "../../api/client";
import { Money } from "../../shared/Money";
import { sumFen } from "../../shared/money";
import { Card, QueryState, Stat } from "../../shared/ui";
import { RECEIVABLE_STATUSES } from "./shared";

/** The supplier's overview: certificates by state, cash received, where the work is. */
export function SupplierHome() {
  const { t } = useTranslation("receivables");
  const certs = useQuery({ queryKey: ["receivables", "holder", ""], queryFn: () => get("/v1/receivables", { params: { query: { role: "holder", limit: 500 } } }) });
  const account = useQuery({ queryKey: ["settlement", "account"], queryFn: () => get("/v1/settlement/account") });
  const financings = useQuery({ queryKey: ["financings"], queryFn: () => get("/v1/financings") });
  const items = certs.data?.items ?? [];
  const byStatus = RECEIVABLE_STATUSES.map((s) => ({ s, rows: items.filter((r) => r.status === s) })).filter((g) => g.rows.length > 0);
  const funded = (financings.data?.items ?? []).filter((f) => f.status === "funded");
  return (
    <Card title={t("home.supplier")}>
      <h3>{t("home.byState")}</h3>
      <QueryState query={certs}>
        {() =>
          byStatus.length ? (
            <dl className="stats">
              {byStatus.map(({ s, rows }) => (
                <Stat key={s} label={t(`status.${s}`)} value={<Money fen={sumFen(rows.map((r) => r.amount))} />} hint={t("home.count", { count: rows.length })} />
              ))}
            </dl>
          ) : (
            <p className="muted">{t("list.empty")}</p>
          )
        }
      </QueryState>
      <h3>{t("home.cash")}</h3>
      <dl className="stats">
        <Stat label={t("home.balance")} value={account.data ? <Money fen={account.data.balance} /> : "—"} />
        <Stat label={t("home.advances")} value={<Money fen={sumFen(funded.map((f) => f.advance))} />} hint={t("home.count", { count: funded.length })} />
      </dl>
      <ul className="links">
        <li><Link to="/invoices/upload">{t("home.linkUpload")}</Link></li>
        <li><Link to="/receivables/new">{t("nav.register")}</Link></li>
        <li><Link to="/receivables/offers">{t("home.linkOffers")}</Link></li>
        <li><Link to="/receivables">{t("nav.certificates")}</Link></li>
        <li><Link to="/financing">{t("home.linkFinancing")}</Link></li>
      </ul>
    </Card>
  );
}
