/** Home sections: the supplier's financing in progress, the bank's workspace. */
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { get } from "../../api/client";
import { Money } from "../../shared/Money";
import { formatFen, sumFen } from "../../shared/money";
import { Card, EmptyState, ProblemMessage, Stat } from "../../shared/ui";
import { bucketOf, financingsKey, usePortfolioReceivables } from "./FinancingListPage";
import { FinancingStatus } from "../../shared/statuses";
import { creditLinesKey } from "./CreditLinesPage";

export function SupplierFinancingHome() {
  const { t } = useTranslation(["financing", "common"]);
  const financings = useQuery({ queryKey: financingsKey, queryFn: () => get("/v1/financings") });
  const open = useQuery({ queryKey: ["financing-requests", "open"], queryFn: () => get("/v1/financing-requests", { params: { query: { status: "open" } } }) });
  const inProgress = (financings.data?.items ?? []).filter((f) => f.status === "registry_check" || f.status === "submitting");
  return (
    <Card title={t("home.supplier")}>
      <ProblemMessage error={financings.error ?? open.error} />
      <dl className="stats">
        <Stat label={t("home.openRequests")} value={open.data?.items.length ?? "…"} />
        <Stat label={t("home.inProgress")} value={financings.data ? inProgress.length : "…"} />
      </dl>
      {inProgress.length > 0 ? (
        <ul className="plain-list">
          {inProgress.map((f) => (
            <li key={f.id}>
              <Link to={`/financing/financings/${f.id}`}>
                <Money fen={f.advance} />
              </Link>{" "}
              <FinancingStatus status={f.status} />
            </li>
          ))}
        </ul>
      ) : financings.data ? (
        <p className="muted">{t("home.nothingInProgress")}</p>
      ) : null}
      <ul className="links">
        <li>
          <Link to="/financing">{t("home.requestFinancing")}</Link>
        </li>
        <li>
          <Link to="/financing/financings">{t("nav.financings")}</Link>
        </li>
      </ul>
    </Card>
  );
}

export function BankHome() {
  const { t } = useTranslation(["financing", "common"]);
  const open = useQuery({ queryKey: ["financing-requests", "open"], queryFn: () => get("/v1/financing-requests", { params: { query: { status: "open" } } }) });
  const lines = useQuery({ queryKey: creditLinesKey, queryFn: () => get("/v1/credit-lines") });
  const financings = useQuery({ queryKey: financingsKey, queryFn: () => get("/v1/financings") });
  const receivables = usePortfolioReceivables(true);
  const book = (financings.data?.items ?? []).map((f) => bucketOf(f, receivables.data?.get(f.receivableId)));
  const count = (b: string) => book.filter((x) => x === b).length;
  const items = lines.data?.items ?? [];
  return (
    <Card title={t("home.bank")}>
      <ProblemMessage error={open.error ?? lines.error ?? financings.error} />
      {items.length === 0 && lines.data ? <EmptyState title={t("lines.empty")} /> : null}
      <dl className="stats stats-six">
        <Stat label={t("home.toQuote")} value={open.data?.items.length ?? "…"} />
        <Stat label={t("lines.limit")} value={lines.data ? formatFen(sumFen(items.map((l) => l.limit))) : "…"} hint={t("home.used", { amount: formatFen(sumFen(items.map((l) => l.used))) })} />
        <Stat label={t("bucket.funded")} value={financings.data ? count("funded") : "…"} />
        <Stat label={t("bucket.due")} value={financings.data ? count("due") : "…"} />
        <Stat label={t("bucket.overdue")} value={financings.data ? count("overdue") : "…"} />
        <Stat label={t("bucket.defaulted")} value={financings.data ? count("defaulted") : "…"} />
      </dl>
      <ul className="links">
        <li>
          <Link to="/financing">{t("home.quoteNow")}</Link>
        </li>
        <li>
          <Link to="/financing/financings">{t("financings.bankTitle")}</Link>
        </li>
        <li>
          <Link to="/financing/credit-lines">{t("nav.creditLines")}</Link>
        </li>
        <li>
          <Link to="/reconciliation">{t("home.reconciliation")}</Link>
        </li>
      </ul>
    </Card>
  );
}
