import { useState, type ChangeEvent, type FormEvent } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router-dom";
import { del, get, idempotencyKey, post, queryClient, type Schemas } from "../../api/client";
import { useDuty } from "../../shared/commit";
import { fieldProblems } from "../../i18n/problem";
import { chinaToday } from "../../shared/dates";
import { Money } from "../../shared/Money";
import { fenToYuanInput, parseYuan } from "../../shared/money";
import { Button, Card, Field, Notice, Page, ProblemMessage, QueryState } from "../../shared/ui";
import { MismatchList } from "./Mismatch";
import { rejectionText } from "./labels";
import type { Submission } from "./batch";

type Invoice = Schemas["Invoice"];
type Form = { invoiceNumber: string; invoiceCode: string; buyerTaxId: string; issueDate: string; amount: string; tax: string; waybills: string };

const formOf = (i: Invoice): Form => ({
  invoiceNumber: i.invoiceNumber,
  invoiceCode: i.invoiceCode ?? "",
  buyerTaxId: i.buyerTaxId,
  issueDate: i.issueDate,
  amount: fenToYuanInput(i.amount),
  tax: fenToYuanInput(i.tax),
  waybills: i.waybillNumbers.join(", "),
});

/**
 * A refused invoice, corrected or deleted by its supplier: the refusal with what the tax bureau
 * records (the figures that disagreed), a form holding the invoice as submitted, a button that
 * takes the tax bureau's figures, and "delete" for an invoice that should not have been sent.
 */
export function CorrectPage() {
  const { t } = useTranslation("invoices");
  const { id = "" } = useParams();
  const invoice = useQuery({ queryKey: ["invoices", "one", id], queryFn: () => get("/v1/invoices/{id}", { params: { path: { id } } }) });
  return (
    <Page title={t("correct.title")} actions={<Link to="/invoices">{t("upload.backToList")}</Link>}>
      <QueryState query={invoice}>{() => <Correction invoice={invoice.data!} />}</QueryState>
    </Page>
  );
}

