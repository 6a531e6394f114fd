/**
 * A bank's quote on a request (a commit action: approvers send it, clerks submit it for approval).
 * Percentages become basis points from the typed digits, the fee becomes fen through BigInt: no
 * floating point touches a rate or an amount.
 */
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { queryClient } from "../../api/client";
import { CommitButton, CommitOutcome, useCommit } from "../../shared/commit";
import { chinaToday } from "../../shared/dates";
import { formatFen, parseYuan } from "../../shared/money";
import { Card, Field, Notice } from "../../shared/ui";
import { parsePercentToBp, type BpParse } from "./percent";

type Errors = Partial<Record<"advanceRate" | "annualRate" | "fee" | "validUntil", string>>;

export function QuoteForm({ requestId, face }: { requestId: string; face: string }) {
  const { t } = useTranslation(["financing", "common"]);
  const quote = useCommit("/v1/financing-requests/{id}/quotes", {
    onDone: () => void queryClient.invalidateQueries({ queryKey: ["quotes", requestId] }),
  });
  const [advanceRate, setAdvanceRate] = useState("90");
  const [annualRate, setAnnualRate] = useState("4.35");
  const [dayCount, setDayCount] = useState<360 | 365>(360);
  const [fee, setFee] = useState("0");
  const [recourse, setRecourse] = useState(false);
  const [validUntil, setValidUntil] = useState(chinaToday(7));
  const [errors, setErrors] = useState<Errors>({});

  if (quote.mode === "hidden") return null;

  const bpError = (r: BpParse) => (r.ok ? undefined : t(`percent.${r.reason}`));
  const advance = parsePercentToBp(advanceRate, { min: 1, max: 10_000 });
  // the advance this rate gives, shown as the bank types (integer fen, rounded down as the API does)
  const preview = advance.ok && /^\d+$/.test(face) ? formatFen((BigInt(face) * BigInt(advance.bp)) / 10_000n) : null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const annual = parsePercentToBp(annualRate, { min: 0, max: 10_000 });
    const feeFen = parseYuan(fee, { allowZero: true });
    const next: Errors = {
      advanceRate: bpError(advance),
      annualRate: bpError(annual),
      fee: feeFen.ok ? undefined : t(`common:money.${feeFen.reason}`),
      validUntil: validUntil >= chinaToday() ? undefined : t("quote.validUntilPast"),
    };
    setErrors(next);
    if (!advance.ok || !annual.ok || !feeFen.ok || next.validUntil) return;
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
        <div className="actions">
          <CommitButton commit={quote} type="submit" label={t("quote.submit")} />
        </div>
        {quote.data?.kind === "done" ? <Notice tone="success">{t("quote.sent")}</Notice> : null}
        <CommitOutcome commit={quote} />
      </form>
    </Card>
  );
}
