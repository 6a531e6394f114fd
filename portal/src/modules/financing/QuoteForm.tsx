/**
 * A bank's quote on a request (a commit action: approvers send it, clerks submit it for approval).
 * Percentages become basis points from the typed digits, the fee becomes fen through BigInt: no
 * floating point touches a rate or an amount. On a certificate whose term exceeds six months
 * (77号文) the quote carries the bank's reasonableness review, who reviewed the term and why: the
 * API refuses the quote without it (422 on body.reasonablenessReview), so the form asks for it.
 */
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { queryClient, type Schemas } from "../../api/client";
import { fieldProblems } from "../../i18n/problem";
import { CommitButton, CommitOutcome, useCommit } from "../../shared/commit";
import { chinaToday } from "../../shared/dates";
import { formatFen, parseYuan } from "../../shared/money";
import { TermText } from "../../shared/Term";
import { termOf } from "../../shared/terms";
import { Card, Field, Notice } from "../../shared/ui";
import { parsePercentToBp, type BpParse } from "./percent";

type Errors = Partial<Record<"advanceRate" | "annualRate" | "fee" | "validUntil" | "reviewer" | "reason", string>>;

/** ReasonablenessReview (POST /v1/financing-requests/{id}/quotes): a reviewer of 1–100, a reason of 10–1000 characters. */
const REVIEWER_MAX = 100;
const REASON_MIN = 10;
const REASON_MAX = 1000;

