/** A certificate's clearing history: payments to bank and holder, overdue, default, recourse — each with its block and transaction. */
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router-dom";
import { get } from "../../api/client";
import { ClearingEvents } from "../../shared/ClearingEvents";
import { formatDate } from "../../shared/dates";
import { Money } from "../../shared/Money";
import { Card, Page, QueryState } from "../../shared/ui";
import { useOrgNames } from "../../shared/organizations";
import { ReceivableStatus } from "../../shared/statuses";

export function ClearingHistoryPage() {
  const { id = "" } = useParams();
  const { t } = useTranslation(["clearing", "financing", "common"]);
  const name = useOrgNames();
  const receivable = useQuery({ queryKey: ["receivables", "one", id], queryFn: () => get("/v1/receivables/{id}", { params: { path: { id } } }) });
  return (
    <Page
      title={t("history.title")}
      actions={
        <Link className="btn btn-secondary" to="/clearing">
          {t("common:action.back")}
        </Link>
      }
    >
      <QueryState query={receivable}>
        {() => {
          const r = receivable.data!;
          return (
            <Card title={r.certificateId ? t("financing:field.certificateNo", { id: r.certificateId }) : t("financing:field.certificate")}>
              <dl className="details">
                <dt>{t("financing:field.obligor")}</dt>
                <dd>{name(r.obligorId)}</dd>
                <dt>{t("list.holder")}</dt>
                <dd>{name(r.holderId)}</dd>
                <dt>{t("financing:field.face")}</dt>
                <dd>
                  <Money fen={r.amount} />
                </dd>
                <dt>{t("financing:field.maturity")}</dt>
                <dd>{formatDate(r.maturity)}</dd>
                <dt>{t("financing:field.status")}</dt>
                <dd>
                  <ReceivableStatus status={r.status} />
                </dd>
                <dt>{t("list.repaid")}</dt>
                <dd>
                  <Money fen={r.repayment.repaid} />
                </dd>
                <dt>{t("list.outstanding")}</dt>
                <dd>
                  <Money fen={r.repayment.outstanding} />
                </dd>
              </dl>
            </Card>
          );
        }}
      </QueryState>
      <ClearingEvents id={id} />
    </Page>
  );
}
