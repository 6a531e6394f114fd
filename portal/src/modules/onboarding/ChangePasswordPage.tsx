import { useState, type FormEvent } from "react";
import { useMutation } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { isProblem, post, queryClient } from "../../api/client";
import { ME_KEY } from "../../shared/session";
import { Button, Card, Field, Notice, Page, ProblemMessage } from "../../shared/ui";
import { PASSWORD_MIN, passwordProblem } from "./passwords";

export function ChangePasswordPage() {
  const { t } = useTranslation("onboarding");
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [repeat, setRepeat] = useState("");
  const [tried, setTried] = useState(false);
  const problem = passwordProblem(next, repeat);
  const change = useMutation({
    mutationFn: () => post("/v1/me/password", { body: { currentPassword: current, newPassword: next } }),
    onSuccess: ({ user, organization }) => {
      // every other session ended; this browser holds the new one
      queryClient.setQueryData(ME_KEY, { user, organization });
      setCurrent("");
      setNext("");
      setRepeat("");
      setTried(false);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (!problem && current) change.mutate();
  };
  return (
    <Page title={t("password.title")}>
      <Card>
        <form className="stack narrow" onSubmit={submit} noValidate>
          <Field label={t("password.current")} error={tried && !current ? t("password.currentRequired") : undefined}>
            {(p) => <input {...p} type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} />}
          </Field>
          <Field label={t("password.new")} hint={t("password.rule", { min: PASSWORD_MIN })} error={tried && (problem === "short" || problem === "long") ? t(`password.${problem}`, { min: PASSWORD_MIN }) : undefined}>
            {(p) => <input {...p} type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} />}
          </Field>
          <Field label={t("password.repeat")} error={tried && problem === "mismatch" ? t("password.mismatch") : undefined}>
            {(p) => <input {...p} type="password" autoComplete="new-password" value={repeat} onChange={(e) => setRepeat(e.target.value)} />}
          </Field>
          {isProblem(change.error) && change.error.code === "SESSION.PASSWORD_WRONG" ? (
            <div role="alert" className="problem">
              {t("password.wrongCurrent")}
            </div>
          ) : (
            <ProblemMessage error={change.error} />
          )}
          {change.isSuccess ? <Notice tone="success">{t("password.changed")}</Notice> : null}
          <div className="actions">
            <Button type="submit" variant="primary" busy={change.isPending}>
              {t("password.submit")}
            </Button>
          </div>
        </form>
      </Card>
    </Page>
  );
}
