import { useState, type ChangeEvent, type FormEvent } from "react";
import { useMutation } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { idempotencyKey, post, queryClient } from "../../api/client";
import { useSession } from "../../shared/session";
import { useDuty } from "../../shared/commit";
import { fieldProblems } from "../../i18n/problem";
import { chinaToday } from "../../shared/dates";
import { Money } from "../../shared/Money";
import { parseYuan } from "../../shared/money";
import { Button, Card, DataTable, Field, Notice, Page, ProblemMessage, ProgressBar } from "../../shared/ui";
import { CSV_COLUMNS, MAX_BATCH, fromCsv, fromJson, type ParsedFile, type Submission } from "./batch";
import { chunks } from "../../shared/chunks";

export function UploadPage() {
  const { t } = useTranslation("invoices");
  const { canPrepare } = useDuty();
  return (
    <Page title={t("upload.title")} actions={<Link to="/invoices">{t("upload.backToList")}</Link>}>
      {canPrepare ? (
        <div className="grid-2">
          <FileUpload />
          <SingleInvoice />
        </div>
      ) : (
        <Notice tone="neutral">{t("upload.readOnly")}</Notice>
      )}
    </Page>
  );
}

function FileUpload() {
  const { t } = useTranslation("invoices");
  const [file, setFile] = useState<{ name: string; parsed: ParsedFile } | null>(null);
  const [readError, setReadError] = useState(false);
  const [sent, setSent] = useState(0);
  const upload = useMutation({
    mutationFn: async (invoices: Submission[]) => {
      setSent(0);
      for (const batch of chunks(invoices, MAX_BATCH)) {
        await post("/v1/invoices/batch", { params: { header: { "idempotency-key": idempotencyKey() } }, body: { invoices: batch } });
        setSent((n) => n + batch.length);
      }
    },
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ["invoices"] }),
  });
  const choose = async (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.target.files?.[0];
    setFile(null);
    setReadError(false);
    upload.reset();
    if (!f) return;
    try {
      const text = await f.text();
      const parsed = /\.json$/i.test(f.name) ? fromJson(text) : fromCsv(text);
      setFile({ name: f.name, parsed });
    } catch {
      setReadError(true);
    }
  };
  const invoices = file?.parsed.invoices ?? [];
  const problems = file?.parsed.problems ?? [];
  return (
    <Card title={t("upload.fileTitle")}>
      <p className="muted">{t("upload.fileHint", { max: MAX_BATCH })}</p>
      <p className="mono">{CSV_COLUMNS.join(",")}</p>
      <Field label={t("upload.file")}>
        {(p) => <input {...p} type="file" accept=".csv,.json,text/csv,application/json" onChange={(e) => void choose(e)} />}
      </Field>
      {readError ? <div role="alert" className="problem">{t("upload.unreadable")}</div> : null}
      {problems.length ? (
        <div role="alert" className="problem">
          <p>{t("upload.problems", { count: problems.length })}</p>
          <ul>
            {problems.slice(0, 20).map((p, i) => (
              <li key={i}>{t(`upload.problem.${p.key}`, { row: p.row, field: p.field })}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {invoices.length && !problems.length ? (
        <div className="stack">
          <DataTable<Submission & { row: number }>
            caption={t("upload.preview", { count: invoices.length, name: file?.name ?? "" })}
            rows={invoices.slice(0, 10).map((inv, i) => ({ ...inv, row: i + 1 }))}
            rowKey={(r) => String(r.row)}
            columns={[
              { key: "number", header: t("field.invoiceNumber"), cell: (r) => <span className="mono">{r.invoiceNumber}</span>, rowHeader: true },
              { key: "buyer", header: t("field.buyerTaxId"), cell: (r) => <span className="mono">{r.buyerTaxId}</span> },
              { key: "date", header: t("field.issueDate"), cell: (r) => r.issueDate },
              { key: "total", header: t("field.total"), cell: (r) => <Money fen={r.total} />, numeric: true },
            ]}
          />
          {invoices.length > 10 ? <p className="muted">{t("upload.more", { count: invoices.length - 10 })}</p> : null}
          {upload.isPending || upload.isSuccess || sent > 0 ? <ProgressBar value={sent} max={invoices.length} label={t("upload.progress")} /> : null}
          {upload.isSuccess ? (
            <Notice tone="success">
              {t("upload.done", { count: invoices.length })} <Link to="/invoices">{t("upload.seeResults")}</Link>
            </Notice>
          ) : null}
          <ProblemMessage error={upload.error} title={upload.error ? t("upload.stoppedAt", { sent }) : undefined} />
          <div className="actions">
            <Button data-write="prepare" variant="primary" busy={upload.isPending} disabled={upload.isSuccess} onClick={() => upload.mutate(invoices)}>
              {t("upload.send", { count: invoices.length })}
            </Button>
          </div>
        </div>
      ) : null}
    </Card>
  );
}

const empty = { invoiceNumber: "", invoiceCode: "", buyerTaxId: "", issueDate: "", amount: "", tax: "", waybills: "" };

function SingleInvoice() {
  const { t } = useTranslation("invoices");
  const session = useSession();
  const [form, setForm] = useState(empty);
  const [tried, setTried] = useState(false);
  const set = (k: keyof typeof empty) => (e: ChangeEvent<HTMLInputElement>) => setForm((f) => ({ ...f, [k]: e.target.value }));
  const amount = parseYuan(form.amount);
  const tax = parseYuan(form.tax, { allowZero: true });
  const submit = useMutation({
    mutationFn: () => {
      if (!amount.ok || !tax.ok) throw new Error("invalid amounts");
      const body: Submission = {
        invoiceNumber: form.invoiceNumber.trim(),
        sellerTaxId: session.organization.unifiedSocialCreditCode,
        buyerTaxId: form.buyerTaxId.trim(),
        issueDate: form.issueDate,
        amount: amount.fen,
        tax: tax.fen,
        total: (BigInt(amount.fen) + BigInt(tax.fen)).toString(),
        currency: "CNY",
        waybillNumbers: form.waybills.split(/[,，\s]+/).filter(Boolean),
        attachments: [],
      };
      if (form.invoiceCode.trim()) body.invoiceCode = form.invoiceCode.trim();
      return post("/v1/invoices", { params: { header: { "idempotency-key": idempotencyKey() } }, body });
    },
    onSuccess: () => {
      setForm(empty);
      setTried(false);
      void queryClient.invalidateQueries({ queryKey: ["invoices"] });
    },
  });
  const fields = fieldProblems(submit.error);
  const moneyError = (p: ReturnType<typeof parseYuan>, server?: string) => (tried && !p.ok ? t(`common:money.${p.reason}`) : server);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (amount.ok && tax.ok) submit.mutate();
  };
  return (
    <Card title={t("upload.singleTitle")}>
      <form className="stack" onSubmit={onSubmit} noValidate>
        <Field label={t("field.invoiceNumber")} hint={t("upload.numberHint")} error={fields.invoiceNumber}>
          {(p) => <input {...p} inputMode="numeric" required value={form.invoiceNumber} onChange={set("invoiceNumber")} />}
        </Field>
        <Field label={t("field.invoiceCode")} hint={t("upload.codeHint")} error={fields.invoiceCode}>
          {(p) => <input {...p} inputMode="numeric" value={form.invoiceCode} onChange={set("invoiceCode")} />}
        </Field>
        <Field label={t("field.buyerTaxId")} error={fields.buyerTaxId}>
          {(p) => <input {...p} required maxLength={18} value={form.buyerTaxId} onChange={set("buyerTaxId")} />}
        </Field>
        <Field label={t("field.issueDate")} error={fields.issueDate}>
          {(p) => <input {...p} type="date" required max={chinaToday()} value={form.issueDate} onChange={set("issueDate")} />}
        </Field>
        <div className="form-row">
          <Field label={t("field.amountYuan")} hint={t("common:money.format")} error={moneyError(amount, fields.amount)}>
            {(p) => <input {...p} inputMode="decimal" required value={form.amount} onChange={set("amount")} />}
          </Field>
          <Field label={t("field.taxYuan")} error={moneyError(tax, fields.tax)}>
            {(p) => <input {...p} inputMode="decimal" required value={form.tax} onChange={set("tax")} />}
          </Field>
        </div>
        {amount.ok && tax.ok ? (
          <p>
            {t("field.total")}: <Money fen={(BigInt(amount.fen) + BigInt(tax.fen)).toString()} />
          </p>
        ) : null}
        <Field label={t("field.waybillNumbers")} hint={t("upload.waybillHint")} error={fields.waybillNumbers}>
          {(p) => <input {...p} value={form.waybills} onChange={set("waybills")} />}
        </Field>
        <ProblemMessage error={submit.error} />
        {submit.isSuccess ? <Notice tone="success">{t("upload.singleDone", { number: submit.data.invoiceNumber })}</Notice> : null}
        <div className="actions">
          <Button data-write="prepare" type="submit" variant="primary" busy={submit.isPending}>
            {t("upload.submitOne")}
          </Button>
        </div>
      </form>
    </Card>
  );
}
