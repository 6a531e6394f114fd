import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { get } from "../../api/client";
import { useDuty } from "../../shared/commit";
import { useSession } from "../../shared/session";
import { formatDate } from "../../shared/dates";
import { Money } from "../../shared/Money";
import { LongTermMark } from "../../shared/Term";
import { termOf } from "../../shared/terms";
import { DataTable, EmptyState, Field, Page, QueryState } from "../../shared/ui";
import { SubmittedMark, useSubmitted } from "../../shared/submitted";
import { RECEIVABLE_STATUSES, ReceivableStatus, certificateLabel, useOrgName, type Receivable } from "./shared";

export function CertificateListPage() {
  const { t } = useTranslation("receivables");
  const { canPrepare } = useDuty();
  const session = useSession();
  const orgName = useOrgName();
  const submitted = useSubmitted();
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
            // what a person looks for first (which, in what state, how much) comes first: on a
            // phone the table scrolls, and these stay in view
            columns={[
              { key: "id", header: t("field.certificate"), cell: (r) => <Link to={`/receivables/${r.id}`}>{certificateLabel(r)}</Link>, rowHeader: true },
              {
                key: "status",
                header: t("field.status"),
                cell: (r) => (
                  <>
                    <span className="term">
                      <ReceivableStatus status={r.status} />
                      {termOf(r.createdAt, r.maturity)?.beyondSixMonths ? <LongTermMark /> : null}
                      {submitted("certificate", r.id) ? <SubmittedMark /> : null}
                    </span>
                    {r.offer ? (
                      <div className="cell-note">
                        {r.offer.toOrganizationId === session.organization.id ? <Link to="/receivables/offers">{t("list.offeredToUs")}</Link> : t("list.offeredTo", { name: orgName(r.offer.toOrganizationId) })}
                      </div>
                    ) : null}
                    {r.rejection?.reason ? <div className="cell-note">{t("list.rejectedBecause", { reason: r.rejection.reason })}</div> : null}
                  </>
                ),
              },
              { key: "amount", header: t("field.amount"), cell: (r) => <Money fen={r.amount} />, numeric: true },
              { key: "maturity", header: t("field.maturity"), cell: (r) => formatDate(r.maturity) },
              { key: "obligor", header: t("field.obligor"), cell: (r) => orgName(r.obligorId) },
              { key: "tier", header: t("field.tier"), cell: (r) => r.tier, numeric: true },
            ]}
          />
        )}
      </QueryState>
    </Page>
  );
}
