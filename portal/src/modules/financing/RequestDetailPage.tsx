/**
 * One financing request: its certificate, the quotes side by side — cash received, cost and
 * recourse first, ranked by what the supplier chooses (lowest cost, most cash, no recourse) —
 * acceptance for the supplier after the terms are shown once more, and for a bank what it quotes
 * on (the dossier: invoices, trade documents, the supplier's history, its line's term), its own
 * quote, the quote form and withdrawal.
 */
import { useState } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router-dom";
import { get, isProblem, post, queryClient, type Schemas } from "../../api/client";
import { useSession } from "../../shared/session";
import { CommitButton, CommitOutcome, useCommit, useDuty } from "../../shared/commit";
import { formatDate, formatDateTime } from "../../shared/dates";
import { Money } from "../../shared/Money";
import { CertificateTerm } from "../../shared/Term";
import { Button, Card, EmptyState, Notice, Page, ProblemMessage, QueryState, StatusBadge } from "../../shared/ui";
import { formatBp } from "./percent";
import { RANKS, rankQuotes, type Rank } from "./ranking";
import { useOrgNames } from "../../shared/organizations";
import { SubmittedMark, useSubmitted } from "../../shared/submitted";
import { QuoteForm } from "./QuoteForm";
import { RequestDossier } from "./RequestDossier";
import { ReceivableStatus } from "../../shared/statuses";
import { RequestStatus, requestsKey } from "./RequestListPage";
import { BankAgreement } from "./AgreementSigning";
import { SignDialog } from "../../shared/signing";

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
  const submitted = useSubmitted();
  // the quote this bank's approver just made: its agreement is offered for signing at once
  const [justQuoted, setJustQuoted] = useState<string | null>(null);
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

              {isBank && !isSupplier ? <RequestDossier requestId={r.id} /> : null}

              <QueryState query={quotes}>
                {() => <Quotes quotes={quotes.data!.items} supplier={isSupplier} open={open} signNow={justQuoted} onSignNowDone={() => setJustQuoted(null)} />}
              </QueryState>

              {isBank && open && !myOpenQuote && quotes.data ? (
                submitted("financingRequest", r.id) ? (
                  <Notice tone="info">
                    <SubmittedMark />
                  </Notice>
                ) : (
                  <QuoteForm requestId={r.id} receivable={c} onQuoted={setJustQuoted} />
                )
              ) : null}
            </>
          );
        }}
      </QueryState>
    </Page>
  );
}

/** The acceptance waits for the bank's signature of the agreement (409 DOCUMENT.UNSIGNED for the act "quote"). */
const bankUnsigned = (e: unknown) => isProblem(e, 409) && e.code === "DOCUMENT.UNSIGNED" && e.extensions.act === "quote";

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

