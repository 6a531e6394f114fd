import { lazy, Suspense, useEffect, useState, type FormEvent } from "react";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { get, queryClient } from "../../../api/client";
import { useLiveOperation } from "../../../api/live";
import { CommitButton, CommitOutcome, useCommit } from "../../../shared/commit";
import { chinaToday, formatDate, weekStart } from "../../../shared/dates";
import { Money } from "../../../shared/Money";
import { compareFen, fenToYuanInput, formatFen, parseYuan, sumFen, yuanForChart } from "../../../shared/money";
import { Card, DataTable, Field, Notice, Page, QueryState, Stat } from "../../../shared/ui";
import { OperationStatus } from "../shared";
import type { Week } from "./PayablesChart";
import { coverageGaps } from "./coverage";
import { useMembers } from "../../../shared/organizations";

// the chart library (~400 kB) loads when a chart is drawn, not with every page that imports this one
const PayablesChart = lazy(() => import("./PayablesChart").then((m) => ({ default: m.PayablesChart })));

export function PayablesPage() {
  const { t } = useTranslation("receivables");
  return (
    <Page title={t("payables.title")}>
      <RepaymentCoverage />
      <PayablesCalendar />
    </Page>
  );
}

export function PayablesCalendar() {
  const { t } = useTranslation("receivables");
  const calendar = useQuery({
    queryKey: ["payables", "calendar"],
    queryFn: () => get("/v1/payables/calendar", { params: { query: { from: chinaToday(), to: chinaToday(182) } } }),
  });
  const weeks: Week[] = [];
  for (const day of calendar.data?.days ?? []) {
    const w = weekStart(day.date);
    const last = weeks.find((x) => x.week === w);
    if (last) {
      last.total = sumFen([last.total, day.total]);
      last.certificates += day.certificates;
    } else weeks.push({ week: w, total: day.total, certificates: day.certificates, yuan: 0 });
  }
  weeks.sort((a, b) => a.week.localeCompare(b.week));
  for (const w of weeks) w.yuan = yuanForChart(w.total);
  return (
    <Card title={t("payables.calendar")}>
      <QueryState query={calendar}>
        {() =>
          weeks.length ? (
            <>
              <div className="chart" role="img" aria-label={t("payables.chartLabel", { weeks: weeks.length })}>
                <Suspense fallback={<div className="chart-pending" aria-busy="true" />}>
                  <PayablesChart weeks={weeks} />
                </Suspense>
              </div>
              <DataTable<Week>
                caption={t("payables.tableCaption")}
                rows={weeks}
                rowKey={(w) => w.week}
                columns={[
                  { key: "week", header: t("payables.week"), cell: (w) => t("payables.weekOf", { date: formatDate(w.week) }), rowHeader: true },
                  { key: "count", header: t("payables.certificates"), cell: (w) => w.certificates, numeric: true },
                  { key: "total", header: t("payables.due"), cell: (w) => <Money fen={w.total} />, numeric: true },
                ]}
              />
            </>
          ) : (
            <p className="muted">{t("payables.none")}</p>
          )
        }
      </QueryState>
    </Card>
  );
}

/** What the repayment authorization and balance must cover; a warning when they will not; a form to change it. */
export function RepaymentCoverage({ showForm = true }: { showForm?: boolean }) {
  const { t } = useTranslation("receivables");
  const coverage = useQuery({ queryKey: ["settlement", "coverage"], queryFn: () => get("/v1/settlement/repayment-coverage") });
  const c = coverage.data;
  const short = c ? compareFen(c.shortfall, "0") > 0 : false;
  const gaps = c ? coverageGaps(c) : { authorization: 0n, balance: 0n };
  const issuer = useMembers("settlement_issuer").data?.[0]?.legalName;
  const firstUncovered = (() => {
    if (!c) return null;
    const cover = BigInt(c.coverable);
    let running = 0n;
    for (const d of c.dues) {
      running += BigInt(d.amount);
      if (running > cover) return d.day;
    }
    return null;
  })();
  return (
    <Card title={t("coverage.title")}>
      <QueryState query={coverage}>
        {() =>
          c ? (
            <>
              <dl className="stats">
                <Stat label={t("coverage.balance")} value={<Money fen={c.balance} />} />
                <Stat label={t("coverage.authorization")} value={<Money fen={c.repaymentAuthorization} />} />
                <Stat label={t("coverage.outstanding")} value={<Money fen={c.outstanding} />} />
                <Stat label={t("coverage.coverable")} value={<Money fen={c.coverable} />} />
              </dl>
              {short ? (
                <Notice tone="warning">
                  {t("coverage.shortfall", { amount: formatFen(c.shortfall) })}
                  {firstUncovered ? ` ${t("coverage.firstUncovered", { date: formatDate(firstUncovered) })}` : ""}
                  {/* what each gap takes: the authorization is changed below; the balance is funded through the settlement bank */}
                  {gaps.authorization > 0n ? <span className="gap-authorization"> {t("coverage.authorizationGap", { amount: formatFen(gaps.authorization.toString()) })}</span> : null}
                  {gaps.balance > 0n ? (
                    <span className="gap-balance"> {t("coverage.balanceGap", { amount: formatFen(gaps.balance.toString()), bank: issuer ?? t("coverage.theSettlementBank") })}</span>
                  ) : null}
                </Notice>
              ) : (
                <Notice tone="success">{t("coverage.covered")}</Notice>
              )}
              {/* raising the authorization beyond what is outstanding helps nothing: a short balance is funded, not authorized */}
              {showForm ? <AuthorizationForm current={c.repaymentAuthorization} suggested={gaps.authorization > 0n ? c.outstanding : c.repaymentAuthorization} /> : null}
            </>
          ) : null
        }
      </QueryState>
    </Card>
  );
}

function AuthorizationForm({ current, suggested }: { current: string; suggested: string }) {
  const { t } = useTranslation("receivables");
  const [amount, setAmount] = useState(fenToYuanInput(suggested));
  const [tried, setTried] = useState(false);
  const parsed = parseYuan(amount, { allowZero: true });
  const authorize = useCommit("/v1/settlement/repayment-authorization");
  const done = authorize.data?.kind === "done" ? authorize.data.data : undefined;
  const live = useLiveOperation(done?.id);
  useEffect(() => {
    if (live.final) void queryClient.invalidateQueries({ queryKey: ["settlement"] });
  }, [live.final]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (parsed.ok) authorize.mutate({ body: { amount: parsed.fen } });
  };
  if (authorize.mode === "hidden") return null;
  return (
    <form className="stack narrow" onSubmit={submit} noValidate>
      <Field label={t("coverage.newAuthorization")} hint={t("coverage.currentIs", { amount: formatFen(current) })} error={tried && !parsed.ok ? t(`common:money.${parsed.reason}`) : undefined}>
        {(p) => <input {...p} inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} />}
      </Field>
      <CommitOutcome commit={authorize} />
      {done ? (
        <p role="status">
          {t("coverage.operation")} <OperationStatus status={live.data?.status} />
        </p>
      ) : null}
      <div className="actions">
        <CommitButton type="submit" commit={authorize} label={t("coverage.submit")} />
      </div>
    </form>
  );
}
