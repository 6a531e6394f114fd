import { useEffect, useState, type FormEvent } from "react";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router-dom";
import { get, isProblem, queryClient, type Schemas } from "../../api/client";
import { useLiveOperation } from "../../api/live";
import { useSession } from "../../shared/session";
import { CommitButton, CommitOutcome, useCommit } from "../../shared/commit";
import { formatDate, formatDateTime } from "../../shared/dates";
import { Money } from "../../shared/Money";
import { formatFen, parseYuan, sumFen } from "../../shared/money";
import { Button, Card, Field, Notice, Page, ProblemMessage, QueryState } from "../../shared/ui";
import { NotFound } from "../../shared/NotFound";
import { codeText } from "../../i18n/problem";
import { CertificateTerm } from "../../shared/Term";
import { OperationStatus, ReceivableStatus, ReturnReason, certificateLabel, useOrgName, useOrganizations, type Receivable } from "./shared";
import { OfferDecision } from "./offers/OfferDecision";
import { CertificateDocuments } from "../../shared/signing";

type Lineage = Schemas["Lineage"];

export function CertificateDetailPage() {
  const { t } = useTranslation("receivables");
  const { id = "" } = useParams();
  const orgName = useOrgName();
  const session = useSession();
  const cert = useQuery({ queryKey: ["receivables", "one", id], queryFn: () => get("/v1/receivables/{id}", { params: { path: { id } } }) });
  const lineage = useQuery({
    queryKey: ["receivables", "lineage", id],
    queryFn: () => get("/v1/receivables/{id}/lineage", { params: { path: { id } } }),
    enabled: cert.isSuccess,
  });
  if (isProblem(cert.error, 404)) return <NotFound />;
  const r = cert.data;
  const mayMove = r && r.holderId === session.organization.id && r.status === "confirmed" && !r.financing;
  return (
    <Page title={r ? t("detail.titleOf", { label: certificateLabel(r) }) : t("detail.title")} actions={<Link to="/receivables">{t("detail.back")}</Link>}>
      <QueryState query={cert}>
        {() =>
          r ? (
            <>
              <Card>
                <dl className="details">
                  <dt>{t("field.amount")}</dt>
                  <dd><Money fen={r.amount} /></dd>
                  <dt>{t("field.obligor")}</dt>
                  <dd>{orgName(r.obligorId)}</dd>
                  <dt>{t("field.holder")}</dt>
                  <dd>{orgName(r.holderId)}</dd>
                  <dt>{t("field.maturity")}</dt>
                  <dd>{formatDate(r.maturity)}</dd>
                  <dt>{t("field.term")}</dt>
                  <dd><CertificateTerm receivable={r} /></dd>
                  <dt>{t("field.status")}</dt>
                  <dd><ReceivableStatus status={r.status} /></dd>
                  {r.offer ? (
                    <>
                      <dt>{t("offer.kindLabel")}</dt>
                      <dd>{t(`offer.kindLong.${r.offer.kind}`)}</dd>
                      <dt>{t("offer.from")}</dt>
                      <dd>{orgName(r.offer.fromOrganizationId)}</dd>
                      <dt>{t("offer.to")}</dt>
                      <dd>{orgName(r.offer.toOrganizationId)}</dd>
                      <dt>{t("offer.expires")}</dt>
                      <dd>{formatDateTime(r.offer.expiresAt)}</dd>
                    </>
                  ) : null}
                  {r.rejection ? (
                    <>
                      <dt>{t("field.rejectedWhy")}</dt>
                      <dd className="rejection-reason">{r.rejection.reason ?? t("field.reasonNotKept")}</dd>
                    </>
                  ) : null}
                  {r.offerReturn ? (
                    <>
                      <dt>{t("offer.returnedWhy")}</dt>
                      <dd><ReturnReason receivable={r} /></dd>
                    </>
                  ) : null}
                  <dt>{t("field.tier")}</dt>
                  <dd>{r.tier}</dd>
                  <dt>{t("field.origin")}</dt>
                  <dd>{t(`origin.${r.origin}`)}</dd>
                  {r.financing ? (
                    <>
                      <dt>{t("field.financedBy")}</dt>
                      <dd>{orgName(r.financing.bankId)}</dd>
                    </>
                  ) : null}
                  {r.repayment.repaid !== "0" ? (
                    <>
                      <dt>{t("field.repaid")}</dt>
                      <dd><Money fen={r.repayment.repaid} /></dd>
                    </>
                  ) : null}
                </dl>
                {r.failure ? <Notice tone="danger">{codeText(r.failure.code, r.failure.reason)}</Notice> : null}
                {r.status === "void" ? <Notice tone="neutral" quiet>{t("detail.void")}</Notice> : null}
                {r.delinquent ? <Notice tone="warning" quiet>{t("detail.delinquent")}</Notice> : null}
              </Card>
              {r.status === "offered" && r.offer ? <OfferDecision receivable={r} /> : null}
              <Card title={t("detail.lineage")}>
                <QueryState query={lineage}>{() => (lineage.data ? <ul className="tree"><LineageNode node={lineage.data} current={r.id} /></ul> : null)}</QueryState>
              </Card>
              {r.certificateId ? <CertificateDocuments receivable={r.certificateId} /> : null}
              {mayMove ? (
                <div className="grid-2">
                  <SplitForm receivable={r} />
                  <TransferForm receivable={r} />
                </div>
              ) : null}
            </>
          ) : null
        }
      </QueryState>
    </Page>
  );
}

