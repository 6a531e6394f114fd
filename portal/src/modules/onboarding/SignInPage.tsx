import { useState, type FormEvent } from "react";
import { useMutation } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useLocation, useNavigate } from "react-router-dom";
import { isProblem, post, queryClient } from "../../api/client";
import { ME_KEY } from "../../app/session";
import { Button, Field, ProblemMessage } from "../../shared/ui";
import { AuthLayout } from "./AuthLayout";

/** Where to go after signing in: back where the session was lost, never off the portal. */
export function returnPath(state: unknown): string {
  const from = (state as { from?: unknown } | null)?.from;
  return typeof from === "string" && from.startsWith("/") && !from.startsWith("//") && !from.startsWith("/signin") ? from : "/";
}

export function SignInPage() {
  const { t } = useTranslation("onboarding");
  const navigate = useNavigate();
  const location = useLocation();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const signIn = useMutation({
    mutationFn: () => post("/v1/sessions", { body: { email: email.trim(), password } }),
    onSuccess: ({ user, organization }) => {
      queryClient.clear();
      queryClient.setQueryData(ME_KEY, { user, organization });
      navigate(returnPath(location.state), { replace: true });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    signIn.mutate();
  };
  const error = signIn.error;
  return (
    <AuthLayout title={t("signIn.title")}>
      <form onSubmit={submit}>
        <Field label={t("signIn.email")}>
          {(p) => <input {...p} type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />}
        </Field>
        <Field label={t("signIn.password")}>
          {(p) => (
            <input {...p} type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
          )}
        </Field>
        {isProblem(error, 429) ? (
          <div role="alert" className="problem">
            {error.retryAfter !== null ? t("signIn.throttled", { seconds: error.retryAfter }) : t("signIn.throttledLater")}
          </div>
        ) : isProblem(error, 401) ? (
          <div role="alert" className="problem">
            {t("signIn.wrong")}
          </div>
        ) : (
          <ProblemMessage error={error} />
        )}
        <Button type="submit" variant="primary" busy={signIn.isPending}>
          {t("signIn.submit")}
        </Button>
        <p className="muted">{t("signIn.help")}</p>
      </form>
    </AuthLayout>
  );
}
