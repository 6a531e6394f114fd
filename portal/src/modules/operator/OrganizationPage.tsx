/**
 * One member organization for the operator: its details and code check, its chain state, its
 * people, and the commit actions KYC approval, suspension (with a reason) and reinstatement, each
 * followed live until the ledger has it.
 */
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router-dom";
import { get, idempotencyKey, post, queryClient, type Schemas } from "../../api/client";
import { useSession } from "../../shared/session";
import { CommitButton, CommitOutcome, useCommit } from "../../shared/commit";
import { formatDateTime } from "../../shared/dates";
import { Button, Card, DataTable, EmptyState, Field, Page, ProblemMessage, QueryState } from "../../shared/ui";
import { LiveOperation } from "../../shared/operation";
import { OrgStatus, RoleList } from "../../shared/organizations";
import { UsccResult } from "../../shared/UsccResult";

type User = Schemas["User"];

export function OrganizationPage() {
  const { id = "" } = useParams();
  const { t } = useTranslation(["operator", "common"]);
  const org = useQuery({ queryKey: ["organizations", "one", id], queryFn: () => get("/v1/organizations/{id}", { params: { path: { id } } }) });
  const users = useQuery({ queryKey: ["organizations", "users", id], queryFn: () => get("/v1/organizations/{id}/users", { params: { path: { id } } }) });
  return (
    <Page
      title={org.data?.legalName ?? t("org.title")}
      actions={
        <Link className="btn btn-secondary" to="/operator">
          {t("common:action.back")}
        </Link>
      }
    >
      <QueryState query={org}>
        {() => {
          const o = org.data!;
          return (
            <>
              <Card title={t("org.details")}>
                <dl className="details org-details">
                  <dt>{t("org.legalName")}</dt>
                  <dd>{o.legalName}</dd>
                  <dt>{t("org.uscc")}</dt>
                  <dd>
                    <UsccResult code={o.unifiedSocialCreditCode} />
                  </dd>
                  <dt>{t("org.roles")}</dt>
                  <dd>
                    <RoleList roles={o.roles} />
                  </dd>
                  <dt>{t("org.status")}</dt>
                  <dd>
                    <OrgStatus status={o.status} />
                    {o.suspensionReason ? <div className="reason">{t("org.suspendedFor", { reason: o.suspensionReason })}</div> : null}
                  </dd>
                  {o.enterpriseSize ? (
                    <>
                      <dt>{t("create.size")}</dt>
                      <dd>{t(`create.size.${o.enterpriseSize}`)}</dd>
                    </>
                  ) : null}
                  {o.settlementLicence ? (
                    <>
                      <dt>{t("create.licence")}</dt>
                      <dd>
                        {t(`create.licenceKind.${o.settlementLicence.kind}`)} <span className="mono">{o.settlementLicence.number}</span>（{o.settlementLicence.authority}）
                      </dd>
                    </>
                  ) : null}
                  <dt>{t("org.keyCustody")}</dt>
                  <dd>{t(`custody.${o.keyCustody}`)}</dd>
                  <dt>{t("org.ledgerAddress")}</dt>
                  <dd>{o.ledgerAddress ? <span className="mono">{o.ledgerAddress}</span> : "—"}</dd>
                  <dt>{t("org.chain")}</dt>
                  <dd>
                    {t(`chain.${o.chain.status}`)}
                    {o.chain.block ? ` · ${t("org.block", { block: o.chain.block })}` : ""}
                  </dd>
                  <dt>{t("org.kycApprovedAt")}</dt>
                  <dd>{formatDateTime(o.kycApprovedAt)}</dd>
                  <dt>{t("org.contacts")}</dt>
                  <dd>{o.contacts.length ? o.contacts.map((c) => `${c.name} <${c.email}>${c.phone ? ` ${c.phone}` : ""}`).join("；") : "—"}</dd>
                  <dt>{t("org.createdAt")}</dt>
                  <dd>{formatDateTime(o.createdAt)}</dd>
                </dl>
              </Card>
              <Actions org={o} />
            </>
          );
        }}
      </QueryState>
      <QueryState query={users}>
        {() => (
          <DataTable<User>
            caption={t("users.caption")}
            rows={users.data!.items}
            rowKey={(u) => u.id}
            empty={<EmptyState title={t("users.empty")} />}
            columns={[
              { key: "name", header: t("users.name"), rowHeader: true, cell: (u) => u.name },
              { key: "email", header: t("users.email"), cell: (u) => u.email },
              { key: "role", header: t("users.role"), cell: (u) => (u.role === "admin" ? t("common:duty.admin") : t("users.member")) },
              { key: "duty", header: t("users.duty"), cell: (u) => t(`common:duty.${u.duty}`) },
              { key: "signsIn", header: t("users.signsIn"), cell: (u) => (u.signsIn ? t("common:yes") : t("common:no")) },
              { key: "created", header: t("org.createdAt"), cell: (u) => formatDateTime(u.createdAt) },
            ]}
          />
        )}
      </QueryState>
      {users.data && !users.data.items.some((u) => u.role === "admin") ? <FirstAdmin orgId={id} /> : null}
    </Page>
  );
}

