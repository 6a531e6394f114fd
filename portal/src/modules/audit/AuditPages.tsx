/**
 * The auditor's pages: everything read only. Organizations, certificates, financings, invoices,
 * and each certificate's on-chain history (registration transaction, lineage, financing
 * transaction, clearing events with block and hash). No page here has a button or a form that
 * writes: filters are plain inputs, navigation is links.
 */
import { useQuery } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link, NavLink, useParams } from "react-router-dom";
import { get, type Schemas } from "../../api/client";
import { formatDate, formatDateTime } from "../../shared/dates";
import { Money } from "../../shared/Money";
import { CertificateTerm, MaturityWithMark } from "../../shared/Term";
import { Card, DataTable, EmptyState, Field, Page, QueryState, StatusBadge } from "../../shared/ui";
import { ClearingEvents } from "../../shared/ClearingEvents";
import { Hash, LiveOperation } from "../../shared/operation";
import { OrgStatus, RoleList, useOrgNames } from "../../shared/organizations";
import { FinancingStatus, ReceivableStatus } from "../../shared/statuses";
import { UsccResult } from "../../shared/UsccResult";
import { codeText } from "../../i18n/problem";

type Receivable = Schemas["Receivable"];
type Invoice = Schemas["Invoice"];
type Lineage = Schemas["Lineage"];

function AuditNav() {
  const { t } = useTranslation("audit");
  return (
    <nav aria-label={t("nav.sections")} className="tabs">
      <NavLink to="/audit" end>
        {t("section.organizations")}
      </NavLink>
      <NavLink to="/audit/certificates">{t("section.certificates")}</NavLink>
      <NavLink to="/audit/financings">{t("section.financings")}</NavLink>
      <NavLink to="/audit/invoices">{t("section.invoices")}</NavLink>
    </nav>
  );
}

function AuditPage({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Page title={title}>
      <AuditNav />
      {children}
    </Page>
  );
}

/** A filter that narrows a table in the browser: an input, no form, nothing sent. */
function Filter({ value, onChange, label }: { value: string; onChange: (v: string) => void; label: string }) {
  return (
    <div className="filters">
      <Field label={label}>{(p) => <input {...p} type="search" value={value} onChange={(e) => onChange(e.target.value)} />}</Field>
    </div>
  );
}

const matches = (filter: string, ...values: (string | null | undefined)[]) => {
  const f = filter.trim().toLowerCase();
  return f === "" || values.some((v) => v?.toLowerCase().includes(f));
};

const certLabel = (t: (k: string, v?: Record<string, unknown>) => string, r: { id: string; certificateId: string | null }) =>
  r.certificateId ? t("financing:field.certificateNo", { id: r.certificateId }) : `${r.id.slice(0, 8)}…`;

export function OrganizationsAuditPage() {
  const { t } = useTranslation(["audit", "operator", "common"]);
  const [filter, setFilter] = useState("");
  const orgs = useQuery({ queryKey: ["organizations", "names"], queryFn: () => get("/v1/organizations", { params: { query: { limit: 200 } } }) });
  const rows = (orgs.data?.items ?? []).filter((o) => matches(filter, o.legalName, o.unifiedSocialCreditCode));
  return (
    <AuditPage title={t("page.organizations")}>
      <Filter value={filter} onChange={setFilter} label={t("filter.organizations")} />
      <QueryState query={orgs}>
        {() => (
          <DataTable
            caption={t("organizations.caption")}
            rows={rows}
            rowKey={(o) => o.id}
            empty={<EmptyState title={t("empty")} />}
            columns={[
              { key: "name", header: t("operator:org.legalName"), rowHeader: true, cell: (o) => o.legalName },
              { key: "uscc", header: t("operator:org.uscc"), cell: (o) => <UsccResult code={o.unifiedSocialCreditCode} /> },
              { key: "roles", header: t("operator:org.roles"), cell: (o) => <RoleList roles={o.roles} /> },
              { key: "status", header: t("operator:org.status"), cell: (o) => <OrgStatus status={o.status} /> },
              { key: "address", header: t("operator:org.ledgerAddress"), cell: (o) => <Hash value={o.ledgerAddress} /> },
              { key: "chain", header: t("operator:org.chain"), cell: (o) => t(`operator:chain.${o.chain.status}`) },
              { key: "block", header: t("onchain.block"), numeric: true, cell: (o) => o.chain.block ?? "—" },
              { key: "kyc", header: t("operator:org.kycApprovedAt"), cell: (o) => formatDateTime(o.kycApprovedAt) },
            ]}
          />
        )}
      </QueryState>
    </AuditPage>
  );
}