function Correction({ invoice }: { invoice: Invoice }) {
  const { t } = useTranslation("invoices");
  const { canPrepare } = useDuty();
  const navigate = useNavigate();
  const [form, setForm] = useState<Form>(() => formOf(invoice));
  const [tried, setTried] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const set = (k: keyof Form) => (e: ChangeEvent<HTMLInputElement>) => setForm((f) => ({ ...f, [k]: e.target.value }));
  const amount = parseYuan(form.amount);
  const tax = parseYuan(form.tax, { allowZero: true });
  const done = () => {
    void queryClient.invalidateQueries({ queryKey: ["invoices"] });
    navigate("/invoices");
  };
  const correct = useMutation({
    mutationFn: () => {
      if (!amount.ok || !tax.ok) throw new Error("invalid amounts");
      const body: Submission = {
        invoiceNumber: form.invoiceNumber.trim(),
        sellerTaxId: invoice.sellerTaxId,
        buyerTaxId: form.buyerTaxId.trim(),
        issueDate: form.issueDate,
        amount: amount.fen,
        tax: tax.fen,
        total: (BigInt(amount.fen) + BigInt(tax.fen)).toString(),
        currency: invoice.currency,
        waybillNumbers: form.waybills.split(/[,，\s]+/).filter(Boolean),
        attachments: invoice.attachments,
      };
      if (form.invoiceCode.trim()) body.invoiceCode = form.invoiceCode.trim();
      return post("/v1/invoices/{id}/correction", { params: { path: { id: invoice.id }, header: { "idempotency-key": idempotencyKey() } }, body });
    },
    onSuccess: done,
  });
  const remove = useMutation({ mutationFn: () => del("/v1/invoices/{id}", { params: { path: { id: invoice.id } } }), onSuccess: done });

  if (invoice.status !== "rejected") return <Notice tone="neutral">{t("correct.notRefused", { status: t(`status.${invoice.status}`) })}</Notice>;
  const mismatch = invoice.rejection?.mismatch ?? [];
  const takeTaxBureauFigures = () =>
    setForm((f) => {
      const next = { ...f };
      for (const m of mismatch) {
        if (m.field === "amount" || m.field === "tax") next[m.field] = fenToYuanInput(m.taxBureau);
        if (m.field === "issueDate" || m.field === "buyerTaxId") next[m.field] = m.taxBureau;
      }
      return next;
    });
  const fields = fieldProblems(correct.error);
  const moneyError = (p: ReturnType<typeof parseYuan>, server?: string) => (tried && !p.ok ? t(`common:money.${p.reason}`) : server);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (amount.ok && tax.ok) correct.mutate();
  };
  return (
    <div className="grid-2 upload-grid">
      <Card title={t("correct.refusal")}>
        <p className="reason">{invoice.rejection ? rejectionText(invoice.rejection) : null}</p>
        <MismatchList mismatch={mismatch} />
        {invoice.corrections.length ? <p className="muted">{t("correct.corrected", { count: invoice.corrections.length })}</p> : null}
      </Card>
      {canPrepare ? (
        <Card title={t("correct.formTitle")}>
          <form className="stack" onSubmit={onSubmit} noValidate>
            {mismatch.some((m) => ["amount", "tax", "issueDate", "buyerTaxId"].includes(m.field)) ? (
              <div className="actions">
                <Button onClick={takeTaxBureauFigures}>{t("correct.useTaxBureau")}</Button>
              </div>
            ) : null}
            <Field label={t("field.invoiceNumber")} hint={t("upload.numberHint")} error={fields["body.invoiceNumber"]}>
              {(p) => <input {...p} inputMode="numeric" required value={form.invoiceNumber} onChange={set("invoiceNumber")} />}
            </Field>
            <Field label={t("field.invoiceCode")} hint={t("upload.codeHint")} error={fields["body.invoiceCode"]}>
              {(p) => <input {...p} inputMode="numeric" value={form.invoiceCode} onChange={set("invoiceCode")} />}
            </Field>
            <Field label={t("field.buyerTaxId")} error={fields["body.buyerTaxId"]}>
              {(p) => <input {...p} required maxLength={18} value={form.buyerTaxId} onChange={set("buyerTaxId")} />}
            </Field>
            <Field label={t("field.issueDate")} error={fields["body.issueDate"]}>
              {(p) => <input {...p} type="date" required max={chinaToday()} value={form.issueDate} onChange={set("issueDate")} />}
            </Field>
            <div className="form-row">
              <Field label={t("field.amountYuan")} hint={t("common:money.format")} error={moneyError(amount, fields["body.amount"])}>
                {(p) => <input {...p} inputMode="decimal" required value={form.amount} onChange={set("amount")} />}
              </Field>
              <Field label={t("field.taxYuan")} error={moneyError(tax, fields["body.tax"])}>
                {(p) => <input {...p} inputMode="decimal" required value={form.tax} onChange={set("tax")} />}
              </Field>
            </div>
            {amount.ok && tax.ok ? (
              <p>
                {t("field.total")}: <Money fen={(BigInt(amount.fen) + BigInt(tax.fen)).toString()} />
              </p>
            ) : null}
            <Field label={t("field.waybillNumbers")} hint={t("upload.waybillHint")} error={fields["body.waybillNumbers"]}>
              {(p) => <input {...p} value={form.waybills} onChange={set("waybills")} />}
            </Field>
            <ProblemMessage error={correct.error ?? remove.error} />
            <div className="actions">
              <Button data-write="prepare" type="submit" variant="primary" busy={correct.isPending}>
                {t("correct.submit")}
              </Button>
              {confirmDelete ? (
                <Button data-write="prepare" variant="danger" busy={remove.isPending} onClick={() => remove.mutate()}>
                  {t("correct.deleteConfirm")}
                </Button>
              ) : (
                <Button data-write="prepare" onClick={() => setConfirmDelete(true)}>
                  {t("correct.delete")}
                </Button>
              )}
            </div>
          </form>
        </Card>
      ) : null}
    </div>
  );
}
