import { useState, type FormEvent } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { get, idempotencyKey, post, queryClient, type Schemas } from "../../api/client";
import { DUTIES, type Duty } from "../../shared/module";
import { useSession } from "../../shared/session";
import { fieldProblems } from "../../i18n/problem";
import { formatDateTime } from "../../shared/dates";
import { Button, Card, DataTable, Field, Page, ProblemMessage, QueryState, StatusBadge } from "../../shared/ui";

type User = Schemas["User"];

export function UsersPage() {
  const { t } = useTranslation("onboarding");
  const session = useSession();
  const orgId = session.organization.id;
  // adding people and changing duties hand out the power to act for the organization: an admin who
  // is also an approver (an auditor organization's admin reads its people but changes nothing; its
  // duty reads as viewer here)
  const manages = session.isAdmin && session.duty === "approver" && !session.has("auditor");
  const users = useQuery({ queryKey: ["users", orgId], queryFn: () => get("/v1/organizations/{id}/users", { params: { path: { id: orgId } } }) });
  return (
    <Page title={t("users.title")}>
      <QueryState query={users}>
        {() => (
          <DataTable<User>
            caption={t("users.caption", { organization: session.organization.legalName })}
            rows={users.data?.items ?? []}
            rowKey={(u) => u.id}
            columns={[
              { key: "name", header: t("users.name"), cell: (u) => u.name, rowHeader: true },
              { key: "email", header: t("users.email"), cell: (u) => u.email },
              { key: "duty", header: t("users.duty"), cell: (u) => (manages && u.id !== session.user.id ? <DutySelect user={u} /> : t(`common:duty.${u.duty}`)) },
              { key: "role", header: t("users.admin"), cell: (u) => (u.role === "admin" ? t("common:yes") : t("common:no")) },
              {
                key: "signsIn",
                header: t("users.signsIn"),
                cell: (u) => <StatusBadge status={u.signsIn ? "active" : "pending"} label={u.signsIn ? t("users.signsInYes") : t("users.signsInNo")} />,
              },
              { key: "created", header: t("users.created"), cell: (u) => formatDateTime(u.createdAt) },
            ]}
          />
        )}
      </QueryState>
      {manages ? <InviteForm /> : null}
    </Page>
  );
}

function DutySelect({ user }: { user: User }) {
  const { t } = useTranslation("onboarding");
  const change = useMutation({
    mutationFn: (duty: Duty) =>
      post("/v1/organizations/{id}/users/{userId}/duty", {
        params: { path: { id: user.organizationId, userId: user.id }, header: { "idempotency-key": idempotencyKey() } },
        body: { duty },
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["users", user.organizationId] }),
  });
  return (
    <>
      <select data-write="admin"
        aria-label={t("users.dutyOf", { name: user.name })}
        value={user.duty}
        disabled={change.isPending}
        onChange={(e) => change.mutate(e.target.value as Duty)}
      >
        {DUTIES.map((d) => (
          <option key={d} value={d}>
            {t(`common:duty.${d}`)}
          </option>
        ))}
      </select>
      <ProblemMessage error={change.error} />
    </>
  );
}

function InviteForm() {
  const { t } = useTranslation("onboarding");
  const session = useSession();
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [duty, setDuty] = useState<Duty>("clerk");
  const [admin, setAdmin] = useState(false);
  const [copied, setCopied] = useState(false);
  const invite = useMutation({
    mutationFn: () =>
      post("/v1/organizations/{id}/invitations", {
        params: { path: { id: session.organization.id }, header: { "idempotency-key": idempotencyKey() } },
        body: { email: email.trim(), name: name.trim(), duty, role: admin ? "admin" : "member" },
      }),
    onSuccess: () => {
      setEmail("");
      setName("");
      setCopied(false);
      void queryClient.invalidateQueries({ queryKey: ["users", session.organization.id] });
    },
  });
  const link = invite.data ? `${window.location.origin}/portal/invitation/${invite.data.token}` : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    invite.mutate();
  };
  const fields = fieldProblems(invite.error);
  return (
    <Card title={t("invite.title")}>
      <form className="stack" onSubmit={submit}>
        <div className="form-row">
          <Field label={t("invite.email")} error={fields.email}>
            {(p) => <input {...p} type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />}
          </Field>
          <Field label={t("invite.name")} error={fields.name}>
            {(p) => <input {...p} required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />}
          </Field>
          <Field label={t("invite.duty")} hint={t(`invite.dutyHint.${duty}`)}>
            {(p) => (
              <select {...p} value={duty} onChange={(e) => setDuty(e.target.value as Duty)}>
                {DUTIES.map((d) => (
                  <option key={d} value={d}>
                    {t(`common:duty.${d}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <label className="checkbox">
          <input type="checkbox" checked={admin} onChange={(e) => setAdmin(e.target.checked)} />
          {t("invite.admin")}
        </label>
        <ProblemMessage error={invite.error} />
        <div className="actions">
          <Button data-write="admin" type="submit" variant="primary" busy={invite.isPending} disabled={!email || !name}>
            {t("invite.submit")}
          </Button>
        </div>
      </form>
      {invite.data && link ? (
        <div className="stack" role="status">
          <p>{t("invite.issued", { name: invite.data.name, expires: formatDateTime(invite.data.expiresAt) })}</p>
          <div className="copy-box">
            <code aria-label={t("invite.link")}>{link}</code>
            <Button
              onClick={() => {
                void navigator.clipboard?.writeText(link).then(() => setCopied(true));
              }}
            >
              {copied ? t("common:action.copied") : t("common:action.copy")}
            </Button>
          </div>
          <p className="muted">{t("invite.once")}</p>
        </div>
      ) : null}
    </Card>
  );
}