/** Every certificate on the platform, newest first (GET /v1/receivables?role=all, page by page). */
export function useAuditCertificates() {
  return useQuery({
    queryKey: ["audit", "certificates"],
    queryFn: async () => {
      const all: Receivable[] = [];
      for (let after: string | undefined; ; ) {
        const page = await get("/v1/receivables", { params: { query: { role: "all", limit: 500, ...(after ? { after } : {}) } } });
        all.push(...page.items);
        if (page.items.length < 500) break;
        after = page.items[page.items.length - 1].id;
      }
      return all.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    },
  });
}

export function CertificatesAuditPage() {
  const { t } = useTranslation(["audit", "financing", "common"]);
  const name = useOrgNames();
  const [filter, setFilter] = useState("");
  const certs = useAuditCertificates();
  const rows = (certs.data ?? []).filter((r) => matches(filter, r.certificateId, r.id, name(r.obligorId), name(r.holderId), r.status));
  return (
    <AuditPage title={t("page.certificates")}>
      <p className="muted">{t("certificates.scope")}</p>
      <Filter value={filter} onChange={setFilter} label={t("filter.certificates")} />
      <QueryState query={certs}>
        {() => (
          <DataTable<Receivable>
            caption={t("certificates.caption", { count: rows.length })}
            rows={rows}
            rowKey={(r) => r.id}
            empty={<EmptyState title={t("empty")} />}
            columns={[
              { key: "cert", header: t("financing:field.certificate"), rowHeader: true, cell: (r) => <Link to={`/audit/certificates/${r.id}`}>{certLabel(t, r)}</Link> },
              { key: "obligor", header: t("financing:field.obligor"), cell: (r) => name(r.obligorId) },
              { key: "holder", header: t("certificate.holder"), cell: (r) => name(r.holderId) },
              { key: "amount", header: t("financing:field.face"), numeric: true, cell: (r) => <Money fen={r.amount} /> },
              { key: "maturity", header: t("financing:field.maturity"), cell: (r) => <MaturityWithMark receivable={r} formatted={formatDate(r.maturity)} /> },
              { key: "tier", header: t("certificate.tier"), numeric: true, cell: (r) => r.tier },
              { key: "status", header: t("financing:field.status"), cell: (r) => <ReceivableStatus status={r.status} /> },
            ]}
          />
        )}
      </QueryState>
    </AuditPage>
  );
}

export function FinancingsAuditPage() {
  const { t } = useTranslation(["audit", "financing", "common"]);
  const name = useOrgNames();
  const [filter, setFilter] = useState("");
  const financings = useQuery({ queryKey: ["financings"], queryFn: () => get("/v1/financings") });
  const rows = (financings.data?.items ?? []).filter((f) => matches(filter, name(f.bankId), name(f.supplierId), f.status, f.id));
  return (
    <AuditPage title={t("page.financings")}>
      <Filter value={filter} onChange={setFilter} label={t("filter.financings")} />
      <QueryState query={financings}>
        {() => (
          <DataTable
            caption={t("financings.caption", { count: rows.length })}
            rows={rows}
            rowKey={(f) => f.id}
            empty={<EmptyState title={t("empty")} />}
            columns={[
              { key: "cert", header: t("financing:field.certificate"), rowHeader: true, cell: (f) => <Link to={`/audit/certificates/${f.receivableId}`}>{`${f.receivableId.slice(0, 8)}…`}</Link> },
              { key: "supplier", header: t("financing:field.supplier"), cell: (f) => name(f.supplierId) },
              { key: "bank", header: t("financing:field.bank"), cell: (f) => name(f.bankId) },
              { key: "advance", header: t("financing:quote.advance"), numeric: true, cell: (f) => <Money fen={f.advance} /> },
              { key: "due", header: t("financing:quote.due"), numeric: true, cell: (f) => <Money fen={f.due} /> },
              { key: "recourse", header: t("financing:quote.recourse"), cell: (f) => (f.recourse ? t("common:yes") : t("common:no")) },
              { key: "status", header: t("financing:field.status"), cell: (f) => <FinancingStatus status={f.status} /> },
              { key: "registry", header: t("onchain.registry"), cell: (f) => f.registryRegistrationId ?? "—" },
              { key: "accepted", header: t("financing:field.acceptedAt"), cell: (f) => formatDateTime(f.acceptedAt) },
              { key: "funded", header: t("financing:field.fundedAt"), cell: (f) => formatDateTime(f.fundedAt) },
            ]}
          />
        )}
      </QueryState>
    </AuditPage>
  );
}

