import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { get, type Schemas } from "../../api/client";
import { Money } from "../../shared/Money";
import { Card, DataTable, EmptyState, ProblemMessage, QueryState, Stat } from "../../shared/ui";
import { Hash } from "../../shared/operation";
import { useOrgNames } from "../../shared/organizations";
import { ReceivableStatus } from "../../shared/statuses";
import { useAuditCertificates } from "./AuditPages";

type Receivable = Schemas["Receivable"];
/** How many of the newest certificates the home lists (every one: the certificates page). */
const RECENT = 8;

/**
 * The auditor's home: the newest certificates on the platform with their state, amount, obligor
 * and holder, and the evidence the ledger holds for each (certificate token, anchored invoices
 * root, registration transaction), each opening its on-chain history; then the counts and the
 * sections. Read only: links, nothing that writes.
 */
export function AuditorHome() {
  const { t } = useTranslation(["audit", "financing", "common"]);
  const name = useOrgNames();
  const orgs = useQuery({ queryKey: ["organizations", "names"], queryFn: () => get("/v1/organizations", { params: { query: { limit: 200 } } }) });
  const financings = useQuery({ queryKey: ["financings"], queryFn: () => get("/v1/financings") });
  const certs = useAuditCertificates();
  const recent = (certs.data ?? []).slice(0, RECENT);
  return (
    <>
      <Card title={t("home.auditor")}>
        <ProblemMessage error={orgs.error ?? financings.error} />
        <dl className="stats">
          <Stat label={t("section.organizations")} value={orgs.data?.items.length ?? "…"} />
          <Stat label={t("section.certificates")} value={certs.data?.length ?? "…"} />
          <Stat label={t("section.financings")} value={financings.data?.items.length ?? "…"} />
        </dl>
        <ul className="links">
          <li>
            <Link to="/audit">{t("section.organizations")}</Link>
          </li>
          <li>
            <Link to="/audit/certificates">{t("section.certificates")}</Link>
          </li>
          <li>
            <Link to="/audit/financings">{t("section.financings")}</Link>
          </li>
          <li>
            <Link to="/audit/invoices">{t("section.invoices")}</Link>
          </li>
          <li>
            <Link to="/reconciliation">{t("home.reconciliation")}</Link>
          </li>
        </ul>
      </Card>
      <QueryState query={certs}>
        {() => (
          <div className="recent-certificates">
            <DataTable<Receivable>
              caption={
                recent.length === certs.data!.length
                  ? t("home.recentAll", { count: recent.length })
                  : t("home.recentCaption", { count: recent.length, total: certs.data!.length })
              }
              rows={recent}
              rowKey={(r) => r.id}
              empty={<EmptyState title={t("empty")} />}
              columns={[
                {
                  key: "cert",
                  header: t("financing:field.certificate"),
                  rowHeader: true,
                  cell: (r) => (
                    <Link to={`/audit/certificates/${r.id}`}>
                      {r.certificateId
                        ? t("financing:field.certificateNo", {
                            id: r.certificateId,
                          })
                        : `${r.id.slice(0, 8)}…`}
                      <span className="visually-hidden"> {t("home.openHistory")}</span>
                    </Link>
                  ),
                },
                {
                  key: "status",
                  header: t("financing:field.status"),
                  cell: (r) => <ReceivableStatus status={r.status} />,
                },
                {
                  key: "amount",
                  header: t("financing:field.face"),
                  numeric: true,
                  cell: (r) => <Money fen={r.amount} />,
                },
                {
                  key: "obligor",
                  header: t("financing:field.obligor"),
                  cell: (r) => name(r.obligorId),
                },
                {
                  key: "holder",
                  header: t("certificate.holder"),
                  cell: (r) => name(r.holderId),
                },
                {
                  key: "root",
                  header: t("home.invoicesRoot"),
                  // a part split off has no invoices or registration of its own: its evidence is its parent's
                  cell: (r) =>
                    r.invoicesRoot || r.origin !== "split" ? <Hash value={r.invoicesRoot} /> : <span className="muted">{t("home.splitEvidence")}</span>,
                },
                {
                  key: "tx",
                  header: t("certificate.registration"),
                  cell: (r) => (r.registrationOperationId || r.origin !== "split" ? <RegistrationTx id={r.registrationOperationId} /> : <span className="muted">—</span>),
                },
              ]}
            />
          </div>
        )}
      </QueryState>
    </>
  );
}

/** The transaction that put the certificate on the ledger (its operation's hash), or a dash. */
function RegistrationTx({ id }: { id: string | null }) {
  const op = useQuery({
    queryKey: ["operations", id],
    queryFn: () => get("/v1/operations/{id}", { params: { path: { id: id! } } }),
    enabled: !!id,
    staleTime: 60_000,
  });
  return <Hash value={op.data?.txHash} />;
}