/**
 * The operator's one power inside a member: its first admin, invited by an operator approver while
 * the organization has none (the API refuses anything else).
 */
function FirstAdmin({ orgId }: { orgId: string }) {
  const { t } = useTranslation(["operator", "common"]);
  const session = useSession();
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const invite = useMutation({
    mutationFn: () =>
      post("/v1/organizations/{id}/invitations", {
        params: { path: { id: orgId }, header: { "idempotency-key": idempotencyKey() } },
        body: { email: email.trim(), name: name.trim(), duty: "approver", role: "admin" },
      }),
  });
  if (session.duty !== "approver" || orgId === session.organization.id) return null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    invite.mutate();
  };
  const link = invite.data ? `${window.location.origin}/portal/invitation/${invite.data.token}` : null;
  return (
    <Card title={t("firstAdmin.title")}>
      <p>{t("firstAdmin.hint")}</p>
      <form className="stack narrow" onSubmit={submit}>
        <Field label={t("firstAdmin.email")}>{(p) => <input {...p} type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />}</Field>
        <Field label={t("firstAdmin.name")}>{(p) => <input {...p} required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />}</Field>
        <ProblemMessage error={invite.error} />
        <div className="actions">
          <Button data-write="direct" type="submit" variant="primary" busy={invite.isPending} disabled={!email || !name || invite.isSuccess}>
            {t("firstAdmin.submit")}
          </Button>
        </div>
      </form>
      {invite.data && link ? (
        <div className="stack" role="status">
          <p>{t("firstAdmin.issued", { name: invite.data.name, expires: formatDateTime(invite.data.expiresAt) })}</p>
          <p className="mono">{link}</p>
        </div>
      ) : null}
    </Card>
  );
}

function Actions({ org }: { org: Schemas["Organization"] }) {
  const { t } = useTranslation(["operator", "common"]);
  const [opId, setOpId] = useState<string | null>(null);
  const done = (o: { kind: string; data?: { operation: { id: string } } }) => {
    if (o.kind === "done" && o.data) setOpId(o.data.operation.id);
    void queryClient.invalidateQueries({ queryKey: ["organizations"] });
  };
  const approve = useCommit("/v1/organizations/{id}/kyc-approval", { onDone: done });
  const suspend = useCommit("/v1/organizations/{id}/suspension", { onDone: done });
  const reinstate = useCommit("/v1/organizations/{id}/reinstatement", { onDone: done });
  const [reason, setReason] = useState("");
  const [reasonError, setReasonError] = useState<string>();
  if (approve.mode === "hidden") return null;
  const path = { id: org.id };
  const onSuspend = (e: FormEvent) => {
    e.preventDefault();
    const r = reason.trim();
    setReasonError(r.length < 3 ? t("actions.reasonShort") : undefined);
    if (r.length >= 3) suspend.mutate({ path, body: { reason: r } });
  };
  return (
    <Card title={t("actions.title")}>
      {org.status === "pending" ? (
        <div className="actions">
          <CommitButton commit={approve} label={t("actions.approve")} onClick={() => approve.mutate({ path, body: {} })} />
        </div>
      ) : null}
      {org.status === "active" || org.status === "kyc_approved" ? (
        <form className="stack narrow" onSubmit={onSuspend} noValidate>
          <Field label={t("actions.reason")} hint={t("actions.reasonHint")} error={reasonError}>
            {(p) => <textarea {...p} rows={2} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />}
          </Field>
          <div className="actions">
            <CommitButton commit={suspend} type="submit" variant="danger" label={t("actions.suspend")} />
          </div>
        </form>
      ) : null}
      {org.status === "suspended" ? (
        <div className="actions">
          <CommitButton commit={reinstate} label={t("actions.reinstate")} onClick={() => reinstate.mutate({ path, body: {} })} />
        </div>
      ) : null}
      {opId ? <LiveOperation id={opId} /> : null}
      <CommitOutcome commit={approve} />
      <CommitOutcome commit={suspend} />
      <CommitOutcome commit={reinstate} />
    </Card>
  );
}