const INVOICE_TONE = { received: "info", verifying: "info", verified: "success", rejected: "danger" } as const;

/** Every invoice on the platform (GET /v1/invoices page by page: it answers at most 200 at a time). */
function useAuditInvoices() {
  return useQuery({
    queryKey: ["audit", "invoices"],
    queryFn: async () => {
      const all: Invoice[] = [];
      for (let after: string | undefined; ; ) {
        const page = await get("/v1/invoices", { params: { query: { limit: 200, ...(after ? { after } : {}) } } });
        all.push(...page.items);
        if (!page.next) return all;
        after = page.next;
      }
    },
  });
}

export function InvoicesAuditPage() {
  const { t } = useTranslation(["audit", "common"]);
  const [filter, setFilter] = useState("");
  const invoices = useAuditInvoices();
  const rows = (invoices.data ?? []).filter((i) => matches(filter, i.invoiceNumber, i.sellerTaxId, i.buyerTaxId, i.status));
  return (
    <AuditPage title={t("page.invoices")}>
      <Filter value={filter} onChange={setFilter} label={t("filter.invoices")} />
      <QueryState query={invoices}>
        {() => <InvoiceTable rows={rows} caption={t("invoices.caption", { count: rows.length })} />}
      </QueryState>
    </AuditPage>
  );
}

function InvoiceTable({ rows, caption }: { rows: Invoice[]; caption: string }) {
  const { t } = useTranslation(["audit", "common"]);
  return (
    <DataTable<Invoice>
      caption={caption}
      rows={rows}
      rowKey={(i) => i.id}
      empty={<EmptyState title={t("empty")} />}
      columns={[
        { key: "number", header: t("invoice.number"), rowHeader: true, cell: (i) => <span className="mono">{i.invoiceNumber}</span> },
        { key: "seller", header: t("invoice.seller"), cell: (i) => <span className="mono">{i.sellerTaxId}</span> },
        { key: "buyer", header: t("invoice.buyer"), cell: (i) => <span className="mono">{i.buyerTaxId}</span> },
        { key: "date", header: t("invoice.issueDate"), cell: (i) => formatDate(i.issueDate) },
        { key: "total", header: t("invoice.total"), numeric: true, cell: (i) => <Money fen={i.total} /> },
        { key: "status", header: t("invoice.status"), cell: (i) => <StatusBadge status={i.status} tone={INVOICE_TONE[i.status]} label={t(`invoices:status.${i.status}`)} /> },
        { key: "evidence", header: t("invoice.evidence"), cell: (i) => <Hash value={i.evidenceHash} /> },
        { key: "key", header: t("invoice.key"), cell: (i) => <Hash value={i.invoiceKey} /> },
        { key: "cert", header: t("financing:field.certificate"), cell: (i) => (i.receivableId ? <Link to={`/audit/certificates/${i.receivableId}`}>{`${i.receivableId.slice(0, 8)}…`}</Link> : "—") },
      ]}
    />
  );
}

