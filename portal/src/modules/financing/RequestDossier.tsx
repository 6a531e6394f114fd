/**
 * What a bank's credit officer reads before quoting on a request: the certificate (its tier and
 * the certificate it was split from), the invoices behind it with each check and the trade
 * documents filed with them, the supplier's history on the platform in totals, and the bank's own
 * line on the obligor with its term. One read: GET /v1/financing-requests/{id}/dossier.
 */
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { get, type Schemas } from "../../api/client";
import { formatDate, formatDateTime } from "../../shared/dates";
import { Money } from "../../shared/Money";
import { CertificateTerm } from "../../shared/Term";
import { Card, DataTable, EmptyState, Notice, QueryState, StatusBadge } from "../../shared/ui";
import { LineTerm } from "./LineTerm";

type Dossier = Schemas["FinancingRequestDossier"];
type DossierInvoice = Dossier["invoices"][number];

export const dossierKey = (id: string) => ["financing-requests", "dossier", id] as const;

export function RequestDossier({ requestId }: { requestId: string }) {
  const { t } = useTranslation(["financing", "common"]);
  const dossier = useQuery({ queryKey: dossierKey(requestId), queryFn: () => get("/v1/financing-requests/{id}/dossier", { params: { path: { id: requestId } } }) });
  return (
    <QueryState query={dossier}>
      {() => {
        const d = dossier.data!;
        return (
          <>
            <CreditLineNotice line={d.creditLine} />
            <Card className="dossier" title={t("dossier.certificateTitle")}>
              <CertificateFacts c={d.certificate} />
            </Card>
            <Card className="dossier" title={t("dossier.invoicesTitle")}>
              <Invoices invoices={d.invoices} />
            </Card>
            <Card className="dossier" title={t("dossier.historyTitle", { name: d.supplier.name })}>
              <History h={d.supplier} />
            </Card>
          </>
        );
      }}
    </QueryState>
  );
}

function CertificateFacts({ c }: { c: Dossier["certificate"] }) {
  const { t } = useTranslation("financing");
  return (
    <>
      <dl className="details">
        <dt>{t("dossier.issuedAt")}</dt>
        <dd>{formatDate(c.issuedAt)}</dd>
        {c.parent ? (
          <>
            <dt>{t("dossier.termFromOriginal")}</dt>
            <dd>
              <CertificateTerm receivable={{ createdAt: c.issuedAt, maturity: c.maturity }} />
            </dd>
          </>
        ) : null}
        <dt>{t("dossier.tier")}</dt>
        <dd>{c.tier === 0 ? t("dossier.tierOriginal") : t("dossier.tierN", { tier: c.tier })}</dd>
        {c.parent ? (
          <>
            <dt>{t("dossier.splitFrom")}</dt>
            <dd>{c.parent.certificateNo ? t("field.certificateNo", { id: c.parent.certificateNo }) : "—"}</dd>
          </>
        ) : null}
        {c.original ? (
          <>
            <dt>{t("dossier.original")}</dt>
            <dd>{c.original.certificateNo ? t("field.certificateNo", { id: c.original.certificateNo }) : "—"}</dd>
          </>
        ) : null}
      </dl>
      <p>
        {c.openToYou ? (
          <Link to={`/receivables/${c.id}`}>{t("dossier.openCertificate")}</Link>
        ) : (
          <span className="muted">{t("dossier.certificateAfterFunding")}</span>
        )}
      </p>
    </>
  );
}

function Invoices({ invoices }: { invoices: DossierInvoice[] }) {
  const { t } = useTranslation(["financing", "invoices"]);
  if (invoices.length === 0) return <EmptyState title={t("dossier.noInvoices")} />;
  return (
    <DataTable<DossierInvoice>
      caption={t("dossier.invoicesCaption")}
      rows={invoices}
      rowKey={(i) => `${i.invoiceCode ?? ""}-${i.invoiceNumber}`}
      columns={[
        { key: "number", header: t("dossier.invoiceNumber"), rowHeader: true, cell: (i) => <span className="mono">{i.invoiceCode ? `${i.invoiceCode} ${i.invoiceNumber}` : i.invoiceNumber}</span> },
        { key: "date", header: t("dossier.issueDate"), cell: (i) => formatDate(i.issueDate) },
        { key: "total", header: t("dossier.total"), numeric: true, cell: (i) => <Money fen={i.total} /> },
        { key: "status", header: t("field.status"), cell: (i) => t(`invoices:status.${i.status}`, { defaultValue: i.status }) },
        { key: "checks", header: t("dossier.checks"), cell: (i) => <Checks invoice={i} /> },
        { key: "trade", header: t("dossier.trade"), cell: (i) => <Trade invoice={i} /> },
      ]}
    />
  );
}

