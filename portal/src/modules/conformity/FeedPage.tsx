/**
 * 监管报送: the regulator's feed (GET /v1/conformity/feed), every certificate event the ledger
 * recorded, numbered without gaps and hash-chained, read forward by cursor; and the daily files as
 * delivered (GET /v1/conformity/feed/days/{day}.jsonl, .csv and the manifest), served once the day
 * (China Standard Time) is over.
 */
import { useState } from "react";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router-dom";
import { get, type Schemas } from "../../api/client";
import { chinaToday, formatDate, formatDateTime } from "../../shared/dates";
import { Money } from "../../shared/Money";
import { Hash } from "../../shared/operation";
import { Button, Card, DataTable, EmptyState, Field, QueryState } from "../../shared/ui";
import { ConformityPage, certNo } from "./ConformityPage";

type FeedRecord = Schemas["RegulatorFeedRecord"];

/** Records per page (the API allows up to 1000). */
const PAGE = 100;

/** The China Standard Time day of an instant, YYYY-MM-DD (the day file it belongs to). */
const chinaDayOf = (iso: string) => new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(iso));

export function FeedPage() {
  const { t } = useTranslation("conformity");
  const [params, setParams] = useSearchParams();
  const start = Math.max(0, Number.parseInt(params.get("after") ?? "0", 10) || 0);
  const [startInput, setStartInput] = useState(String(start));
  const feed = useInfiniteQuery({
    queryKey: ["conformity", "feed", start],
    queryFn: ({ pageParam }) => get("/v1/conformity/feed", { params: { query: { after: pageParam, limit: PAGE } } }),
    initialPageParam: start,
    getNextPageParam: (last) => (last.records.length < PAGE ? undefined : last.next),
  });
  const records = feed.data?.pages.flatMap((p) => p.records) ?? [];
  const days = [...new Set(records.map((r) => chinaDayOf(r.occurredAt)))];
  return (
    <ConformityPage title={t("feed.title")}>
      <p className="muted">{t("feed.intro")}</p>
      <DayFiles seen={days} />
      <form
        role="search"
        className="form-row search-row"
        aria-label={t("feed.startLabel")}
        onSubmit={(e) => {
          e.preventDefault();
          const n = Number.parseInt(startInput, 10);
          setParams(Number.isFinite(n) && n > 0 ? { after: String(n) } : {});
        }}
      >
        <Field label={t("feed.start")}>
          {(p) => <input {...p} inputMode="numeric" pattern="[0-9]*" value={startInput} onChange={(e) => setStartInput(e.target.value.replace(/\D/g, ""))} />}
        </Field>
        <div className="field field-action">
          <Button type="submit" variant="secondary">
            {t("feed.go")}
          </Button>
        </div>
      </form>
      <QueryState query={feed}>
        {() => (
          <>
            <DataTable<FeedRecord>
              caption={t("feed.caption", { count: records.length, after: start })}
              rows={records}
              rowKey={(r) => String(r.seq)}
              empty={<EmptyState title={start ? t("feed.emptyAfter", { after: start }) : t("feed.empty")} />}
              columns={[
                { key: "seq", header: t("feed.seq"), rowHeader: true, numeric: true, cell: (r) => r.seq },
                { key: "kind", header: t("feed.kind"), cell: (r) => <span className="nowrap">{t(`kind.${r.kind}`, { defaultValue: r.kind })}</span> },
                {
                  key: "cert",
                  header: t("feed.certificate"),
                  cell: (r) => (
                    <div className="nowrap">
                      {certNo(r.certificateId)}
                      {r.parentId ? <div className="cell-note">{t("feed.parent", { id: certNo(r.parentId) })}</div> : null}
                      {r.tier ? <div className="cell-note">{t("feed.tier", { tier: r.tier })}</div> : null}
                    </div>
                  ),
                },
                {
                  key: "amount",
                  header: t("feed.amount"),
                  numeric: true,
                  cell: (r) => (
                    <>
                      <Money fen={r.amount} />
                      {r.eventAmount !== null && r.eventAmount !== r.amount ? (
                        <div className="cell-note">
                          {t("feed.eventAmount")} <Money fen={r.eventAmount} />
                        </div>
                      ) : null}
                    </>
                  ),
                },
                { key: "parties", header: t("feed.parties"), cell: (r) => <Parties record={r} /> },
                {
                  key: "term",
                  header: t("feed.maturity"),
                  cell: (r) =>
                    r.maturityDate ? (
                      <>
                        {formatDate(r.maturityDate)}
                        {r.termDays !== null ? <div className="cell-note">{t("common:term.days", { count: r.termDays })}</div> : null}
                      </>
                    ) : (
                      "—"
                    ),
                },
                { key: "at", header: t("feed.occurredAt"), cell: (r) => formatDateTime(r.occurredAt) },
                {
                  key: "chain",
                  header: t("feed.chain"),
                  cell: (r) => (
                    <dl className="details compact chain-facts">
                      <dt>{t("feed.block")}</dt>
                      <dd>{r.blockNumber}</dd>
                      <dt>{t("feed.tx")}</dt>
                      <dd>
                        <Hash value={r.txHash} />
                      </dd>
                      <dt>{t("feed.hash")}</dt>
                      <dd>
                        <Hash value={r.hash} />
                      </dd>
                    </dl>
                  ),
                },
              ]}
            />
            <div className="actions">
              {feed.hasNextPage ? (
                <Button onClick={() => void feed.fetchNextPage()} busy={feed.isFetchingNextPage}>
                  {t("common:action.loadMore")}
                </Button>
              ) : records.length ? (
                <span className="muted">{t("feed.end")}</span>
              ) : null}
            </div>
          </>
        )}
      </QueryState>
    </ConformityPage>
  );
}

