import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { useMutation } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link, useLocation, useNavigate } from "react-router-dom";
import { isProblem, post, queryClient } from "../../api/client";
import { ME_KEY } from "../../shared/session";
import { Button, Field, ProblemMessage } from "../../shared/ui";
import { AuthLayout } from "./AuthLayout";

/** Where to go after signing in: back where the session was lost, never off the portal. */
export function returnPath(state: unknown): string {
  const from = (state as { from?: unknown } | null)?.from;
  return typeof from === "string" && from.startsWith("/") && !from.startsWith("//") && !from.startsWith("/signin") ? from : "/";
}

export interface OrganizationChoice {
  id: string;
  legalName: string;
}

/**
 * The organizations to choose from when the email and password open accounts in several: the
 * `organizations` of a 409 SESSION.ORGANIZATION_REQUIRED; null for any other answer.
 */
export function organizationChoices(error: unknown): OrganizationChoice[] | null {
  if (!isProblem(error, 409) || error.code !== "SESSION.ORGANIZATION_REQUIRED") return null;
  const listed = error.extensions.organizations;
  if (!Array.isArray(listed)) return null;
  const choices = listed.filter((o): o is OrganizationChoice => typeof o?.id === "string" && typeof o?.legalName === "string");
  return choices.length > 0 ? choices : null;
}

export function SignInPage() {
  const { t } = useTranslation("onboarding");
  const navigate = useNavigate();
  const location = useLocation();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  // after a 409: the organizations this email and password open, and the one the person picks
  const [choices, setChoices] = useState<OrganizationChoice[] | null>(null);
  const [organizationId, setOrganizationId] = useState("");
  const signIn = useMutation({
    mutationFn: (chosen?: string) => post("/v1/sessions", { body: { email: email.trim(), password, ...(chosen ? { organizationId: chosen } : {}) } }),
    onSuccess: ({ user, organization }) => {
      queryClient.clear();
      queryClient.setQueryData(ME_KEY, { user, organization });
      navigate(returnPath(location.state), { replace: true });
    },
    onError: (e) => {
      const offered = organizationChoices(e);
      if (offered) {
        setChoices(offered);
        setOrganizationId("");
      }
    },
  });
  /** Another email or password may open other organizations: the choice offered goes, and is asked again. */
  const credentialsChanged = () => {
    if (!choices) return;
    setChoices(null);
    setOrganizationId("");
    signIn.reset();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    signIn.mutate(choices ? organizationId : undefined);
  };
  const error = signIn.error;
  return (
    <AuthLayout title={t("signIn.title")}>
      <form onSubmit={submit}>
        <Field label={t("signIn.email")}>
          {(p) => (
            <input
              {...p}
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(e) => {
                setEmail(e.target.value);
                credentialsChanged();
              }}
            />
          )}
        </Field>
        <Field label={t("signIn.password")}>
          {(p) => (
            <input
              {...p}
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => {
                setPassword(e.target.value);
                credentialsChanged();
              }}
            />
          )}
        </Field>
        {choices ? <OrganizationChoices choices={choices} value={organizationId} onChange={setOrganizationId} /> : null}
        {isProblem(error, 429) ? (
          <div role="alert" className="problem">
            {error.retryAfter !== null ? t("signIn.throttled", { seconds: error.retryAfter }) : t("signIn.throttledLater")}
          </div>
        ) : isProblem(error, 401) ? (
          <div role="alert" className="problem">
            {t("signIn.wrong")}
          </div>
        ) : organizationChoices(error) ? null : (
          <ProblemMessage error={error} />
        )}
        <Button type="submit" variant="primary" busy={signIn.isPending}>
          {t("signIn.submit")}
        </Button>
        <p className="muted">{t("signIn.help")}</p>
        <p>
          <Link to="/verify">{t("signIn.verify")}</Link>
        </p>
      </form>
    </AuthLayout>
  );
}

/**
 * One radio per organization, by legal name; the first takes the focus when the list appears, so
 * the person (and a screen reader) lands on the question, with the reason read out with it.
 */
function OrganizationChoices({ choices, value, onChange }: { choices: OrganizationChoice[]; value: string; onChange: (id: string) => void }) {
  const { t } = useTranslation("onboarding");
  const hintId = useId();
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), [choices]);
  return (
    <fieldset className="choices" aria-describedby={hintId}>
      <legend>{t("signIn.organization")}</legend>
      <p className="field-hint" id={hintId}>
        {t("signIn.organizationHint")}
      </p>
      {choices.map((o, i) => (
        <label key={o.id} className="choice">
          <input ref={i === 0 ? first : undefined} type="radio" name="organizationId" value={o.id} required checked={value === o.id} onChange={() => onChange(o.id)} />
          <span>{o.legalName}</span>
        </label>
      ))}
    </fieldset>
  );
}
