import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { get } from "../../api/client";
import { useDuty } from "../../shared/commit";
import { useSession } from "../../shared/session";
import { formatDate } from "../../shared/dates";
import { Money } from "../../shared/Money";
import { MaturityWithMark } from "../../shared/Term";
import { DataTable, EmptyState, Field, Page, QueryState } from "../../shared/ui";
import { RECEIVABLE_STATUSES, ReceivableStatus, certificateLabel, useOrgName, type Receivable } from "./shared";

export function CertificateListPage() {
  const { t } = useTranslation("receivables");
  const { canPrepare } = useDuty();
  const session = useSession();
  const orgName = useOrgName();
  const [status, setStatus] = useState("");
  const list = useQuery({
    queryKey: ["receivables", "holder", status],
    queryFn: () => get("/v1/receivables", { params: { query: { role: "holder", limit: 500, ...(status ? { status } : {}) } } }),
    refetchInterval: (q) => (q.state.data?.items.some((r) => r.status === "registering") ? 3000 : false),
  });
  return (
    <Page
      title={t("list.title")}
      actions={
        canPrepare ? (
          <Link className="btn btn-primary" to="/receivables/new" data-write="prepare">
            {t("nav.register")}
          </Link>
        ) : null
      }
    >
      <div className="form-row filters">
        <Field label={t("list.filter")}>
          {(p) => (
            <select {...p} value={status} onChange={(e) => setStatus(e.target.value)}>
              <option value="">{t("list.all")}</option>
              {RECEIVABLE_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`status.${s}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <QueryState query={list}>
        {() => (
          <DataTable<Receivable>
            caption={t("list.caption", { count: list.data?.items.length ?? 0 })}
            rows={list.data?.items ?? []}
            rowKey={(r) => r.id}
            empty={<EmptyState title={t("list.empty")} />}
            columns={[
              { key: "id", header: t("field.certificate"), cell: (r) => <Link to={`/receivables/${r.id}`}>{certificateLabel(r)}</Link>, rowHeader: true },
              { key: "amount", header: t("field.amount"), cell: (r) => <Money fen={r.amount} />, numeric: true },
              { key: "obligor", header: t("field.obligor"), cell: (r) => orgName(r.obligorId) },
              { key: "maturity", header: t("field.maturity"), cell: (r) => <MaturityWithMark receivable={r} formatted={formatDate(r.maturity)} /> },
              { key: "tier", header: t("field.tier"), cell: (r) => r.tier, numeric: true },
              {
                key: "status",
                header: t("field.status"),
                cell: (r) => (
                  <>
                    <ReceivableStatus status={r.status} />
                    {r.offer ? (
                      <div className="cell-note">
                        {r.offer.toOrganizationId === session.organization.id ? <Link to="/receivables/offers">{t("list.offeredToUs")}</Link> : t("list.offeredTo", { name: orgName(r.offer.toOrganizationId) })}
                      </div>
                    ) : null}
                  </>
                ),
              },
            ]}
          />
        )}
      </QueryState>
    </Page>
  );
}
