import { useState, type ChangeEvent, type FormEvent } from "react";
import { useMutation } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { idempotencyKey, isProblem, post, queryClient } from "../../api/client";
import { useSession } from "../../shared/session";
import { useDuty } from "../../shared/commit";
import { fieldProblems } from "../../i18n/problem";
import { chinaToday, formatDate } from "../../shared/dates";
import { Money } from "../../shared/Money";
import { parseYuan } from "../../shared/money";
import { Button, Card, DataTable, Field, Notice, Page, ProblemMessage } from "../../shared/ui";
import { ACCEPT, MAX_FILE_BYTES, type FileResult, type Submission } from "./batch";
import { fileToBase64 } from "../../shared/files";

export function UploadPage() {
  const { t } = useTranslation("invoices");
  const { canPrepare } = useDuty();
  return (
    <Page title={t("upload.title")} actions={<Link to="/invoices">{t("upload.backToList")}</Link>}>
      {canPrepare ? (
        <div className="grid-2 upload-grid">
          <FileUpload />
          <SingleInvoice />
        </div>
      ) : (
        <Notice tone="neutral">{t("upload.readOnly")}</Notice>
      )}
    </Page>
  );
}

type Picked = { name: string; size: number; content?: string; preview?: FileResult; result?: FileResult; error?: unknown };

/**
 * Invoice files, read by the API: on choosing, each file is read without storing anything (a dry
 * run) and its result shown (what it is, the invoices read, rows skipped and why, or the problem
 * naming row and column); "Submit" then sends each file, and each shows what was stored and which
 * invoices were skipped as already submitted, with what they repeat.
 */
function FileUpload() {
  const { t } = useTranslation("invoices");
  const [picked, setPicked] = useState<Picked[]>([]);
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState(false);
  const update = (i: number, p: Partial<Picked>) => setPicked((all) => all.map((x, j) => (j === i ? { ...x, ...p } : x)));

  const choose = async (e: ChangeEvent<HTMLInputElement>) => {
    const files = [...(e.target.files ?? [])];
    setSent(false);
    setPicked(files.map((f) => ({ name: f.name, size: f.size })));
    setBusy(true);
    for (const [i, f] of files.entries()) {
      if (f.size > MAX_FILE_BYTES) {
        update(i, { error: new Error(t("upload.tooLarge", { kb: Math.ceil(f.size / 1024), max: MAX_FILE_BYTES / 1024 })) });
        continue;
      }
      try {
        const content = await fileToBase64(f);
        const preview = await post("/v1/invoices/files", { body: { name: f.name, content, dryRun: true, duplicates: "skip" } });
        update(i, { content, preview });
      } catch (err) {
        update(i, { error: err });
      }
    }
    setBusy(false);
  };

  const ready = picked.filter((p) => p.preview && !p.error && !p.result);
  const count = ready.reduce((n, p) => n + (p.preview?.read.length ?? 0), 0);
  const stored = picked.reduce((n, p) => n + (p.result?.items.length ?? 0), 0);
  const send = async () => {
    setBusy(true);
    for (const [i, p] of picked.entries()) {
      if (!p.preview || p.error || p.result || !p.content) continue;
      try {
        const result = await post("/v1/invoices/files", {
          params: { header: { "idempotency-key": idempotencyKey() } },
          body: { name: p.name, content: p.content, dryRun: false, duplicates: "skip" },
        });
        update(i, { result });
      } catch (err) {
        update(i, { error: err });
      }
    }
    setBusy(false);
    setSent(true);
    void queryClient.invalidateQueries({ queryKey: ["invoices"] });
  };

  return (
    <Card title={t("upload.fileTitle")}>
      <p className="muted">{t("upload.fileHint", { max: MAX_FILE_BYTES / 1024 })}</p>
      <p>
        {t("upload.template")} <a href="/v1/invoices/files/template?format=xlsx" download="invoice-template.xlsx">{t("upload.templateXlsx")}</a>
        {" · "}
        <a href="/v1/invoices/files/template?format=csv" download="invoice-template.csv">{t("upload.templateCsv")}</a>
      </p>
      <Field label={t("upload.file")}>{(p) => <input {...p} type="file" multiple accept={ACCEPT} onChange={(e) => void choose(e)} />}</Field>
      {picked.map((p, i) => (
        <FileOutcome key={`${i}-${p.name}`} file={p} />
      ))}
      {sent ? (
        <Notice tone="success">
          {t("upload.done", { count: stored })} <Link to="/invoices">{t("upload.seeResults")}</Link>
        </Notice>
      ) : null}
      {count > 0 ? (
        <div className="actions">
          <Button data-write="prepare" variant="primary" busy={busy} onClick={() => void send()}>
            {t("upload.send", { count })}
          </Button>
        </div>
      ) : null}
    </Card>
  );
}

