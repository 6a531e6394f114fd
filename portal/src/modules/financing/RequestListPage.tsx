/**
 * Financing requests. A supplier asks for financing of a confirmed certificate and sees its own
 * requests; a bank sees the requests it may quote on; operators and auditors see them all (read only).
 */
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router-dom";
import { get, post, queryClient, type Schemas } from "../../api/client";
import { useSession } from "../../shared/session";
import { useDuty } from "../../shared/commit";
import { formatDate, formatDateTime } from "../../shared/dates";
import { Money } from "../../shared/Money";
import { MaturityWithMark } from "../../shared/Term";
import { formatFen } from "../../shared/money";
import { Button, Card, DataTable, EmptyState, Field, Page, ProblemMessage, QueryState, StatusBadge } from "../../shared/ui";
import { useOrgNames } from "../../shared/organizations";
import { useUnsignedAgreements } from "./AgreementSigning";

type Item = { request: Schemas["FinancingRequest"]; receivable: Schemas["Receivable"] };

const REQUEST_TONE = { open: "info", accepted: "info", funded: "success", failed: "danger", cancelled: "neutral" } as const;

export const requestsKey = ["financing-requests"] as const;

export function RequestStatus({ status }: { status: Schemas["FinancingRequest"]["status"] }) {
  const { t } = useTranslation("financing");
  return <StatusBadge status={status} tone={REQUEST_TONE[status]} label={t(`requestStatus.${status}`)} />;
}

export function RequestListPage() {
  const { t } = useTranslation(["financing", "common"]);
  const session = useSession();
  const isSupplier = session.has("supplier");
  const isBank = session.has("bank");
  const [statusFilter, setStatusFilter] = useState<string>(isBank ? "open" : "");
  const name = useOrgNames();
  const requests = useQuery({
    queryKey: [...requestsKey, statusFilter],
    queryFn: () => get("/v1/financing-requests", { params: { query: statusFilter ? { status: statusFilter } : {} } }),
  });
  const unsigned = useUnsignedAgreements(requests.data?.items ?? [], isBank);
  const title = isBank ? t("requests.bankTitle") : isSupplier ? t("requests.supplierTitle") : t("requests.allTitle");
  return (
    <Page
      title={title}
      actions={
        <Link className="btn btn-secondary" to="/financing/financings">
          {t("nav.financings")}
        </Link>
      }
    >
      {isSupplier ? <RequestFinancing /> : null}
      <div className="filters">
        <Field label={t("requests.filter")}>
          {(p) => (
            <select {...p} value={statusFilter} onChange={(e) => setStatusFilter(e.target.value)}>
              <option value="">{t("requests.filterAll")}</option>
              {(["open", "accepted", "funded", "failed", "cancelled"] as const).map((s) => (
                <option key={s} value={s}>
                  {t(`requestStatus.${s}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <QueryState query={requests}>
        {() => (
          <DataTable<Item>
            caption={title}
            rows={requests.data?.items ?? []}
            rowKey={(x) => x.request.id}
            empty={<EmptyState title={t("requests.empty")} />}
            columns={[
              {
                key: "cert",
                header: t("field.certificate"),
                rowHeader: true,
                cell: (x) => (
                  <Link to={`/financing/requests/${x.request.id}`}>
                    {x.receivable.certificateId ? t("field.certificateNo", { id: x.receivable.certificateId }) : x.receivable.id.slice(0, 8)}
                  </Link>
                ),
              },
              // amount and maturity (a long term marked) first: on a phone the rest scrolls into view
              { key: "amount", header: t("field.face"), numeric: true, cell: (x) => <Money fen={x.receivable.amount} /> },
              { key: "maturity", header: t("field.maturity"), cell: (x) => <MaturityWithMark receivable={x.receivable} formatted={formatDate(x.receivable.maturity)} /> },
              ...(isSupplier ? [] : [{ key: "supplier", header: t("field.supplier"), cell: (x: Item) => name(x.request.supplierId) }]),
              { key: "obligor", header: t("field.obligor"), cell: (x) => name(x.request.obligorId) },
              {
                key: "status",
                header: t("field.status"),
                cell: (x) => (
                  <>
                    <RequestStatus status={x.request.status} />
                    {unsigned.has(x.request.id) ? (
                      <>
                        {" "}
                        <StatusBadge status="unsigned" tone="warning" label={t("agreement.bankUnsigned")} />
                      </>
                    ) : null}
                  </>
                ),
              },
              { key: "created", header: t("field.createdAt"), cell: (x) => formatDateTime(x.request.createdAt) },
              {
                key: "open",
                header: <span className="visually-hidden">{t("field.actions")}</span>,
                cell: (x) => (
                  <Link to={`/financing/requests/${x.request.id}`}>
                    {isBank && x.request.status === "open" ? t("requests.quoteOn") : t("requests.viewQuotes")}
                    <span className="visually-hidden"> {x.receivable.certificateId ?? x.receivable.id}</span>
                  </Link>
                ),
              },
            ]}
          />
        )}
      </QueryState>
    </Page>
  );
}

/** The supplier's form: pick a confirmed certificate it holds and ask banks to quote. */
function RequestFinancing() {
  const { t } = useTranslation(["financing", "common"]);
  const duty = useDuty();
  const navigate = useNavigate();
  const [receivableId, setReceivableId] = useState("");
  const certificates = useQuery({
    queryKey: ["receivables", "holder", "confirmed"],
    queryFn: () => get("/v1/receivables", { params: { query: { status: "confirmed", limit: 500 } } }),
    enabled: duty.canPrepare,
  });
  const ask = useMutation({
    mutationFn: (id: string) => post("/v1/financing-requests", { body: { receivableId: id } }),
    onSuccess: (r) => {
      void queryClient.invalidateQueries({ queryKey: requestsKey });
      void queryClient.invalidateQueries({ queryKey: ["receivables"] });
      navigate(`/financing/requests/${r.id}`);
    },
  });
  if (!duty.canPrepare) return null;
  const items = certificates.data?.items ?? [];
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (receivableId) ask.mutate(receivableId);
  };
  return (
    <Card title={t("request.title")}>
      <QueryState query={certificates}>
        {() =>
          items.length === 0 ? (
            <p className="muted">{t("request.none")}</p>
          ) : (
            <form className="form-row" onSubmit={submit}>
              <Field label={t("request.certificate")} hint={t("request.hint")}>
                {(p) => (
                  <select {...p} required value={receivableId} onChange={(e) => setReceivableId(e.target.value)}>
                    <option value="">{t("request.choose")}</option>
                    {items.map((r) => (
                      <option key={r.id} value={r.id}>
                        {t("request.option", {
                          id: r.certificateId ?? r.id.slice(0, 8),
                          amount: formatFen(r.amount),
                          maturity: formatDate(r.maturity),
                        })}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Button type="submit" variant="primary" busy={ask.isPending} disabled={!receivableId}>
                {t("request.submit")}
              </Button>
            </form>
          )
        }
      </QueryState>
      <ProblemMessage error={ask.error} />
    </Card>
  );
}