function Checks({ invoice }: { invoice: DossierInvoice }) {
  const { t } = useTranslation("financing");
  if (invoice.checks.length === 0) return <span className="muted">{t("dossier.noChecks")}</span>;
  return (
    <ul className="plain-list">
      {latestPerSource(invoice.checks).map((c) => (
        <li key={c.source} title={`${c.detail} · ${formatDateTime(c.at)}`}>
          <StatusBadge status={c.result} tone={c.result === "pass" ? "success" : "danger"} label={`${t(`dossier.source.${c.source}`)} ${t(`dossier.result.${c.result}`)}`} />
        </li>
      ))}
    </ul>
  );
}

/** Each source's latest check (an invoice checked again at registration keeps both in its evidence). */
function latestPerSource(checks: DossierInvoice["checks"]) {
  const latest = new Map<string, DossierInvoice["checks"][number]>();
  for (const c of checks) if (!latest.has(c.source) || latest.get(c.source)!.at <= c.at) latest.set(c.source, c);
  return [...latest.values()];
}

function Trade({ invoice }: { invoice: DossierInvoice }) {
  const { t } = useTranslation("financing");
  if (!invoice.waybillNumbers.length && !invoice.attachments.length) return <span className="muted">{t("dossier.noTrade")}</span>;
  return (
    <ul className="plain-list">
      {invoice.waybillNumbers.map((w) => (
        <li key={w}>
          {t("dossier.waybill")} <span className="mono">{w}</span>
        </li>
      ))}
      {invoice.attachments.map((a) => (
        <li key={a.sha256} title={a.sha256}>
          {t("dossier.attachment")} {a.name}
        </li>
      ))}
    </ul>
  );
}

function History({ h }: { h: Dossier["supplier"] }) {
  const { t } = useTranslation("financing");
  return (
    <>
      <dl className="details">
        <dt>{t("dossier.memberSince")}</dt>
        <dd>{formatDate(h.memberSince)}</dd>
        <dt>{t("dossier.financings")}</dt>
        <dd>
          {t("dossier.times", { n: h.financings })} · <Money fen={h.advanced} />
        </dd>
        <dt>{t("dossier.repaidOnTime")}</dt>
        <dd>{t("dossier.times", { n: h.repaidOnTime })}</dd>
        <dt>{t("dossier.repaidLate")}</dt>
        <dd>{t("dossier.times", { n: h.repaidLate })}</dd>
        <dt>{t("dossier.overdue")}</dt>
        <dd>{t("dossier.times", { n: h.overdue })}</dd>
        <dt>{t("dossier.defaulted")}</dt>
        <dd>{t("dossier.times", { n: h.defaulted })}</dd>
        <dt>{t("dossier.recourseClaims")}</dt>
        <dd>{t("dossier.times", { n: h.recourseClaims })}</dd>
        <dt>{t("dossier.outstandingWithYou")}</dt>
        <dd>
          <Money fen={h.outstandingWithYou} />
        </dd>
        <dt>{t("dossier.outstandingWithOthers")}</dt>
        <dd>
          <Money fen={h.outstandingWithOthers} />
        </dd>
      </dl>
      <p className="muted">{t("dossier.historyNote")}</p>
    </>
  );
}

/** The bank's own line on the obligor: what it has room for, and a warning when it does not lend today. */
function CreditLineNotice({ line }: { line: Dossier["creditLine"] }) {
  const { t } = useTranslation("financing");
  if (!line) return null;
  const lends = line.termStatus === "valid" || line.termStatus === "none";
  return (
    <Notice tone={lends ? "info" : "danger"}>
      {t("dossier.yourLine")} <Money fen={line.available} /> · {t("lines.term")} <LineTerm line={line} />
      {lends ? null : <> · {t(`lines.termBlocks.${line.termStatus}`)}</>}
    </Notice>
  );
}