/** "file.rows.5.金额" → row 5, column 金额. */
const rowField = (field: string) => /^file\.rows\.(\d+)\.(.+)$/.exec(field);

/** One file's outcome: being read, read (a preview), refused (why, row by row), or sent (stored, skipped, duplicates). */
function FileOutcome({ file }: { file: Picked }) {
  const { t } = useTranslation("invoices");
  const shown = file.result ?? file.preview;
  const fields = isProblem(file.error) ? file.error.fields : [];
  return (
    <section className="stack file-outcome" aria-label={file.name}>
      <h3>
        {file.name}
        {shown ? <span className="muted"> — {shown.file.kind}</span> : null}
      </h3>
      {!shown && !file.error ? <p className="muted">{t("upload.reading")}</p> : null}
      {file.error ? (
        <>
          <ProblemMessage error={file.error} title={t("upload.refused")} />
          {fields.length ? (
            <ul className="problem-list">
              {fields.slice(0, 20).map((f, i) => {
                const m = rowField(f.field);
                return <li key={i}>{m ? t("upload.rowProblem", { row: m[1], column: m[2], message: f.message }) : `${f.field}: ${f.message}`}</li>;
              })}
              {fields.length > 20 ? <li>{t("upload.more", { count: fields.length - 20 })}</li> : null}
            </ul>
          ) : null}
        </>
      ) : null}
      {shown && !file.result ? (
        <DataTable<FileResult["read"][number]>
          caption={t("upload.preview", { count: shown.read.length, name: file.name })}
          rows={shown.read.slice(0, 10)}
          rowKey={(r) => String(r.row)}
          columns={[
            { key: "row", header: t("upload.row"), cell: (r) => r.row },
            { key: "number", header: t("field.invoiceNumber"), cell: (r) => <span className="mono">{r.invoiceCode ? `${r.invoiceCode}-` : ""}{r.invoiceNumber}</span>, rowHeader: true },
            { key: "buyer", header: t("field.buyerTaxId"), cell: (r) => <span className="mono">{r.buyerTaxId}</span> },
            { key: "date", header: t("field.issueDate"), cell: (r) => r.issueDate },
            { key: "total", header: t("field.total"), cell: (r) => <Money fen={r.total} />, numeric: true },
          ]}
        />
      ) : null}
      {shown && !file.result && shown.read.length > 10 ? <p className="muted">{t("upload.more", { count: shown.read.length - 10 })}</p> : null}
      {file.result ? <Notice tone="success">{t("upload.stored", { count: file.result.items.length })}</Notice> : null}
      {file.result?.duplicates.length ? (
        <div>
          <p>{t("upload.duplicates", { count: file.result.duplicates.length })}</p>
          <ul>
            {file.result.duplicates.map((d) => (
              <li key={d.index}>
                {t("upload.duplicate", {
                  row: d.row ?? d.index + 1,
                  number: d.invoiceCode ? `${d.invoiceCode}-${d.invoiceNumber}` : d.invoiceNumber,
                  date: formatDate(d.submittedAt),
                  status: t(`status.${d.status}`),
                })}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {shown?.skipped.length ? (
        <div>
          <p>{t("upload.skipped", { count: shown.skipped.length })}</p>
          <ul>
            {shown.skipped.map((s) => (
              <li key={s.row}>{t(`upload.skip.${s.code}`, { row: s.row, number: s.invoiceNumber ?? "—" })}</li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
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
