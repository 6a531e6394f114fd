/**
 * Reconciliation: a bank uploads its statement for a day (CSV text read from a file, sent in a JSON
 * body), sees its statements, and the day's report with every mismatch highlighted — or "no
 * mismatch" said plainly. The report downloads as CSV (the API's) or JSON (built in the browser).
 * Operators and auditors pick the bank whose report to read.
 */
import { useMutation, useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { get, post, queryClient, type Schemas } from "../../api/client";
import { useSession } from "../../shared/session";
import { useDuty } from "../../shared/commit";
import { chinaToday, formatDate, formatDateTime } from "../../shared/dates";
import { Money } from "../../shared/Money";
import { Button, Card, DataTable, EmptyState, Field, Notice, Page, ProblemMessage, QueryState, Stat, StatusBadge } from "../../shared/ui";
import { Hash } from "../../shared/operation";
import { ReceivableStatus } from "../../shared/statuses";

type Report = Schemas["ReconciliationReport"];
type Mismatch = Schemas["ReconciliationMismatch"];
type Line = Report["unmatchedStatementLines"][number];

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function ReconciliationPage() {
  const { t } = useTranslation(["reconciliation", "common"]);
  const session = useSession();
  const isBank = session.has("bank");
  const readsAll = session.has("operator") || session.has("auditor");
  const [date, setDate] = useState(chinaToday());
  const [bankId, setBankId] = useState("");
  const orgs = useQuery({ queryKey: ["organizations", "names"], queryFn: () => get("/v1/organizations", { params: { query: { limit: 200 } } }), enabled: readsAll, staleTime: 60_000 });
  const banks = (orgs.data?.items ?? []).filter((o) => o.roles.includes("bank"));
  useEffect(() => {
    if (readsAll && !bankId && banks[0]) setBankId(banks[0].id);
  }, [readsAll, bankId, banks]);
  const bankQuery = readsAll && bankId ? { bankId } : {};
  const ready = DAY.test(date) && (!readsAll || bankId !== "");

  const report = useQuery({
    queryKey: ["reconciliation", "report", date, bankId],
    queryFn: () => get("/v1/reconciliation/report", { params: { query: { date, ...bankQuery } } }),
    enabled: ready,
  });
  const statements = useQuery({
    queryKey: ["reconciliation", "statements", bankId],
    queryFn: () => get("/v1/reconciliation/statements", { params: { query: bankQuery } }),
    enabled: !readsAll || bankId !== "",
  });

  return (
    <Page title={t("page.report")}>
      <div className="form-row recon-pick">
        <Field label={t("report.date")}>{(p) => <input {...p} type="date" max={chinaToday()} value={date} onChange={(e) => setDate(e.target.value)} />}</Field>
        {readsAll ? (
          <Field label={t("report.bank")}>
            {(p) => (
              <select {...p} value={bankId} onChange={(e) => setBankId(e.target.value)}>
                {banks.length === 0 ? <option value="">{t("report.noBanks")}</option> : null}
                {banks.map((b) => (
                  <option key={b.id} value={b.id}>
                    {b.legalName}
                  </option>
                ))}
              </select>
            )}
          </Field>
        ) : null}
      </div>

      {isBank ? <UploadStatement defaultDate={date} /> : null}

      {ready ? (
        <QueryState query={report}>{() => <ReportView report={report.data!} csvHref={csvHref(date, readsAll ? bankId : "")} />}</QueryState>
      ) : null}

      <QueryState query={statements}>
        {() => (
          <DataTable
            caption={t("statements.caption")}
            rows={statements.data?.items ?? []}
            rowKey={(s) => s.id}
            empty={<EmptyState title={t("statements.empty")} />}
            columns={[
              { key: "date", header: t("statements.date"), rowHeader: true, cell: (s) => formatDate(s.date) },
              { key: "uploaded", header: t("statements.uploadedAt"), cell: (s) => formatDateTime(s.uploadedAt) },
              { key: "lines", header: t("statements.lines"), numeric: true, cell: (s) => s.lines },
              { key: "sha", header: t("statements.sha"), cell: (s) => <Hash value={s.fileSha256} /> },
              { key: "current", header: t("statements.current"), cell: (s) => (s.current ? <StatusBadge status="active" tone="success" label={t("statements.isCurrent")} /> : <span className="muted">{t("statements.superseded")}</span>) },
              {
                key: "open",
                header: <span className="visually-hidden">{t("statements.show")}</span>,
                cell: (s) => (
                  <a
                    href={`#report-${s.date}`}
                    onClick={(e) => {
                      e.preventDefault();
                      setDate(s.date);
                    }}
                  >
                    {t("statements.show")}
                    <span className="visually-hidden"> {formatDate(s.date)}</span>
                  </a>
                ),
              },
            ]}
          />
        )}
      </QueryState>
    </Page>
  );
}

function csvHref(date: string, bankId: string): string {
  const q = new URLSearchParams({ date, format: "csv" });
  if (bankId) q.set("bankId", bankId);
  return `/v1/reconciliation/report?${q.toString()}`;
}

/** A link that downloads the report as JSON, built in the browser (no request, no write). */
function useJsonDownload(report: Report): string {
  const url = useMemo(() => URL.createObjectURL(new Blob([JSON.stringify(report, null, 2)], { type: "application/json" })), [report]);
  useEffect(() => () => URL.revokeObjectURL(url), [url]);
  return url;
}

function ReportView({ report, csvHref }: { report: Report; csvHref: string }) {
  const { t } = useTranslation(["reconciliation", "financing", "common"]);
  const jsonHref = useJsonDownload(report);
  const total = report.summary.mismatches;
  return (
    <Card title={t("report.title", { bank: report.bankName, date: formatDate(report.date) })}>
      {total === 0 && report.statement ? (
        <Notice tone="success">
          <strong>{t("report.noMismatch")}</strong> {t("report.noMismatchDetail", { count: report.summary.financings })}
        </Notice>
      ) : total === 0 ? (
        // nothing to hold the bank's books against: say so, not "all consistent with the statement"
        <Notice tone="info">
          <strong>{t("report.noStatementYet")}</strong> {t("report.noMismatchWithoutStatement", { count: report.summary.financings })}
        </Notice>
      ) : (
        <Notice tone="danger">
          <strong>{t("report.mismatches", { count: total })}</strong>{" "}
          {Object.entries(report.summary.byCode)
            .map(([code, n]) => `${t(`code.${code}`, { defaultValue: code })} × ${n}`)
            .join("，")}
        </Notice>
      )}
      <ul className="links">
        <li>
          <a href={csvHref} download={`reconciliation-${report.date}.csv`}>
            {t("report.downloadCsv")}
          </a>
        </li>
        <li>
          <a href={jsonHref} download={`reconciliation-${report.date}.json`}>
            {t("report.downloadJson")}
          </a>
        </li>
      </ul>
      <dl className="stats">
        <Stat label={t("totals.advancesPaid")} value={<Money fen={report.totals.advancesPaid} />} />
        <Stat label={t("totals.repaymentsReceived")} value={<Money fen={report.totals.repaymentsReceived} />} />
        <Stat label={t("totals.recoveries")} value={<Money fen={report.totals.recoveries} />} />
        <Stat label={t("totals.outstandingEndOfDay")} value={<Money fen={report.totals.outstandingEndOfDay} />} />
      </dl>
      {report.totals.statement ? (
        <p className="muted">
          {t("totals.statementLine")} <Money fen={report.totals.statement.advance} /> / <Money fen={report.totals.statement.repayment} /> / <Money fen={report.totals.statement.recourse} />
        </p>
      ) : (
        <p className="muted">{t("report.noStatement")}</p>
      )}
      <p className="muted">
        {t("report.meta", { from: formatDateTime(report.period.from), to: formatDateTime(report.period.to), generated: formatDateTime(report.generatedAt), source: t(`source.${report.chainSource}`) })}
      </p>

      {report.mismatches.length > 0 ? <Mismatches rows={report.mismatches} /> : null}

      <div className="table-wrap">
        <table className="data-table">
          <caption>{t("financings.caption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("financing:field.certificate")}</th>
              <th scope="col">{t("financing:field.supplier")}</th>
              <th scope="col">{t("financing:field.obligor")}</th>
              <th scope="col" className="num">{t("financing:quote.advance")}</th>
              <th scope="col" className="num">{t("financing:quote.due")}</th>
              <th scope="col">{t("financings.chainStatus")}</th>
              <th scope="col" className="num">{t("financings.dayIn")}</th>
              <th scope="col" className="num">{t("totals.outstandingEndOfDay")}</th>
              <th scope="col">{t("financings.statementLines")}</th>
              <th scope="col">{t("financings.result")}</th>
            </tr>
          </thead>
          <tbody>
            {report.financings.length === 0 ? (
              <tr>
                <td colSpan={10} className="muted">
                  {t("financings.empty")}
                </td>
              </tr>
            ) : null}
            {report.financings.map((f) => (
              <tr key={`${f.financingId ?? ""}:${f.receivableId}`} className={f.mismatches.length ? "row-mismatch" : undefined}>
                <th scope="row">{f.certificateId ? t("financing:field.certificateNo", { id: f.certificateId }) : <Hash value={f.receivableId} />}</th>
                <td data-label={t("financing:field.supplier")}>{f.supplier.name}</td>
                <td data-label={t("financing:field.obligor")}>{f.obligor.name}</td>
                <td className="num" data-label={t("financing:quote.advance")}>{f.platform ? <Money fen={f.platform.advance} /> : "—"}</td>
                <td className="num" data-label={t("financing:quote.due")}>{f.platform ? <Money fen={f.platform.due} /> : "—"}</td>
                <td data-label={t("financings.chainStatus")}>
                  <ReceivableStatus status={f.chain.status} />
                </td>
                <td className="num" data-label={t("financings.dayIn")}>
                  <Money fen={f.day.repaymentsReceived} />
                </td>
                <td className="num" data-label={t("totals.outstandingEndOfDay")}>
                  <Money fen={f.outstandingEndOfDay} />
                </td>
                <td data-label={t("financings.statementLines")}>{f.statementLines.length ? f.statementLines.map((l) => `#${l.line} ${t(`type.${l.type}`)}`).join("，") : "—"}</td>
                <td data-label={t("financings.result")}>
                  {f.mismatches.length === 0 ? (
                    <StatusBadge status="matched" tone="success" label={t("financings.matched")} />
                  ) : (
                    f.mismatches.map((m, i) => (
                      <div key={i}>
                        <StatusBadge status="mismatch" tone="danger" label={t(`code.${m.code}`, { defaultValue: m.code })} />
                        <div className="reason">{m.message}</div>
                      </div>
                    ))
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      {report.unmatchedStatementLines.length > 0 ? <Unmatched rows={report.unmatchedStatementLines} /> : null}

      {report.creditLines.length > 0 ? (
        <DataTable
          caption={t("lines.caption")}
          rows={report.creditLines}
          rowKey={(l) => l.obligorId}
          columns={[
            { key: "obligor", header: t("financing:field.obligor"), rowHeader: true, cell: (l) => l.obligorName },
            { key: "limit", header: t("financing:lines.limit"), numeric: true, cell: (l) => <Money fen={l.limit} /> },
            { key: "used", header: t("financing:lines.used"), numeric: true, cell: (l) => <Money fen={l.used} /> },
            { key: "ledgerUsed", header: t("lines.ledgerUsed"), numeric: true, cell: (l) => (l.ledgerUsed ? <Money fen={l.ledgerUsed} /> : "—") },
            { key: "outstanding", header: t("lines.outstanding"), numeric: true, cell: (l) => <Money fen={l.outstandingFinancings} /> },
            {
              key: "result",
              header: t("financings.result"),
              cell: (l) =>
                l.mismatches.length === 0 ? (
                  <StatusBadge status="matched" tone="success" label={t("financings.matched")} />
                ) : (
                  l.mismatches.map((m, i) => <StatusBadge key={i} status="mismatch" tone="danger" label={t(`code.${m.code}`, { defaultValue: m.code })} />)
                ),
            },
          ]}
        />
      ) : null}
    </Card>
  );
}

function Mismatches({ rows }: { rows: Mismatch[] }) {
  const { t } = useTranslation("reconciliation");
  return (
    <DataTable<Mismatch>
      caption={t("mismatch.caption")}
      rows={rows}
      rowKey={(m) => `${m.code}:${m.financingId ?? ""}:${m.statementLine ?? ""}:${m.message}`}
      columns={[
        { key: "code", header: t("mismatch.code"), rowHeader: true, cell: (m) => <StatusBadge status="mismatch" tone="danger" label={t(`code.${m.code}`, { defaultValue: m.code })} /> },
        { key: "message", header: t("mismatch.message"), cell: (m) => m.message },
        { key: "line", header: t("mismatch.line"), numeric: true, cell: (m) => m.statementLine ?? "—" },
        { key: "expected", header: t("mismatch.expected"), cell: (m) => m.expected ?? "—" },
        { key: "actual", header: t("mismatch.actual"), cell: (m) => m.actual ?? "—" },
      ]}
    />
  );
}

function Unmatched({ rows }: { rows: Line[] }) {
  const { t } = useTranslation("reconciliation");
  return (
    <DataTable<Line>
      caption={t("unmatched.caption")}
      rows={rows}
      rowKey={(l) => String(l.line)}
      columns={[
        { key: "line", header: t("mismatch.line"), rowHeader: true, cell: (l) => `#${l.line}` },
        { key: "date", header: t("unmatched.valueDate"), cell: (l) => formatDate(l.valueDate) },
        { key: "type", header: t("unmatched.type"), cell: (l) => t(`type.${l.type}`) },
        { key: "amount", header: t("unmatched.amount"), numeric: true, cell: (l) => <Money fen={l.amount} /> },
        { key: "ref", header: t("unmatched.reference"), cell: (l) => <span className="mono">{l.reference}</span> },
        { key: "bankRef", header: t("unmatched.bankReference"), cell: (l) => <span className="mono">{l.bankReference}</span> },
        { key: "why", header: t("financings.result"), cell: (l) => l.mismatches.map((c) => t(`code.${c}`, { defaultValue: c })).join("，") },
      ]}
    />
  );
}

/** The bank's statement upload: a CSV file read as text in the browser and posted in a JSON body. */
function UploadStatement({ defaultDate }: { defaultDate: string }) {
  const { t } = useTranslation(["reconciliation", "common"]);
  const duty = useDuty();
  const [date, setDate] = useState(defaultDate);
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<string>();
  const upload = useMutation({
    mutationFn: async (v: { date: string; file: File }) => post("/v1/reconciliation/statements", { body: { date: v.date, csv: await v.file.text() } }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ["reconciliation"] }),
  });
  if (!duty.canPrepare) return null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const problem = !DAY.test(date) ? t("upload.dateMissing") : !file ? t("upload.fileMissing") : file.size > 2_000_000 ? t("upload.tooLarge") : undefined;
    setError(problem);
    if (!problem && file) upload.mutate({ date, file });
  };
  const s = upload.data;
  return (
    <Card title={t("upload.title")}>
      <form className="stack" onSubmit={submit} noValidate>
        <div className="form-row">
          <Field label={t("upload.date")}>{(p) => <input {...p} type="date" max={chinaToday()} value={date} onChange={(e) => setDate(e.target.value)} />}</Field>
          <Field label={t("upload.file")} hint={t("upload.fileHint")} error={error}>
            {(p) => <input {...p} type="file" accept=".csv,text/csv" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />}
          </Field>
        </div>
        <div className="actions">
          <Button type="submit" variant="primary" busy={upload.isPending}>
            {t("upload.submit")}
          </Button>
        </div>
        <ProblemMessage error={upload.error} />
        {s ? (
          <Notice tone={s.reconciliation.mismatches === 0 ? "success" : "warning"}>
            {s.duplicate ? t("upload.duplicate") : t("upload.done", { lines: s.lines, matched: s.reconciliation.matchedLines })}{" "}
            {s.reconciliation.mismatches === 0 ? t("report.noMismatch") : t("report.mismatches", { count: s.reconciliation.mismatches })}
          </Notice>
        ) : null}
      </form>
    </Card>
  );
}
