/**
 * One financing request: its certificate, the quotes side by side (cheapest first, as the API
 * orders them), acceptance for the supplier, and for a bank its own quote, the quote form and
 * withdrawal.
 */
import { useMutation, useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router-dom";
import { get, post, queryClient, type Schemas } from "../../api/client";
import { useSession } from "../../shared/session";
import { CommitButton, CommitOutcome, useCommit, useDuty } from "../../shared/commit";
import { formatDate, formatDateTime } from "../../shared/dates";
import { Money } from "../../shared/Money";
import { CertificateTerm } from "../../shared/Term";
import { Button, Card, EmptyState, Notice, Page, ProblemMessage, QueryState, StatusBadge } from "../../shared/ui";
import { formatBp } from "./percent";
import { useOrgNames } from "../../shared/organizations";
import { QuoteForm } from "./QuoteForm";
import { ReceivableStatus } from "../../shared/statuses";
import { RequestStatus, requestsKey } from "./RequestListPage";

type Quote = Schemas["Quote"];

const QUOTE_TONE: Record<string, "info" | "success" | "neutral" | "danger"> = { open: "info", accepted: "success", withdrawn: "neutral", closed: "neutral", expired: "neutral" };

export function QuoteStatus({ status }: { status: string }) {
  const { t } = useTranslation("financing");
  return <StatusBadge status={status} tone={QUOTE_TONE[status]} label={t(`quoteStatus.${status}`, { defaultValue: status })} />;
}

export function RequestDetailPage() {
  const { id = "" } = useParams();
  const { t } = useTranslation(["financing", "common"]);
  const session = useSession();
  const name = useOrgNames();
  const request = useQuery({ queryKey: [...requestsKey, "one", id], queryFn: () => get("/v1/financing-requests/{id}", { params: { path: { id } } }) });
  const quotes = useQuery({
    queryKey: ["quotes", id],
    queryFn: () => get("/v1/financing-requests/{id}/quotes", { params: { path: { id } } }),
    refetchInterval: request.data?.request.status === "open" ? 15_000 : false,
  });
  const isSupplier = session.has("supplier") && request.data?.request.supplierId === session.organization.id;
  const isBank = session.has("bank");

  return (
    <Page
      title={t("detail.title")}
      actions={
        <Link className="btn btn-secondary" to="/financing">
          {t("common:action.back")}
        </Link>
      }
    >
      <QueryState query={request}>
        {() => {
          const { request: r, receivable: c } = request.data!;
          const open = r.status === "open";
          const myOpenQuote = (quotes.data?.items ?? []).some((q) => q.bankId === session.organization.id && q.status === "open");
          return (
            <>
              <Card title={t("detail.certificate")}>
                <dl className="details">
                  <dt>{t("field.certificate")}</dt>
                  <dd>{c.certificateId ? t("field.certificateNo", { id: c.certificateId }) : <span className="mono">{c.id}</span>}</dd>
                  <dt>{t("field.supplier")}</dt>
                  <dd>{name(r.supplierId)}</dd>
                  <dt>{t("field.obligor")}</dt>
                  <dd>{name(r.obligorId)}</dd>
                  <dt>{t("field.face")}</dt>
                  <dd>
                    <Money fen={c.amount} />
                  </dd>
                  <dt>{t("field.maturity")}</dt>
                  <dd>{formatDate(c.maturity)}</dd>
                  <dt>{t("field.term")}</dt>
                  <dd>
                    <CertificateTerm receivable={c} />
                  </dd>
                  <dt>{t("field.certificateStatus")}</dt>
                  <dd>
                    <ReceivableStatus status={c.status} />
                  </dd>
                  <dt>{t("field.status")}</dt>
                  <dd>
                    <RequestStatus status={r.status} />
                  </dd>
                  <dt>{t("field.createdAt")}</dt>
                  <dd>{formatDateTime(r.createdAt)}</dd>
                </dl>
                {r.financingId ? (
                  <p>
                    <Link to={`/financing/financings/${r.financingId}`}>{t("detail.followFinancing")}</Link>
                  </p>
                ) : null}
                {isSupplier && open ? <CancelRequest id={r.id} /> : null}
              </Card>

              <QueryState query={quotes}>
                {() => <Quotes quotes={quotes.data!.items} supplier={isSupplier} open={open} />}
              </QueryState>

              {isBank && open && !myOpenQuote && quotes.data ? <QuoteForm requestId={r.id} receivable={c} /> : null}
            </>
          );
        }}
      </QueryState>
    </Page>
  );
}

function CancelRequest({ id }: { id: string }) {
  const { t } = useTranslation("financing");
  const duty = useDuty();
  const cancel = useMutation({
    mutationFn: () => post("/v1/financing-requests/{id}/cancellation", { params: { path: { id } } }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: requestsKey }),
  });
  if (!duty.canPrepare) return null;
  return (
    <div className="actions">
      <Button variant="danger" busy={cancel.isPending} onClick={() => cancel.mutate()}>
        {t("detail.cancel")}
      </Button>
      <ProblemMessage error={cancel.error} />
    </div>
  );
}

