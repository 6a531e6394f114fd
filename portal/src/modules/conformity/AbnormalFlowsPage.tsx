/**
 * 异常流转: flows the feed shows to be abnormal between two days (GET /v1/conformity/abnormal-flows):
 * a split into too many or too small parts, a certificate back with an earlier holder of its
 * lineage, one changing hands too often too fast, a part at the deepest tier. With the thresholds
 * the platform applied and the feed records that show each one.
 */
import { useState, type FormEvent } from "react";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { get, type Schemas } from "../../api/client";
import { chinaToday, formatDate, formatDateTime } from "../../shared/dates";
import { formatFen } from "../../shared/money";
import { Button, Card, DataTable, EmptyState, Field, QueryState, StatusBadge } from "../../shared/ui";
import { ConformityPage, certNo } from "./ConformityPage";

type Report = Schemas["AbnormalFlowsReport"];
type Finding = Report["items"][number];

/** The API's longest period: 366 days. */
const MAX_DAYS = 366;
const dayNumber = (day: string) => Date.parse(`${day}T00:00:00Z`) / 86_400_000;

export function AbnormalFlowsPage() {
  const { t } = useTranslation("conformity");
  const [from, setFrom] = useState(chinaToday(-29));
  const [to, setTo] = useState(chinaToday());
  const [period, setPeriod] = useState({ from, to });
  const invalid = !from || !to ? t("abnormal.periodMissing") : from > to ? t("abnormal.periodOrder") : dayNumber(to) - dayNumber(from) > MAX_DAYS ? t("abnormal.periodTooLong", { days: MAX_DAYS }) : undefined;
  const report = useQuery({
    queryKey: ["conformity", "abnormal", period.from, period.to],
    queryFn: () => get("/v1/conformity/abnormal-flows", { params: { query: { from: period.from, to: period.to } } }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!invalid) setPeriod({ from, to });
  };
  return (
    <ConformityPage title={t("abnormal.title")}>
      <p className="muted">{t("abnormal.intro")}</p>
      <form role="search" className="form-row period" onSubmit={submit} aria-label={t("abnormal.period")} noValidate>
        <Field label={t("abnormal.from")}>{(p) => <input {...p} type="date" max={to || undefined} value={from} onChange={(e) => setFrom(e.target.value)} />}</Field>
        <Field label={t("abnormal.to")} error={invalid}>
          {(p) => <input {...p} type="date" min={from || undefined} value={to} onChange={(e) => setTo(e.target.value)} />}
        </Field>
        <div className="field field-action">
          <Button type="submit" variant="secondary" disabled={!!invalid}>
            {t("abnormal.show")}
          </Button>
        </div>
      </form>
      <QueryState query={report}>{() => <Findings report={report.data!} />}</QueryState>
    </ConformityPage>
  );
}

function Findings({ report }: { report: Report }) {
  const { t } = useTranslation("conformity");
  const th = report.thresholds;
  return (
    <>
      <Card title={t("abnormal.thresholds")}>
        <ul className="plain-list">
          <li>{t("abnormal.rule.many_tiny_parts", { parts: th.splitMaxParts, amount: formatFen(th.splitMinPart) })}</li>
          <li>{t("abnormal.rule.circular_transfer")}</li>
          <li>{t("abnormal.rule.rapid_retransfer", { times: th.retransferCount, hours: th.retransferHours })}</li>
          <li>{t("abnormal.rule.max_tier", { tier: th.maxTier })}</li>
        </ul>
      </Card>
      <DataTable<Finding>
        caption={t("abnormal.caption", { count: report.items.length, from: formatDate(report.from), to: formatDate(report.to) })}
        rows={report.items}
        rowKey={(f) => `${f.kind}:${f.certificateId}:${f.seqs.join(",")}`}
        empty={<EmptyState title={t("abnormal.empty", { from: formatDate(report.from), to: formatDate(report.to) })} />}
        columns={[
          { key: "kind", header: t("abnormal.kind"), rowHeader: true, cell: (f) => <StatusBadge status={f.kind} tone="warning" label={t(`abnormal.kinds.${f.kind}`)} /> },
          {
            key: "cert",
            header: t("abnormal.certificate"),
            cell: (f) => (
              <>
                {certNo(f.certificateId)}
                {f.lineageId !== f.certificateId ? <div className="cell-note">{t("abnormal.lineage", { id: certNo(f.lineageId) })}</div> : null}
              </>
            ),
          },
          {
            key: "parties",
            header: t("abnormal.parties"),
            cell: (f) => (
              <ul className="plain-list compact-list">
                {f.parties.map((p, i) => (
                  <li key={`${p.uscc ?? p.address ?? i}`}>
                    {p.name ?? t("abnormal.unknownParty")}
                    {p.uscc ? <div className="mono muted nowrap">{p.uscc}</div> : null}
                  </li>
                ))}
              </ul>
            ),
          },
          { key: "at", header: t("abnormal.occurredAt"), cell: (f) => formatDateTime(f.occurredAt) },
          {
            key: "records",
            header: t("abnormal.records"),
            cell: (f) => (
              <Link to={`/conformity/feed?after=${Math.max(0, Math.min(...f.seqs) - 1)}`}>
                {t("abnormal.seqs", { seqs: f.seqs.map((s) => `#${s}`).join("、") })}
              </Link>
            ),
          },
          // the platform's own sentence, in English, with the figures that made it abnormal
          { key: "detail", header: t("abnormal.detail"), cell: (f) => <span className="cell-note" lang="en">{f.detail}</span> },
        ]}
      />
    </>
  );
}
