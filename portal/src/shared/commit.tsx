/**
 * Four-eyes in one place. A commit action (portal-contract.md, "Commit actions") is run directly by
 * an approver, submitted as a draft (POST /v1/drafts, same body) by a clerk, and not offered at all
 * to viewers and auditors. Pages use:
 *
 *   const accept = useCommit("/v1/quotes/{id}/acceptance");
 *   <CommitButton commit={accept} label={t("financing:quote.accept")}
 *     onClick={() => accept.mutate({ path: { id: quote.id }, body: {} })} />
 *   <CommitOutcome commit={accept} />   // "submitted for approval" or the problem
 *
 * and `useDuty().canPrepare` for the clerk-level writes (upload invoices, register receivables…).
 *
 * Every control that writes carries a `data-write` attribute (CommitButton sets it; a control guarded
 * by `canPrepare` sets it itself), so that the browser tests can assert that a read-only person
 * (viewer, auditor) is offered none: test/portal/support/browser.ts writeControls.
 */
import { useMutation } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { idempotencyKey, post, queryClient, type Schemas } from "../api/client";
import type { paths } from "../api/schema";
import type { Duty } from "./module";
import { useSession } from "./session";
import { Button, Notice, ProblemMessage } from "./ui";

export const COMMIT_ACTIONS = [
  "/v1/receivables/confirmations",
  "/v1/receivables/rejections",
  "/v1/receivables/issuances",
  "/v1/receivables/{id}/splits",
  "/v1/receivables/{id}/transfers",
  "/v1/receivables/acceptances",
  "/v1/receivables/refusals",
  "/v1/receivables/defaults",
  "/v1/receivables/recourse-claims",
  "/v1/credit-lines",
  "/v1/financing-requests/{id}/quotes",
  "/v1/quotes/{id}/withdrawal",
  "/v1/quotes/{id}/acceptance",
  "/v1/settlement/deposits",
  "/v1/settlement/withdrawals",
  "/v1/settlement/repayment-authorization",
  "/v1/settlement/payout-account",
  "/v1/organizations/{id}/kyc-approval",
  "/v1/organizations/{id}/suspension",
  "/v1/organizations/{id}/reinstatement",
] as const satisfies readonly (keyof paths)[];
export type CommitPath = (typeof COMMIT_ACTIONS)[number];

/** How this person meets a commit action: does it, drafts it, or never sees it. */
export type CommitMode = "direct" | "draft" | "hidden";

export interface DutyView {
  duty: Duty;
  /** Runs commit actions itself. */
  canCommit: boolean;
  /** May prepare (clerk-level writes: uploads, registrations, requests). */
  canPrepare: boolean;
  commitMode: CommitMode;
}

export function useDuty(): DutyView {
  const session = useSession();
  // an auditor organization's people read only, whatever their duty (the API answers DUTY.READ_ONLY)
  const duty: Duty = session.has("auditor") ? "viewer" : session.duty;
  return {
    duty,
    canCommit: duty === "approver",
    canPrepare: duty === "approver" || duty === "clerk",
    commitMode: duty === "approver" ? "direct" : duty === "clerk" ? "draft" : "hidden",
  };
}

type Post<P extends CommitPath> = paths[P]["post"];
type BodyOf<P extends CommitPath> = Post<P> extends { requestBody?: { content: { "application/json": infer B } } } ? B : never;
type Success<R> = R extends { 200: { content: { "application/json": infer D } } }
  ? D
  : R extends { 201: { content: { "application/json": infer D } } }
    ? D
    : R extends { 202: { content: { "application/json": infer D } } }
      ? D
      : never;
export type CommitData<P extends CommitPath> = Success<Post<P>["responses"]>;

export type CommitVariables<P extends CommitPath> = {
  /** The path's parameters ({id}), if it has any. */
  path?: Record<string, string>;
  body: BodyOf<P>;
};

export type CommitOutcomeValue<P extends CommitPath> = { kind: "done"; data: CommitData<P> } | { kind: "drafted"; draft: Schemas["Draft"] };

const fillPath = (template: string, params: Record<string, string> = {}) =>
  template.replace(/\{(\w+)\}/g, (_, k: string) => {
    const v = params[k];
    if (v === undefined) throw new Error(`missing path parameter ${k} for ${template}`);
    return encodeURIComponent(v);
  });

/** The mutation behind a commit action: direct for approvers, a draft for clerks. */
export function useCommit<P extends CommitPath>(path: P, options: { onDone?: (outcome: CommitOutcomeValue<P>) => void } = {}) {
  const view = useDuty();
  const mutation = useMutation({
    mutationFn: async (vars: CommitVariables<P>): Promise<CommitOutcomeValue<P>> => {
      if (view.commitMode === "hidden") throw new Error("read-only duty");
      const header = { "idempotency-key": idempotencyKey() };
      if (view.commitMode === "draft") {
        const draft = await post("/v1/drafts", {
          params: { header },
          body: { method: "post", path: fillPath(path, vars.path), body: (vars.body ?? {}) as Record<string, unknown> },
        });
        void queryClient.invalidateQueries({ queryKey: ["drafts"] });
        return { kind: "drafted", draft };
      }
      // the path is one of the typed commit actions; its body type is checked at the call site
      const data = await (post as unknown as (url: string, init: unknown) => Promise<CommitData<P>>)(path, {
        params: { path: vars.path, header },
        body: vars.body,
      });
      return { kind: "done", data };
    },
    onSuccess: (outcome) => options.onDone?.(outcome),
  });
  return { ...mutation, mode: view.commitMode };
}

type CommitHandle = { mode: CommitMode; isPending: boolean };

/** The commit button: the action's own label for approvers, "Submit for approval" for clerks, nothing for readers. */
export function CommitButton({
  commit,
  label,
  onClick,
  disabled,
  variant = "primary",
  type = "button",
}: {
  commit: CommitHandle;
  label: ReactNode;
  onClick?: () => void;
  disabled?: boolean;
  variant?: "primary" | "secondary" | "danger";
  type?: "button" | "submit";
}) {
  const { t } = useTranslation("common");
  if (commit.mode === "hidden") return null;
  return (
    <Button type={type} variant={variant} onClick={onClick} disabled={disabled} busy={commit.isPending} data-write={commit.mode}>
      {commit.mode === "draft" ? (
        <>
          {t("commit.submitForApproval")}
          <span className="visually-hidden">: {label}</span>
        </>
      ) : (
        label
      )}
    </Button>
  );
}

/** What became of the last commit: the draft notice for clerks, or the problem. */
export function CommitOutcome<P extends CommitPath>({ commit }: { commit: { data?: CommitOutcomeValue<P>; error: unknown } }) {
  const { t } = useTranslation("common");
  if (commit.error) return <ProblemMessage error={commit.error} />;
  if (commit.data?.kind === "drafted")
    return (
      <Notice tone="success">
        {t("commit.submitted")} <Link to="/approvals/mine">{t("commit.viewDrafts")}</Link>
      </Notice>
    );
  return null;
}
