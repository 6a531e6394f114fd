/**
 * The settlement account: balance and repayment authorization, movements (what each was for, with
 * whom, for which certificates), the payout bank account and a withdrawal to it (commit actions),
 * and for the settlement issuer recording a deposit (a commit action). Operators and auditors may
 * look at any organization's account (its payout account masked).
 */
import { useQuery } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { get, queryClient, type Schemas } from "../../api/client";
import { useSession } from "../../shared/session";
import { CommitButton, CommitOutcome, useCommit } from "../../shared/commit";
import { formatDateTime } from "../../shared/dates";
import { Money } from "../../shared/Money";
import { parseYuan } from "../../shared/money";
import { Card, DataTable, EmptyState, Field, Page, ProblemMessage, QueryState, Stat, StatusBadge } from "../../shared/ui";
import { Hash, LiveOperation } from "../../shared/operation";
import { useMembers } from "../../shared/organizations";
import { PayoutAccountCard, PayoutDestination, payoutLine, usePayoutAccount } from "./PayoutAccount";

type Movement = Schemas["SettlementMovement"];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PURPOSE_TONE: Record<Movement["purpose"], "success" | "warning" | "info" | "neutral" | "danger"> = {
  deposit: "success",
  withdrawal: "warning",
  financing_advance: "info",
  repayment: "success",
  recourse: "danger",
  held_payout: "info",
  transfer: "neutral",
};

export const settlementKey = ["settlement"] as const;

function useOrganizations(enabled: boolean) {
  return useQuery({ queryKey: ["organizations", "names"], queryFn: () => get("/v1/organizations", { params: { query: { limit: 200 } } }), enabled, staleTime: 60_000 });
}

export function SettlementPage() {
  const { t } = useTranslation(["settlement", "common"]);
  const session = useSession();
  const readsAll = session.has("operator") || session.has("auditor");
  const orgs = useOrganizations(readsAll);
  const [orgId, setOrgId] = useState("");
  const query = orgId ? { organizationId: orgId } : {};
  const account = useQuery({ queryKey: [...settlementKey, "account", orgId], queryFn: () => get("/v1/settlement/account", { params: { query } }) });
  const movements = useQuery({ queryKey: [...settlementKey, "movements", orgId], queryFn: () => get("/v1/settlement/movements", { params: { query: { ...query, limit: 200 } } }) });
  const own = orgId === "" || orgId === session.organization.id;
  const paysOut = (["core_enterprise", "supplier", "bank", "settlement_issuer"] as const).some((r) => session.has(r));
  const address = account.data?.address?.toLowerCase();

  return (
    <Page title={t("page.account")}>
      {readsAll ? (
        <div className="filters">
          <Field label={t("account.organization")}>
            {(p) => (
              <select {...p} value={orgId} onChange={(e) => setOrgId(e.target.value)}>
                <option value="">{session.organization.legalName}</option>
                {(orgs.data?.items ?? [])
                  .filter((o) => o.id !== session.organization.id)
                  .map((o) => (
                    <option key={o.id} value={o.id}>
                      {o.legalName}
                    </option>
                  ))}
              </select>
            )}
          </Field>
        </div>
      ) : null}
      <QueryState query={account}>
        {() => (
          <Card title={t("account.title")}>
            <dl className="stats">
              <Stat label={t("account.balance")} value={<Money fen={account.data!.balance} />} />
              <Stat label={t("account.authorization")} value={<Money fen={account.data!.repaymentAuthorization} />} hint={t("account.authorizationHint")} />
            </dl>
            <dl className="details compact">
              <dt>{t("account.address")}</dt>
              <dd>{account.data!.address ? <Hash value={account.data!.address} /> : t("account.noAddress")}</dd>
            </dl>
          </Card>
        )}
      </QueryState>
      {own ? (
        <>
          <div className="grid-2">
            {paysOut ? <Withdraw /> : null}
            {session.has("settlement_issuer") ? <Deposit /> : null}
          </div>
          {paysOut ? <PayoutAccountCard own /> : null}
        </>
      ) : readsAll ? (
        <PayoutAccountCard organizationId={orgId} own={false} />
      ) : null}
      <QueryState query={movements}>
        {() => (
          <DataTable<Movement>
            caption={t("movements.caption")}
            rows={movements.data!.items}
            rowKey={(m) => m.id}
            empty={<EmptyState title={t("movements.empty")} />}
            columns={[
              { key: "at", header: t("movements.at"), rowHeader: true, cell: (m) => formatDateTime(m.at) },
              { key: "purpose", header: t("movements.purpose"), cell: (m) => <StatusBadge status={m.purpose} tone={PURPOSE_TONE[m.purpose]} label={t(`purpose.${m.purpose}`)} /> },
              {
                key: "counterparty",
                header: t("movements.counterparty"),
                cell: (m) =>
                  m.counterparty?.name ??
                  (m.payoutAccount ? t("movements.paidTo", { account: payoutLine(m.payoutAccount) }) : m.kind === "transfer" ? "—" : t("movements.settlementBank")),
              },
              {
                key: "certificates",
                header: t("movements.certificates"),
                cell: (m) => (m.certificateIds.length ? m.certificateIds.map((c) => `#${c}`).join("、") : "—"),
              },
              {
                key: "direction",
                header: t("movements.direction"),
                cell: (m) => (address && m.toAddress?.toLowerCase() === address ? t("movements.in") : address && m.fromAddress?.toLowerCase() === address ? t("movements.out") : "—"),
              },
              { key: "amount", header: t("movements.amount"), numeric: true, cell: (m) => <Money fen={m.amount} /> },
              { key: "record", header: t("movements.record"), cell: (m) => <Hash value={m.txHash} /> },
            ]}
          />
        )}
      </QueryState>
    </Page>
  );
}