function Quotes({ quotes, supplier, open }: { quotes: Quote[]; supplier: boolean; open: boolean }) {
  const { t } = useTranslation(["financing", "common"]);
  const session = useSession();
  const navigate = useNavigate();
  const accept = useCommit("/v1/quotes/{id}/acceptance", {
    onDone: (o) => {
      void queryClient.invalidateQueries({ queryKey: requestsKey });
      if (o.kind === "done") navigate(`/financing/financings/${o.data.id}`);
    },
  });
  const withdraw = useCommit("/v1/quotes/{id}/withdrawal", {
    onDone: () => void queryClient.invalidateQueries({ queryKey: ["quotes"] }),
  });
  // the API orders quotes cheapest first (lowest effective annual cost); the cheapest open one is highlighted
  // a bank sees only its own quote: "cheapest" of one would tell it nothing true
  const ownOnly = session.has("bank") && !supplier;
  const cheapest = ownOnly ? undefined : quotes.find((q) => q.status === "open")?.id;
  const caption = ownOnly ? t("quotes.ownCaption") : t("quotes.caption");
  return (
    <Card title={t("quotes.title")}>
      {quotes.length === 0 ? (
        <EmptyState title={open ? t("quotes.noneYet") : t("quotes.none")} />
      ) : (
        <>
          {supplier && cheapest ? <p className="muted">{t("quotes.orderHint")}</p> : null}
          <div className="quote-cards" role="list" aria-label={caption}>
            {quotes.map((q) => (
              <article key={q.id} role="listitem" className={["quote-card", q.id === cheapest ? "cheapest" : null].filter(Boolean).join(" ")} aria-label={t("quotes.from", { bank: q.bankName ?? q.bankId })}>
                <header className="quote-head">
                  <h3>{q.bankName ?? q.bankId.slice(0, 8)}</h3>
                  {q.id === cheapest ? <StatusBadge status="cheapest" tone="success" label={t("quotes.cheapest")} /> : null}
                  <QuoteStatus status={q.status} />
                </header>
                <dl className="details compact">
                  <dt>{t("quote.advance")}</dt>
                  <dd>
                    <Money fen={q.netNow ?? q.advance} />
                  </dd>
                  <dt>{t("quote.annualRate")}</dt>
                  <dd>
                    {formatBp(q.annualRateBp)} · {t("quote.basis", { days: q.dayCount })}
                  </dd>
                  <dt>{t("quote.interest")}</dt>
                  <dd>
                    <Money fen={q.interest} /> {t("quote.forDays", { days: q.days })}
                  </dd>
                  <dt>{t("quote.fee")}</dt>
                  <dd>
                    <Money fen={q.fee} />
                  </dd>
                  <dt>{t("quote.discount")}</dt>
                  <dd>{q.cost !== undefined ? <Money fen={q.cost} /> : "—"}</dd>
                  <dt>{t("quote.effective")}</dt>
                  <dd>
                    <strong>{formatBp(q.effectiveAnnualCostBp)}</strong>
                  </dd>
                  <dt>{t("quote.due")}</dt>
                  <dd>
                    <Money fen={q.due} />
                  </dd>
                  {q.residualAtMaturity !== undefined ? (
                    <>
                      <dt>{t("quote.residual")}</dt>
                      <dd>
                        <Money fen={q.residualAtMaturity} />
                      </dd>
                    </>
                  ) : null}
                  <dt>{t("quote.recourse")}</dt>
                  <dd>{q.recourse ? t("quote.withRecourse") : t("quote.withoutRecourse")}</dd>
                  <dt>{t("quote.validUntil")}</dt>
                  <dd>{formatDateTime(q.validUntil)}</dd>
                </dl>
                {q.reasonablenessReview ? (
                  <div className="quote-review">
                    <strong>{t("review.onQuote")}</strong> {t("review.by", { reviewer: q.reasonablenessReview.reviewer })}
                    <p>{q.reasonablenessReview.reason}</p>
                  </div>
                ) : null}
                {supplier && q.status === "open" && open ? (
                  <div className="actions">
                    <CommitButton
                      commit={accept}
                      label={t("quotes.accept", { bank: q.bankName ?? "" })}
                      onClick={() => accept.mutate({ path: { id: q.id }, body: {} })}
                    />
                  </div>
                ) : null}
                {!supplier && q.bankId === session.organization.id && q.status === "open" ? (
                  <div className="actions">
                    <CommitButton commit={withdraw} variant="danger" label={t("quotes.withdraw")} onClick={() => withdraw.mutate({ path: { id: q.id }, body: undefined as never })} />
                  </div>
                ) : null}
              </article>
            ))}
          </div>
        </>
      )}
      <CommitOutcome commit={accept} />
      <CommitOutcome commit={withdraw} />
      {withdraw.data?.kind === "done" ? <Notice tone="success">{t("quotes.withdrawn")}</Notice> : null}
    </Card>
  );
}
