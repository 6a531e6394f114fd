import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { get } from "../../api/client";
import { Money } from "../../shared/Money";
import { Card, ProblemMessage, Stat } from "../../shared/ui";

/** The settlement issuer's glance at what the ledger holds for members that could not receive (代持资金). */
export function HeldFundsHome() {
  const { t } = useTranslation("conformity");
  const held = useQuery({ queryKey: ["conformity", "held-funds"], queryFn: () => get("/v1/conformity/held-funds") });
  return (
    <Card title={t("held.title")}>
      <ProblemMessage error={held.error} />
      <dl className="stats">
        <Stat label={t("held.total")} value={held.data ? <Money fen={held.data.total} /> : "…"} hint={held.data ? t("held.accounts", { count: held.data.accounts.length }) : undefined} />
      </dl>
      <ul className="links">
        <li>
          <Link to="/conformity/held-funds">{t("held.homeLink")}</Link>
        </li>
      </ul>
    </Card>
  );
}
