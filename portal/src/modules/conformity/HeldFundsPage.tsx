/**
 * 代持资金: payouts the ledger holds for parties that could not receive them (a suspended member at
 * settlement), per account, until it or another account of its organization collects them (GET
 * /v1/conformity/held-funds). No pooled money: the ledger holds them, never the operator.
 */
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { get, type Schemas } from "../../api/client";
import { Money } from "../../shared/Money";
import { Hash } from "../../shared/operation";
import { Card, DataTable, EmptyState, QueryState, Stat } from "../../shared/ui";
import { ConformityPage } from "./ConformityPage";

type Held = Schemas["HeldFunds"]["accounts"][number];

export function HeldFundsPage() {
  const { t } = useTranslation("conformity");
  const held = useQuery({ queryKey: ["conformity", "held-funds"], queryFn: () => get("/v1/conformity/held-funds") });
  return (
    <ConformityPage title={t("held.title")}>
      <p className="muted">{t("held.intro")}</p>
      <QueryState query={held}>
        {() => {
          const h = held.data!;
          return (
            <>
              <Card>
                <dl className="stats">
                  <Stat label={t("held.total")} value={<Money fen={h.total} />} hint={t("held.accounts", { count: h.accounts.length })} />
                  <Stat label={t("held.asOf")} value={h.asOfBlock ?? "—"} hint={t("held.asOfHint")} />
                </dl>
              </Card>
              <DataTable<Held>
                caption={t("held.caption", { count: h.accounts.length })}
                rows={h.accounts}
                rowKey={(a) => a.account}
                empty={<EmptyState title={t("held.empty")} />}
                columns={[
                  { key: "org", header: t("held.organization"), rowHeader: true, cell: (a) => a.name ?? t("held.unknown") },
                  { key: "uscc", header: t("held.uscc"), cell: (a) => (a.uscc ? <span className="mono nowrap">{a.uscc}</span> : "—") },
                  { key: "account", header: t("held.account"), cell: (a) => <Hash value={a.account} /> },
                  { key: "held", header: t("held.amount"), numeric: true, cell: (a) => <Money fen={a.held} /> },
                  { key: "block", header: t("held.lastBlock"), numeric: true, cell: (a) => a.lastBlock },
                ]}
              />
            </>
          );
        }}
      </QueryState>
    </ConformityPage>
  );
}