/** Who the record names: the obligor, and from whom to whom (their codes), the bank for a financing. */
function Parties({ record: r }: { record: FeedRecord }) {
  const { t } = useTranslation("conformity");
  const rows = [
    ["feed.obligor", r.obligorUscc],
    ["feed.from", r.fromUscc],
    ["feed.to", r.toUscc],
    ["feed.bank", r.bankUscc],
  ].filter(([, v]) => v) as [string, string][];
  if (rows.length === 0) return <span className="muted">—</span>;
  return (
    <dl className="details compact parties">
      {rows.map(([k, v]) => (
        <div className="detail-pair" key={k}>
          <dt>{t(k)}</dt>
          <dd className="mono">{v}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The day files: for a chosen day, and for the days of the records on screen that are over. */
function DayFiles({ seen }: { seen: string[] }) {
  const { t } = useTranslation("conformity");
  const today = chinaToday();
  const [day, setDay] = useState(chinaToday(-1));
  const past = seen.filter((d) => d < today);
  return (
    <Card title={t("feed.days")}>
      <p className="muted">{t("feed.daysIntro")}</p>
      <div className="form-row day-row">
        <Field label={t("feed.day")}>{(p) => <input {...p} type="date" max={chinaToday(-1)} value={day} onChange={(e) => setDay(e.target.value)} />}</Field>
        <div className="field">{day && day < today ? <DayLinks day={day} /> : <span className="muted">{t("feed.dayNotOver")}</span>}</div>
      </div>
      {past.length ? (
        <ul className="plain-list day-list" aria-label={t("feed.daysSeen")}>
          {past.map((d) => (
            <li key={d}>
              <strong>{formatDate(d)}</strong> <DayLinks day={d} />
            </li>
          ))}
        </ul>
      ) : null}
      {seen.includes(today) ? <p className="muted">{t("feed.todayLater")}</p> : null}
    </Card>
  );
}

function DayLinks({ day }: { day: string }) {
  const { t } = useTranslation("conformity");
  const base = `/v1/conformity/feed/days/${day}`;
  return (
    <span className="day-links">
      <a href={`${base}.jsonl`} download={`${day}.jsonl`}>
        {t("feed.jsonl")}
        <span className="visually-hidden"> {day}</span>
      </a>
      <a href={`${base}.csv`} download={`${day}.csv`}>
        {t("feed.csv")}
        <span className="visually-hidden"> {day}</span>
      </a>
      <a href={`${base}?format=manifest`} download={`${day}.manifest.json`}>
        {t("feed.manifest")}
        <span className="visually-hidden"> {day}</span>
      </a>
    </span>
  );
}