function Quotes({ quotes, supplier, open, signNow, onSignNowDone }: { quotes: Quote[]; supplier: boolean; open: boolean; signNow: string | null; onSignNowDone: () => void }) {
  const { t } = useTranslation(["financing", "common"]);
  const session = useSession();
  const navigate = useNavigate();
  const submitted = useSubmitted();
  const accept = useCommit("/v1/quotes/{id}/acceptance", {
    onDone: (o) => {
      void queryClient.invalidateQueries({ queryKey: requestsKey });
      if (o.kind === "done") navigate(`/financing/financings/${o.data.id}`);
    },
  });
  const withdraw = useCommit("/v1/quotes/{id}/withdrawal", {
    onDone: () => void queryClient.invalidateQueries({ queryKey: ["quotes"] }),
  });
  // the supplier ranks the quotes by what it cares for; the first open one of that ranking is marked
  // (a bank sees only its own quote: "best" of one would tell it nothing true)
  const ownOnly = session.has("bank") && !supplier;
  const [rank, setRank] = useState<Rank>("cost");
  const [reviewing, setReviewing] = useState<string | null>(null);
  // the supplier's approver signs the quote's financing agreement, then accepts (an organization that signs must)
  const [signing, setSigning] = useState<string | null>(null);
  const ranked = ownOnly ? quotes : rankQuotes(quotes, rank);
  const first = ranked.find((q) => q.status === "open");
  const best = ownOnly || !first || (rank === "noRecourse" && first.recourse) ? undefined : first.id;
  const caption = ownOnly ? t("quotes.ownCaption") : t(`quotes.caption.${rank}`);
  return (
    <Card title={t("quotes.title")}>
      {quotes.length === 0 ? (
        <EmptyState title={open ? t("quotes.noneYet") : t("quotes.none")} />
      ) : (
        <>
          {supplier && quotes.length > 1 ? (
            <fieldset className="quote-rank">
              <legend>{t("quotes.rankBy")}</legend>
              {RANKS.map((r) => (
                <label key={r}>
                  <input type="radio" name="quote-rank" value={r} checked={rank === r} onChange={() => setRank(r)} /> {t(`quotes.rank.${r}`)}
                </label>
              ))}
            </fieldset>
          ) : null}
          {supplier ? <p className="muted recourse-means">{t("quotes.recourseMeans")}</p> : null}
          <div className="quote-cards" role="list" aria-label={caption}>
            {ranked.map((q) => (
              <article key={q.id} role="listitem" className={["quote-card", q.id === best ? "best" : null].filter(Boolean).join(" ")} aria-label={t("quotes.from", { bank: q.bankName ?? q.bankId })}>
                <header className="quote-head">
                  <h3>{q.bankName ?? q.bankId.slice(0, 8)}</h3>
                  {q.id === best ? <StatusBadge status="best" tone="success" label={t(`quotes.best.${rank}`)} /> : null}
                  <QuoteStatus status={q.status} />
                  {submitted("quote", q.id) ? <SubmittedMark /> : null}
                </header>
                <dl className="quote-summary">
                  <div>
                    <dt>{t("quote.cashNow")}</dt>
                    <dd>
                      <Money fen={q.netNow ?? q.advance} />
                    </dd>
                  </div>
                  <div>
                    <dt>{t("quote.cost")}</dt>
                    <dd>{q.cost !== undefined ? <Money fen={q.cost} /> : "—"}</dd>
                  </div>
                  <div>
                    <dt>{t("quote.recourse")}</dt>
                    <dd>{q.recourse ? t("quote.withRecourse") : t("quote.withoutRecourse")}</dd>
                  </div>
                </dl>
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
                {supplier && q.status === "open" && open && reviewing !== q.id ? (
                  <div className="actions">
                    <Button onClick={() => setReviewing(q.id)}>{t("quotes.review")}</Button>
                  </div>
                ) : null}
                {supplier && q.status === "open" && open && reviewing === q.id ? (
                  <section className="quote-confirm" aria-label={t("quotes.confirmTitle")}>
                    <h4>{t("quotes.confirmTitle")}</h4>
                    <p>{t("quotes.confirmTerms", { bank: q.bankName ?? "" })}</p>
                    <ul>
                      <li>{t("quotes.confirm.cash")} <Money fen={q.netNow ?? q.advance} /></li>
                      <li>{t("quotes.confirm.cost")} {q.cost !== undefined ? <Money fen={q.cost} /> : "—"} ({formatBp(q.effectiveAnnualCostBp)})</li>
                      <li>{t("quotes.confirm.due")} <Money fen={q.due} /></li>
                      <li>{q.recourse ? t("quotes.confirm.withRecourse") : t("quotes.confirm.withoutRecourse")}</li>
                    </ul>
                    {accept.mode === "draft" ? <p className="muted">{t("agreement.approverSignsAccept")}</p> : null}
                    <div className="actions">
                      {accept.mode === "direct" ? (
                        <Button variant="primary" data-write="direct" busy={accept.isPending} onClick={() => setSigning(q.id)}>
                          {t("quotes.signAndAccept", { bank: q.bankName ?? "" })}
                        </Button>
                      ) : (
                        <CommitButton
                          commit={accept}
                          label={t("quotes.accept", { bank: q.bankName ?? "" })}
                          onClick={() => accept.mutate({ path: { id: q.id }, body: {} })}
                        />
                      )}
                      <Button variant="secondary" onClick={() => setReviewing(null)}>
                        {t("quotes.back")}
                      </Button>
                    </div>
                  </section>
                ) : null}
                {signing === q.id ? (
                  <SignDialog
                    target={{ quoteId: q.id }}
                    act="accept"
                    onClose={() => setSigning(null)}
                    onSigned={() => {
                      setSigning(null);
                      accept.mutate({ path: { id: q.id }, body: {} });
                    }}
                  />
                ) : null}
                {!supplier && q.bankId === session.organization.id ? <BankAgreement quote={q} signNow={signNow === q.id} onSignNowDone={onSignNowDone} /> : null}
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
      {bankUnsigned(accept.error) ? <Notice tone="warning">{t("agreement.bankNotYet")}</Notice> : <CommitOutcome commit={accept} />}
      <CommitOutcome commit={withdraw} />
      {withdraw.data?.kind === "done" ? <Notice tone="success">{t("quotes.withdrawn")}</Notice> : null}
    </Card>
  );
}