function Withdraw() {
  const { t } = useTranslation(["settlement", "common"]);
  const withdraw = useCommit("/v1/settlement/withdrawals", { onDone: () => void queryClient.invalidateQueries({ queryKey: settlementKey }) });
  const [amount, setAmount] = useState("");
  const [error, setError] = useState<string>();
  // a refusal for want of a payout account is answered once one is set: it no longer stands
  const payoutSet = usePayoutAccount().data?.account?.updatedAt;
  const { reset } = withdraw;
  useEffect(() => reset(), [payoutSet, reset]);
  if (withdraw.mode === "hidden") return null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const p = parseYuan(amount);
    setError(p.ok ? undefined : t(`common:money.${p.reason}`));
    if (p.ok) withdraw.mutate({ body: { amount: p.fen } });
  };
  return (
    <Card title={t("withdraw.title")}>
      <form className="stack" onSubmit={submit} noValidate>
        <PayoutDestination />
        <Field label={t("withdraw.amount")} hint={t("withdraw.hint")} error={error}>
          {(p) => <input {...p} inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} />}
        </Field>
        <div className="actions">
          <CommitButton commit={withdraw} type="submit" label={t("withdraw.submit")} />
        </div>
        {withdraw.data?.kind === "done" ? <LiveOperation id={withdraw.data.data.id} /> : null}
        <CommitOutcome commit={withdraw} />
      </form>
    </Card>
  );
}

function Deposit() {
  const { t } = useTranslation(["settlement", "common"]);
  const deposit = useCommit("/v1/settlement/deposits", { onDone: () => void queryClient.invalidateQueries({ queryKey: settlementKey }) });
  const members = useMembers();
  const [organizationId, setOrganizationId] = useState("");
  const [amount, setAmount] = useState("");
  const [errors, setErrors] = useState<{ org?: string; amount?: string }>({});
  if (deposit.mode === "hidden") return null;
  const active = (members.data ?? []).filter((o) => o.status === "active");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const p = parseYuan(amount);
    const next = { org: UUID.test(organizationId) ? undefined : t("deposit.orgInvalid"), amount: p.ok ? undefined : t(`common:money.${p.reason}`) };
    setErrors(next);
    if (!next.org && p.ok) deposit.mutate({ body: { organizationId, amount: p.fen } });
  };
  return (
    <Card title={t("deposit.title")}>
      <form className="stack" onSubmit={submit} noValidate>
        <Field label={t("deposit.organization")} error={errors.org}>
          {(p) => (
            <select {...p} value={organizationId} onChange={(e) => setOrganizationId(e.target.value)}>
              <option value="">{t("deposit.choose")}</option>
              {active.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.legalName}（{o.unifiedSocialCreditCode}）
                </option>
              ))}
            </select>
          )}
        </Field>
        <ProblemMessage error={members.error} />
        <Field label={t("deposit.amount")} hint={t("common:money.format")} error={errors.amount}>
          {(p) => <input {...p} inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} />}
        </Field>
        <div className="actions">
          <CommitButton commit={deposit} type="submit" label={t("deposit.submit")} />
        </div>
        {deposit.data?.kind === "done" ? <LiveOperation id={deposit.data.data.id} /> : null}
        <CommitOutcome commit={deposit} />
      </form>
    </Card>
  );
}