function LineageTree({ node, current }: { node: Lineage; current: string }) {
  const { t } = useTranslation(["audit", "financing"]);
  return (
    <li>
      <span className={["tree-node", node.id === current ? "current" : null].filter(Boolean).join(" ")} aria-current={node.id === current ? "true" : undefined}>
        {node.id === current ? certLabel(t, node) : <Link to={`/audit/certificates/${node.id}`}>{certLabel(t, node)}</Link>}
        <span>{t("certificate.tierN", { tier: node.tier })}</span>
        <Money fen={node.amount} />
        <ReceivableStatus status={node.status} />
        <span className="muted">{node.holder?.name ?? "—"}</span>
      </span>
      {node.children.length ? (
        <ul>
          {node.children.map((c) => (
            <LineageTree key={c.id} node={c} current={current} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}

export function CertificateAuditPage() {
  const { id = "" } = useParams();
  const { t } = useTranslation(["audit", "financing", "common"]);
  const name = useOrgNames();
  const cert = useQuery({ queryKey: ["receivables", "one", id], queryFn: () => get("/v1/receivables/{id}", { params: { path: { id } } }) });
  const lineage = useQuery({ queryKey: ["receivables", "lineage", id], queryFn: () => get("/v1/receivables/{id}/lineage", { params: { path: { id } } }) });
  const invoices = useQuery({ queryKey: ["receivables", "invoices", id], queryFn: () => get("/v1/receivables/{id}/invoices", { params: { path: { id } } }) });
  const financings = useQuery({ queryKey: ["financings"], queryFn: () => get("/v1/financings") });
  const mine = (financings.data?.items ?? []).filter((f) => f.receivableId === id);
  return (
    <AuditPage title={t("page.certificate")}>
      <QueryState query={cert}>
        {() => {
          const r = cert.data!;
          return (
            <Card title={certLabel(t, r)}>
              <dl className="details">
                <dt>{t("certificate.id")}</dt>
                <dd className="mono">{r.id}</dd>
                <dt>{t("certificate.tokenId")}</dt>
                <dd>{r.certificateId ?? "—"}</dd>
                <dt>{t("certificate.origin")}</dt>
                <dd>{t(`origin.${r.origin}`)}</dd>
                <dt>{t("financing:field.obligor")}</dt>
                <dd>{name(r.obligorId)}</dd>
                <dt>{t("certificate.creditor")}</dt>
                <dd>{name(r.creditorId)}</dd>
                <dt>{t("certificate.holder")}</dt>
                <dd>{name(r.holderId)}</dd>
                <dt>{t("financing:field.face")}</dt>
                <dd>
                  <Money fen={r.amount} />
                </dd>
                <dt>{t("financing:field.maturity")}</dt>
                <dd>{formatDate(r.maturity)}</dd>
                <dt>{t("financing:field.term")}</dt>
                <dd>
                  <CertificateTerm receivable={r} />
                </dd>
                <dt>{t("financing:field.status")}</dt>
                <dd>
                  <ReceivableStatus status={r.status} />
                  {r.failure ? <div className="reason">{codeText(r.failure.code, r.failure.reason)}</div> : null}
                </dd>
                <dt>{t("certificate.invoicesRoot")}</dt>
                <dd>
                  <Hash value={r.invoicesRoot} />
                </dd>
                <dt>{t("certificate.registration")}</dt>
                <dd>{r.registrationOperationId ? <LiveOperation id={r.registrationOperationId} /> : "—"}</dd>
                <dt>{t("certificate.repaid")}</dt>
                <dd>
                  <Money fen={r.repayment.repaid} /> · {t("certificate.outstanding")} <Money fen={r.repayment.outstanding} />
                </dd>
                {r.financing ? (
                  <>
                    <dt>{t("certificate.lien")}</dt>
                    <dd>
                      {name(r.financing.bankId)} · <Money fen={r.financing.due} /> · {r.financing.recourse ? t("financing:quote.withRecourse") : t("financing:quote.withoutRecourse")}
                    </dd>
                  </>
                ) : null}
              </dl>
            </Card>
          );
        }}
      </QueryState>

      <Card title={t("onchain.financings")}>
        <QueryState query={financings}>
          {() =>
            mine.length === 0 ? (
              <p className="muted">{t("onchain.noFinancing")}</p>
            ) : (
              <DataTable
                caption={t("onchain.financings")}
                rows={mine}
                rowKey={(f) => f.id}
                columns={[
                  { key: "bank", header: t("financing:field.bank"), rowHeader: true, cell: (f) => name(f.bankId) },
                  { key: "advance", header: t("financing:quote.advance"), numeric: true, cell: (f) => <Money fen={f.advance} /> },
                  { key: "status", header: t("financing:field.status"), cell: (f) => <FinancingStatus status={f.status} /> },
                  { key: "registry", header: t("onchain.registry"), cell: (f) => f.registryRegistrationId ?? "—" },
                  { key: "tx", header: t("onchain.transaction"), cell: (f) => (f.operationId ? <LiveOperation id={f.operationId} /> : "—") },
                  { key: "funded", header: t("financing:field.fundedAt"), cell: (f) => formatDateTime(f.fundedAt) },
                ]}
              />
            )
          }
        </QueryState>
      </Card>

      <Card title={t("onchain.clearing")}>
        <ClearingEvents id={id} />
      </Card>

      <Card title={t("onchain.lineage")}>
        <QueryState query={lineage}>
          {() => (
            <ul className="tree" aria-label={t("onchain.lineage")}>
              <LineageTree node={lineage.data!} current={id} />
            </ul>
          )}
        </QueryState>
      </Card>

      <Card title={t("onchain.invoices")}>
        <QueryState query={invoices}>{() => <InvoiceTable rows={invoices.data!.items} caption={t("onchain.invoices")} />}</QueryState>
      </Card>
    </AuditPage>
  );
}
