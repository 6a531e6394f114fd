/**
 * The member's payout bank account, to which its withdrawals are paid: shown to its people (the
 * number in full only to its approvers), set or changed by an approver (a clerk submits the change
 * for approval). The withdrawal form names it, or says to set it first.
 */
import { useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { get, queryClient, type Schemas } from "../../api/client";
import { CommitButton, CommitOutcome, useCommit } from "../../shared/commit";
import { formatDateTime } from "../../shared/dates";
import { Button, Card, Field, Notice, QueryState } from "../../shared/ui";

export const payoutKey = ["settlement", "payout-account"] as const;
type Account = NonNullable<Schemas["PayoutAccount"]["account"]>;

export function usePayoutAccount(organizationId = "") {
  return useQuery({
    queryKey: [...payoutKey, organizationId],
    queryFn: () => get("/v1/settlement/payout-account", { params: { query: organizationId ? { organizationId } : {} } }),
  });
}

/** An account in one line: bank, branch, account name and number (as the reader may see it). */
export function payoutLine(a: { bankName: string; branch: string | null; accountName: string; accountNumber?: string; accountNumberMasked?: string }) {
  return [a.bankName, a.branch, a.accountName, a.accountNumber ?? a.accountNumberMasked].filter(Boolean).join(" · ");
}

const DIGITS = /^[0-9]{6,32}$/;

/** The card on the settlement page: the account on file, and (for those who may change it) the form. */
export function PayoutAccountCard({ organizationId = "", own }: { organizationId?: string; own: boolean }) {
  const { t } = useTranslation(["settlement", "common"]);
  const account = usePayoutAccount(organizationId);
  const [editing, setEditing] = useState(false);
  return (
    <Card title={t("payout.title")}>
      <QueryState query={account}>
        {() => {
          const a = account.data!.account;
          return (
            <div className="stack">
              {a ? (
                <dl className="details compact">
                  <dt>{t("payout.bankName")}</dt>
                  <dd>{a.bankName}</dd>
                  {a.branch ? (
                    <>
                      <dt>{t("payout.branch")}</dt>
                      <dd>{a.branch}</dd>
                    </>
                  ) : null}
                  <dt>{t("payout.accountName")}</dt>
                  <dd>{a.accountName}</dd>
                  <dt>{t("payout.accountNumber")}</dt>
                  <dd>
                    <span className="mono">{a.accountNumber}</span>
                    {a.masked ? <span className="muted"> {t("payout.masked")}</span> : null}
                  </dd>
                  <dt>{t("payout.updatedAt")}</dt>
                  <dd>{formatDateTime(a.updatedAt)}</dd>
                </dl>
              ) : (
                <Notice tone={own ? "warning" : "info"}>{own ? t("payout.noneOwn") : t("payout.none")}</Notice>
              )}
              {own ? editing || !a ? <PayoutForm current={a} onDone={() => setEditing(false)} /> : <ChangeButton onClick={() => setEditing(true)} /> : null}
            </div>
          );
        }}
      </QueryState>
    </Card>
  );
}

function ChangeButton({ onClick }: { onClick: () => void }) {
  const { t } = useTranslation("settlement");
  const commit = useCommit("/v1/settlement/payout-account");
  if (commit.mode === "hidden") return null;
  return (
    <div className="actions">
      <Button onClick={onClick}>{t("payout.change")}</Button>
    </div>
  );
}

function PayoutForm({ current, onDone }: { current: Account | null; onDone: () => void }) {
  const { t } = useTranslation(["settlement", "common"]);
  const commit = useCommit("/v1/settlement/payout-account", {
    onDone: (outcome) => {
      void queryClient.invalidateQueries({ queryKey: payoutKey });
      if (outcome.kind === "done") onDone();
    },
  });
  const [bankName, setBankName] = useState(current?.bankName ?? "");
  const [branch, setBranch] = useState(current?.branch ?? "");
  const [accountName, setAccountName] = useState(current?.accountName ?? "");
  // a masked number is not a number to keep: the approver types it again
  const [accountNumber, setAccountNumber] = useState(current && !current.masked ? current.accountNumber : "");
  const [errors, setErrors] = useState<{ bankName?: string; accountName?: string; accountNumber?: string }>({});
  if (commit.mode === "hidden") return null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const digits = accountNumber.replace(/[\s-]/g, "");
    const next = {
      bankName: bankName.trim().length >= 2 ? undefined : t("payout.bankNameInvalid"),
      accountName: accountName.trim().length >= 2 ? undefined : t("payout.accountNameInvalid"),
      accountNumber: DIGITS.test(digits) ? undefined : t("payout.accountNumberInvalid"),
    };
    setErrors(next);
    if (next.bankName || next.accountName || next.accountNumber) return;
    commit.mutate({ body: { bankName: bankName.trim(), branch: branch.trim() || null, accountName: accountName.trim(), accountNumber: digits } });
  };
  return (
    <form className="stack" onSubmit={submit} noValidate>
      <Field label={t("payout.bankName")} error={errors.bankName}>
        {(p) => <input {...p} value={bankName} onChange={(e) => setBankName(e.target.value)} autoComplete="off" />}
      </Field>
      <Field label={t("payout.branchOptional")}>{(p) => <input {...p} value={branch} onChange={(e) => setBranch(e.target.value)} autoComplete="off" />}</Field>
      <Field label={t("payout.accountName")} hint={t("payout.accountNameHint")} error={errors.accountName}>
        {(p) => <input {...p} value={accountName} onChange={(e) => setAccountName(e.target.value)} autoComplete="off" />}
      </Field>
      <Field label={t("payout.accountNumber")} error={errors.accountNumber}>
        {(p) => <input {...p} inputMode="numeric" value={accountNumber} onChange={(e) => setAccountNumber(e.target.value)} autoComplete="off" />}
      </Field>
      <div className="actions">
        <CommitButton commit={commit} type="submit" label={t("payout.save")} />
      </div>
      <CommitOutcome commit={commit} />
    </form>
  );
}

/** What the withdrawal form says of where the money goes. */
export function PayoutDestination() {
  const { t } = useTranslation("settlement");
  const account = usePayoutAccount();
  const a = account.data?.account;
  if (account.isPending) return null;
  if (!a) return <Notice tone="warning">{t("withdraw.noAccount")}</Notice>;
  return (
    <dl className="details compact">
      <dt>{t("withdraw.to")}</dt>
      <dd>{payoutLine(a)}</dd>
    </dl>
  );
}