function LineageNode({ node, current }: { node: Lineage; current: string }) {
  const { t } = useTranslation("receivables");
  return (
    <li>
      <span className={node.id === current ? "tree-node current" : "tree-node"} aria-current={node.id === current ? "true" : undefined}>
        <Link to={`/receivables/${node.id}`}>{certificateLabel(node)}</Link>
        <Money fen={node.amount} />
        <span>{t("lineage.tier", { tier: node.tier })}</span>
        <span>{node.holder ? (node.holder.name ?? `${node.holder.id.slice(0, 8)}…`) : t("lineage.holderHidden")}</span>
        <ReceivableStatus status={node.status} />
      </span>
      {node.children.length ? (
        <ul>
          {node.children.map((c) => (
            <LineageNode key={c.id} node={c} current={current} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}

/**
 * An organization: a supplier picked from the member directory, or typed as an id. A split may keep
 * a part (`includeSelf`, listed first as "us"); a transfer goes to someone else.
 */
function OrgInput({ label, value, onChange, includeSelf = false }: { label: string; value: string; onChange: (v: string) => void; includeSelf?: boolean }) {
  const { t } = useTranslation("receivables");
  const session = useSession();
  const orgs = useOrganizations();
  const suppliers = (orgs.data?.items ?? []).filter((o) => o.id !== session.organization.id && o.roles.includes("supplier"));
  const others = includeSelf ? [{ id: session.organization.id, legalName: t("split.self", { name: session.organization.legalName }) }, ...suppliers] : suppliers;
  return (
    <Field label={label} hint={others.length ? undefined : t("split.orgIdHint")}>
      {(p) =>
        others.length ? (
          <select {...p} required value={value} onChange={(e) => onChange(e.target.value)}>
            <option value="">{t("split.chooseOrg")}</option>
            {others.map((o) => (
              <option key={o.id} value={o.id}>
                {o.legalName}
              </option>
            ))}
          </select>
        ) : (
          <input {...p} required pattern="[0-9a-fA-F-]{36}" value={value} onChange={(e) => onChange(e.target.value.trim())} />
        )
      }
    </Field>
  );
}

/** The ledger operation of a split or transfer, live; the certificate is read again once it is final. */
function useFollow(operationId: string | undefined) {
  const live = useLiveOperation(operationId);
  useEffect(() => {
    if (live.final) void queryClient.invalidateQueries({ queryKey: ["receivables"] });
  }, [live.final]);
  return live;
}

function SplitForm({ receivable }: { receivable: Receivable }) {
  const { t } = useTranslation("receivables");
  const [parts, setParts] = useState([{ organizationId: "", amount: "" }, { organizationId: "", amount: "" }]);
  const [tried, setTried] = useState(false);
  const split = useCommit("/v1/receivables/{id}/splits");
  const parsed = parts.map((p) => parseYuan(p.amount));
  const fens = parsed.map((p) => (p.ok ? p.fen : "0"));
  const total = sumFen(fens);
  const matches = total === receivable.amount;
  const done = split.data?.kind === "done" ? split.data.data : undefined;
  const live = useFollow(done?.operation.id);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (parsed.every((p) => p.ok) && matches && parts.every((p) => p.organizationId))
      split.mutate({ path: { id: receivable.id }, body: { parts: parts.map((p, i) => ({ organizationId: p.organizationId, amount: fens[i] })) } });
  };
  return (
    <Card title={t("split.title")}>
      <form className="stack" onSubmit={submit} noValidate>
        <p className="muted">{t("split.intro", { amount: formatFen(receivable.amount) })}</p>
        {parts.map((p, i) => (
          <fieldset key={i}>
            <legend>{t("split.part", { n: i + 1 })}</legend>
            <OrgInput includeSelf label={t("split.organization")} value={p.organizationId} onChange={(v) => setParts((ps) => ps.map((x, j) => (j === i ? { ...x, organizationId: v } : x)))} />
            <Field label={t("split.amountYuan")} error={tried && !parsed[i].ok ? t(`common:money.${(parsed[i] as { reason: string }).reason}`) : undefined}>
              {(fp) => <input {...fp} inputMode="decimal" value={p.amount} onChange={(e) => setParts((ps) => ps.map((x, j) => (j === i ? { ...x, amount: e.target.value } : x)))} />}
            </Field>
            {parts.length > 2 ? (
              <Button variant="link" onClick={() => setParts((ps) => ps.filter((_, j) => j !== i))}>
                {t("common:action.remove")}
              </Button>
            ) : null}
          </fieldset>
        ))}
        <div className="actions">
          <Button onClick={() => setParts((ps) => [...ps, { organizationId: "", amount: "" }])} disabled={parts.length >= 20}>
            {t("split.addPart")}
          </Button>
        </div>
        <p className={matches ? "muted" : "field-error"} aria-live="polite">
          {t("split.sum", { sum: formatFen(total), amount: formatFen(receivable.amount) })}
        </p>
        <CommitOutcome commit={split} />
        {done ? (
          <p role="status">
            {t("split.operation")} <OperationStatus status={live.data?.status} />
          </p>
        ) : null}
        <div className="actions">
          <CommitButton type="submit" commit={split} label={t("split.submit")} disabled={split.isSuccess} />
        </div>
      </form>
    </Card>
  );
}

function TransferForm({ receivable }: { receivable: Receivable }) {
  const { t } = useTranslation("receivables");
  const [organizationId, setOrganizationId] = useState("");
  const transfer = useCommit("/v1/receivables/{id}/transfers");
  const done = transfer.data?.kind === "done" ? transfer.data.data : undefined;
  const live = useFollow(done?.operation.id);
  return (
    <Card title={t("transfer.title")}>
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          if (organizationId) transfer.mutate({ path: { id: receivable.id }, body: { organizationId } });
        }}
      >
        <p className="muted">{t("transfer.intro", { amount: formatFen(receivable.amount) })}</p>
        <OrgInput label={t("transfer.to")} value={organizationId} onChange={setOrganizationId} />
        <CommitOutcome commit={transfer} />
        {done ? (
          <p role="status">
            {t("transfer.operation")} <OperationStatus status={live.data?.status} />
          </p>
        ) : null}
        {live.data?.status === "failed" && live.data.error ? <ProblemMessage error={new Error(live.data.error.message)} /> : null}
        <div className="actions">
          <CommitButton type="submit" commit={transfer} label={t("transfer.submit")} disabled={!organizationId || transfer.isSuccess} />
        </div>
      </form>
    </Card>
  );
}
