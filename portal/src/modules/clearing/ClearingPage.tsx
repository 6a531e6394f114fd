/**
 * Maturity clearing and overdue: certificates past maturity that are overdue or defaulted. The
 * financing bank (or an unfinanced holder) declares overdue ones defaulted once the default period
 * is over; a bank claims recourse on defaulted ones it financed with recourse. Both are commit
 * actions. Each certificate links to its clearing history.
 */
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { get, queryClient, type Schemas } from "../../api/client";
import { useSession } from "../../shared/session";
import { CommitButton, CommitOutcome, useCommit } from "../../shared/commit";
import { formatDate } from "../../shared/dates";
import { Money } from "../../shared/Money";
import { Card, DataTable, EmptyState, Page, QueryState } from "../../shared/ui";
import { LiveOperation } from "../../shared/operation";
import { useOrgNames } from "../../shared/organizations";
import { ReceivableStatus } from "../../shared/statuses";

type Receivable = Schemas["Receivable"];
const WATCHED = ["overdue", "defaulted", "settled"];

function useClearingReceivables() {
  const session = useSession();
  const isBank = session.has("bank");
  const isSupplier = session.has("supplier");
  return useQuery({
    queryKey: ["clearing", "receivables", isBank, isSupplier],
    queryFn: async (): Promise<Receivable[]> => {
      const seen = new Map<string, Receivable>();
      if (isSupplier) for (const r of (await get("/v1/receivables", { params: { query: { status: WATCHED.join(","), limit: 500 } } })).items) seen.set(r.id, r);
      if (!isSupplier || isBank || session.has("operator") || session.has("auditor")) {
        // banks see the certificates of the requests they may quote on; operators and auditors see all
        for (const x of (await get("/v1/financing-requests", { params: { query: { status: "funded" } } })).items) seen.set(x.receivable.id, x.receivable);
      }
      const mine = (r: Receivable) => !isBank || r.financing?.bankId === session.organization.id || r.holderId === session.organization.id;
      return [...seen.values()].filter((r) => WATCHED.includes(r.status) && mine(r)).sort((a, b) => a.maturity.localeCompare(b.maturity));
    },
  });
}

export function ClearingPage() {
  const { t } = useTranslation(["clearing", "financing", "common"]);
  const session = useSession();
  const name = useOrgNames();
  const list = useClearingReceivables();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const invalidate = () => {
    setSelected(new Set());
    void queryClient.invalidateQueries({ queryKey: ["clearing"] });
  };
  const declare = useCommit("/v1/receivables/defaults", { onDone: invalidate });
  const claim = useCommit("/v1/receivables/recourse-claims", { onDone: invalidate });
  const rows = list.data ?? [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  const picked = [...selected].map((id) => byId.get(id)).filter((r): r is Receivable => r !== undefined);
  const canAct = session.has("bank") || session.has("supplier");
  const actionable = (r: Receivable) =>
    r.status === "overdue" || (r.status === "defaulted" && session.has("bank") && r.financing?.recourse === true && r.financing.bankId === session.organization.id);
  const overdue = picked.filter((r) => r.status === "overdue").map((r) => r.id);
  const recourse = picked.filter((r) => r.status === "defaulted" && r.financing?.recourse).map((r) => r.id);
  const interactive = canAct && declare.mode !== "hidden";

  return (
    <Page title={t("page.clearing")}>
      <QueryState query={list}>
        {() => (
          <>
            <DataTable<Receivable>
              caption={t("list.caption")}
              rows={rows}
              rowKey={(r) => r.id}
              empty={<EmptyState title={t("list.empty")} />}
              selection={
                interactive
                  ? {
                      selected,
                      onChange: setSelected,
                      disabled: (id) => {
                        const r = byId.get(id);
                        return !r || !actionable(r);
                      },
                      label: (id) => t("list.select", { id: byId.get(id)?.certificateId ?? id }),
                    }
                  : undefined
              }
              columns={[
                {
                  key: "cert",
                  header: t("financing:field.certificate"),
                  rowHeader: true,
                  cell: (r) => <Link to={`/clearing/${r.id}`}>{r.certificateId ? t("financing:field.certificateNo", { id: r.certificateId }) : r.id.slice(0, 8)}</Link>,
                },
                { key: "obligor", header: t("financing:field.obligor"), cell: (r) => name(r.obligorId) },
                { key: "holder", header: t("list.holder"), cell: (r) => name(r.holderId) },
                { key: "face", header: t("financing:field.face"), numeric: true, cell: (r) => <Money fen={r.amount} /> },
                { key: "maturity", header: t("financing:field.maturity"), cell: (r) => formatDate(r.maturity) },
                { key: "outstanding", header: t("list.outstanding"), numeric: true, cell: (r) => <Money fen={r.repayment.outstanding} /> },
                { key: "toBank", header: t("list.paidToBank"), numeric: true, cell: (r) => <Money fen={r.repayment.paidToBank} /> },
                { key: "recovered", header: t("list.recovered"), numeric: true, cell: (r) => <Money fen={r.repayment.recovered} /> },
                { key: "recourse", header: t("financing:quote.recourse"), cell: (r) => (r.financing ? (r.financing.recourse ? t("common:yes") : t("common:no")) : "—") },
                { key: "status", header: t("financing:field.status"), cell: (r) => <ReceivableStatus status={r.status} /> },
              ]}
            />
            {interactive ? (
              <Card title={t("actions.title")}>
                <p className="muted">{t("actions.hint", { count: selected.size })}</p>
                <div className="actions">
                  <CommitButton commit={declare} variant="danger" disabled={overdue.length === 0} label={t("actions.declare", { count: overdue.length })} onClick={() => declare.mutate({ body: { receivableIds: overdue } })} />
                  {session.has("bank") ? (
                    <CommitButton commit={claim} disabled={recourse.length === 0} label={t("actions.claim", { count: recourse.length })} onClick={() => claim.mutate({ body: { receivableIds: recourse } })} />
                  ) : null}
                </div>
                {declare.data?.kind === "done" ? <LiveOperation id={declare.data.data.id} /> : null}
                {claim.data?.kind === "done" ? <LiveOperation id={claim.data.data.id} /> : null}
                <CommitOutcome commit={declare} />
                <CommitOutcome commit={claim} />
              </Card>
            ) : null}
          </>
        )}
      </QueryState>
    </Page>
  );
}
