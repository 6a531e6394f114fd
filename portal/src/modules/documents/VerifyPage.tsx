/**
 * The public verification page (/verify, /verify/:id: every PDF's QR code opens the second): anyone,
 * signed in or not, checks a file they hold against the platform's record, the ledger and the CA
 * (POST /v1/verify), or reads the report of the platform's own signed copy of a document.
 */
import { useEffect, useState, type FormEvent } from "react";
import { fileToBase64 } from "../../shared/files";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router-dom";
import { get, post } from "../../api/client";
import { LanguageSwitch } from "../../shared/LanguageSwitch";
import { Button, Field, Loading, ProblemMessage } from "../../shared/ui";
import { Report } from "./VerifyReport";
import "./documents.css";

/** The API takes a file of at most 700 KiB (DOCUMENT.TOO_LARGE beyond; a document is tens of KiB). */
const MAX_BYTES = 700 * 1024;

export function VerifyPage() {
  const { t } = useTranslation("documents");
  const { id } = useParams();
  const title = id ? t("verify.titleOne") : t("verify.title");
  useEffect(() => {
    document.title = `${title} · ChainFactor`;
  }, [title]);
  return (
    <div className="verify-page">
      <header className="verify-top">
        <Link to="/verify" className="brand">
          <span className="brand-mark" aria-hidden="true">
            CF
          </span>
          <span className="brand-name">{t("common:app.name")}</span>
        </Link>
        <LanguageSwitch />
      </header>
      <main id="main" className="verify-main">
        <h1>{title}</h1>
        <p className="muted">{t("verify.intro")}</p>
        {id ? <IssuedReport id={id} /> : null}
        <Upload withId={Boolean(id)} />
        <p className="verify-foot">
          <Link to="/signin">{t("verify.signIn")}</Link>
        </p>
      </main>
    </div>
  );
}

/** The report of the platform's signed copy of a document (what a scanned QR code shows). */
function IssuedReport({ id }: { id: string }) {
  const report = useQuery({ queryKey: ["verify", "issued", id], queryFn: () => get("/v1/verify/documents/{id}", { params: { path: { id } } }), retry: false });
  if (report.error) return <ProblemMessage error={report.error} />;
  if (!report.data) return <Loading />;
  return <Report report={report.data} source="issued" />;
}

function Upload({ withId }: { withId: boolean }) {
  const { t } = useTranslation("documents");
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<string | undefined>();
  const verify = useMutation({
    mutationFn: async (f: File) => post("/v1/verify", { body: { content: await fileToBase64(f) } }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!file) return setError(t("verify.chooseFirst"));
    if (file.size > MAX_BYTES) return setError(t("verify.tooLarge"));
    setError(undefined);
    verify.mutate(file);
  };
  return (
    <section className="card verify-upload" aria-labelledby="verify-upload-title">
      <h2 id="verify-upload-title" className="card-title">
        {withId ? t("verify.uploadYours") : t("verify.upload")}
      </h2>
      <form className="stack" onSubmit={submit} noValidate data-read-only-ok>
        <Field label={t("verify.file")} hint={t("verify.fileHint")} error={error}>
          {(p) => (
            <input
              {...p}
              type="file"
              accept="application/pdf,.pdf"
              onChange={(e) => {
                setFile(e.target.files?.[0] ?? null);
                setError(undefined);
                verify.reset();
              }}
            />
          )}
        </Field>
        <div className="actions">
          <Button type="submit" variant="primary" busy={verify.isPending}>
            {t("verify.submit")}
          </Button>
        </div>
      </form>
      <ProblemMessage error={verify.error} />
      {verify.data ? <Report report={verify.data} source="file" fileName={file?.name} /> : null}
    </section>
  );
}
