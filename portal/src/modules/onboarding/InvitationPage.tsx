import { useState, type FormEvent } from "react";
import { useMutation } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams } from "react-router-dom";
import { isProblem, post, queryClient } from "../../api/client";
import { ME_KEY } from "../../shared/session";
import { Button, Field, ProblemMessage } from "../../shared/ui";
import { AuthLayout } from "./AuthLayout";
import { PASSWORD_MIN, passwordProblem } from "./passwords";

export function InvitationPage() {
  const { t } = useTranslation("onboarding");
  const { token = "" } = useParams();
  const navigate = useNavigate();
  const [password, setPassword] = useState("");
  const [repeat, setRepeat] = useState("");
  const [tried, setTried] = useState(false);
  const problem = passwordProblem(password, repeat);
  const accept = useMutation({
    mutationFn: () => post("/v1/invitations/acceptance", { body: { token, password } }),
    onSuccess: ({ user, organization }) => {
      queryClient.clear();
      queryClient.setQueryData(ME_KEY, { user, organization });
      navigate("/", { replace: true });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (!problem) accept.mutate();
  };
  return (
    <AuthLayout title={t("invitation.title")}>
      <form onSubmit={submit} noValidate>
        <p>{t("invitation.intro", { min: PASSWORD_MIN })}</p>
        <Field label={t("invitation.password")} hint={t("password.rule", { min: PASSWORD_MIN })} error={tried && (problem === "short" || problem === "long") ? t(`password.${problem}`, { min: PASSWORD_MIN }) : undefined}>
          {(p) => <input {...p} type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />}
        </Field>
        <Field label={t("invitation.repeat")} error={tried && problem === "mismatch" ? t("password.mismatch") : undefined}>
          {(p) => <input {...p} type="password" autoComplete="new-password" value={repeat} onChange={(e) => setRepeat(e.target.value)} />}
        </Field>
        {isProblem(accept.error) && accept.error.code === "INVITATION.INVALID" ? (
          <div role="alert" className="problem">
            {t("invitation.invalid")}
          </div>
        ) : (
          <ProblemMessage error={accept.error} />
        )}
        <Button type="submit" variant="primary" busy={accept.isPending}>
          {t("invitation.submit")}
        </Button>
      </form>
    </AuthLayout>
  );
}
