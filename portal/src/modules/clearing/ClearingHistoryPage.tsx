/** A certificate's clearing history: payments to bank and holder, overdue, default, recourse — each with its block and transaction. */
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router-dom";
import { get, type Schemas } from "../../api/client";
import { formatDate, formatDateTime } from "../../shared/dates";
import { Money } from "../../shared/Money";
import { Card, DataTable, EmptyState, Page, QueryState, StatusBadge } from "../../shared/ui";
import { Hash, useOrgNames } from "../financing/common";
import { ReceivableStatus } from "../financing/RequestListPage";

type Event = Schemas["ClearingEvent"];
const KIND_TONE = { cleared: "success", defaulted: "danger", recourse: "warning" } as const;

export function ClearingEvents({ id }: { id: string }) {
  const { t } = useTranslation(["clearing", "financing"]);
  const events = useQuery({ queryKey: ["clearing", "events", id], queryFn: () => get("/v1/receivables/{id}/clearing", { params: { path: { id } } }) });
  return (
    <QueryState query={events}>
      {() => (
        <DataTable<Event>
          caption={t("history.caption")}
          rows={events.data!.items}
          rowKey={(e) => `${e.txHash}:${e.kind}:${e.at}`}
          empty={<EmptyState title={t("history.empty")} />}
          columns={[
            { key: "at", header: t("history.at"), rowHeader: true, cell: (e) => formatDateTime(e.at) },
            { key: "kind", header: t("history.kind"), cell: (e) => <StatusBadge status={e.kind} tone={KIND_TONE[e.kind]} label={t(`event.${e.kind}`)} /> },
            { key: "toBank", header: t("history.toBank"), numeric: true, cell: (e) => <Money fen={e.toBank} /> },
            { key: "toHolder", header: t("history.toHolder"), numeric: true, cell: (e) => <Money fen={e.toHolder} /> },
            { key: "outstanding", header: t("list.outstanding"), numeric: true, cell: (e) => <Money fen={e.outstanding} /> },
            { key: "status", header: t("history.statusAfter"), cell: (e) => <ReceivableStatus status={e.status} /> },
            { key: "block", header: t("history.block"), numeric: true, cell: (e) => e.blockNumber },
            { key: "tx", header: t("history.tx"), cell: (e) => <Hash value={e.txHash} /> },
          ]}
        />
      )}
    </QueryState>
  );
}

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