export function QuoteForm({
  requestId,
  receivable,
  onQuoted,
}: {
  requestId: string;
  receivable: Pick<Schemas["Receivable"], "amount" | "createdAt" | "maturity">;
  /** The quote is made (not drafted): its financing agreement can be signed now. */
  onQuoted?: (quoteId: string) => void;
}) {
  const face = receivable.amount;
  const term = termOf(receivable.createdAt, receivable.maturity);
  const reviewRequired = term?.beyondSixMonths ?? false;
  const { t } = useTranslation(["financing", "common"]);
  const quote = useCommit("/v1/financing-requests/{id}/quotes", {
    onDone: (o) => {
      void queryClient.invalidateQueries({ queryKey: ["quotes", requestId] });
      if (o.kind === "done") onQuoted?.(o.data.id);
    },
  });
  const [advanceRate, setAdvanceRate] = useState("90");
  const [annualRate, setAnnualRate] = useState("4.35");
  const [dayCount, setDayCount] = useState<360 | 365>(360);
  const [fee, setFee] = useState("0");
  const [recourse, setRecourse] = useState(false);
  const [validUntil, setValidUntil] = useState(chinaToday(7));
  const [reviewer, setReviewer] = useState("");
  const [reason, setReason] = useState("");
  const [errors, setErrors] = useState<Errors>({});
  const server = fieldProblems(quote.error);

  if (quote.mode === "hidden") return null;

  const bpError = (r: BpParse) => (r.ok ? undefined : t(`percent.${r.reason}`));
  const advance = parsePercentToBp(advanceRate, { min: 1, max: 10_000 });
  // the advance this rate gives, shown as the bank types (integer fen, rounded down as the API does)
  const preview = advance.ok && /^\d+$/.test(face) ? formatFen((BigInt(face) * BigInt(advance.bp)) / 10_000n) : null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const annual = parsePercentToBp(annualRate, { min: 0, max: 10_000 });
    const feeFen = parseYuan(fee, { allowZero: true });
    const who = reviewer.trim();
    const why = reason.trim();
    // required beyond six months; optional otherwise, but then whole (the API takes both or neither)
    const review = reviewRequired || who || why;
    const next: Errors = {
      advanceRate: bpError(advance),
      annualRate: bpError(annual),
      fee: feeFen.ok ? undefined : t(`common:money.${feeFen.reason}`),
      validUntil: validUntil >= chinaToday() ? undefined : t("quote.validUntilPast"),
      reviewer: review && !who ? t("review.reviewerRequired") : undefined,
      reason: review && why.length < REASON_MIN ? t("review.reasonTooShort", { min: REASON_MIN }) : undefined,
    };
    setErrors(next);
    if (!advance.ok || !annual.ok || !feeFen.ok || next.validUntil || next.reviewer || next.reason) return;
    quote.mutate({
      path: { id: requestId },
      body: {
        advanceRateBp: advance.bp,
        annualRateBp: annual.bp,
        dayCount,
        fee: feeFen.fen,
        recourse,
        // valid to the end of that day in China
        validUntil: `${validUntil}T23:59:59+08:00`,
        ...(review ? { reasonablenessReview: { reviewer: who, reason: why } } : {}),
      },
    });
  };

  return (
    <Card title={t("quote.formTitle")}>
      <form className="stack" onSubmit={submit} noValidate>
        <div className="form-row">
          <Field label={t("quote.advanceRate")} hint={preview ? t("quote.advancePreview", { amount: preview }) : t("quote.percentHint")} error={errors.advanceRate}>
            {(p) => <input {...p} inputMode="decimal" value={advanceRate} onChange={(e) => setAdvanceRate(e.target.value)} />}
          </Field>
          <Field label={t("quote.annualRatePercent")} hint={t("quote.percentHint")} error={errors.annualRate}>
            {(p) => <input {...p} inputMode="decimal" value={annualRate} onChange={(e) => setAnnualRate(e.target.value)} />}
          </Field>
          <Field label={t("quote.dayCount")}>
            {(p) => (
              <select {...p} value={dayCount} onChange={(e) => setDayCount(e.target.value === "365" ? 365 : 360)}>
                <option value="360">{t("quote.basis", { days: 360 })}</option>
                <option value="365">{t("quote.basis", { days: 365 })}</option>
              </select>
            )}
          </Field>
        </div>
        <div className="form-row">
          <Field label={t("quote.feeYuan")} hint={t("common:money.format")} error={errors.fee}>
            {(p) => <input {...p} inputMode="decimal" value={fee} onChange={(e) => setFee(e.target.value)} />}
          </Field>
          <Field label={t("quote.validUntilDate")} hint={t("quote.validUntilHint")} error={errors.validUntil}>
            {(p) => <input {...p} type="date" min={chinaToday()} value={validUntil} onChange={(e) => setValidUntil(e.target.value)} />}
          </Field>
        </div>
        <label className="checkbox">
          <input type="checkbox" checked={recourse} onChange={(e) => setRecourse(e.target.checked)} /> {t("quote.withRecourse")}
        </label>
        <fieldset className="review">
          <legend>{reviewRequired ? t("review.titleRequired") : t("review.titleOptional")}</legend>
          <p className="term-line">
            {t("review.term")} <TermText term={term} />
          </p>
          {reviewRequired ? (
            <Notice tone="warning" quiet>
              {t("review.required", { days: term?.days ?? "" })}
            </Notice>
          ) : (
            <p className="field-hint">{t("review.optional")}</p>
          )}
          <Field label={t("review.reviewer")} hint={t("review.reviewerHint")} error={errors.reviewer ?? server["body.reasonablenessReview.reviewer"]}>
            {(p) => <input {...p} required={reviewRequired} maxLength={REVIEWER_MAX} value={reviewer} onChange={(e) => setReviewer(e.target.value)} />}
          </Field>
          <Field label={t("review.reason")} hint={t("review.reasonHint", { min: REASON_MIN, max: REASON_MAX })} error={errors.reason ?? server["body.reasonablenessReview.reason"] ?? server["body.reasonablenessReview"]}>
            {(p) => <textarea {...p} required={reviewRequired} maxLength={REASON_MAX} rows={3} value={reason} onChange={(e) => setReason(e.target.value)} />}
          </Field>
        </fieldset>
        {quote.mode === "draft" ? <p className="muted">{t("agreement.approverSignsQuote")}</p> : null}
        <div className="actions">
          <CommitButton commit={quote} type="submit" label={t("quote.submit")} />
        </div>
        {quote.data?.kind === "done" ? <Notice tone="success">{t("quote.sent")}</Notice> : null}
        <CommitOutcome commit={quote} />
      </form>
    </Card>
  );
}
