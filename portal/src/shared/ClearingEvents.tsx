/**
 * A certificate's clearing events (payments to bank and holder, overdue, default, recourse), each
 * with its block and transaction: the clearing history page and the auditor's certificate page show them.
 */
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { get, type Schemas } from "../api/client";
import { formatDateTime } from "./dates";
import { Money } from "./Money";
import { Hash } from "./operation";
import { ReceivableStatus } from "./statuses";
import { DataTable, EmptyState, QueryState, StatusBadge } from "./ui";

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
